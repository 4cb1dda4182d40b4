"""The strict pstats reader: bytes on disk -> validated ``RawStats`` columns.

``read_stats(path)`` first tries CPython's ``marshal`` in an isolated, limited child process
(``isolated``); whatever that cannot take - Python 2 files, the ``profile`` module's code-object
key, malformed or hostile input - goes to the pure-Python decoder (``strict``), which reads what
can be read safely and otherwise names the problem.  Every problem becomes one
``ProfileFormatError`` naming the file.
"""

from __future__ import annotations

from pathlib import Path

from perfkit.errors import ProfileFormatError
from perfkit.reader import isolated, strict
from perfkit.reader.problem import FormatProblem
from perfkit.reader.raw import RawStats, decode, encode
from perfkit.reader.shape import flatten
from perfkit.reader.source import decompress, read_bytes

__all__ = ["RawStats", "decode_stats", "read_stats"]


def decode_stats(data: bytes, *, isolate: bool | None = None) -> RawStats:
    """Validated columns of a pstats file's (decompressed) bytes; raises ``FormatProblem``.

    ``isolate`` forces (True) or skips (False) the fast path; by default it runs where available.
    """
    if not data:
        raise FormatProblem("empty file")
    if isolate is None:
        isolate = isolated.available()
    if isolate:
        raw = isolated.decode_isolated(data)
        if raw is not None:
            return raw
    raw = flatten(strict.decode(data), max_edges=len(data) // 8 + 16)
    raw.decoder = "strict"
    return decode(encode(raw))


def read_stats(path: str | Path) -> RawStats:
    """Read and validate the pstats file at ``path`` (plain or gzip-compressed)."""
    try:
        data = read_bytes(Path(path))
    except FormatProblem as problem:
        raise ProfileFormatError(path, str(problem)) from None
    try:
        return decode_stats(decompress(data))
    except FormatProblem as problem:
        raise ProfileFormatError(path, f"not a readable pstats profile: {problem}") from None
    except RecursionError:
        raise ProfileFormatError(path, "not a readable pstats profile: nested too deeply") from None
    except MemoryError:
        raise ProfileFormatError(
            path, "not a readable pstats profile: too large to decode"
        ) from None
