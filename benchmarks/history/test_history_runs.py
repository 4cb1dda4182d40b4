"""perfkit history of 2,000 runs, with and without its cache, against stdlib pstats."""

from __future__ import annotations

import itertools
import pstats
from pathlib import Path

import pytest

import perfkit
from benchmarks.history.conftest import COUNT_STEP, RUNS, TIME_STEP, record

_caches = itertools.count()


def _check(found: perfkit.History) -> None:
    assert len(found.runs) == RUNS and not found.skipped
    steps = {(row.metric, row.run) for row in found.steps.itertuples()}
    assert ("calls[get_asset_info]", COUNT_STEP) in steps
    assert ("cumtime[get_asset_info]", TIME_STEP) in steps
    assert ("total_time", TIME_STEP) in steps
    assert all(run in (COUNT_STEP, TIME_STEP) for _, run in steps)


def test_pstats_loads_every_run(benchmark, run_folder: Path) -> None:
    paths = sorted(str(path) for path in run_folder.rglob("*.stats"))
    benchmark.group = "history"
    benchmark.pedantic(lambda: [pstats.Stats(path) for path in paths], rounds=3, iterations=1)
    record("pstats", benchmark)


@pytest.fixture(scope="module")
def filled_cache(run_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = tmp_path_factory.mktemp("history-cache") / "filled.sqlite3"
    _check(perfkit.history(run_folder, ["get_asset_info"], cache=cache))
    return cache


def test_history_without_cache(benchmark, run_folder: Path, tmp_path: Path) -> None:
    benchmark.group = "history"
    found = benchmark.pedantic(
        lambda: perfkit.history(run_folder, ["get_asset_info"], cache=False),
        rounds=2,
        iterations=1,
    )
    record("cold", benchmark)
    _check(found)


def test_history_with_filled_cache(benchmark, run_folder: Path, filled_cache: Path) -> None:
    benchmark.group = "history"
    found = benchmark.pedantic(
        lambda: perfkit.history(run_folder, ["get_asset_info"], cache=filled_cache),
        rounds=5,
        iterations=1,
        warmup_rounds=1,
    )
    record("warm", benchmark)
    _check(found)
