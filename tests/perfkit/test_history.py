"""``perfkit history``: many runs in order, steps where metrics moved, a cache that is safe."""

from __future__ import annotations

import json
import marshal
import os
import random
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

import perfkit
from perfkit.errors import PerfkitError
from perfkit.timeline import extract as extract_module
from perfkit.timeline.steps import StepOptions, count_steps, time_steps
from tests.perfkit.conftest import profile_source, run_cli

PROGRAM = """
def get_asset_info(asset):
    return sum(range(20000 + asset))

def main():
    for asset in range(10):
        get_asset_info(asset)

main()
"""
RUNS = 40
COUNT_STEP, TIME_STEP, OUTLIER = 20, 30, 10
START = datetime(2026, 1, 1, tzinfo=UTC)


def _variant(stats: dict, factor: float, extra_calls: int) -> dict:
    """The real profile with every time scaled by ``factor`` and ``get_asset_info`` called
    ``extra_calls`` more times (its key and its caller entry)."""
    out = {}
    for key, (cc, nc, tt, ct, callers) in stats.items():
        more = extra_calls if key[2] == "get_asset_info" else 0
        out[key] = (
            cc + more,
            nc + more,
            tt * factor,
            ct * factor,
            {
                c: (e[0] + more, e[1] + more, e[2] * factor, e[3] * factor)
                for c, e in callers.items()
            },
        )
    return out


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> Path:
    """40 builds of one real profile: get_asset_info called 5 more times from build 20 on,
    everything 50 % slower from build 30 on, build 10 a one-off 3x outlier, 2 % noise.
    File names are shuffled so that only the sidecars' started_at give the build order."""
    folder = tmp_path_factory.mktemp("builds")
    real = profile_source(PROGRAM, folder / "real.stats")
    stats = marshal.loads(real.read_bytes())
    real.unlink()
    rng = random.Random(7)
    labels = list(range(RUNS))
    rng.shuffle(labels)
    for build in range(RUNS):
        factor = rng.gauss(1.0, 0.02) * (1.5 if build >= TIME_STEP else 1.0)
        factor *= 3.0 if build == OUTLIER else 1.0
        extra = 5 if build >= COUNT_STEP else 0
        run = folder / f"b{labels[build]:03d}"
        run.mkdir()
        (run / "profile.stats").write_bytes(marshal.dumps(_variant(stats, factor, extra)))
        sidecar = {
            "schema": "perfkit.run/1",
            "started_at": (START + timedelta(hours=build)).isoformat(),
            "wall_seconds": 2.0 * factor,
            "git": {"sha": f"{build:040x}", "dirty": False},
            "http": {
                "total_requests": 10 + extra,
                "operations": {"get_asset_info": {"requests": 10 + extra}},
            },
        }
        (run / "profile.json").write_text(json.dumps(sidecar))
    return folder


def _history(builds: Path, tmp_path: Path, **options) -> perfkit.History:
    return perfkit.history(builds, ["get_asset_info"], cache=tmp_path / "cache.sqlite3", **options)


def test_runs_follow_the_build_order_and_steps_are_found(builds, tmp_path) -> None:
    found = _history(builds, tmp_path)
    runs = found.runs
    assert len(runs) == RUNS and (runs["time_source"] == "started_at").all()
    assert list(runs["git"]) == [f"{build:040x}"[:10] for build in range(RUNS)]
    assert runs["time"].is_monotonic_increasing
    assert runs["calls[get_asset_info]"].tolist() == [10] * 20 + [15] * 20
    steps = {(row.metric, row.run) for row in found.steps.itertuples()}
    assert steps == {
        ("total_calls", COUNT_STEP),
        ("requests", COUNT_STEP),
        ("calls[get_asset_info]", COUNT_STEP),
        ("total_time", TIME_STEP),
        ("wall_seconds", TIME_STEP),
        ("cumtime[get_asset_info]", TIME_STEP),
    }
    time_step = found.steps[found.steps["metric"] == "total_time"].iloc[0]
    assert time_step["ratio"] == pytest.approx(1.5, rel=0.05)
    assert runs.loc[TIME_STEP, "steps"] == "cumtime[get_asset_info], total_time, wall_seconds"
    assert runs.loc[OUTLIER, "steps"] == ""  # one slow build is not a step


def test_sidecar_fields_and_errors(builds, tmp_path) -> None:
    found = perfkit.history(builds, fields=["http.operations.get_asset_info.requests"], cache=False)
    column = found.runs["http.operations.get_asset_info.requests"]
    assert column.tolist() == [10] * 20 + [15] * 20
    assert ("http.operations.get_asset_info.requests", COUNT_STEP) in {
        (row.metric, row.run) for row in found.steps.itertuples()
    }
    with pytest.raises(PerfkitError, match="matches no function in any run"):
        perfkit.history(builds, ["no_such_function"], cache=False)
    with pytest.raises(PerfkitError, match="is a number in no run"):
        perfkit.history(builds, fields=["workload.preset"], cache=False)
    with pytest.raises(PerfkitError, match="no such file"):
        perfkit.history(builds / "missing", cache=False)


def test_the_cache_is_used_and_invalidated(builds, tmp_path, monkeypatch) -> None:
    first = _history(builds, tmp_path)

    def no_loading(paths):
        raise AssertionError(f"profiles decoded although cached: {paths[:1]}")

    monkeypatch.setattr(extract_module, "load_many", no_loading)
    monkeypatch.setattr(extract_module, "load", no_loading)
    again = _history(builds, tmp_path)
    assert again.runs.drop(columns="path").equals(first.runs.drop(columns="path"))
    monkeypatch.undo()
    # a rewritten profile is decoded again: its size/mtime no longer match the cache
    changed = Path(first.runs.loc[5, "path"])
    stats = marshal.loads(changed.read_bytes())
    changed.write_bytes(marshal.dumps(_variant(stats, 1.0, 100)))
    os.utime(changed, ns=(1, 1))
    try:
        third = _history(builds, tmp_path)
        assert third.runs.loc[5, "calls[get_asset_info]"] == 110
    finally:
        changed.write_bytes(marshal.dumps(stats))


def test_a_damaged_cache_is_ignored_with_a_warning(builds, tmp_path) -> None:
    cache = tmp_path / "cache.sqlite3"
    cache.write_bytes(b"this is not a database")
    found = perfkit.history(builds, cache=cache)
    assert len(found.runs) == RUNS
    assert any("history cache not used" in warning for warning in found.warnings)


def test_unreadable_profiles_are_skipped_and_mtime_orders_runs_without_sidecars(tmp_path) -> None:
    folder = tmp_path / "runs"
    folder.mkdir()
    for index, calls in enumerate((3, 3, 4)):
        path = profile_source(
            PROGRAM.replace("range(10)", f"range({calls})"), folder / f"z{index}.stats"
        )
        os.utime(path, (1_000_000 - index * 10, 1_000_000 - index * 10))  # newest first by name
    (folder / "broken.stats").write_bytes(b"\x00garbage")
    found = perfkit.history(folder, ["get_asset_info"], cache=False)
    assert found.runs["name"].tolist() == ["z2.stats", "z1.stats", "z0.stats"]
    assert (found.runs["time_source"] == "mtime").all()
    assert list(found.skipped) == [str(folder / "broken.stats")]
    assert found.steps[["metric", "run"]].values.tolist() == [
        ["calls[get_asset_info]", 1],
        ["total_calls", 1],
    ]
    by_name = perfkit.history(folder, cache=False, order="name")
    assert by_name.runs["name"].tolist() == ["z0.stats", "z1.stats", "z2.stats"]


def test_step_rules_on_plain_series() -> None:
    assert [
        (s.index, s.before, s.after) for s in count_steps(np.array([5, 5, np.nan, 6, 5.0]))
    ] == [
        (3, 5.0, 6.0),
        (4, 6.0, 5.0),
    ]
    rng = np.random.default_rng(3)
    noise_only = 1 + rng.normal(0, 0.05, 300)
    assert time_steps(noise_only) == []
    jump = np.r_[1 + rng.normal(0, 0.02, 50), 1.2 + rng.normal(0, 0.02, 50)]
    (step,) = time_steps(jump)
    assert step.index == 50 and step.ratio == pytest.approx(1.2, rel=0.03)
    # below the relative floor: not a step, however clean the series
    assert time_steps(np.r_[np.full(20, 1.0), np.full(20, 1.01)]) == []
    assert time_steps(np.r_[np.full(20, 1.0), np.full(20, 1.01)], StepOptions(min_relative=0.005))
    # too few runs after the move to confirm it
    assert time_steps(np.r_[np.full(20, 1.0), np.full(2, 2.0)]) == []


def _history_cli(run, builds: Path, tmp_path: Path, out: Path) -> subprocess.CompletedProcess:
    outputs = {"--csv": "runs.csv", "--json": "history.json", "--plot": "trend.svg"}
    arguments = [f"{flag}={out / name}" for flag, name in outputs.items()]
    arguments.append(f"--html={out / 'report' / 'index.html'}")
    cache = f"--cache={tmp_path / 'c.sqlite3'}"
    return run("history", builds, "--metric=get_asset_info", cache, *arguments, "--limit=3")


def test_history_command_writes_every_output(builds, tmp_path, perfkit_main) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    result = _history_cli(run_cli, builds, tmp_path, blocked / "out")  # the real console script
    assert result.returncode == 2 and b"cannot write" in result.stderr
    assert result.stderr.count(b"\n") == 1
    out = tmp_path / "out"  # created, with report/ below it
    result = _history_cli(perfkit_main, builds, tmp_path, out)
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert "40 runs from 2026-01-01 00:00" in text and "Steps (6)" in text
    assert "calls[get_asset_info]" in text and "▲ +50.0 %" in text  # 10 -> 15 calls
    document = json.loads((out / "history.json").read_text())
    assert document["schema"] == "perfkit.history/1" and len(document["runs"]) == RUNS
    assert {step["run"] for step in document["steps"]} == {COUNT_STEP, TIME_STEP}
    html = (out / "report" / "index.html").read_text()
    assert "<script" not in html and "style=" not in html and 'src="index.png"' in html
    assert (out / "report" / "index.png").read_bytes().startswith(b"\x89PNG")
    assert (out / "trend.svg").read_text().lstrip().startswith("<?xml")
    assert (out / "runs.csv").read_text().splitlines()[0].startswith("run,path,name,time")


def test_history_figure_and_notebook_view(builds) -> None:
    found = perfkit.history(builds, ["get_asset_info"], cache=False)
    figure = found.plot(["total_time", "calls[get_asset_info]"])
    assert len(figure.axes) == 2
    dashed = [line for line in figure.axes[0].lines if line.get_linestyle() == "--"]
    assert [line.get_xdata()[0] for line in dashed] == [TIME_STEP - 0.5]
    with pytest.raises(PerfkitError, match="no metric"):
        found.plot(["nope"])
    bundle = found._repr_mimebundle_()
    assert "History of 40 runs" in bundle["text/plain"] and "<script" not in bundle["text/html"]
