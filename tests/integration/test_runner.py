"""Starting and stopping the simulator process, and the ``autotag sim`` command."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time

import pytest

from autotag.immich import ImmichClient
from autotag.sim.config import SimConfig
from autotag.sim.dataset import preset
from autotag.sim.server import SimulatorStartError, running_simulator, start_simulator


def test_start_answer_and_stop_cleanly() -> None:
    running = start_simulator(dataset=preset("ci"), time_scale=0.0)
    try:
        assert running.base_url.startswith("http://127.0.0.1:")
        with running.client() as client:
            assert client.get_server_statistics().total_assets == 400
        assert running.control.info()["counts"]["assets"] == 400
    finally:
        code = running.stop()
    assert code == 0
    with pytest.raises(Exception):  # noqa: B017 - any connection error: nobody listens
        ImmichClient(running.api_url, running.api_key, connect_timeout=1).ping_server()


def test_a_taken_port_is_reported_in_one_line() -> None:
    with running_simulator(dataset=preset("ci"), time_scale=0.0) as first:
        config = SimConfig(dataset=preset("ci"), port=first.port)
        with pytest.raises(SimulatorStartError, match=f"cannot listen on 127.0.0.1:{first.port}"):
            start_simulator(config)


def test_api_key_is_not_on_the_command_line() -> None:
    with (
        running_simulator(dataset=preset("ci"), time_scale=0.0) as running,
        open(f"/proc/{running.process.pid}/cmdline", "rb") as handle,
    ):
        assert running.api_key.encode() not in handle.read()


def test_autotag_sim_serves_until_interrupted() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "autotag.cli", "sim", "--dataset", "ci", "--port", "0",
         "--time-scale", "0", "--api-key", "cli-key-123"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        url = re.search(r"URL\s+(\S+)", lines[1]).group(1)  # type: ignore[union-attr]
        assert "API key  cli-key-123" in lines[2]
        with ImmichClient(url, "cli-key-123") as client:
            hit = client.search_assets(size=1).items[0]
            assert client.get_asset_info(hit.id).id == hit.id
    finally:
        time.sleep(0.2)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "Traceback" not in err
    assert "stopped" in err


def test_autotag_sim_bad_arguments_give_one_line() -> None:
    for arguments, message in (
        (["--faults", "boom=1"], "unknown fault"),
        (["--time-scale", "-1"], "time_scale must be >= 0"),
        (["--rate-limit", "0"], "--rate-limit must be at least 1"),
        (["--assets", "2"], "at least 10"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "autotag.cli", "sim", "--port", "0", *arguments],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert result.returncode == 2, arguments
        assert result.stderr.strip().splitlines() == [
            f"autotag: error: {_find(result.stderr, message)}"
        ]


def _find(stderr: str, message: str) -> str:
    line = stderr.strip().removeprefix("autotag: error: ")
    assert message in line, stderr
    return line


def test_worker_reports_a_bad_config() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "autotag.sim.worker"],
        input=json.dumps({"dataset": {}}) + "\n",
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "error" in json.loads(result.stdout)
