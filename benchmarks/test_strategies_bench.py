"""optimized against seed-baseline on the small library: requests and wall time, same run.

Both presets run against their own simulator process over loopback, at time scale 0.02 (the
seed's latencies at 1/50, so that the baseline takes seconds, not minutes). The engine's own
time is taken from each run (the simulator's start-up is not the engine's to pay); the ratios
are printed after the benchmarks and stored in each benchmark's extra_info.
"""

from __future__ import annotations

import pytest

from autotag.launch import LaunchSpec, launch
from autotag.sim.config import SimConfig
from autotag.sim.dataset import preset
from benchmarks.conftest import SUMMARY_LINES

TIME_SCALE = 0.02
ROUNDS = 2
_RESULTS: dict[str, tuple[int, float]] = {}


def _summarise() -> None:
    (base_requests, base_seconds) = _RESULTS["seed-baseline"]
    (fast_requests, fast_seconds) = _RESULTS["optimized"]
    SUMMARY_LINES.extend(
        [
            "",
            f"optimized / seed-baseline, small library, time scale {TIME_SCALE} (same run):",
            f"  requests   {fast_requests:,} / {base_requests:,} = "
            f"{fast_requests / base_requests:.3f}",
            f"  wall time  {fast_seconds:.2f} s / {base_seconds:.2f} s = "
            f"{fast_seconds / base_seconds:.3f} ({base_seconds / fast_seconds:.1f}x faster)",
        ]
    )


@pytest.mark.parametrize("name", ["seed-baseline", "optimized"])
def test_preset_on_small(benchmark, tmp_path, name: str) -> None:
    config = SimConfig(port=0, time_scale=TIME_SCALE, dataset=preset("small"))
    benchmark.group = f"engine on the small library, time scale {TIME_SCALE}"
    engine_seconds: list[float] = []
    requests: list[int] = []

    def run() -> None:
        outcome = launch(
            LaunchSpec(preset=name, run_dir=tmp_path / f"run-{len(requests)}", sim_config=config)
        )
        requests.append(outcome.requests["total_requests"])
        engine_seconds.append(outcome.result.elapsed_seconds)

    benchmark.pedantic(run, rounds=ROUNDS, iterations=1, warmup_rounds=0)
    assert len(set(requests)) == 1, "request counts are deterministic"
    _RESULTS[name] = (requests[0], min(engine_seconds))
    benchmark.extra_info.update({"requests": requests[0], "engine_seconds": min(engine_seconds)})
    if {"seed-baseline", "optimized"} <= set(_RESULTS):
        _summarise()
