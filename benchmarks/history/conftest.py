"""History benchmark fixtures: 2,000 runs made from one real profile, and the ratio summary.

One small program is profiled with cProfile for real; the 2,000 runs are that profile with its
numbers changed through marshal (2 % time noise, 5 more calls of ``get_asset_info`` from run
1,000 on, 40 % slower from run 1,500 on) and a sidecar each, in one folder per run.  Each run
is measured three ways in the same session: stdlib ``pstats.Stats`` loading every file (the
reference), ``perfkit.history`` with no cache (every profile decoded), and with a filled cache.
"""

from __future__ import annotations

import cProfile
import json
import marshal
import random
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

RUNS = 2_000
COUNT_STEP, TIME_STEP = 1_000, 1_500
_TIMES: dict[str, tuple[float, float]] = {}  # name -> (min, median) seconds

PROGRAM = """
def get_asset_info(asset):
    return sum(range(2000 + asset))

def list_assets(count):
    return [get_asset_info(asset) for asset in range(count)]

def main():
    for page in range(4):
        list_assets(25)
    return sorted(str(n) for n in range(200))

main()
"""


def _real_profile() -> dict:
    profiler = cProfile.Profile()
    namespace: dict = {"__name__": "__main__"}
    profiler.runctx(compile(textwrap.dedent(PROGRAM), "program.py", "exec"), namespace, namespace)
    profiler.create_stats()
    return profiler.stats


def _variant(stats: dict, factor: float, extra: int) -> dict:
    out = {}
    for key, (cc, nc, tt, ct, callers) in stats.items():
        more = extra if key[2] == "get_asset_info" else 0
        edges = {
            c: (e[0] + more, e[1] + more, e[2] * factor, e[3] * factor) for c, e in callers.items()
        }
        out[key] = (cc + more, nc + more, tt * factor, ct * factor, edges)
    return out


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("history-runs")
    stats = _real_profile()
    rng = random.Random(2026)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for run in range(RUNS):
        factor = rng.gauss(1.0, 0.02) * (1.4 if run >= TIME_STEP else 1.0)
        extra = 5 if run >= COUNT_STEP else 0
        build = folder / f"build-{run:05d}"
        build.mkdir()
        (build / "profile.stats").write_bytes(marshal.dumps(_variant(stats, factor, extra)))
        sidecar = {
            "schema": "perfkit.run/1",
            "started_at": (start + timedelta(minutes=run)).isoformat(),
            "wall_seconds": 3.0 * factor,
            "http": {"total_requests": 100 + extra},
        }
        (build / "profile.json").write_text(json.dumps(sidecar))
    return folder


def record(name: str, benchmark) -> None:
    stats = benchmark.stats.stats
    _TIMES[name] = (stats.min, stats.median)


def pytest_terminal_summary(terminalreporter) -> None:
    if "pstats" not in _TIMES:
        return
    write = terminalreporter.write_line
    reference = _TIMES["pstats"]
    write("")
    write(f"perfkit history of {RUNS:,} runs against stdlib pstats loading them (min / median)")
    for name, label in (("cold", "no cache"), ("warm", "cache filled")):
        if name in _TIMES:
            measured = _TIMES[name]
            write(
                f"  {label:>13}: {measured[0]:.2f} s / {measured[1]:.2f} s = "
                f"{measured[0] / reference[0]:.2f} / {measured[1] / reference[1]:.2f} x pstats "
                f"({reference[0]:.2f} s / {reference[1]:.2f} s)"
            )
