"""Write synthetic pstats files shaped like real cProfile output, for the perfkit benchmarks.

A profile of N functions spreads them over N/20 source files under a virtualenv, the standard
library and a project checkout, adds C built-ins under the ``~`` file, and gives every function
one to three callers with the per-edge tuples cProfile writes.  ``--variant new`` derives a second
profile of the same program "after a change": a few functions removed and added, line numbers
drifted in some files, call counts and times changed, so that a diff has real work to do.

    python benchmarks/make_synthetic_profile.py 20000 base.stats
    python benchmarks/make_synthetic_profile.py 20000 new.stats --variant new
"""

from __future__ import annotations

import argparse
import marshal
import random
from pathlib import Path

Key = tuple[str, int, str]

_ROOTS = (
    "/home/ci/work/app/.venv/lib/python3.11/site-packages/{pkg}/{mod}.py",
    "/usr/lib/python3.11/{pkg}/{mod}.py",
    "/home/ci/work/app/src/{pkg}/{mod}.py",
)
_BUILTINS = (
    "<method 'recv' of '_socket.socket' objects>",
    "<method 'recv_into' of '_socket.socket' objects>",
    "<method 'sendall' of '_socket.socket' objects>",
    "<built-in method builtins.len>",
    "<built-in method builtins.isinstance>",
    "<built-in method time.sleep>",
    "<method 'append' of 'list' objects>",
    "<method 'disable' of '_lsprof.Profiler' objects>",
)


def _keys(count: int, rng: random.Random, drift: bool) -> list[Key]:
    """Function keys: about 20 functions per file, line numbers increasing within a file."""
    keys: list[Key] = [("~", 0, name) for name in _BUILTINS]
    file_index = 0
    while len(keys) < count:
        root = _ROOTS[file_index % len(_ROOTS)]
        path = root.format(pkg=f"pkg{file_index // 7}", mod=f"mod{file_index}")
        shift = rng.choice((0, 0, 3, -2)) if drift else 0
        line = 1
        for index in range(min(20, count - len(keys))):
            line += rng.randint(3, 40)
            keys.append((path, max(1, line + shift), f"func_{file_index}_{index}"))
        file_index += 1
    return keys[:count]


def _stats(keys: list[Key], rng: random.Random) -> dict:
    """Value tuples (cc, nc, tt, ct, callers) with consistent per-edge tuples."""
    stats: dict = {}
    for position, key in enumerate(keys):
        callers: dict = {}
        if position > 0:
            for _ in range(rng.randint(1, 3)):
                caller = keys[rng.randrange(0, len(keys))]
                calls = rng.randint(1, 500)
                tottime = calls * rng.uniform(1e-6, 1e-3)
                callers[caller] = (calls, calls, tottime, tottime * rng.uniform(1.0, 4.0))
        nc = sum(edge[0] for edge in callers.values()) or 1
        tt = sum(edge[2] for edge in callers.values()) or rng.uniform(1e-6, 1e-3)
        ct = sum(edge[3] for edge in callers.values()) or tt
        stats[key] = (nc, nc, tt, ct, callers)
    return stats


def synthetic_stats(count: int, variant: str = "base", seed: int = 1) -> dict:
    """The stats dict of a synthetic profile (``variant`` is ``base`` or ``new``)."""
    rng = random.Random(seed)
    keys = _keys(count, rng, drift=False)
    if variant == "new":
        change = random.Random(seed + 1)
        keys = _keys(count, change, drift=True)
        removed = set(change.sample(range(len(_BUILTINS), len(keys)), max(1, count // 100)))
        keys = [key for index, key in enumerate(keys) if index not in removed]
        keys += [(f"/srv/build/app/src/newpkg/new{i}.py", 10 + i, f"added_{i}") for i in removed]
        rng = change
    return _stats(keys, rng)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("functions", type=int, help="number of functions in the profile")
    parser.add_argument("output", type=Path, help="pstats file to write")
    parser.add_argument("--variant", choices=("base", "new"), default="base")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.output.write_bytes(marshal.dumps(synthetic_stats(args.functions, args.variant, args.seed)))


if __name__ == "__main__":
    main()
