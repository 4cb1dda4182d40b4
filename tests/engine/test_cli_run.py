"""`autotag run` and `autotag calibrate` as a user runs them: real processes, real sockets."""

import json
import os
import pstats
import subprocess
import sys
from pathlib import Path

import pytest

SECRET = "s3cret-key-that-must-not-leak"


def autotag(*args, cwd, env=None, timeout=240):
    environment = {k: v for k, v in os.environ.items() if k != "AUTOTAG_API_KEY"}
    return subprocess.run(
        [sys.executable, "-m", "autotag.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**environment, **(env or {})},
    )


@pytest.fixture(scope="module")
def profiled_run(tmp_path_factory):
    where = tmp_path_factory.mktemp("run")
    done = autotag(
        "run",
        "--dataset",
        "ci",
        "--preset",
        "seed-baseline",
        "--time-scale",
        "0.02",
        "--profile",
        "out/sb.stats",
        "--run-dir",
        "out/run",
        "--snapshot-interval",
        "0.5",
        cwd=where,
    )
    assert done.returncode == 0, done.stderr
    return where, done


def test_profile_and_sidecar(profiled_run):
    where, done = profiled_run
    stats = pstats.Stats(str(where / "out/sb.stats"))
    names = {key[2] for key in stats.stats}
    assert {"get_asset_info", "search_assets", "process_single_asset", "get_tag_names"} <= names
    sidecar = json.loads((where / "out/sb.json").read_text())
    assert sidecar["schema"] == "perfkit.run/1"
    assert sidecar["workload"]["preset"] == "seed-baseline"
    assert sidecar["workload"]["assets_processed"] == 400
    assert sidecar["workload"]["final_state_digest"].startswith("sha256:")
    assert sidecar["profile"]["complete"] is True
    assert sidecar["http"]["operations"]["get_asset_info"]["requests"] > 400
    calls = sum(v[1] for k, v in stats.stats.items() if k[2] == "get_asset_info")
    assert calls == sidecar["http"]["operations"]["get_asset_info"]["requests"]
    assert sidecar["wall_seconds"] > 0 and sidecar["peak_rss_bytes"] > 10_000_000
    assert "final state: sha256:" in done.stdout


def test_run_directory(profiled_run):
    where, _ = profiled_run
    run = where / "out/run"
    assert json.loads((run / "checkpoint.json").read_text())["finished"] is True
    summary = json.loads((run / "run_summary.json").read_text())
    assert summary["assets_processed"] == 400
    assert summary["retries"] == 0 and summary["http"]["total_requests"] > 400
    assert summary["final_state_digest"].startswith("sha256:")
    lines = (run / "modification_report.txt").read_text().splitlines()
    assert len(lines) - 1 == sum(summary["changes"].values())


def test_api_key_never_written(tmp_path):
    """Key from the environment; no file the run leaves behind contains it."""
    from autotag.sim.config import SimConfig
    from autotag.sim.dataset import preset
    from autotag.sim.server import running_simulator

    config = SimConfig(port=0, time_scale=0.0, dataset=preset("ci"), api_key=SECRET)
    with running_simulator(config) as sim:
        done = autotag(
            "run",
            "--server",
            sim.base_url,
            "--preset",
            "lazy",
            "--profile",
            "p.stats",
            "--run-dir",
            "run",
            "--max-assets",
            "50",
            cwd=tmp_path,
            env={"AUTOTAG_API_KEY": SECRET},
        )
        assert done.returncode == 0, done.stderr
        wrong = autotag(
            "run", "--server", sim.base_url, "--api-key", "wrong", "--run-dir", "run2", cwd=tmp_path
        )
    assert wrong.returncode == 2
    assert wrong.stderr.count("\n") == 1 and "autotag: error:" in wrong.stderr
    assert "wrong" not in wrong.stderr
    files = [p for p in Path(tmp_path).rglob("*") if p.is_file()]
    assert len(files) >= 5
    for path in files:
        assert SECRET.encode() not in path.read_bytes(), path
    assert SECRET not in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--config", "missing.yaml"], "missing.yaml: cannot read config"),
        (["--preset", "nope"], "invalid choice"),
        (["--server", "http://127.0.0.1:9", "--api-key", "k"], "cannot connect"),
        (["--server", "http://127.0.0.1:9"], "needs an API key"),
        (["--resume", "--run-dir", "x"], "--resume needs --server"),
        (["--max-assets", "0"], "--max-assets must be at least 1"),
    ],
)
def test_bad_input_one_line(tmp_path, args, message):
    done = autotag("run", "--dataset", "ci", *args, cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_calibrate_small_dataset(tmp_path):
    done = autotag("calibrate", "--dataset", "ci", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "get_asset_info" in done.stdout and "35,402" not in done.stdout
    assert "targets apply to the full seed library" in done.stdout


def test_faults_over_real_sockets(tmp_path):
    """5xx, 429 and dropped connections from a real simulator process: the run retries, counts
    the retries, and ends in the state of a run without faults."""
    from autotag.sim.dataset import preset
    from tests.engine.builder import serve

    with serve(dataset=preset("ci")) as clean:
        clean.run(tmp_path / "clean", "lazy")
        expected = clean.control.digest()
    done = autotag(
        "run",
        "--dataset",
        "ci",
        "--preset",
        "optimized",
        "--run-dir",
        "run",
        "--faults",
        "5xx=0.05,429=0.03,drop=0.02,seed=11",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "run" / "run_summary.json").read_text())
    assert summary["retries"] > 0
    assert summary["final_state_digest"] == expected
    assert "retried" in done.stdout
