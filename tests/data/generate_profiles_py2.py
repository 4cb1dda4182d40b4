"""Print what this interpreter's own pstats says about profiles (the oracle of make_profiles.py).

Runs under every CPython from 2.7 on, so it is written in the subset both languages share.

    python generate_profiles_py2.py FILE.stats [FILE.stats ...]   > oracle.json
"""

import json
import pstats
import sys


def name_of(func):
    """The key's name; the profile module's code-object key gets perfkit's readable summary."""
    name = func[2]
    if hasattr(name, "co_name"):
        return "<code object %s %s:%d>" % (name.co_name, name.co_filename, name.co_firstlineno)
    return name


def oracle(path):
    stats = pstats.Stats(path)
    functions = []
    for func, (cc, nc, tt, ct, callers) in stats.stats.items():
        edges = []
        for caller, value in callers.items():
            key = [caller[0], caller[1], name_of(caller)]
            edges.append(key + (list(value) if isinstance(value, tuple) else [value]))
        functions.append([func[0], func[1], name_of(func), cc, nc, tt, ct, sorted(edges)])
    return {
        "python": "%d.%d.%d" % sys.version_info[:3],
        "total_calls": stats.total_calls,
        "primitive_calls": stats.prim_calls,
        "total_time": stats.total_tt,
        "functions": sorted(functions),
    }


def main():
    result = {}
    for path in sys.argv[1:]:
        result[path] = oracle(path)
    sys.stdout.write(json.dumps(result, sort_keys=True, indent=1) + "\n")


if __name__ == "__main__":
    main()
