"""``perfkit validate`` and ``perfkit compare`` report options, run as a user runs them, on
profiles the autotag harness wrote for the seed-baseline and lazy presets."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from perfkit.validate.settings import schema
from tests.validate.conftest import AUTOTAG_SETTINGS, read_json, run_perfkit

EXIT = {"go": 0, "no-go": 1, "marginal": 3}


def test_validate_with_the_project_settings_and_baseline(project: Path, autotag_runs: dict) -> None:
    lazy = autotag_runs["lazy"]
    result = run_perfkit(
        "validate",
        lazy,
        "--html",
        "out/html",
        "--junit",
        "out/perfkit.xml",
        "--markdown",
        "out/summary.md",
        "--json",
        "out/verdict.json",
        cwd=project,
    )
    assert result.returncode in (0, 1, 3), result.stderr
    verdict = read_json(project / "out/verdict.json")
    jsonschema.validate(verdict, schema("verdict"))
    assert result.returncode == EXIT[verdict["status"]] == verdict["exit_code"]
    assert verdict["baseline"]["runs"][0]["path"].endswith("profiles/seed-baseline.stats")
    assert verdict["notes"][0].startswith(f"settings from {project / 'perfkit.toml'}")
    assert verdict["baseline"]["workload"]["preset"] == "seed-baseline"
    assert verdict["new"]["workload"]["preset"] == "lazy"
    names = {check["name"] for check in verdict["checks"]}
    assert "guard.calls.get_asset_info" in names and "guard.calls.socket_io" not in names
    target = verdict["target"]
    assert target["calls_saved"] > 0  # the lazy preset saves the re-fetches after tag writes
    assert verdict["improvement"]["source"] == "measured"
    out = result.stdout
    assert "get_asset_info" in out and "verdict:" in out and "Validation checklist" in out
    for name in ("index.html", "perfkit.css", "calls.png", "savings.png", "breakdown.png"):
        assert (project / "out/html" / name).is_file()
    suite = ET.parse(project / "out/perfkit.xml").getroot().find("testsuite")
    assert suite.get("name") == "perfkit.validate"
    assert "perfkit validate" in (project / "out/summary.md").read_text()
    documented = verdict["checklist"][-1]
    assert documented["done"] is True and "out/html/index.html" in documented["detail"]


def test_validate_against_the_published_figures(autotag_runs: dict, tmp_path: Path) -> None:
    spec = Path(__file__).resolve().parents[2] / "profiles" / "seed-baseline.toml"
    result = run_perfkit(
        "validate",
        autotag_runs["lazy"],
        "--baseline",
        spec,
        "--config",
        AUTOTAG_SETTINGS,
        "--json",
        "-",
        "--quiet",
        cwd=tmp_path,
    )
    assert result.returncode in (0, 1, 3), result.stderr
    import json

    verdict = json.loads(result.stdout)
    assert verdict["improvement"]["source"] == "estimated"
    assert verdict["comparability"]["counts_factor"] == pytest.approx(26562 / 400)
    assert "verdict:" in result.stderr  # the terminal goes to stderr when stdout is taken
    checks = {c["name"]: c for c in verdict["checks"]}
    assert checks["audit.roadmap_model"]["outcome"] == "warn"


def test_markdown_to_stdout_for_the_step_summary(autotag_runs: dict, tmp_path: Path) -> None:
    runs = autotag_runs
    result = run_perfkit(
        "validate",
        runs["lazy"],
        "--baseline",
        runs["seed-baseline"],
        "--markdown",
        "-",
        cwd=tmp_path,
    )
    assert result.returncode in (0, 1, 3), result.stderr
    assert result.stdout.startswith("## ")
    assert "╭" not in result.stdout and "verdict:" in result.stderr


def test_compare_writes_the_same_report(autotag_runs: dict, tmp_path: Path) -> None:
    runs = autotag_runs
    result = run_perfkit(
        "compare",
        runs["seed-baseline"],
        runs["lazy"],
        "--html",
        "report",
        "--junit",
        "j.xml",
        "--verdict-json",
        "v.json",
        "--limit",
        "3",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Largest changes in cumtime" in result.stdout  # compare's own tables
    assert (tmp_path / "report/index.html").is_file()
    assert read_json(tmp_path / "v.json")["schema"] == "perfkit.verdict/1"
    single = run_perfkit(
        "compare",
        runs["seed-baseline"],
        runs["lazy"],
        "--html",
        "one.html",
        "--single-file",
        cwd=tmp_path,
    )
    assert single.returncode == 0, single.stderr
    assert "data:image/png;base64," in (tmp_path / "one.html").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("validate",), "no new profile"),
        (
            ("validate", "missing.stats", "--baseline", "missing.stats"),
            "missing.stats: no such file",
        ),
        (("validate", "notes.stats", "--baseline", "notes.stats"), "not a readable pstats profile"),
        (("validate", "notes.stats"), "no baseline"),
        (("validate", "notes.stats", "--config", "bad.toml"), "bad.toml: targt: unknown key"),
        (("validate", "x", "--baseline", "spec.toml"), "spec.toml: run.total_seconds: missing"),
        (("validate", "x", "--single-file"), "--single-file needs --html"),
        (("validate", "x", "--markdown", "-", "--json", "-"), "only one of"),
        (("compare", "a", "b", "--junit", "-"), "--junit needs a file name"),
    ],
)
def test_usage_and_input_errors_exit_2(tmp_path: Path, args: tuple, message: str) -> None:
    (tmp_path / "notes.stats").write_text("just some notes\n")
    (tmp_path / "bad.toml").write_text("targt = 'x'\n")
    (tmp_path / "spec.toml").write_text("[run]\nlabel = 'x'\n")
    result = run_perfkit(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("perfkit: error: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_report_into_a_file_path_is_refused(autotag_runs: dict, tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("keep me\n")
    result = run_perfkit(
        "validate",
        autotag_runs["lazy"],
        "--baseline",
        autotag_runs["seed-baseline"],
        "--html",
        "taken",
        cwd=tmp_path,
    )
    assert result.returncode == 2 and "not a folder" in result.stderr
    assert (tmp_path / "taken").read_text() == "keep me\n"


def test_target_selectors_judge_their_calls(client_pair, tmp_path: Path) -> None:
    base, new = client_pair
    out = tmp_path / "verdict.json"
    done = run_perfkit(
        "validate", new, "--baseline", base, "--target", "get_tag_names",
        "--target", "has_tag", "--json", out, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode in (0, 1, 3), done.stderr
    verdict = read_json(out)
    assert verdict["config"]["target"] == "get_tag_names"
    names = {metric["name"] for metric in verdict["metrics"]}
    assert {"get_tag_names", "has_tag"} <= names
    assert "get_tag_names calls" in verdict["headline"]


def test_a_target_that_matches_nothing_is_an_error(client_pair, tmp_path: Path) -> None:
    base, new = client_pair
    done = run_perfkit("validate", new, "--baseline", base, "--target", "no_such_function")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "perfkit: error: --target 'no_such_function' matches no function in either profile"
    ]
