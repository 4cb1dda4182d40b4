"""Per-function call counts of one cProfile run, keyed by normalised module and name.

Line numbers change with every edit above a function, so counts are keyed by (module, name),
as perfkit pairs functions; functions of one module that share a name (methods
``A.get`` and ``B.get``: pstats keys carry the bare name) are counted together.  Built-ins keep
their pstats name without object addresses.  The table has the columns a ``Selector`` matches
on (``file``, ``line``, ``name``, ``module``, ``function``, ``builtin``) plus ``ncalls`` and
``pcalls``.
"""

from __future__ import annotations

import cProfile
from typing import Any

import pandas as pd

from perfkit.match.normalise import BUILTIN_MODULE, bare_name, module_names, without_address

COLUMNS = ("module", "name", "function", "builtin", "file", "line", "ncalls", "pcalls")
KEY = ["module", "name"]


def call_counts(profiler: cProfile.Profile, root: str | None = None) -> pd.DataFrame:
    """The call counts a finished (disabled) profiler recorded, one row per (module, name);
    files below ``root`` (the test session's rootdir) are named by their path below it."""
    profiler.create_stats()
    stats: dict[tuple[str, int, str], tuple[Any, ...]] = profiler.stats  # type: ignore[attr-defined]
    module_of = module_names((file for file, _, _ in stats), root)
    rows = []
    for (file, line, name), (pcalls, ncalls, *_) in stats.items():
        module = module_of[file]
        builtin = module == BUILTIN_MODULE
        name = without_address(name) if builtin else name
        rows.append(
            (
                module,
                name,
                bare_name(name) if builtin else name,
                builtin,
                file,
                line,
                ncalls,
                pcalls,
            )
        )
    return aggregate(pd.DataFrame(rows, columns=list(COLUMNS)))


def aggregate(table: pd.DataFrame) -> pd.DataFrame:
    """One row per (module, name): calls summed, the first file and lowest line kept."""
    if table.empty:
        return pd.DataFrame(columns=list(COLUMNS)).astype(
            {"builtin": bool, "line": "int64", "ncalls": "int64", "pcalls": "int64"}
        )
    grouped = table.sort_values("line", kind="stable").groupby(KEY, sort=True, as_index=False)
    return grouped.agg(
        function=("function", "first"),
        builtin=("builtin", "first"),
        file=("file", "first"),
        line=("line", "first"),
        ncalls=("ncalls", "sum"),
        pcalls=("pcalls", "sum"),
    )[list(COLUMNS)].reset_index(drop=True)


def label(module: str, name: str, builtin: bool) -> str:
    """How a function is named in messages: ``module:name``, or the built-in's own name."""
    return name if builtin else f"{module}:{name}"
