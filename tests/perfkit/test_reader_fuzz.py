"""Fuzzing the pstats reader: whatever the bytes, a correct result or one ``FormatProblem``.

Both decoders - the fast path (marshal in a limited child, ``isolate=True``) and the strict
pure-Python one (``isolate=False``) - get arbitrary bytes, generated marshal streams of every
encoding Python 2 and 3 write, and damaged copies of the real committed profiles.  Each input
must end in a result that ``pstats_oracle.check_raw`` accepts or in ``FormatProblem``, within
``PER_INPUT_SECONDS``, and the two decoders must agree.  Each property runs twice: a quick pass
in ``make test`` and a pass ``FUZZ_SCALE`` times longer marked ``long`` (``make fuzz``).
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfkit.reader.shape import edge_budget
from tests.perfkit.fuzz_inputs import (
    DECODERS,
    Stream,
    attempt,
    attempt_both,
    attempt_file_bytes,
    gzip_variants,
    mutated_profiles,
    pstats_streams,
)
from tests.perfkit.marshal_writer import PY2, PY3, decoded
from tests.perfkit.pstats_oracle import expected_columns

#: How many times more examples ``make fuzz`` tries than ``make test``.
FUZZ_SCALE = int(os.environ.get("FUZZ_SCALE", "40"))
SCALES = [
    pytest.param(1, id="quick"),
    pytest.param(FUZZ_SCALE, id="long", marks=pytest.mark.long),
]


def fuzz(examples: int, scale: int) -> Callable:
    """Hypothesis settings for ``examples`` inputs (times ``scale``); the per-input time bound
    is ``attempt``'s own, so hypothesis' deadline is off."""
    return settings(
        max_examples=examples * scale,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@pytest.mark.parametrize("scale", SCALES)
def test_arbitrary_bytes(scale: int) -> None:
    # Half the inputs start like a dict, so that they get past the first byte.
    starts = st.sampled_from([b"", b"{", b"\xfb"])

    @fuzz(400, scale)
    @given(head=starts, data=st.binary(max_size=300))
    def run(head: bytes, data: bytes) -> None:
        attempt_both(head + data, "arbitrary bytes")

    run()


@pytest.mark.parametrize("dialect", [PY2, PY3])
@pytest.mark.parametrize("scale", SCALES)
def test_generated_streams_decode_to_exactly_their_value(scale: int, dialect: str) -> None:
    @fuzz(150, scale)
    @given(stream=pstats_streams(dialect))
    def run(stream: Stream) -> None:
        expected = expected_columns(decoded(stream.value), edge_budget(len(stream.data)))
        for decoder in DECODERS:
            outcome = attempt(stream.data, decoder, f"generated ({stream.dialect})")
            assert outcome.columns == expected, outcome.problem

    run()


@pytest.mark.parametrize("scale", SCALES)
def test_damaged_real_profiles(scale: int) -> None:
    @fuzz(300, scale)
    @given(damaged=mutated_profiles())
    def run(damaged: tuple[bytes, str]) -> None:
        attempt_both(damaged[0], "damaged profile")

    run()


@pytest.mark.parametrize("scale", SCALES)
def test_gzip_wrapped_profiles(scale: int) -> None:
    @fuzz(100, scale)
    @given(packed=gzip_variants(), decoder=st.sampled_from(sorted(DECODERS)))
    def run(packed: tuple[bytes, str], decoder: str) -> None:
        attempt_file_bytes(packed[0], decoder, "gzip variant")

    run()
