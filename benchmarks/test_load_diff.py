"""perfkit's load+diff against stdlib pstats and bare marshal (see conftest for the summary)."""

from __future__ import annotations

import marshal
import pstats

import pytest

import perfkit
from benchmarks.conftest import SIZES, record


def _rounds(size: int) -> dict:
    return {"rounds": 3 if size >= 100_000 else 7, "iterations": 1, "warmup_rounds": 1}


@pytest.mark.parametrize("size", SIZES)
def test_pstats_loads_both(benchmark, profile_pairs, size: int) -> None:
    base, new = profile_pairs[size]
    benchmark.group = f"{size} functions"
    benchmark.pedantic(lambda: (pstats.Stats(str(base)), pstats.Stats(str(new))), **_rounds(size))
    record(size, "pstats", benchmark)


@pytest.mark.parametrize("size", SIZES)
def test_marshal_loads_both(benchmark, profile_pairs, size: int) -> None:
    base, new = profile_pairs[size]
    benchmark.group = f"{size} functions"
    benchmark.pedantic(
        lambda: (marshal.loads(base.read_bytes()), marshal.loads(new.read_bytes())),
        **_rounds(size),
    )
    record(size, "marshal", benchmark)


@pytest.mark.parametrize("size", SIZES)
def test_perfkit_load_and_diff(benchmark, profile_pairs, size: int) -> None:
    base, new = profile_pairs[size]
    benchmark.group = f"{size} functions"
    diff = benchmark.pedantic(
        lambda: perfkit.compare(*perfkit.load_many([base, new])), **_rounds(size)
    )
    record(size, "perfkit", benchmark)
    counts = diff.status_counts()
    assert counts["added"] == counts["removed"] == size // 100


@pytest.mark.parametrize("size", SIZES)
def test_perfkit_load_one_by_one_and_diff(benchmark, profile_pairs, size: int) -> None:
    base, new = profile_pairs[size]
    benchmark.group = f"{size} functions"
    benchmark.pedantic(
        lambda: perfkit.compare(perfkit.load(base), perfkit.load(new)), **_rounds(size)
    )
    record(size, "perfkit-sequential", benchmark)
