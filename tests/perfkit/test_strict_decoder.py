"""The pure-Python decoder against CPython's own marshal, on generated pstats-shaped data."""

from __future__ import annotations

import contextlib
import marshal

from hypothesis import given, settings
from hypothesis import strategies as st

from perfkit.reader import decode_stats, strict
from perfkit.reader.problem import FormatProblem

names = st.text(min_size=0, max_size=12)
keys = st.tuples(names, st.integers(0, 2**31 - 1), names)
numbers = st.one_of(st.integers(-(2**62), 2**62), st.floats(allow_nan=False))
edges = st.one_of(
    st.tuples(st.integers(0, 10**9), st.integers(0, 10**9), numbers, numbers), st.integers(0, 10**9)
)
entries = st.tuples(
    st.integers(-1, 10**12),
    st.integers(-1, 10**12),
    numbers,
    numbers,
    st.dictionaries(keys, edges, max_size=4),
)
stats_dicts = st.dictionaries(keys, entries, max_size=12)


@settings(max_examples=200, deadline=None)
@given(stats=stats_dicts, version=st.integers(0, marshal.version))
def test_strict_decoder_reads_what_marshal_writes(stats: dict, version: int) -> None:
    data = marshal.dumps(stats, version)
    assert strict.decode(data) == marshal.loads(data)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_give_a_result_or_a_format_problem(data: bytes) -> None:
    with contextlib.suppress(FormatProblem):
        decode_stats(data, isolate=False)


@settings(max_examples=60, deadline=None)
@given(stats=stats_dicts, cut=st.integers(0, 10_000), flip=st.integers(0, 255))
def test_fast_path_and_strict_path_agree_on_damaged_files(stats: dict, cut: int, flip: int) -> None:
    data = bytearray(marshal.dumps(stats))
    if data:
        data[cut % len(data)] ^= flip
    outcomes = []
    for isolate in (True, False):
        try:
            raw = decode_stats(bytes(data), isolate=isolate)
            outcomes.append((list(raw.names), list(raw.pcalls), list(raw.edge_ncalls)))
        except FormatProblem:
            outcomes.append("refused")
    assert outcomes[0] == outcomes[1]
