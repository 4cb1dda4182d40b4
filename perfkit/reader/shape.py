"""Check that a decoded object has the exact shape of a pstats dict and flatten it to columns.

The shape (``pstats.Stats.stats``)::

    {(file, line, name): (primitive_calls, total_calls, tottime, cumtime,
                          {(file, line, name): (total_calls, primitive_calls, tottime, cumtime)})}

(note the edge tuple starts with *total* calls).  The pure-Python ``profile`` module writes a bare
call count instead of the edge tuple.  Only exact ``dict``, ``tuple``, ``str``, ``int`` and
``float`` are accepted; ``bool`` and every subclass are refused.
"""

from __future__ import annotations

import reprlib
from typing import Any

from perfkit.reader.problem import FormatProblem
from perfkit.reader.raw import RawStats

_NUMBER = (int, float)


def _describe(value: object) -> str:
    return type(value).__name__


def _bad_key(key: object, where: str) -> FormatProblem:
    return FormatProblem(
        f"{where} is a {_describe(key)} {_short(key)}, not a (file, line, name) tuple"
    )


#: A repr that stops early: a decoded value may share nested tuples by reference, and its
#: full repr would take time and memory exponential in the size of the file.
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxtuple, _REPR.maxdict = 3, 4, 2
_REPR.maxstring = _REPR.maxlong = _REPR.maxother = 40


def _short(value: object) -> str:
    text = _REPR.repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_key(key: object) -> bool:
    return (
        type(key) is tuple
        and len(key) == 3
        and type(key[0]) is str
        and type(key[1]) is int
        and type(key[2]) is str
    )


def edge_budget(file_size: int) -> int:
    """The most caller entries a file of ``file_size`` bytes can hold without sharing dicts:
    an entry takes at least a 5-byte key reference and a tuple of four numbers."""
    return file_size // 8 + 16


def flatten(stats: Any, max_edges: int) -> RawStats:
    """Validate ``stats`` and return its columns.

    ``max_edges`` bounds the caller entries walked: a file can share one callers dict between
    many functions by reference, which pstats never writes and which would otherwise multiply
    the work far beyond the size of the file.
    """
    try:
        return _flatten(stats, max_edges)
    except OverflowError:  # an integer time beyond the range of a float
        raise FormatProblem("a number too large for a profile") from None


def _flatten(stats: Any, max_edges: int) -> RawStats:
    if type(stats) is not dict:
        raise FormatProblem(
            f"holds a {_describe(stats)}, not the dict of functions a pstats file holds"
        )
    raw = RawStats.columns()
    index: dict[tuple, int] = {}
    files, names, lines = raw.files, raw.names, raw.line
    for key in stats:
        if not _is_key(key):
            raise _bad_key(key, "a function key")
        index[key] = len(files)
        files.append(key[0])
        lines.append(key[1])
        names.append(key[2])
    raw.n_functions = len(files)

    pcalls, ncalls, tottime, cumtime = raw.pcalls, raw.ncalls, raw.tottime, raw.cumtime
    e_caller, e_callee = raw.edge_caller, raw.edge_callee
    e_pcalls, e_ncalls, e_tt, e_ct, e_detail = (
        raw.edge_pcalls,
        raw.edge_ncalls,
        raw.edge_tottime,
        raw.edge_cumtime,
        raw.edge_detail,
    )
    edges = 0
    for callee, value in enumerate(stats.values()):
        if type(value) is not tuple or len(value) != 5:
            raise FormatProblem(
                f"the entry of {_short(_key_at(files, lines, names, callee))} is a "
                f"{_describe(value)}, not a (pcalls, ncalls, tottime, cumtime, callers) tuple"
            )
        cc, nc, tt, ct, callers = value
        if not (
            type(cc) is int
            and type(nc) is int
            and type(tt) in _NUMBER
            and type(ct) in _NUMBER
            and type(callers) is dict
        ):
            raise FormatProblem(
                f"the entry of {_short(_key_at(files, lines, names, callee))} holds "
                f"({', '.join(_describe(item) for item in value)}), "
                "not (int, int, float, float, dict)"
            )
        pcalls.append(cc)
        ncalls.append(nc)
        tottime.append(float(tt))
        cumtime.append(float(ct))
        edges += len(callers)
        if edges > max_edges:
            raise FormatProblem("more caller entries than the file can hold without sharing")
        for caller, edge in callers.items():
            caller_id = index.get(caller)
            if caller_id is None:
                if not _is_key(caller):
                    raise _bad_key(caller, "a caller key")
                caller_id = index[caller] = len(files)
                files.append(caller[0])
                lines.append(caller[1])
                names.append(caller[2])
            e_caller.append(caller_id)
            e_callee.append(callee)
            if type(edge) is tuple:
                if len(edge) != 4 or not (
                    type(edge[0]) is int
                    and type(edge[1]) is int
                    and type(edge[2]) in _NUMBER
                    and type(edge[3]) in _NUMBER
                ):
                    raise _bad_edge(edge)
                e_ncalls.append(edge[0])
                e_pcalls.append(edge[1])
                e_tt.append(float(edge[2]))
                e_ct.append(float(edge[3]))
                e_detail.append(True)
            elif type(edge) is int:  # the profile module: a call count only
                e_ncalls.append(edge)
                e_pcalls.append(0)
                e_tt.append(0.0)
                e_ct.append(0.0)
                e_detail.append(False)
            else:
                raise _bad_edge(edge)
    return raw


def _key_at(files: list[str], lines: list[int], names: list[str], row: int) -> tuple:
    return (files[row], lines[row], names[row])


def _bad_edge(edge: object) -> FormatProblem:
    return FormatProblem(
        f"a caller entry is {_short(edge)}, not a (ncalls, pcalls, tottime, cumtime) tuple"
    )
