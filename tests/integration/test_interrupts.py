"""Killing the engine (SIGKILL, Ctrl-C) at chosen points, then resuming: nothing lost or doubled.

The engine and the simulator are real processes talking over loopback; the kill point is chosen
by watching the simulator's request counters (deterministic datasets and presets).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from autotag.engine.report import read_changes
from autotag.sim.config import SimConfig
from autotag.sim.dataset import preset as dataset
from autotag.sim.server import running_simulator
from tests.engine.builder import serve
from tests.processes import interruptible

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """Final state digest and report of an uninterrupted run, per preset."""
    found: dict[str, tuple[str, Counter]] = {}

    def get(name: str) -> tuple[str, Counter]:
        if name not in found:
            where = tmp_path_factory.mktemp(name)
            with serve(dataset=dataset("ci")) as s:
                s.run(where, name)
                found[name] = (
                    s.control.digest(),
                    Counter(read_changes(where / "modification_report.txt")),
                )
        return found[name]

    return get


def _command(sim, run_dir: Path, preset: str, *extra: str) -> tuple[list[str], dict[str, str]]:
    """`autotag run` against the simulator, and the environment carrying its API key."""
    command = [
        sys.executable,
        "-m",
        "autotag.cli",
        "run",
        "--server",
        sim.base_url,
        "--preset",
        preset,
        "--run-dir",
        str(run_dir),
        "--quiet",
        *extra,
    ]
    return command, {**os.environ, "AUTOTAG_API_KEY": sim.api_key}


def _start(sim, run_dir: Path, preset: str, *extra: str) -> subprocess.Popen:
    command, env = _command(sim, run_dir, preset, *extra)
    return subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=interruptible,
    )


def _wait_for(sim, process: subprocess.Popen, operation: str, count: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        stats = sim.control.stats()
        done = stats["operations"].get(operation, {}).get("requests", 0)
        if done >= count:
            return
        if process.poll() is not None:
            pytest.fail(f"the run ended before {count} {operation} requests")
        time.sleep(0.002)
    pytest.fail("timed out waiting for the kill point")


def _resume(sim, run_dir: Path, preset: str) -> subprocess.CompletedProcess:
    command, env = _command(sim, run_dir, preset, "--resume")
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


KILL_POINTS = [
    ("seed-baseline", 0.05, "get_asset_info", 150),
    ("seed-baseline", 0.05, "tag_assets", 12),  # between two writes of one asset
    ("seed-baseline", 0.05, "untag_assets", 1),
    ("lazy", 0.05, "get_album_info", 30),  # while the album map is built
    ("optimized", 0.3, "search_assets", 40),  # concurrent album reads
    ("optimized", 0.5, "update_asset", 1),  # the batched flush, phase by phase
    ("optimized", 0.5, "create_album", 1),
    ("optimized", 0.5, "add_assets_to_album", 1),
    ("optimized", 0.5, "tag_assets", 1),
    ("optimized", 0.5, "untag_assets", 1),
]


@pytest.mark.parametrize(("preset", "scale", "operation", "count"), KILL_POINTS)
def test_sigkill_then_resume(tmp_path, reference, preset, scale, operation, count):
    expected_digest, expected_changes = reference(preset)
    run_dir = tmp_path / "run"
    config = SimConfig(port=0, time_scale=scale, dataset=dataset("ci"))
    with running_simulator(config) as sim:
        process = _start(sim, run_dir, preset)
        _wait_for(sim, process, operation, count)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        assert process.returncode == -signal.SIGKILL
        checkpoint = json.loads((run_dir / "checkpoint.json").read_text())
        assert not checkpoint["finished"]
        resumed = _resume(sim, run_dir, preset)
        assert resumed.returncode == 0, resumed.stderr
        assert sim.control.digest() == expected_digest
    changes = Counter(read_changes(run_dir / "modification_report.txt"))
    assert max(changes.values()) == 1, "a change reported twice"
    if preset != "optimized":
        # Unbatched writes: the report is exactly the uninterrupted run's, no line lost.
        assert changes == expected_changes


def test_ctrl_c_saves_checkpoint_and_profile(tmp_path, reference):
    expected_digest, _ = reference("lazy")
    run_dir = tmp_path / "run"
    profile = tmp_path / "lazy.stats"
    config = SimConfig(port=0, time_scale=0.05, dataset=dataset("ci"))
    with running_simulator(config) as sim:
        process = _start(sim, run_dir, "lazy", "--profile", str(profile))
        _wait_for(sim, process, "get_asset_info", 100)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 130
        assert "Traceback" not in stderr
        assert "interrupted" in stderr and "--resume" in stderr
        assert stderr.count("\n") == 1
        sidecar = json.loads(profile.with_suffix(".json").read_text())
        assert sidecar["profile"]["complete"] is False
        import pstats

        assert pstats.Stats(str(profile)).total_calls > 0
        resumed = _resume(sim, run_dir, "lazy")
        assert resumed.returncode == 0, resumed.stderr
        assert sim.control.digest() == expected_digest
