"""validate() on real profiles of a small API client: figures against stdlib pstats, the
decision, guards, several runs per side, and a spec baseline of another workload."""

from __future__ import annotations

import pstats
from pathlib import Path

import jsonschema
import pytest

import perfkit
from perfkit.errors import PerfkitError
from perfkit.validate import load_config, load_spec, validate
from perfkit.validate.settings import schema
from tests.validate.conftest import AUTOTAG_SETTINGS, sidecar
from tests.validate.programs import profile_client

ROOT = Path(__file__).resolve().parents[2]


def pstats_figures(path: Path, name: str) -> tuple[int, float]:
    """ncalls and cumtime of the function ``name`` by stdlib pstats (the oracle)."""
    stats = pstats.Stats(str(path)).stats
    rows = [value for key, value in stats.items() if key[2] == name]
    return sum(r[1] for r in rows), sum(r[3] for r in rows)


@pytest.fixture
def config():
    return load_config(AUTOTAG_SETTINGS)


def test_figures_match_pstats_and_the_lazy_change_is_a_go(client_pair, config) -> None:
    base_path, new_path = client_pair
    verdict = validate([perfkit.load(new_path)], [perfkit.load(base_path)], config)
    result = verdict.target
    base_calls, base_seconds = pstats_figures(base_path, "get_asset_info")
    new_calls, _ = pstats_figures(new_path, "get_asset_info")
    assert (result.base.calls, result.new.calls) == (base_calls, new_calls) == (60, 40)
    assert result.calls_saved == 20
    assert result.per_call_source == "derived"
    assert result.per_call_ms == pytest.approx(base_seconds / base_calls * 1e3)
    assert result.saving.seconds == pytest.approx(20 * base_seconds / base_calls)
    base_total = pstats.Stats(str(base_path)).total_tt
    new_total = pstats.Stats(str(new_path)).total_tt
    assert verdict.improvement.percent == pytest.approx((base_total - new_total) / base_total * 100)
    assert verdict.improvement_source == "measured"
    assert verdict.status == "go" and verdict.exit_code == 0
    assert verdict.decision.band.decision == "MERGE"
    document = verdict.to_dict()
    jsonschema.validate(document, schema("verdict"))
    names = {check["name"]: check for check in document["checks"]}
    assert names["guard.calls.get_asset_info"]["outcome"] == "pass"
    assert names["guard.peak_memory"]["outcome"] == "pass"
    assert names["audit.cost_model"]["outcome"] in ("pass", "warn")
    assert [item["done"] for item in document["checklist"]][:6] == [True] * 6


def test_nesting_and_contained_operations_are_reported(client_pair, config) -> None:
    base_path, new_path = client_pair
    verdict = validate([perfkit.load(new_path)], [perfkit.load(base_path)], config)
    by_name = {r.name: r for r in verdict.metrics}
    tags = by_name["tag_operations"].new
    assert tags.calls == 80  # has_tag 40 + get_tag_names 40
    assert any("has_tag" in a and "get_tag_names" in b for a, b in tags.nested)
    assert by_name["get_tag_names"].new.contains == ("get_asset_info",)
    assert not by_name["get_asset_info"].new.nested


def test_calls_going_up_vetoes_even_a_faster_run(tmp_path: Path, config) -> None:
    base = profile_client(tmp_path / "b.stats", sidecar=sidecar(), info_ms=6.0, pages=4)
    new = profile_client(tmp_path / "n.stats", sidecar=sidecar(), info_ms=0.5, pages=5)
    verdict = validate([perfkit.load(new)], [perfkit.load(base)], config)
    assert verdict.improvement.percent > 10
    failed = [c for c in verdict.checks if c.outcome == "fail"]
    assert "guard.calls.get_asset_info" in {c.name for c in failed}
    assert "guard.calls.search_assets" in {c.name for c in failed}
    assert verdict.status == "no-go" and verdict.exit_code == 1
    assert any(reason.startswith("Veto (guard.calls.") for reason in verdict.decision.reasons)


def test_memory_guard_from_sidecars_with_tolerance(tmp_path: Path, config) -> None:
    base = profile_client(tmp_path / "b.stats", sidecar=sidecar(rss=100_000_000), extra=20)
    ok = profile_client(tmp_path / "ok.stats", sidecar=sidecar(rss=109_000_000))
    worse = profile_client(tmp_path / "worse.stats", sidecar=sidecar(rss=120_000_000))
    baseline = [perfkit.load(base)]
    good = validate([perfkit.load(ok)], baseline, config)
    bad = validate([perfkit.load(worse)], baseline, config)
    assert {c.name: c.outcome for c in good.checks}["guard.peak_memory"] == "pass"
    assert {c.name: c.outcome for c in bad.checks}["guard.peak_memory"] == "fail"
    assert bad.status == "no-go"


def test_slower_run_is_investigate(tmp_path: Path, config) -> None:
    base = profile_client(tmp_path / "b.stats", info_ms=1.0)
    new = profile_client(tmp_path / "n.stats", info_ms=3.0)
    verdict = validate([perfkit.load(new)], [perfkit.load(base)], config)
    assert verdict.improvement.percent < 0
    assert verdict.decision.band.decision == "INVESTIGATE"
    assert {c.name: c.outcome for c in verdict.checks}["guard.total_time"] == "fail"
    assert verdict.status == "no-go"


def test_several_runs_medians_and_not_significant(tmp_path: Path, config) -> None:
    """Noisy sides: the medians differ by > 10 %, but the runs overlap -> not significant."""
    base = [
        profile_client(tmp_path / f"b{i}.stats", sidecar=sidecar(), info_ms=ms)
        for i, ms in enumerate((3.0, 9.0))
    ]
    new = [
        profile_client(tmp_path / f"n{i}.stats", sidecar=sidecar(), info_ms=ms)
        for i, ms in enumerate((2.0, 8.0))
    ]
    verdict = validate(perfkit.load_many(new), perfkit.load_many(base), config)
    totals = [pstats.Stats(str(p)).total_tt for p in base]
    assert verdict.baseline.total_seconds == pytest.approx(sum(totals) / 2)
    assert verdict.significance is not None and verdict.significance.significant is False
    assert verdict.improvement.percent >= 10
    assert verdict.status == "marginal" and verdict.exit_code == 3
    outcomes = {c.name: c.outcome for c in verdict.checks}
    assert outcomes["significance.total_time"] == "warn"
    assert outcomes["consistency.calls.baseline"] == "pass"


def test_runs_with_different_counts_are_reported(tmp_path: Path, config) -> None:
    base = [
        profile_client(tmp_path / f"b{i}.stats", extra=extra) for i, extra in enumerate((20, 22))
    ]
    new = [profile_client(tmp_path / f"n{i}.stats") for i in range(2)]
    verdict = validate(perfkit.load_many(new), perfkit.load_many(base), config)
    check = {c.name: c for c in verdict.checks}["consistency.calls.baseline"]
    assert check.outcome == "warn" and "get_asset_info: 60, 62" in check.message
    assert verdict.target.base.calls == 60  # the lower median: a count one run really made
    assert not verdict.target.base.consistent


def test_significant_difference_keeps_the_band(tmp_path: Path, config) -> None:
    base = perfkit.load_many(
        [profile_client(tmp_path / f"b{i}.stats", info_ms=6.0, extra=20) for i in range(3)]
    )
    new = perfkit.load_many(
        [profile_client(tmp_path / f"n{i}.stats", info_ms=6.0) for i in range(3)]
    )
    verdict = validate(new, base, config)
    assert verdict.significance.significant is True
    assert verdict.status == "go"


def test_spec_baseline_of_another_workload_is_estimated(tmp_path: Path, config) -> None:
    spec = load_spec(ROOT / "profiles" / "seed-baseline.toml")
    new = profile_client(
        tmp_path / "n.stats", sidecar=sidecar(assets=40, time_scale=0.1), pages=4, extra=0
    )
    verdict = validate([perfkit.load(new)], spec, config)
    assert not verdict.comparability.times_comparable
    assert verdict.comparability.counts_factor == pytest.approx(26562 / 40)
    assert verdict.improvement_source == "estimated"
    saved = 35402 - 40 * 26562 / 40
    assert verdict.improvement.saved_seconds == pytest.approx(saved * 0.03673)
    assert verdict.target.per_call_source == "published"
    assert verdict.target.per_call_derived_ms == pytest.approx(1301.69 / 35402 * 1e3)
    outcomes = {c.name: c for c in verdict.checks}
    assert outcomes["guard.calls"].outcome == "skip"
    roadmap = outcomes["audit.roadmap_model"]
    assert (
        roadmap.outcome == "warn"
        and "1,738.15 s" in roadmap.message
        and "75.2 ms" in roadmap.message
    )
    parts = outcomes["audit.parts.tag_operations"]
    assert parts.outcome == "warn" and "1,420,036" in parts.message and "1,450,527" in parts.message
    assert outcomes["audit.share.socket_io"].outcome == "pass"
    scenarios = [
        (s.calls, round(s.seconds), round(s.percent_of_total, 1)) for s in verdict.scenarios
    ]
    assert scenarios == [(3540, 130, 3.8), (7080, 260, 7.6), (10620, 390, 11.4), (17701, 650, 19.0)]
    jsonschema.validate(verdict.to_dict(), schema("verdict"))


def test_required_metric_that_matches_nothing_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "perfkit.toml").write_text(
        "[metrics.gone]\nselector = 'no_such_function'\nrequired = true\n"
    )
    config = load_config(tmp_path / "perfkit.toml")
    profile = perfkit.load(profile_client(tmp_path / "a.stats"))
    with pytest.raises(PerfkitError, match="'gone' is required"):
        validate([profile], [profile], config)


def test_sampled_profiles_are_compared_by_time_only(tmp_path: Path, config) -> None:
    from tests.perfkit.conftest import sampled_copy

    base = profile_client(tmp_path / "b.stats", extra=20)
    new = sampled_copy(profile_client(tmp_path / "n.stats"), tmp_path / "sampled.stats")
    verdict = validate([perfkit.load(new)], [perfkit.load(base)], config)
    outcomes = {c.name: c for c in verdict.checks}
    assert (
        outcomes["guard.calls"].outcome == "skip" and "sampled" in outcomes["guard.calls"].message
    )
    assert verdict.target.new.calls is None and verdict.target.calls_saved is None
    assert verdict.improvement_source == "measured"
    checklist = {item.item.split(":")[0]: item for item in verdict.checklist}
    assert checklist["call counts extracted"].done is False
    jsonschema.validate(verdict.to_dict(), schema("verdict"))


def test_slower_within_the_noise_is_marginal_not_a_veto(tmp_path: Path, config) -> None:
    base = [
        profile_client(tmp_path / f"b{i}.stats", sidecar=sidecar(), info_ms=ms)
        for i, ms in enumerate((3.0, 9.0))
    ]
    new = [
        profile_client(tmp_path / f"n{i}.stats", sidecar=sidecar(), info_ms=ms)
        for i, ms in enumerate((4.0, 10.0))
    ]
    verdict = validate(perfkit.load_many(new), perfkit.load_many(base), config)
    assert verdict.improvement.percent < 0
    assert verdict.significance.significant is False
    guard = {c.name: c for c in verdict.checks}["guard.total_time"]
    assert guard.outcome == "warn" and "within the noise" in guard.message
    assert verdict.decision.band.decision == "INVESTIGATE"
    assert verdict.status == "marginal" and verdict.exit_code == 3
