"""``RawStats``: the validated content of one pstats file as flat columns.

Keys are numbered in file order; the first ``n_functions`` are the profiled functions, the rest
are callers that appear only inside a callers dict (pstats allows that).  Edges point into the key
numbering.  ``edge_detail`` is false for the integer edge values that the pure-Python ``profile``
module writes (call count only); their primitive calls and times are then unknown.

``encode``/``decode`` move a ``RawStats`` between processes as fixed-width arrays plus UTF-8
text blocks (each distinct file name once), so that the receiving side never runs a
general-purpose decoder on what it gets.
"""

from __future__ import annotations

import struct
from array import array
from dataclasses import dataclass, field

import numpy as np

from perfkit.reader.problem import FormatProblem

_INT_COLUMNS = (
    "line",
    "pcalls",
    "ncalls",
    "edge_caller",
    "edge_callee",
    "edge_pcalls",
    "edge_ncalls",
)
_FLOAT_COLUMNS = ("tottime", "cumtime", "edge_tottime", "edge_cumtime")
#: What a decoder fills (lists or typed arrays) and what ``decode`` gives (numpy arrays).
IntColumn = list[int] | array | np.ndarray
FloatColumn = list[float] | array | np.ndarray
_HEADER = struct.Struct("<4sQ")
_MAGIC = b"PKR2"


@dataclass
class RawStats:
    """Flat, validated columns of one profile (see the module docstring)."""

    files: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    line: IntColumn = field(default_factory=list)
    n_functions: int = 0
    pcalls: IntColumn = field(default_factory=list)
    ncalls: IntColumn = field(default_factory=list)
    tottime: FloatColumn = field(default_factory=list)
    cumtime: FloatColumn = field(default_factory=list)
    edge_caller: IntColumn = field(default_factory=list)
    edge_callee: IntColumn = field(default_factory=list)
    edge_pcalls: IntColumn = field(default_factory=list)
    edge_ncalls: IntColumn = field(default_factory=list)
    edge_tottime: FloatColumn = field(default_factory=list)
    edge_cumtime: FloatColumn = field(default_factory=list)
    edge_detail: list[bool] | bytearray | np.ndarray = field(default_factory=list)
    decoder: str = "marshal"  # or "strict" (the pure-Python decoder, for Python 2 and quirks)

    @classmethod
    def columns(cls) -> RawStats:
        """An empty ``RawStats`` whose number columns are typed arrays, to be filled in place.

        A decoder appending to them holds 8 bytes per value and ``encode_parts`` sends them as
        they are, where lists would be copied into arrays first: one copy of every column
        less at the reading child's peak.
        """
        raw = cls()
        for name in _INT_COLUMNS:
            setattr(raw, name, array("q"))
        for name in _FLOAT_COLUMNS:
            setattr(raw, name, array("d"))
        raw.edge_detail = bytearray()
        return raw


def _text_block(strings: list[str]) -> tuple[bytes, bytes]:
    lengths = array("q", [len(text) for text in strings]).tobytes()
    return lengths, "".join(strings).encode("utf-8", "surrogatepass")


def encode(raw: RawStats) -> bytes:
    """Serialise ``raw``; raises ``FormatProblem`` for numbers outside 64-bit ranges."""
    return b"".join(encode_parts(raw))


def _typed(values: object, typecode: str) -> memoryview:
    """``values`` as the bytes of an ``array(typecode)``: the array itself when it is one."""
    if not (isinstance(values, array) and values.typecode == typecode):
        values = array(typecode, values)  # type: ignore[arg-type]
    return memoryview(values).cast("B")


def encode_parts(raw: RawStats) -> list[memoryview]:
    """``encode`` as a list of byte buffers to write one after the other (no joined copy)."""
    parts: list[memoryview] = [memoryview(struct.pack("<q", raw.n_functions))]
    try:
        parts += [_typed(getattr(raw, name), "q") for name in _INT_COLUMNS]
        parts += [_typed(getattr(raw, name), "d") for name in _FLOAT_COLUMNS]
    except OverflowError:
        raise FormatProblem("a number too large for a profile") from None
    parts.append(memoryview(bytes(raw.edge_detail)))
    # A profile names a few thousand files for up to a million keys: each file is sent once,
    # and every key by its number, so the parent holds one string per file.
    numbers: dict[str, int] = {}
    codes = array("q", [numbers.setdefault(file, len(numbers)) for file in raw.files])
    parts += map(memoryview, _text_block(list(numbers)))
    parts.append(memoryview(codes).cast("B"))
    parts += map(memoryview, _text_block(raw.names))
    parts.append(memoryview(raw.decoder.encode("ascii")))
    framed: list[memoryview] = []
    for part in parts:
        framed += (memoryview(struct.pack("<Q", part.nbytes)), part)
    size = sum(part.nbytes for part in framed)
    return [memoryview(_HEADER.pack(_MAGIC, size)), *framed]


def decode(blob: bytes | bytearray | memoryview) -> RawStats:
    """Inverse of ``encode``; raises ``FormatProblem`` if the blob is inconsistent."""
    view = memoryview(blob)
    try:
        magic, size = _HEADER.unpack_from(view)
        if magic != _MAGIC or size != len(view) - _HEADER.size:
            raise ValueError("bad header")
        parts: list[memoryview] = []
        pos = _HEADER.size
        while pos < len(view):
            (length,) = struct.unpack_from("<Q", view, pos)
            pos += 8
            if pos + length > len(view):
                raise ValueError("part overruns the blob")
            parts.append(view[pos : pos + length])
            pos += length
        (n_functions,) = struct.unpack("<q", parts[0])
        raw = RawStats(n_functions=n_functions, decoder=bytes(parts[-1]).decode("ascii"))
        columns = iter(parts[1:])
        for name in _INT_COLUMNS:
            setattr(raw, name, np.frombuffer(next(columns), dtype="<i8"))
        for name in _FLOAT_COLUMNS:
            setattr(raw, name, np.frombuffer(next(columns), dtype="<f8"))
        raw.edge_detail = np.frombuffer(next(columns), dtype=np.uint8).astype(bool)
        unique_files = np.asarray(_strings(next(columns), next(columns)), dtype=object)
        codes = np.frombuffer(next(columns), dtype="<i8")
        if len(codes) and not (codes.min() >= 0 and codes.max() < len(unique_files)):
            raise ValueError("file numbers out of range")
        raw.files = unique_files[codes].tolist()
        raw.names = _strings(next(columns), next(columns))
    except (ValueError, IndexError, StopIteration, struct.error, UnicodeDecodeError) as exc:
        raise FormatProblem(f"internal transfer failed ({exc})") from None
    keys = len(raw.names)
    if not (len(raw.files) == len(raw.line) == keys and 0 <= n_functions <= keys):
        raise FormatProblem("internal transfer failed (inconsistent columns)")
    return raw


def _strings(lengths_part: memoryview, text_part: memoryview) -> list[str]:
    lengths = np.frombuffer(lengths_part, dtype="<i8")
    text = str(text_part, "utf-8", "surrogatepass")
    ends = np.cumsum(lengths)
    if (lengths < 0).any() or (len(ends) and ends[-1] != len(text)):
        raise ValueError("text lengths do not add up")
    starts = (ends - lengths).tolist()
    return [text[start:end] for start, end in zip(starts, ends.tolist(), strict=True)]
