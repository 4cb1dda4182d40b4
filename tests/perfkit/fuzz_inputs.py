"""Inputs for fuzzing the pstats reader, and the one way each input is tried.

``attempt`` runs one decoder on one input and checks the properties every input must have: it
ends in a result that ``check_raw`` accepts or in ``FormatProblem`` - never another exception -
within ``PER_INPUT_SECONDS``.  ``TRIED`` counts the inputs, per kind and decoder; the test
session prints it (see conftest.py).

Strategies: ``pstats_streams`` (generated values marshalled by ``marshal_writer``),
``mutated_profiles`` (real committed profiles with bit flips, substitutions, truncations,
insertions, deletions, huge declared lengths and deep nesting) and ``gzip_variants``.
"""

from __future__ import annotations

import gzip
import math
import struct
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from hypothesis import strategies as st

from perfkit.reader import RawStats, decode_stats, strict
from perfkit.reader.problem import FormatProblem
from perfkit.reader.source import decompress
from tests.perfkit.conftest import DATA
from tests.perfkit.marshal_writer import CODE_LAYOUTS, PY2, PY3, Code, Writer
from tests.perfkit.pstats_oracle import Columns, check_raw

#: Far above what any input here needs (milliseconds); a hang, not a slow machine, exceeds it.
PER_INPUT_SECONDS = 5.0
DECODERS = {"fast": True, "strict": False}
TRIED: Counter[str] = Counter()

PROFILES = {path.name: path.read_bytes() for path in sorted((DATA / "profiles").glob("*.stats"))}
SIZED_CODES = b"([<>stuaA"  # a 4-byte length or count follows the type code
SHORT_CODES = b")zZ"  # a 1-byte length or count follows
HUGE = (0x7FFFFFFF, 0x7FFFFFFE, 0x40000000, 0x3FFFFFFF, 0xFFFFFFFF, 0x80000000, 0x10000000)


# -- running one input ------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one decoder made of one input: columns, or the problem it named."""

    columns: Columns | None = None
    problem: str | None = None
    seconds: float = 0.0
    raw: RawStats | None = field(default=None, repr=False)


def attempt(data: bytes, decoder: str, kind: str) -> Outcome:
    """Decode ``data`` with one decoder; assert the properties every input must have."""
    TRIED[f"{kind} / {decoder}"] += 1
    started = time.monotonic()
    try:
        raw = decode_stats(data, isolate=DECODERS[decoder])
    except FormatProblem as problem:
        outcome = Outcome(problem=str(problem))
        assert outcome.problem and "\n" not in outcome.problem
    else:
        outcome = Outcome(columns=check_raw(raw), raw=raw)
    outcome.seconds = time.monotonic() - started
    assert outcome.seconds < PER_INPUT_SECONDS, f"{kind}: {outcome.seconds:.1f} s"
    return outcome


def attempt_file_bytes(data: bytes, decoder: str, kind: str) -> Outcome:
    """Like ``attempt``, for a file's bytes: gzip is undone first, as ``perfkit.load`` does."""
    try:
        content = decompress(data)
    except FormatProblem as problem:
        TRIED[f"{kind} / {decoder}"] += 1
        return Outcome(problem=str(problem))
    return attempt(content, decoder, kind)


def attempt_both(data: bytes, kind: str) -> tuple[Outcome, Outcome]:
    """Both decoders on ``data``; they must agree (the fast path only ever speeds things up)."""
    fast, careful = attempt(data, "fast", kind), attempt(data, "strict", kind)
    assert (fast.columns is None) == (careful.columns is None), (fast.problem, careful.problem)
    assert fast.columns == careful.columns
    return fast, careful


# -- generated values, marshalled ------------------------------------------------------------

_PY3_TEXT = st.text(st.characters(exclude_categories=()), max_size=10)  # lone surrogates too
_PY2_TEXT = st.text(max_size=10)
_SMALL = st.integers(-3, 1000)
_INTS = st.one_of(_SMALL, st.integers(-(2**63), 2**63 - 1), st.integers(-(2**80), 2**80))
_TIMES = st.one_of(
    st.floats(0, 1e4), st.floats(), st.sampled_from([0.0, -0.0, math.inf, math.nan]), _SMALL
)


def _odd_value(text: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """Values of the allowed types in places where a pstats file holds something else."""
    leaf = st.one_of(text, _INTS, _TIMES, st.none())
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4).map(tuple),
            st.dictionaries(
                st.one_of(text, st.integers(), st.tuples(text, text)), inner, max_size=3
            ),
        ),
        max_leaves=8,
    )


@st.composite
def pstats_values(draw: st.DrawFn, dialect: str) -> Any:
    """A pstats-shaped dict, now and then with one part of the wrong type or range."""
    text = _PY3_TEXT if dialect == PY3 else _PY2_TEXT
    odd = _odd_value(text)

    def maybe(strategy: st.SearchStrategy[Any]) -> Any:
        return draw(odd) if draw(st.integers(0, 40)) == 0 else draw(strategy)

    def key() -> Any:
        line = st.one_of(_SMALL, _INTS) if draw(st.booleans()) else _SMALL
        return maybe(st.tuples(text, line, text))

    keys = [key() for _ in range(draw(st.integers(0, 6)))]
    if draw(st.integers(0, 4)) == 0:  # the profile module's key, holding a code object
        nested = st.lists(st.builds(Code, text, text, _SMALL), max_size=2).map(tuple)
        keys.append(("profile", 0, draw(st.builds(Code, text, text, _SMALL, consts=nested))))
    stats: dict = {}
    for function in keys:
        callers: dict = {}
        for _ in range(draw(st.integers(0, 3))):
            caller = draw(st.sampled_from(keys)) if keys and draw(st.booleans()) else key()
            edge = st.tuples(_INTS, _INTS, _TIMES, _TIMES) if draw(st.booleans()) else _INTS
            callers[_hashable(caller)] = maybe(edge)
        entry = st.tuples(_INTS, _INTS, _TIMES, _TIMES, st.just(callers))
        stats[_hashable(function)] = maybe(entry)
    return stats if draw(st.integers(0, 30)) else draw(odd)


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


@dataclass
class Stream:
    """A marshal stream and the value it encodes."""

    value: Any
    data: bytes
    dialect: str


@st.composite
def pstats_streams(draw: st.DrawFn, dialect: str) -> Stream:
    """``pstats_values`` in the Python 2 or 3 dialect, each encoding chosen by hypothesis."""
    value = draw(pstats_values(dialect))
    layout = "2.7" if dialect == PY2 else draw(st.sampled_from(sorted(CODE_LAYOUTS)[1:]))
    rng = draw(st.randoms(use_true_random=False))
    data = Writer(dialect, rng.randrange, layout).write(value)
    return Stream(value, data, dialect)


# -- real profiles, damaged ------------------------------------------------------------------


class _Recorder(strict._Decoder):
    """The strict decoder, noting where each object starts and ends (to aim mutations)."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.spans: list[tuple[int, int]] = []

    def read(self, depth: int = 0, allow_code: bool = False) -> Any:
        start = self.pos
        value = super().read(depth, allow_code)
        self.spans.append((start, self.pos))
        return value


@cache
def object_spans(name: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of every object in a committed profile, outermost last."""
    recorder = _Recorder(PROFILES[name])
    recorder.read()
    return tuple(recorder.spans)


DAMAGES = ("bit flip", "byte", "truncate", "insert", "delete", "huge length", "nest")


def damage(data: bytearray, name: str, kind: str, where: int, param: int) -> bytearray:
    """``data`` (profile ``name``, perhaps already damaged) with one more damage of ``kind``
    at offset ``where``; ``param`` (any int >= 0) picks the bit, byte, size or depth."""
    if not data and kind not in ("insert", "nest"):
        return data
    where %= max(len(data), 1)
    if kind == "bit flip":
        data[where] ^= 1 << param % 8
    elif kind == "byte":
        data[where] = param % 256
    elif kind == "truncate":
        del data[where:]
    elif kind == "insert":
        data[where:where] = param.to_bytes(8, "little")[: 1 + param % 8]
    elif kind == "delete":
        del data[where : where + 1 + param % 8]
    elif kind in ("huge length", "nest"):
        spans = object_spans(name)
        start, end = spans[param % len(spans)]
        if kind == "huge length":
            return declare_huge(data, start, HUGE[param % len(HUGE)], bool(param // 7 % 2))
        if len(data) == len(PROFILES[name]):  # spans still line up with the bytes
            code = b"()[<>{"[param % 6]
            return nest(data, start, end, code, 1 + param // 6 % 5000)
    return data


def nest(data: bytearray, start: int, end: int, code: int, depth: int) -> bytearray:
    """Wrap the object at ``data[start:end]`` in ``depth`` one-item containers of ``code``."""
    if code == ord("{"):
        opening, closing = b"{z\x01k", b"0"
    elif code == ord(")"):
        opening, closing = b")\x01", b""
    else:
        opening, closing = bytes([code]) + struct.pack("<i", 1), b""
    return data[:start] + opening * depth + data[start:end] + closing * depth + data[end:]


def declare_huge(data: bytearray, start: int, size: int, recode: bool) -> bytearray:
    """Declare ``size`` items or bytes for the object at ``start`` (first making it a
    container or string with ``recode``)."""
    if start >= len(data):
        return data
    if recode:  # turn the object into a sized one: b'(' + size, whatever it was
        code = SIZED_CODES[size % len(SIZED_CODES)] | (data[start] & 0x80)
        return data[:start] + bytes([code]) + struct.pack("<I", size) + data[start + 5 :]
    code = data[start] & 0x7F
    if code in SIZED_CODES or code == ord("l"):
        data[start + 1 : start + 5] = struct.pack("<I", size)
    elif code in SHORT_CODES and start + 1 < len(data):
        data[start + 1] = 0xFF
    return data


@st.composite
def mutated_profiles(draw: st.DrawFn) -> tuple[bytes, str]:
    """A real profile with one to four damages; returns the bytes and the damage kinds."""
    name = draw(st.sampled_from(sorted(PROFILES)))
    data = bytearray(PROFILES[name])
    kinds = draw(st.lists(st.sampled_from(DAMAGES), min_size=1, max_size=4))
    for kind in kinds:
        where, param = draw(st.integers(0, 2**16)), draw(st.integers(0, 2**32))
        data = damage(data, name, kind, where, param)
    return bytes(data), "+".join(sorted(set(kinds)))


# -- gzip ------------------------------------------------------------------------------------


@st.composite
def gzip_variants(draw: st.DrawFn) -> tuple[bytes, str]:
    """A real (possibly damaged) profile gzip-wrapped, and what was done to the gzip stream."""
    content, _ = (
        draw(mutated_profiles())
        if draw(st.booleans())
        else (
            PROFILES[draw(st.sampled_from(sorted(PROFILES)))],
            "",
        )
    )
    packed = bytearray(gzip.compress(content, mtime=0))
    kind = draw(
        st.sampled_from(["whole", "truncated", "bit flip", "two members", "trailing garbage"])
    )
    if kind == "truncated":
        packed = packed[: draw(st.integers(0, len(packed) - 1))]
    elif kind == "bit flip":
        packed[draw(st.integers(2, len(packed) - 1))] ^= 1 << draw(st.integers(0, 7))
    elif kind == "two members":
        packed += gzip.compress(draw(st.binary(max_size=16)), mtime=0)
    elif kind == "trailing garbage":
        packed += draw(st.binary(min_size=1, max_size=16))
    return bytes(packed), f"gzip {kind}"


def gzip_bomb(inflated: int, head: bytes = b"{") -> bytes:
    """A gzip member of ``head`` and zeros, ``inflated`` bytes in all, made without holding
    them (about 1 KB per MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [packer.compress(head)]
    zeros = bytes(1 << 20)
    left = inflated - len(head)
    while left > 0:
        parts.append(packer.compress(zeros[: min(left, len(zeros))]))
        left -= len(zeros)
    parts.append(packer.flush())
    return b"".join(parts)
