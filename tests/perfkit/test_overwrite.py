"""perfkit never writes over an input, nor over a file it did not write unless --force is given.

Every writing command and format, on real profiles through the real CLI: a re-run over its own
outputs works; a file of the user's is refused in one line, exit 2, and left byte for byte as it
was; --force replaces it; an input or its sidecar is refused even with --force, through a
symlink too; nothing is written when any one target is refused.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.perfkit.conftest import run_cli

WORKLOAD = """
def leaf(n):
    return sum(range(n))

def branch(n):
    return [leaf(i) for i in range(n)]

branch({n})
"""
USER_DATA = b"the user's own file\n"
#: formats that cannot name their writer: an existing file is replaced only with --force
UNRECOGNISED = ("collapsed", "pstats")
EXPORTS = ("csv", "json", "parquet", "collapsed", "speedscope", "pprof", "pstats")


@pytest.fixture
def runs(make_profile: Callable[..., Path]) -> tuple[Path, Path]:
    return make_profile(WORKLOAD.format(n=200), "base.stats"), make_profile(
        WORKLOAD.format(n=120), "new.stats"
    )


def refused(result, needle: str) -> None:
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert err.startswith("perfkit: error: ") and err.count("\n") == 1, err
    assert needle in err, err


def user_file(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(USER_DATA)
    return path


@pytest.mark.parametrize("fmt", EXPORTS)
def test_export_reruns_refuses_a_users_file_and_force_replaces_it(
    fmt: str, runs: tuple[Path, Path], perfkit_main
) -> None:
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    base, _ = runs
    out = base.with_name(f"out.{fmt}")
    assert perfkit_main("export", base, "--format", fmt, "-o", out).returncode == 0
    first = out.read_bytes()
    again = perfkit_main("export", base, "--format", fmt, "-o", out)
    if fmt in UNRECOGNISED:
        refused(again, "--force replaces it")
        assert out.read_bytes() == first
        assert perfkit_main("export", base, "--format", fmt, "-o", out, "--force").returncode == 0
    else:
        assert again.returncode == 0, again.stderr
    user_file(out)
    refused(perfkit_main("export", base, "--format", fmt, "-o", out), "cannot tell that it wrote")
    assert out.read_bytes() == USER_DATA
    assert perfkit_main("export", base, "--format", fmt, "-o", out, "--force").returncode == 0
    assert out.read_bytes() != USER_DATA


@pytest.mark.parametrize("force", [(), ("--force",)])
def test_export_never_replaces_its_profile_or_sidecar(
    force: tuple[str, ...], runs: tuple[Path, Path], perfkit_main
) -> None:
    base, _ = runs
    sidecar = base.with_suffix(".json")
    sidecar.write_text(json.dumps({"schema": "perfkit.run/1", "wall_seconds": 1.5}) + "\n")
    kept = {path: path.read_bytes() for path in (base, sidecar)}
    refused(
        perfkit_main("export", base, "--format", "json", "-o", sidecar, *force),
        "is the input base.json",
    )
    refused(
        perfkit_main("export", base, "--format", "pstats", "-o", base, *force),
        "is the input base.stats",
    )
    for link, target in (("link.stats", base), ("link.json", sidecar)):
        (base.parent / link).symlink_to(target.name)
        refused(
            perfkit_main("export", base, "--format", "csv", "-o", base.parent / link, *force),
            f"is the input {target.name}",
        )
    assert {path: path.read_bytes() for path in kept} == kept


def test_another_runs_sidecar_is_not_perfkits_output(runs: tuple[Path, Path], perfkit_main):
    base, new = runs
    other = new.with_suffix(".json")  # new's sidecar, not an input of this export
    other.write_text(json.dumps({"schema": "perfkit.run/1"}) + "\n")
    text = other.read_bytes()
    refused(perfkit_main("export", base, "--format", "json", "-o", other), "--force")
    assert other.read_bytes() == text


REPORTS = {
    "compare --json": ("compare", "--json", "diff.json"),
    "compare --verdict-json": ("compare", "--verdict-json", "verdict.json"),
    "validate --json": ("validate", "--json", "verdict.json"),
    "validate --markdown": ("validate", "--markdown", "summary.md"),
    "validate --junit": ("validate", "--junit", "junit.xml"),
    "validate --single-file": ("validate", "--html", "report.html", "--single-file"),
}


def report_command(command: str, base: Path, new: Path, *options: str | Path) -> list:
    if command == "compare":
        return ["compare", base, new, *options]
    return ["validate", new, "--baseline", base, "--quiet", *options]


@pytest.mark.parametrize("case", REPORTS, ids=list(REPORTS))
def test_report_files_rerun_refuse_a_users_file_and_force(
    case: str, runs: tuple[Path, Path], perfkit_main
) -> None:
    base, new = runs
    command, flag, name, *more = REPORTS[case]
    out = base.parent / name
    args = report_command(command, base, new, flag, out, *more)
    assert perfkit_main(*args).returncode in (0, 1, 3)
    assert out.is_file()
    assert perfkit_main(*args).returncode in (0, 1, 3)  # a re-run over its own output
    user_file(out)
    refused(perfkit_main(*args), "cannot tell that it wrote")
    assert out.read_bytes() == USER_DATA
    assert perfkit_main(*args, "--force").returncode in (0, 1, 3)
    assert out.read_bytes() != USER_DATA


@pytest.mark.parametrize("command", ["compare", "validate"])
def test_reports_never_replace_a_profile_even_with_force(
    command: str, runs: tuple[Path, Path], perfkit_main
) -> None:
    base, new = runs
    kept = base.read_bytes(), new.read_bytes()
    link = base.with_name("alias.xml")
    link.symlink_to(new.name)
    for target, name in ((base, base.name), (link, new.name)):
        for flag in ("--junit", "--markdown"):
            result = perfkit_main(*report_command(command, base, new, flag, target, "--force"))
            refused(result, f"is the input {name}")
    assert (base.read_bytes(), new.read_bytes()) == kept


def test_a_refusal_writes_nothing(runs: tuple[Path, Path], perfkit_main) -> None:
    """All targets are checked before the first one is written."""
    base, new = runs
    junit = user_file(base.parent / "junit.xml")
    result = perfkit_main(
        "compare", base, new, "--json", base.parent / "diff.json", "--html", base.parent / "r",
        "--markdown", base.parent / "summary.md", "--junit", junit,
    )  # fmt: skip
    refused(result, "junit.xml")
    assert sorted(p.name for p in base.parent.iterdir()) == ["base.stats", "junit.xml", "new.stats"]
    assert junit.read_bytes() == USER_DATA


def test_html_folder_only_empty_new_or_perfkits(runs: tuple[Path, Path], perfkit_main) -> None:
    base, new = runs
    args = report_command("validate", base, new, "--html")
    folder = base.parent / "report"
    assert perfkit_main(*args, folder).returncode in (0, 1, 3)
    index = (folder / "index.html").read_bytes()
    assert perfkit_main(*args, folder).returncode in (0, 1, 3)  # re-run into its own folder
    assert (folder / "index.html").read_bytes().startswith(index[:200])

    (base.parent / "empty").mkdir()
    assert perfkit_main(*args, base.parent / "empty").returncode in (0, 1, 3)

    mine = base.parent / "mine"
    notes = user_file(mine / "notes.txt")
    page = user_file(mine / "index.html")
    refused(perfkit_main(*args, mine), "holds no perfkit report")
    assert sorted(p.name for p in mine.iterdir()) == ["index.html", "notes.txt"]
    assert notes.read_bytes() == page.read_bytes() == USER_DATA
    assert perfkit_main(*args, mine, "--force").returncode in (0, 1, 3)
    assert notes.read_bytes() == USER_DATA and page.read_bytes() != USER_DATA


HISTORY_OUTPUTS = {
    "csv": ("--csv", "runs.csv"),
    "json": ("--json", "history.json"),
    "png": ("--plot", "trend.png"),
    "svg": ("--plot", "trend.svg"),
    "pdf": ("--plot", "trend.pdf"),
    "html": ("--html", "page/history.html"),
    "html chart": ("--html", "page/history.html", "page/history.png"),
}


@pytest.mark.parametrize("case", HISTORY_OUTPUTS, ids=list(HISTORY_OUTPUTS))
def test_history_outputs_rerun_refuse_and_force(
    case: str, runs: tuple[Path, Path], tmp_path: Path, perfkit_main
) -> None:
    flag, name, *written = HISTORY_OUTPUTS[case]
    builds = tmp_path / "builds"
    builds.mkdir()
    for run in runs:
        run.rename(builds / run.name)
    out = tmp_path / "out" / name
    victim = tmp_path / "out" / (written[0] if written else name)
    args = ["history", builds, "--no-cache", flag, out]
    assert perfkit_main(*args).returncode == 0
    assert perfkit_main(*args).returncode == 0, "a re-run over its own outputs"
    user_file(victim)
    refused(perfkit_main(*args), victim.name)
    assert victim.read_bytes() == USER_DATA
    assert perfkit_main(*args, "--force").returncode == 0
    assert victim.read_bytes() != USER_DATA
    refused(
        perfkit_main("history", builds, "--no-cache", flag, builds / "base.stats", "--force"),
        "is the input base.stats",
    )


def test_cli_subprocess_refuses_the_sidecar_and_keeps_it(runs: tuple[Path, Path]) -> None:
    """The installed command, as CI runs it: the run's sidecar is never the export's target."""
    base, new = runs
    sidecar = base.with_suffix(".json")
    sidecar.write_text(json.dumps({"schema": "perfkit.run/1"}) + "\n")
    before = sidecar.read_bytes(), os.stat(sidecar).st_mtime_ns
    refused(run_cli("export", base, "--format", "json", "-o", sidecar), "is the input base.json")
    assert (sidecar.read_bytes(), os.stat(sidecar).st_mtime_ns) == before
    out = base.parent / "diff.json"
    assert run_cli("compare", base, new, "--json", out).returncode == 0
    assert run_cli("compare", base, new, "--json", out).returncode == 0
    assert json.loads(out.read_text())["schema"] == "perfkit.diff/1"


@pytest.mark.parametrize("command", ["export", "compare", "validate", "history"])
def test_help_names_force(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0 and b"--force" in result.stdout
