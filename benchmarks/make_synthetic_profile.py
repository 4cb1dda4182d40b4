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


def _keys(count: int, rng: random.Random) -> list[Key]:
    """Function keys: about 20 functions per file, line numbers increasing within a file."""
    keys: list[Key] = [("~", 0, name) for name in _BUILTINS]
    file_index = 0
    while len(keys) < count:
        root = _ROOTS[file_index % len(_ROOTS)]
        path = root.format(pkg=f"pkg{file_index // 7}", mod=f"mod{file_index}")
        line = 1
        for index in range(min(20, count - len(keys))):
            line += rng.randint(3, 40)
            keys.append((path, line, f"func_{file_index}_{index}"))
        file_index += 1
    return keys[:count]


def _edge(rng: random.Random) -> tuple[int, int, float, float]:
    calls = rng.randint(1, 500)
    tottime = calls * rng.uniform(1e-6, 1e-3)
    return (calls, calls, tottime, tottime * rng.uniform(1.0, 4.0))


def _entry(callers: dict, rng: random.Random) -> tuple:
    """A function's value tuple, consistent with its callers' edge tuples."""
    nc = sum(edge[0] for edge in callers.values()) or 1
    tt = sum(edge[2] for edge in callers.values()) or rng.uniform(1e-6, 1e-3)
    ct = sum(edge[3] for edge in callers.values()) or tt
    return (nc, nc, tt, ct, callers)


def _base(count: int, rng: random.Random) -> dict:
    keys = _keys(count, rng)
    stats: dict = {}
    for position, key in enumerate(keys):
        callers = {}
        if position > 0:
            for _ in range(rng.randint(1, 3)):
                callers[keys[rng.randrange(0, len(keys))]] = _edge(rng)
        stats[key] = _entry(callers, rng)
    return stats


def _changed(base: dict, rng: random.Random) -> dict:
    """The same program after a change: 1 % of functions gone, 1 % new, a quarter of the files
    with lines drifted by a few lines, a tenth of the edges with other call counts, all times
    jittered by a few percent."""
    keys = list(base)
    removed = set(rng.sample(keys[len(_BUILTINS) :], max(1, len(keys) // 100)))
    files = sorted({key[0] for key in keys if key[0] != "~"})
    drift = {file: rng.choice((2, 3, -1)) for file in rng.sample(files, len(files) // 4)}

    def moved(key: Key) -> Key:
        return (key[0], max(1, key[1] + drift.get(key[0], 0)), key[2])

    stats: dict = {}
    for key, (_, _, _, _, callers) in base.items():
        if key in removed:
            continue
        edges = {}
        for caller, (nc, _, tt, ct) in callers.items():
            if caller in removed:
                continue
            if rng.random() < 0.1:
                nc = max(1, nc + rng.randint(-nc // 2, nc))
            jitter = rng.uniform(0.95, 1.05)
            edges[moved(caller)] = (nc, nc, tt * jitter, ct * jitter)
        stats[moved(key)] = _entry(edges, rng)
    survivors = list(stats)
    for index in range(len(removed)):
        key = (
            f"/home/ci/work/app/src/newpkg/new{index // 20}.py",
            10 + index % 20 * 7,
            f"added_{index}",
        )
        stats[key] = _entry({survivors[rng.randrange(len(survivors))]: _edge(rng)}, rng)
    return stats


def synthetic_stats(count: int, variant: str = "base", seed: int = 1) -> dict:
    """The stats dict of a synthetic profile (``variant`` is ``base`` or ``new``)."""
    base = _base(count, random.Random(seed))
    return base if variant == "base" else _changed(base, random.Random(seed + 1))


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
