"""Fixtures for validation tests: real profiles from real cProfile runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.validate.programs import profile_client

PERFKIT = Path(sys.executable).with_name("perfkit")
# autotag's perfkit settings: the seed's target, predictions, bands and Immich metrics.
AUTOTAG_SETTINGS = Path(__file__).resolve().parents[2] / "autotag" / "perfkit.toml"


def run_perfkit(*args: str | os.PathLike, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PERFKIT), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "160"},
    )


def sidecar(assets: int = 40, rss: int = 50_000_000, time_scale: float = 1.0, **extra) -> dict:
    return {
        "workload": {"assets_processed": assets, "time_scale": time_scale, "server": "embedded"},
        "peak_rss_bytes": rss,
        "profile": {"complete": True},
        **extra,
    }


@pytest.fixture
def client_pair(tmp_path: Path) -> tuple[Path, Path]:
    """A baseline that fetches every asset and a new run that fetches half as often."""
    base = profile_client(tmp_path / "base.stats", sidecar=sidecar(), info_ms=4.0, extra=20)
    new = profile_client(tmp_path / "new.stats", sidecar=sidecar(), info_ms=4.0, extra=0)
    return base, new


def _autotag(where: Path, preset: str) -> Path:
    out = where / f"{preset}.stats"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "autotag.cli",
            "run",
            "--dataset",
            "ci",
            "--time-scale",
            "0.02",
            "--preset",
            preset,
            "--profile",
            str(out),
            "--run-dir",
            str(where / f"run-{preset}"),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=where,
    )
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="session")
def autotag_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The engine profiled by its harness: the seed-baseline and the lazy preset (ci dataset)."""
    where = tmp_path_factory.mktemp("autotag")
    return {preset: _autotag(where, preset) for preset in ("seed-baseline", "lazy")}


@pytest.fixture
def project(tmp_path: Path, autotag_runs: dict[str, Path]) -> Path:
    """A project folder with a baseline in profiles/ and a perfkit.toml that names it and
    extends autotag's settings (found from the folder, as a user's project would be)."""
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    source = autotag_runs["seed-baseline"]
    shutil.copy(source, profiles / "seed-baseline.stats")
    shutil.copy(source.with_suffix(".json"), profiles / "seed-baseline.json")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "perfkit.toml").write_text(
        f"extends = {str(AUTOTAG_SETTINGS)!r}\nbaseline = 'profiles/seed-baseline.stats'\n"
    )
    return tmp_path


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
