"""A plain pstats file that any CPython 3's ``pstats`` (and snakeviz, tuna, gprof2dot...) loads.

perfkit reads files that stdlib ``pstats`` cannot: Python 2 profiles, the ``profile`` module's
code-object key, gzip-compressed files.  This writes the validated content back as the plain
marshalled dict pstats expects, with this Python's marshal: keys and values exactly as read,
the code-object key as its readable name (``<code object NAME FILE:LINE>``).

The ``profile`` module records only a call count per caller; pstats itself accepts that, but
tools that read the callers dict directly (snakeviz) expect full tuples.  Those edges get the
callee's times split across its callers in proportion to their calls - an estimate, reported
by ``estimated_edges``.
"""

from __future__ import annotations

import marshal
from typing import IO, Any

from perfkit.reader import RawStats

Key = tuple[str, int, str]


def estimated_edges(raw: RawStats) -> int:
    """How many caller entries hold only a call count (their times will be estimates)."""
    return int(len(raw.edge_detail) - sum(bool(flag) for flag in raw.edge_detail))


def pstats_dict(raw: RawStats) -> dict[Key, tuple[Any, ...]]:
    keys = [
        (file, int(line), name)
        for file, line, name in zip(raw.files, raw.line, raw.names, strict=True)
    ]
    callers: list[dict[Key, tuple[int, int, float, float]]] = [{} for _ in range(raw.n_functions)]
    for index in range(len(raw.edge_callee)):
        callee = int(raw.edge_callee[index])
        ncalls = int(raw.edge_ncalls[index])
        if raw.edge_detail[index]:
            value = (
                ncalls,
                int(raw.edge_pcalls[index]),
                float(raw.edge_tottime[index]),
                float(raw.edge_cumtime[index]),
            )
        else:
            share = ncalls / int(raw.ncalls[callee]) if int(raw.ncalls[callee]) > 0 else 0.0
            value = (
                ncalls,
                ncalls,
                float(raw.tottime[callee]) * share,
                float(raw.cumtime[callee]) * share,
            )
        callers[callee][keys[int(raw.edge_caller[index])]] = value
    return {
        keys[index]: (
            int(raw.pcalls[index]),
            int(raw.ncalls[index]),
            float(raw.tottime[index]),
            float(raw.cumtime[index]),
            callers[index],
        )
        for index in range(raw.n_functions)
    }


def write_pstats(raw: RawStats, stream: IO[bytes]) -> None:
    marshal.dump(pstats_dict(raw), stream)
