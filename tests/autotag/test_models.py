"""Latency, contention and fault models, and the state digest, as units."""

from __future__ import annotations

import statistics

import pytest

from autotag.errors import ConfigError
from autotag.sim.dataset import PRESETS, generate
from autotag.sim.faults import FaultInjector, FaultSpec
from autotag.sim.latency import DEFAULT_COSTS, LatencyModel
from autotag.sim.snapshot import state_digest


def test_seed_figures_are_the_configured_means() -> None:
    model = LatencyModel(jitter=0.0)
    assert model.mean_seconds("search_assets", 250) == pytest.approx(0.0669, abs=1e-4)
    assert model.mean_seconds("get_asset_info") == pytest.approx(0.0368)
    assert model.mean_seconds("tag_assets", 1) == pytest.approx(0.149)
    assert model.mean_seconds("untag_assets", 1) == pytest.approx(0.200)
    assert model.mean_seconds("get_album_info", 5000) > model.mean_seconds("get_album_info", 5)


def test_album_latency_averages_241_ms_over_the_seed_library() -> None:
    library = generate(PRESETS["seed"])
    cost = DEFAULT_COSTS["get_album_info"]
    mean = statistics.fmean(cost.mean_ms(len(a.members)) for a in library.albums.values())
    assert mean == pytest.approx(241.0, abs=1.0)


def test_jitter_keeps_the_mean_and_is_reproducible() -> None:
    draws = [LatencyModel(seed=5).service_seconds("get_asset_info", 1, 1) for _ in range(3)]
    assert len(set(draws)) == 1
    model = LatencyModel(seed=5)
    sample = [model.service_seconds("get_asset_info", 1, 1) for _ in range(20_000)]
    assert statistics.fmean(sample) == pytest.approx(0.0368, rel=0.01)
    assert statistics.pstdev(sample) > 0.005


def test_time_scale_and_contention() -> None:
    assert LatencyModel(time_scale=0.0).service_seconds("get_asset_info", 1, 50) == 0.0
    scaled = LatencyModel(jitter=0.0, time_scale=0.1)
    assert scaled.service_seconds("get_asset_info", 1, 1) == pytest.approx(0.00368)
    crowded = LatencyModel(jitter=0.0, contention=0.5)
    assert crowded.service_seconds("get_asset_info", 1, 5) == pytest.approx(0.0368 * 3)
    model = LatencyModel(contention=0.02)
    assert model.throughput_factor(8, workers=8) > 5
    assert model.throughput_factor(400, workers=8) < 1  # unbounded concurrency hurts


def test_fault_spec_parsing() -> None:
    spec = FaultSpec.parse("5xx=0.05, 429=2%,slow=0.01,drop=0.01,slow_factor=4,seed=7")
    assert spec.rates() == (0.05, 0.02, 0.01, 0.01)
    assert (spec.slow_factor, spec.seed) == (4.0, 7)
    assert FaultSpec.parse(str(spec)) == spec
    assert FaultSpec.parse(None) == FaultSpec() and not FaultSpec().active
    for bad, message in (
        ("5xx", "name=value"),
        ("boom=0.1", "unknown fault"),
        ("5xx=1.5", "between 0 and 1"),
        ("5xx=0.6,429=0.6", "more than 1"),
        ("slow_factor=0.5", ">= 1"),
        ("seed=x", "integer"),
        ("drop=lots", "number"),
    ):
        with pytest.raises(ConfigError, match=message):
            FaultSpec.parse(bad)


def test_fault_draws_are_deterministic_and_honour_the_rates() -> None:
    spec = FaultSpec.parse("5xx=0.1,429=0.05,drop=0.05,seed=3")
    keys = [f"GET /api/assets/{n}".encode() for n in range(20_000)]
    first = [FaultInjector(spec).draw(key) for key in keys[:200]]
    assert first == [FaultInjector(spec).draw(key) for key in keys[:200]]
    injector = FaultInjector(spec)
    drawn = [injector.draw(key) for key in keys]
    assert drawn.count("5xx") / len(keys) == pytest.approx(0.1, abs=0.01)
    assert drawn.count("429") / len(keys) == pytest.approx(0.05, abs=0.006)
    assert drawn.count(None) / len(keys) == pytest.approx(0.8, abs=0.01)
    assert injector.injected["5xx"] == drawn.count("5xx")


def test_a_retried_request_gets_a_fresh_draw() -> None:
    injector = FaultInjector(FaultSpec.parse("5xx=0.5,seed=1"))
    outcomes = [injector.draw(b"PUT /api/tags/x/assets") for _ in range(40)]
    assert "5xx" in outcomes and None in outcomes


def test_digest_ignores_write_order_but_not_content() -> None:
    one, two = generate(PRESETS["ci"]), generate(PRESETS["ci"])
    tag_a = one.ensure_tag("order/a", "2026-01-01T00:00:00.000Z").id
    tag_b = one.ensure_tag("order/b", "2026-01-01T00:00:00.000Z").id
    other_b = two.ensure_tag("order/b", "2026-01-01T00:00:00.000Z").id
    other_a = two.ensure_tag("order/a", "2026-01-01T00:00:00.000Z").id
    asset = one.ordered[0].id
    one.attach_tag(tag_a, [asset])
    one.attach_tag(tag_b, [asset])
    two.attach_tag(other_b, [asset])
    two.attach_tag(other_a, [asset])
    assert state_digest(one) == state_digest(two)
    two.detach_tag(other_a, [asset])
    assert state_digest(one)["parts"]["assets"] != state_digest(two)["parts"]["assets"]
    assert state_digest(one)["parts"]["albums"] == state_digest(two)["parts"]["albums"]
