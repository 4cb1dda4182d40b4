"""The pytest plugin, through real inner pytest sessions (``pytester``).

The inner tests call ``workload.get_item`` in a loop whose length comes from the environment
variable ``WORKLOAD_N``, so a session can be run unchanged or with a regressed workload.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfkit.callgate.rules import CallRuleError, parse_rule

pytest_plugins = ["pytester"]

WORKLOAD = """
import os


def get_item(i):
    return i * 2


def get_total():
    n = int(os.environ.get("WORKLOAD_N", "100"))
    return sum(get_item(i) for i in range(n))
"""

TESTS = """
import pytest

import workload


@pytest.mark.perfkit
def test_total():
    assert workload.get_total() >= 0


def test_unmarked():
    assert workload.get_total() >= 0
"""

BENCHMARK_TEST = """
import pytest

import workload


@pytest.mark.perfkit
def test_total_benchmarked(benchmark):
    assert benchmark(workload.get_total) >= 0
"""

FAIL_GET = "get_*:calls>+5%"


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(workload=WORKLOAD, test_workload=TESTS)
    return pytester


def run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, n: int, *args: str
) -> pytest.RunResult:
    monkeypatch.setenv("WORKLOAD_N", str(n))
    return pytester.runpytest("-p", "no:cacheprovider", *args)


def saved(path: Path) -> dict:
    return json.loads(path.read_text())


def calls_of(document: dict, nodeid: str, name: str) -> int:
    rows = [row for row in document["tests"][nodeid] if row["name"] == name]
    assert len(rows) == 1, rows
    return rows[0]["ncalls"]


def test_the_marker_is_registered_and_inert_without_options(project: pytest.Pytester) -> None:
    markers = project.runpytest("--markers")
    markers.stdout.fnmatch_lines(["@pytest.mark.perfkit: count this test's calls per function*"])
    result = project.runpytest("--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    assert "- perfkit -" not in result.stdout.str()  # no summary section
    assert not (project.path / ".perfkit").exists()


def test_save_stores_the_marked_tests_call_counts(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run(project, monkeypatch, 100, "--perfkit-save", "base")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["perfkit: call counts of 1 test saved as 'base': .perfkit/base.json"]
    )
    document = saved(project.path / ".perfkit" / "base.json")
    assert document["schema"] == "perfkit.calls/1"
    assert document["name"] == "base"
    assert list(document["tests"]) == ["test_workload.py::test_total"]  # the marked test only
    assert calls_of(document, "test_workload.py::test_total", "get_item") == 100
    assert calls_of(document, "test_workload.py::test_total", "get_total") == 1
    # the generator expression: one call per item, and one more to finish
    assert calls_of(document, "test_workload.py::test_total", "<genexpr>") == 101


def test_compare_passes_unchanged_and_fails_a_regressed_workload(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(project, monkeypatch, 100, "--perfkit-save", "base").assert_outcomes(passed=2)

    # calls>+0 over every function: the counts of an unchanged run are the same, exactly
    same = run(
        project,
        monkeypatch,
        100,
        "--perfkit-compare",
        "base",
        "--perfkit-fail",
        FAIL_GET,
        "--perfkit-fail",
        "calls>+0",
    )
    same.assert_outcomes(passed=2)
    same.stdout.fnmatch_lines(
        [
            "perfkit: 1 test compared with 'base' (.perfkit/base.json), "
            "rules: get_*:calls>+5%, calls>+0: 0 failed"
        ]
    )

    within = run(project, monkeypatch, 105, "--perfkit-compare", "base", "--perfkit-fail", FAIL_GET)
    within.assert_outcomes(passed=2)  # +5.0 % is not more than 5 %

    regressed = run(
        project, monkeypatch, 110, "--perfkit-compare", "base", "--perfkit-fail", FAIL_GET
    )
    regressed.assert_outcomes(passed=1, failed=1)
    regressed.stdout.fnmatch_lines(
        [
            "*_ test_total _*",
            "perfkit: call counts grew against 'base': "
            "workload:get_item: 100 -> 110 calls (+10.0 %; rule get_*:calls>+5%)",
            "*- perfkit -*",
            "perfkit: 1 test compared with 'base' (.perfkit/base.json), "
            "rules: get_*:calls>+5%: 1 failed",
            "  FAILED test_workload.py::test_total: workload:get_item 100 -> 110 (+10.0 %)",
        ]
    )
    assert "Traceback" not in regressed.stdout.str()


def test_absolute_rules_and_several_of_them(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(project, monkeypatch, 100, "--perfkit-save", "base").assert_outcomes(passed=2)
    compare = ("--perfkit-compare", "base")
    run(project, monkeypatch, 103, *compare, "--perfkit-fail", "calls>+3").assert_outcomes(passed=2)
    result = run(
        project,
        monkeypatch,
        104,
        *compare,
        "--perfkit-fail",
        "workload:get_item:calls>+3",
        "--perfkit-fail",
        "re:workload\\.py:\\d+\\(<genexpr>\\):calls>+3",
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "perfkit: call counts grew against 'base' (2 over the rules):",
            "  workload:get_item: 100 -> 104 calls (+4.0 %; rule workload:get_item:calls>+3)",
            "  workload:<genexpr>: 101 -> 105 calls (+4.0 %; rule re:workload*calls>+3)",
        ]
    )


def test_fewer_calls_never_fail(project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    run(project, monkeypatch, 100, "--perfkit-save", "base").assert_outcomes(passed=2)
    result = run(
        project, monkeypatch, 10, "--perfkit-compare", "base", "--perfkit-fail", "calls>+0"
    )
    result.assert_outcomes(passed=2)


def test_compare_without_rules_reports_changes_only(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(project, monkeypatch, 100, "--perfkit-save", "base").assert_outcomes(passed=2)
    result = run(project, monkeypatch, 120, "--perfkit-compare", "base")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "perfkit: 1 test compared with 'base' (.perfkit/base.json), "
            "rules: none (--perfkit-fail): 0 failed",
            "  test_workload.py::test_total: 2 functions' call counts changed",
        ]
    )


def test_a_test_not_in_the_baseline_is_listed_not_failed(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(project, monkeypatch, 100, "--perfkit-save", "base").assert_outcomes(passed=2)
    project.makepyfile(test_new=TESTS.replace("test_total", "test_new_total"))
    result = run(project, monkeypatch, 100, "--perfkit-compare", "base", "--perfkit-fail", FAIL_GET)
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        ["perfkit: 1 test not in 'base', not checked: test_new.py::test_new_total"]
    )


def test_a_failing_test_is_not_saved(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.makepyfile(
        test_broken="import pytest\n\n@pytest.mark.perfkit\ndef test_broken():\n    assert 0\n"
    )
    run(project, monkeypatch, 100, "--perfkit-save", "base").assert_outcomes(passed=2, failed=1)
    document = saved(project.path / ".perfkit" / "base.json")
    assert list(document["tests"]) == ["test_workload.py::test_total"]


def test_a_rule_that_matches_nothing_is_an_error(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(project, monkeypatch, 100, "--perfkit-save", "base").assert_outcomes(passed=2)
    rule = "no_such_function:calls>+0"
    result = run(project, monkeypatch, 100, "--perfkit-compare", "base", "--perfkit-fail", rule)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stdout.fnmatch_lines(
        [f"perfkit: error: rule '{rule}' matched no function in any compared test"]
    )


def test_perfkit_dir(project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    run(project, monkeypatch, 100, "--perfkit-save", "base", "--perfkit-dir", "ci/counts")
    assert (project.path / "ci" / "counts" / "base.json").is_file()
    assert not (project.path / ".perfkit").exists()
    result = run(
        project,
        monkeypatch,
        110,
        "--perfkit-compare",
        "base",
        "--perfkit-dir",
        "ci/counts",
        "--perfkit-fail",
        FAIL_GET,
    )
    result.assert_outcomes(passed=1, failed=1)


def test_beside_pytest_benchmark(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(workload=WORKLOAD, test_bench=BENCHMARK_TEST)
    plain = run(pytester, monkeypatch, 100)  # no perfkit option: a normal benchmark
    plain.assert_outcomes(passed=1)
    plain.stdout.fnmatch_lines(["*benchmark: 1 tests*", "*test_total_benchmarked*"])

    run(pytester, monkeypatch, 100, "--perfkit-save", "base").assert_outcomes(passed=1)
    document = saved(pytester.path / ".perfkit" / "base.json")
    # the benchmarked function ran once: the counts do not depend on how many rounds fit
    assert calls_of(document, "test_bench.py::test_total_benchmarked", "get_total") == 1
    assert calls_of(document, "test_bench.py::test_total_benchmarked", "get_item") == 100

    compare = ("--perfkit-compare", "base", "--perfkit-fail", FAIL_GET)
    run(pytester, monkeypatch, 100, *compare).assert_outcomes(passed=1)
    regressed = run(pytester, monkeypatch, 120, *compare)
    regressed.assert_outcomes(failed=1)
    regressed.stdout.fnmatch_lines(["*workload:get_item: 100 -> 120 calls (+20.0 %*"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--perfkit-compare", "missing"],
            "ERROR: perfkit: no call counts saved as 'missing' (*missing.json does not exist): "
            "save them first with pytest --perfkit-save missing",
        ),
        (
            ["--perfkit-compare", "base", "--perfkit-fail", "get_*:calls>5%"],
            "ERROR: perfkit: bad rule 'get_*:calls>5%': expected [[]SELECTOR:[]]calls>+N% or *",
        ),
        (
            ["--perfkit-compare", "base", "--perfkit-fail", "get_*:cumtime>+5%"],
            "ERROR: perfkit: bad rule 'get_*:cumtime>+5%': only 'calls' can be gated "
            "(times are noisy; gate them with benchmarks)",
        ),
        (
            ["--perfkit-compare", "base", "--perfkit-fail", "re:(:calls>+1"],
            "ERROR: perfkit: bad rule 're:(:calls>+1': bad regular expression '(': *",
        ),
        (
            ["--perfkit-fail", "calls>+1"],
            "ERROR: perfkit: --perfkit-fail needs --perfkit-compare NAME *",
        ),
        (
            ["--perfkit-save", "../elsewhere"],
            "ERROR: perfkit: bad name '../elsewhere': *",
        ),
        (
            ["--perfkit-save", "notes"],
            "ERROR: perfkit: *notes.json: exists and is not saved call counts (perfkit.calls/1); "
            "not replaced",
        ),
        (
            ["--perfkit-compare", "notes"],
            "ERROR: perfkit: *notes.json: not saved call counts (perfkit.calls/1)",
        ),
    ],
)
def test_usage_errors(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    run(project, monkeypatch, 100, "--perfkit-save", "base").assert_outcomes(passed=2)
    notes = project.path / ".perfkit" / "notes.json"
    notes.write_text('{"mine": true}\n')
    result = run(project, monkeypatch, 100, *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
    assert "Traceback" not in result.stderr.str()
    assert notes.read_text() == '{"mine": true}\n'


def test_rule_selectors_may_hold_colons() -> None:
    rule = parse_rule("autotag.immich.*:get_*:calls>+2.5%")
    assert rule.selector is not None
    assert rule.selector.text == "autotag.immich.*:get_*"
    assert (rule.amount, rule.percent) == (2.5, True)
    assert rule.exceeded(1000, 1026) and not rule.exceeded(1000, 1025)
    assert rule.exceeded(0, 1)  # a function the baseline never called
    every = parse_rule("calls>+3")
    assert every.selector is None
    assert every.exceeded(10, 14) and not every.exceeded(10, 13)
    with pytest.raises(CallRuleError, match="empty term"):
        parse_rule(":calls>+3")
