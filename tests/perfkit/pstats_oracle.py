"""An independent statement of what the reader promises, for its fuzz tests.

``check_raw`` validates any ``RawStats`` the reader returns (types, lengths, index ranges, key
uniqueness); ``expected_columns`` says, from a plain Python value, what the reader must make of
the file that marshals it: its columns, or ``None`` when the file must be refused.  Written from
the documented pstats shape (docs/perfkit-api.md), not from the reader's code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from perfkit.reader import RawStats

INT64 = range(-(2**63), 2**63)
_INT_COLUMNS = ("line", "pcalls", "ncalls", "edge_caller", "edge_callee", "edge_pcalls")
_FLOAT_COLUMNS = ("tottime", "cumtime", "edge_tottime", "edge_cumtime")


@dataclass
class Columns:
    """A profile's content in a form that compares exactly (floats by their bits)."""

    keys: list[tuple[str, int, str]]
    n_functions: int
    functions: list[tuple[int, int, bytes, bytes]]  # pcalls, ncalls, tottime, cumtime
    edges: list[tuple[int, int, int, int, bytes, bytes, bool]]  # caller, callee, ncalls, ...


def _bits(value: float) -> bytes:
    """A float's identity; every NaN is one NaN (a text float cannot keep a NaN's payload)."""
    return b"nan" if math.isnan(value) else np.float64(value).tobytes()


def check_raw(raw: RawStats) -> Columns:
    """Assert every promise ``decode_stats`` makes about a result; return its columns."""
    assert type(raw) is RawStats
    assert raw.decoder in ("marshal", "strict")
    assert type(raw.files) is list and type(raw.names) is list
    assert all(type(text) is str for text in raw.files + raw.names)
    for name in (*_INT_COLUMNS, "edge_ncalls"):
        assert np.asarray(getattr(raw, name)).dtype == np.int64, name
    for name in _FLOAT_COLUMNS:
        assert np.asarray(getattr(raw, name)).dtype == np.float64, name
    assert np.asarray(raw.edge_detail).dtype == np.bool_
    keys = list(zip(raw.files, raw.line.tolist(), raw.names, strict=True))
    n = raw.n_functions
    assert type(n) is int and 0 <= n <= len(keys)
    assert len(set(keys)) == len(keys), "a key twice"
    for name in ("pcalls", "ncalls", "tottime", "cumtime"):
        assert len(getattr(raw, name)) == n, name
    edge_columns = [
        np.asarray(getattr(raw, name)).tolist()
        for name in (
            "edge_caller",
            "edge_callee",
            "edge_ncalls",
            "edge_pcalls",
            "edge_tottime",
            "edge_cumtime",
            "edge_detail",
        )
    ]
    assert len({len(column) for column in edge_columns}) == 1
    edges = [
        (caller, callee, nc, pc, _bits(tt), _bits(ct), detail)
        for caller, callee, nc, pc, tt, ct, detail in zip(*edge_columns, strict=True)
    ]
    callers_only = set(range(n, len(keys)))
    for caller, callee, _, pc, tt, ct, detail in edges:
        assert 0 <= callee < n and 0 <= caller < len(keys)
        callers_only.discard(caller)
        if not detail:  # the profile module's bare call count: nothing else is known
            assert pc == 0 and tt == ct == _bits(0.0)
    assert not callers_only, "a key that is neither a function nor a caller"
    assert len({edge[:2] for edge in edges}) == len(edges), "an edge twice"
    functions = list(
        zip(
            raw.pcalls.tolist(),
            raw.ncalls.tolist(),
            map(_bits, raw.tottime.tolist()),
            map(_bits, raw.cumtime.tolist()),
            strict=True,
        )
    )
    return Columns(keys, n, functions, edges)


def _is_key(key: Any) -> bool:
    return (
        type(key) is tuple
        and len(key) == 3
        and type(key[0]) is str
        and type(key[1]) is int
        and key[1] in INT64
        and type(key[2]) is str
    )


def _count(value: Any) -> bool:
    return type(value) is int and value in INT64


def _time(value: Any) -> bytes | None:
    if type(value) is float:
        return _bits(value)
    if type(value) is int:
        try:
            return _bits(float(value))
        except OverflowError:
            return None
    return None


def expected_columns(stats: Any, max_edges: int) -> Columns | None:
    """What the reader must return for a file marshalling ``stats``; ``None``: a refusal."""
    if type(stats) is not dict or not all(_is_key(key) for key in stats):
        return None
    keys = list(stats)
    index = {key: row for row, key in enumerate(keys)}
    functions, edges = [], []
    for callee, entry in enumerate(stats.values()):
        if type(entry) is not tuple or len(entry) != 5 or type(entry[4]) is not dict:
            return None
        pcalls, ncalls, tottime, cumtime, callers = entry
        times = (_time(tottime), _time(cumtime))
        if not (_count(pcalls) and _count(ncalls)) or None in times:
            return None
        functions.append((pcalls, ncalls, *times))
        for caller, edge in callers.items():
            if not _is_key(caller):
                return None
            row = index.setdefault(caller, len(keys))
            if row == len(keys):
                keys.append(caller)
            if type(edge) is int and edge in INT64:
                edges.append((row, callee, edge, 0, _bits(0.0), _bits(0.0), False))
                continue
            if type(edge) is not tuple or len(edge) != 4:
                return None
            times = (_time(edge[2]), _time(edge[3]))
            if not (_count(edge[0]) and _count(edge[1])) or None in times:
                return None
            edges.append((row, callee, edge[0], edge[1], *times, True))
    if len(edges) > max_edges:
        return None
    return Columns(keys, len(stats), functions, edges)
