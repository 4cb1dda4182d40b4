"""The installed ``perfkit`` console script, run as a user runs it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.perfkit.conftest import DATA, PERFKIT, run_cli, sampled_copy
from tests.perfkit.test_diff import AFTER, BEFORE
from tests.perfkit.test_reader_malformed import INPUTS

REPRESENTATIVE = [
    "empty",
    "png",
    "json",
    "pickle",
    "random",
    "huge ( size",
    "wrong shape: a list",
    "wrong shape: a string count",
    "a code object where no profile has one",
]


@pytest.fixture
def pair(make_profile) -> tuple[Path, Path]:
    return make_profile(BEFORE, name="before.stats"), make_profile(AFTER, name="after.stats")


def test_show_prints_totals_and_the_table(pair) -> None:
    result = run_cli("show", pair[0], "--sort", "ncalls", "--limit", "3")
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "before.stats" in out and "functions," in out and "primitive" in out
    assert "program:2(fetch)" in out
    assert "3 of " in out and "by ncalls" in out
    assert result.stderr == b""


def test_show_recursion_notation_and_match(oracle: dict) -> None:
    name = "profiles/cpython-3.12-cprofile.stats"
    fib = next(row for row in oracle[name]["functions"] if row[2] == "fib")
    result = run_cli("show", DATA / name, "--match", "fib")
    assert result.returncode == 0, result.stderr
    assert f"{fib[4]:,}/{fib[3]:,}" in result.stdout.decode()  # total/primitive calls
    missing = run_cli("show", DATA / "profiles/cpython-3.12-cprofile.stats", "--match", "nope")
    assert missing.returncode == 2
    assert missing.stderr.decode().strip().endswith("selector 'nope' matches no function")


@pytest.mark.parametrize(
    "name",
    ["cpython-2.7-profile.stats", "cpython-3.8-profile.stats", "cpython-3.11-cprofile.stats.gz"],
)
def test_show_reads_old_and_compressed_profiles(name: str) -> None:
    result = run_cli("show", DATA / "profiles" / name, "--limit", "5")
    assert result.returncode == 0, result.stderr
    assert "workload:" in result.stdout.decode()


def test_compare_tables_and_json(pair, tmp_path: Path) -> None:
    out_json = tmp_path / "diff.json"
    result = run_cli(
        "compare", *pair, "--match", "fetch", "--match", "process,old_step", "--json", out_json
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    for heading in (
        "Totals",
        "Selected functions",
        "Largest changes in cumtime",
        "Largest changes in calls",
        "Added functions",
        "Removed functions",
    ):
        assert heading in out
    assert "300 → 100" in out
    document = json.loads(out_json.read_text())
    assert document["schema"] == "perfkit.diff/1"
    streamed = run_cli("compare", *pair, "--json", "-")
    assert json.loads(streamed.stdout)["status_counts"] == document["status_counts"]


def test_compare_writes_its_json_diff_also_when_a_report_takes_stdout(pair, tmp_path) -> None:
    out_json = tmp_path / "diff.json"
    result = run_cli("compare", *pair, "--json", out_json, "--markdown", "-")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().startswith("## ")  # the Markdown summary alone
    assert "Totals" not in result.stdout.decode()  # no terminal tables
    assert json.loads(out_json.read_text())["schema"] == "perfkit.diff/1"


def test_compare_selector_matching_nothing_anywhere_is_an_error(pair) -> None:
    result = run_cli("compare", *pair, "--match", "fetch_all")
    assert result.returncode == 2
    assert result.stderr.decode() == (
        "perfkit: error: selector 'fetch_all' matches no function in either profile\n"
    )


@pytest.mark.parametrize("name", REPRESENTATIVE)
def test_broken_profiles_give_one_line_and_exit_2(name: str, tmp_path: Path, pair) -> None:
    broken = tmp_path / f"{name.replace(' ', '_')}.stats"
    broken.write_bytes(INPUTS[name])
    for args in (("show", broken), ("compare", pair[0], broken)):
        result = run_cli(*args)
        assert result.returncode == 2
        lines = result.stderr.decode().splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith(f"perfkit: error: {broken}: not a readable pstats profile: ")
        assert result.stdout == b""


def test_missing_file_directory_and_usage_errors(tmp_path: Path) -> None:
    missing = run_cli("show", tmp_path / "nope.stats")
    assert missing.returncode == 2
    assert missing.stderr.decode() == f"perfkit: error: {tmp_path / 'nope.stats'}: no such file\n"
    directory = run_cli("show", tmp_path)
    assert directory.returncode == 2 and "is a directory" in directory.stderr.decode()
    usage = run_cli("show", tmp_path, "--limit", "many")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr.decode()
    assert run_cli().returncode == 2


@pytest.mark.parametrize("command", [(), ("show",), ("compare",)])
def test_help_shows_an_example(command: tuple[str, ...]) -> None:
    result = run_cli(*command, "--help")
    assert result.returncode == 0
    assert "examples:" in result.stdout.decode() and "perfkit " in result.stdout.decode()


def test_closed_pipe_ends_quietly() -> None:
    profile = DATA / "profiles/cpython-3.13-cprofile.stats"
    pipeline = subprocess.run(
        f"'{PERFKIT}' show '{profile}' --limit 0 | head -n 1",
        shell=True,
        capture_output=True,
        timeout=60,
    )
    assert pipeline.returncode == 0
    assert b"Traceback" not in pipeline.stderr and b"Error" not in pipeline.stderr
    assert len(pipeline.stdout.splitlines()) == 1


def test_interrupt_ends_without_traceback(monkeypatch, capsys) -> None:
    from perfkit import cli
    from perfkit.commands import show

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(show, "run", interrupted)
    assert cli.main(["show", "x.stats"]) == 130
    assert capsys.readouterr().err == "perfkit: interrupted\n"


def test_compare_notes_different_pythons_from_the_sidecars(pair) -> None:
    for path, version in zip(pair, ("3.11.7", "3.12.1"), strict=True):
        sidecar = {"schema": "perfkit.run/1", "python": {"version": version}}
        path.with_suffix(".json").write_text(json.dumps(sidecar))
    result = run_cli("compare", *pair)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "different Pythons (3.11.7 and 3.12.1)" in out
    assert "run: Python 3.11.7" in out


def test_compare_with_a_sampled_profile_does_not_compare_calls(pair, tmp_path: Path) -> None:
    path = sampled_copy(pair[1], tmp_path / "sampled.stats")
    result = run_cli("compare", pair[0], path)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "call counts not measured" in out and "is sampled: call counts are not compared" in out
    assert "Largest changes in calls" not in out
