"""``perfkit view``: snakeviz on loopback, fetched over a real socket, stopped cleanly."""

from __future__ import annotations

import os
import pstats
import selectors
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import pytest

from perfkit.export.pstats_copy import write_pstats
from perfkit.export.snakeviz import free_port, handoff
from perfkit.reader import read_stats
from tests.perfkit.conftest import DATA, PERFKIT
from tests.processes import interruptible

PROGRAM = """
def distinctive_function_name(n):
    return sum(range(n))

for _ in range(3):
    distinctive_function_name(1000)
"""


def _start(path: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [str(PERFKIT), "view", str(path), "--no-browser", "--port", str(free_port())],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=interruptible,
    )
    deadline = time.monotonic() + 60
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if selector.select(timeout=1):
                line = process.stdout.readline()
                if line.startswith("snakeviz is serving"):
                    return process, line.split(" at ", 1)[1].strip()
                if not line:
                    break
    process.kill()
    raise AssertionError(f"no URL from perfkit view: {process.communicate()}")


def _stop(process: subprocess.Popen, how: int = signal.SIGINT) -> tuple[int, str]:
    process.send_signal(how)
    _, err = process.communicate(timeout=30)
    return process.returncode, err


def _refused(url: str) -> bool:
    parts = urlsplit(url)
    with socket.socket() as probe:
        return probe.connect_ex((parts.hostname, parts.port)) != 0


def test_view_serves_the_profile_and_stops_on_ctrl_c(make_profile) -> None:
    path = make_profile(PROGRAM)
    process, url = _start(path)
    try:
        assert url.startswith("http://127.0.0.1:")
        assert unquote(urlsplit(url).path).endswith(str(path))  # the user's own file
        page = httpx.get(url, timeout=30)
        assert page.status_code == 200
        assert "distinctive_function_name" in page.text
    finally:
        status, err = _stop(process)
    assert status == 0 and "perfkit: viewer stopped" in err
    assert _refused(url)


def test_python2_profile_goes_through_a_sanitised_copy(tmp_path) -> None:
    process, url = _start(DATA / "profiles" / "cpython-2.7-profile.stats")
    copy = Path(unquote(urlsplit(url).path).removeprefix("/snakeviz"))
    try:
        assert copy.name == "cpython-2.7-profile.stats" and copy.parent.name.startswith("perfkit-")
        page = httpx.get(url, timeout=30)
        assert page.status_code == 200 and "fib" in page.text
    finally:
        status, err = _stop(process, signal.SIGTERM)
    assert status == 0
    assert "sanitised copy" in err and "stdlib pstats of this Python cannot read it" in err
    assert not copy.exists()
    assert _refused(url)


def test_a_broken_file_never_reaches_snakeviz(tmp_path, perfkit_main) -> None:
    broken = tmp_path / "broken.stats"
    broken.write_bytes(b"\xe3" + os.urandom(64))
    result = perfkit_main("view", broken, "--no-browser")
    assert result.returncode == 2
    assert result.stderr.decode().startswith(f"perfkit: error: {broken}: ")
    assert result.stderr.count(b"\n") == 1 and b"snakeviz" not in result.stdout


@pytest.mark.parametrize(
    "name",
    ["cpython-2.7-cprofile.stats", "cpython-3.8-profile.stats", "cpython-3.11-cprofile.stats.gz"],
)
def test_sanitised_copies_load_in_stdlib_pstats(name: str, oracle: dict) -> None:
    expected = oracle[f"profiles/{name.removesuffix('.gz')}"]
    with handoff(DATA / "profiles" / name) as given:
        assert given.reason is not None
        stats = pstats.Stats(str(given.file))
        folder = given.file.parent
    assert (stats.total_calls, stats.prim_calls) == (
        expected["total_calls"],
        expected["primitive_calls"],
    )
    assert stats.total_tt == pytest.approx(expected["total_time"], rel=1e-12)
    assert not folder.exists()


def test_plain_profiles_are_handed_over_as_they_are(make_profile, tmp_path) -> None:
    path = make_profile(PROGRAM)
    with handoff(path) as given:
        assert given.file == path and given.reason is None
    copy = tmp_path / "copy.stats"
    with open(copy, "wb") as stream:
        write_pstats(read_stats(path), stream)
    assert pstats.Stats(str(copy)).stats == pstats.Stats(str(path)).stats
