"""Fixtures for perfkit tests: real profiles made by running cProfile, and the real CLI."""

from __future__ import annotations

import cProfile
import json
import marshal
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
PERFKIT = Path(sys.executable).with_name("perfkit")


def profile_source(source: str, path: Path, filename: str = "program.py") -> Path:
    """Run ``source`` (compiled as ``filename``) under cProfile and dump the stats to ``path``."""
    code = compile(textwrap.dedent(source), filename, "exec")
    profiler = cProfile.Profile()
    namespace: dict = {"__name__": "__main__"}
    profiler.runctx(code, namespace, namespace)
    profiler.dump_stats(str(path))
    return path


def sampled_copy(source: Path, target: Path) -> Path:
    """Rewrite a real profile the way sampling profilers write pstats (pyinstrument's renderer,
    3.15's profiling.sampling): -1 for every call count, times kept."""
    stats = marshal.loads(source.read_bytes())
    sampled = {
        key: (-1, -1, tt, ct, {caller: (-1, -1, *edge[2:]) for caller, edge in callers.items()})
        for key, (_, _, tt, ct, callers) in stats.items()
    }
    target.write_bytes(marshal.dumps(sampled))
    return target


@pytest.fixture
def make_profile(tmp_path: Path) -> Callable[..., Path]:
    """``make_profile(source, name=..., filename=...)`` -> the path of a real profile."""

    def make(source: str, name: str = "run.stats", filename: str = "program.py") -> Path:
        return profile_source(source, tmp_path / name, filename)

    return make


def run_cli(*args: str | os.PathLike, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """Run the installed ``perfkit`` console script, as a user would."""
    return subprocess.run(
        [str(PERFKIT), *map(str, args)],
        capture_output=True,
        input=stdin,
        timeout=120,
        env={**os.environ, "COLUMNS": "160"},
    )


@pytest.fixture
def perfkit_main(capsysbinary) -> Callable[..., subprocess.CompletedProcess]:
    """``perfkit_main(*args)``: the CLI run in this process (no interpreter start-up), with
    the same result shape as ``run_cli``."""
    from perfkit.cli import main

    def run(*args: str | os.PathLike) -> subprocess.CompletedProcess:
        capsysbinary.readouterr()
        code = main([str(arg) for arg in args])
        out, err = capsysbinary.readouterr()
        return subprocess.CompletedProcess(["perfkit", *map(str, args)], code, out, err)

    return run


@pytest.fixture(scope="session")
def oracle() -> dict:
    return json.loads((DATA / "oracle.json").read_text())


def pytest_terminal_summary(terminalreporter) -> None:
    """How many inputs the reader's fuzz tests tried, per kind and decoder (for the record)."""
    from tests.perfkit.fuzz_inputs import TRIED

    if not TRIED:
        return
    terminalreporter.section("pstats reader fuzzing")
    for kind, count in sorted(TRIED.items()):
        terminalreporter.write_line(f"{count:>9,}  {kind}")
    terminalreporter.write_line(f"{sum(TRIED.values()):>9,}  fuzz inputs tried in all")
