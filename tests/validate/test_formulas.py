"""Golden tests: the seed's own numbers through perfkit's formulas and through the committed
spec of its baseline (profiles/seed-baseline.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfkit.validate.baseline import load_spec
from perfkit.validate.formulas import (
    fmt_seconds,
    improvement,
    predicted_saving,
    roadmap_model_check,
    scaled_window,
    scenario,
)

ROOT = Path(__file__).resolve().parents[2]
SEED_TOTAL = 3427.55
PER_CALL = 36.73 / 1e3


def test_measurement_template_example() -> None:
    saving = predicted_saving(35402 - 34201, PER_CALL)
    assert saving.calls_saved == 1201
    assert round(saving.seconds, 1) == 44.1
    assert saving.formula == "1,201 calls × 36.73 ms = 44.1 s"


@pytest.mark.parametrize(
    ("share", "calls", "seconds", "percent"),
    [(10, 3540, 130, 3.8), (20, 7080, 260, 7.6), (30, 10620, 390, 11.4), (50, 17701, 650, 19.0)],
)
def test_seed_scenario_table(share: float, calls: int, seconds: int, percent: float) -> None:
    row = scenario(share, 35402, PER_CALL, SEED_TOTAL)
    assert row.calls == calls
    assert round(row.seconds) == seconds
    assert round(row.percent_of_total, 1) == percent


def test_predicted_window_as_share_of_the_seed_total_and_scaled() -> None:
    window = scaled_window((50.0, 280.0), SEED_TOTAL, SEED_TOTAL)
    assert not window.scaled
    assert (round(window.low_percent, 2), round(window.high_percent, 2)) == (1.46, 8.17)
    small = scaled_window((50.0, 280.0), SEED_TOTAL, 46.625)
    assert small.scaled
    assert small.low_seconds == pytest.approx(50 * 46.625 / SEED_TOTAL)
    assert small.high_seconds / 46.625 == pytest.approx(280 / SEED_TOTAL)
    assert "1.46-8.17 %" in small.formula


def test_roadmap_model_does_not_reproduce_its_claim() -> None:
    check = roadmap_model_check(43892, 36.73, 126, SEED_TOTAL, tolerance_percent=5)
    assert round(check.model_seconds) == 1738
    assert not check.holds
    assert check.error_percent == pytest.approx((1738.15 - SEED_TOTAL) / SEED_TOTAL * 100, abs=0.01)
    assert round(check.implied_per_call_ms, 1) == 75.2


def test_improvement_formula() -> None:
    gain = improvement(3427.55, 3301.24)  # the measurement template's (example) figures
    assert round(gain.saved_seconds, 2) == 126.31
    assert round(gain.percent, 1) == 3.7
    assert fmt_seconds(gain.saved_seconds) == "126.3 s"


def test_committed_spec_keeps_the_seed_figures() -> None:
    spec = load_spec(ROOT / "profiles" / "seed-baseline.toml")
    assert spec.total_seconds == SEED_TOTAL and spec.assets == 26562
    info = spec.metrics["get_asset_info"]
    assert (info.calls, info.seconds, info.per_call_ms) == (35402, 1301.69, 36.73)
    assert round(info.seconds / info.calls * 1e3, 2) == 36.77  # what the figures really give
    assert spec.metrics["socket_recv"].calls == 55886
    assert spec.metrics["socket_io"].seconds / SEED_TOTAL == pytest.approx(0.837, abs=5e-4)
    operations = ("search_assets", "get_asset_info", "get_album_info", "tag_assets", "untag_assets")
    assert sum(spec.metrics[name].calls for name in operations) == 42783
    assert spec.roadmap_model is not None and spec.roadmap_model.requests == 43892
