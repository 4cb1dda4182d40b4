"""The strict pstats reader: bytes on disk -> validated ``RawStats`` columns.

``read_stats(path)`` first tries CPython's ``marshal`` in an isolated, limited child process
(``isolated``); whatever that cannot take - Python 2 files, the ``profile`` module's code-object
key, malformed or hostile input - goes to the pure-Python decoder (``strict``), which reads what
can be read safely and otherwise names the problem.  Every problem becomes one
``ProfileFormatError`` naming the file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from perfkit.errors import ProfileFormatError
from perfkit.reader import isolated, strict
from perfkit.reader.problem import FormatProblem
from perfkit.reader.raw import RawStats, decode, encode
from perfkit.reader.shape import edge_budget, flatten
from perfkit.reader.sniff import not_a_profile
from perfkit.reader.source import Input, OnDisk, decompress, input_bytes, input_head, open_input

T = TypeVar("T")

#: The pure-Python decoder takes about 0.2 µs per byte of input and several times the input in
#: memory; larger files are only read by the fast path (100,000 functions take about 13 MB).
MAX_STRICT_BYTES = 128 * 1024 * 1024

__all__ = ["RawStats", "decode_stats", "read_many", "read_stats"]


def decode_stats(data: bytes, *, isolate: bool | None = None) -> RawStats:
    """Validated columns of a pstats file's (decompressed) bytes; raises ``FormatProblem``.

    ``isolate`` forces (True) or skips (False) the fast path; by default it runs where available.
    """
    fast = _fast([data], isolate)
    return _finish(data, fast[0])


def _fast(sources: list[Input], isolate: bool | None) -> list[RawStats | None]:
    if isolate is None:
        isolate = isolated.available()
    heads = [input_head(source) for source in sources]
    plausible = [bool(head) and not_a_profile(head) is None for head in heads]
    if not isolate or not any(plausible):
        return [None] * len(sources)
    candidates = [source for source, ok in zip(sources, plausible, strict=True) if ok]
    decoded = iter(isolated.decode_isolated_many(candidates))
    return [next(decoded) if ok else None for ok in plausible]


def _finish(source: Input, fast: RawStats | None) -> RawStats:
    """The fast path's result, or the strict decoder's verdict on the file's bytes."""
    if fast is not None:
        return fast
    data = input_bytes(source)
    if not data:
        raise FormatProblem("empty file")
    kind = not_a_profile(data)
    if kind is not None:
        raise FormatProblem(f"{kind}, not the marshalled dict a pstats file holds")
    if len(data) > MAX_STRICT_BYTES:
        raise FormatProblem(
            f"could not be decoded within perfkit's limits ({len(data)} bytes; the careful "
            f"decoder takes files up to {MAX_STRICT_BYTES} bytes)"
        )
    try:
        raw = flatten(strict.decode(data), max_edges=edge_budget(len(data)))
        raw.decoder = "strict"
        return decode(encode(raw))
    except RecursionError:  # only when called with the stack nearly full: nesting is bounded
        raise FormatProblem("nested too deeply") from None
    except MemoryError:  # the decoder needs a few times the file's size; none was left
        raise FormatProblem("too large to decode") from None


def _decode_errors(path: str | Path, action: Callable[[], T]) -> T:
    try:
        return action()
    except FormatProblem as exc:
        problem = str(exc)
    except MemoryError:
        problem = "too large to decode"
    raise ProfileFormatError(path, f"not a readable pstats profile: {problem}")


def _source(path: str | Path) -> Input:
    """The checked file, or the content of a gzip file (decompressed here)."""
    try:
        source = open_input(Path(path))
    except FormatProblem as problem:
        raise ProfileFormatError(path, str(problem)) from None
    if isinstance(source, OnDisk):
        return source
    return _decode_errors(path, lambda: decompress(source))


def read_stats(path: str | Path) -> RawStats:
    """Read and validate the pstats file at ``path`` (plain or gzip-compressed)."""
    return read_many([path])[0]


def read_many(paths: list[str | Path]) -> list[RawStats]:
    """``read_stats`` for several files, decoded side by side; the first bad file raises.

    A plain file is read by the child that decodes it; this process reads it only when the
    strict decoder has to judge it.
    """
    sources = [_source(path) for path in paths]
    fast = _fast(sources, None)
    return [
        _decode_errors(path, lambda source=source, raw=raw: _finish(source, raw))
        for path, source, raw in zip(paths, sources, fast, strict=True)
    ]
