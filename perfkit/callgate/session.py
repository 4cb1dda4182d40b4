"""The pytest session side of the call-count gate, registered by the plugin module
``pytest_perfkit`` when one of its options is given.

Only the test function's call is profiled (``pytest_pyfunc_call``), not its fixtures' setup.
A test that uses pytest-benchmark's ``benchmark`` fixture runs its benchmarked function once,
as with ``--benchmark-disable``: the number of benchmark rounds depends on timing, and with it
every call count, while times measured under a profiler are not worth keeping anyway.
"""

from __future__ import annotations

import cProfile
import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from perfkit.callgate.check import GateResult, check
from perfkit.callgate.counts import call_counts
from perfkit.callgate.rules import CallRule, parse_rule
from perfkit.callgate.store import check_writable, counts_path, load_counts, save_counts
from perfkit.errors import PerfkitError

DEFAULT_DIR = ".perfkit"


def _usage(problem: str) -> pytest.UsageError:
    return pytest.UsageError(f"perfkit: {problem}")


def _run_benchmark_once(item: pytest.Function) -> None:
    """Make pytest-benchmark's fixture, if the test uses it, call its function just once."""
    fixture = item.funcargs.get("benchmark")
    if fixture is not None and hasattr(fixture, "disabled"):
        fixture.disabled = True


def _tests(count: int) -> str:
    return f"{count} test{'' if count == 1 else 's'}"


def _short(result: GateResult) -> str:
    """``mod:get_item 100 -> 110 (+10.0 %), ...``: each offending function once."""
    seen: dict[str, str] = {}
    for r in result.regressions:
        seen.setdefault(r.function, f"{r.function} {r.base:,} -> {r.new:,} ({r.change})")
    return ", ".join(seen.values())


class CallGate:
    """Profiles the marked tests, checks them against saved counts, saves theirs."""

    def __init__(
        self,
        *,
        marker: str,
        rootdir: Path,
        save: tuple[str, Path] | None,
        compare: tuple[str, Path, dict[str, pd.DataFrame]] | None,
        rules: list[CallRule],
    ) -> None:
        self.marker = marker
        self.rootdir = rootdir
        self.save = save
        self.compare = compare
        self.rules = rules
        self.counts: dict[str, pd.DataFrame] = {}
        self.results: dict[str, GateResult] = {}
        self.not_in_baseline: list[str] = []
        self.saved_to: Path | None = None
        self.errors: list[str] = []

    @classmethod
    def from_config(cls, config: pytest.Config, marker: str) -> CallGate:
        """Check the options up front: a bad one is a usage error before any test runs."""
        rootdir = Path(config.rootpath)
        folder = Path(config.getoption("perfkit_dir") or DEFAULT_DIR)
        folder = folder if folder.is_absolute() else rootdir / folder
        save_name = config.getoption("perfkit_save")
        compare_name = config.getoption("perfkit_compare")
        rule_texts: list[str] = config.getoption("perfkit_fail")
        if rule_texts and not compare_name:
            raise _usage("--perfkit-fail needs --perfkit-compare NAME (the counts to compare with)")
        if not save_name and not compare_name:
            raise _usage("--perfkit-dir needs --perfkit-save NAME or --perfkit-compare NAME")
        try:
            rules = [parse_rule(text) for text in rule_texts]
            save = None
            if save_name:
                path = counts_path(folder, save_name)
                check_writable(path)
                save = (save_name, path)
            compare = None
            if compare_name:
                path = counts_path(folder, compare_name)
                if not path.exists():
                    raise PerfkitError(
                        f"no call counts saved as {compare_name!r} ({path} does not exist): "
                        f"save them first with pytest --perfkit-save {compare_name}"
                    )
                compare = (compare_name, path, load_counts(path))
        except PerfkitError as exc:
            raise _usage(str(exc)) from None
        return cls(marker=marker, rootdir=rootdir, save=save, compare=compare, rules=rules)

    @pytest.hookimpl(wrapper=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> Generator[None, Any, Any]:
        if pyfuncitem.get_closest_marker(self.marker) is None:
            return (yield)
        _run_benchmark_once(pyfuncitem)
        profiler = cProfile.Profile()
        try:
            profiler.enable()
        except ValueError as exc:  # Python >= 3.12: another profiler holds sys.monitoring
            pytest.fail(f"perfkit: cannot count this test's calls: {exc}", pytrace=False)
        try:
            result = yield
        finally:
            profiler.disable()
        counts = call_counts(profiler, str(self.rootdir))
        self.counts[pyfuncitem.nodeid] = counts
        self._gate(pyfuncitem.nodeid, counts)
        return result

    def _gate(self, nodeid: str, counts: pd.DataFrame) -> None:
        if self.compare is None:
            return
        name, _, baseline = self.compare
        base = baseline.get(nodeid)
        if base is None:
            self.not_in_baseline.append(nodeid)
            return
        result = check(base, counts, self.rules)
        self.results[nodeid] = result
        if len(result.regressions) == 1:
            pytest.fail(
                f"perfkit: call counts grew against {name!r}: {result.regressions[0]}",
                pytrace=False,
            )
        if result.regressions:
            lines = "\n".join(f"  {regression}" for regression in result.regressions)
            pytest.fail(
                f"perfkit: call counts grew against {name!r} "
                f"({len(result.regressions)} over the rules):\n{lines}",
                pytrace=False,
            )

    def unmatched_rules(self) -> list[str]:
        """Rules whose selector matched no function in any compared test: a gate that guards
        nothing is a mistake, not a pass."""
        if not self.results:
            return []
        matched = set().union(*(result.matched for result in self.results.values()))
        return [rule.text for rule in self.rules if rule.text not in matched]

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.save is not None and self.counts:
            name, path = self.save
            try:
                self.saved_to = save_counts(path, name, self.counts)
            except PerfkitError as exc:
                self.errors.append(str(exc))
        self.errors.extend(
            f"rule {text!r} matched no function in any compared test"
            for text in self.unmatched_rules()
        )
        if self.errors and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.USAGE_ERROR

    def _shown(self, path: Path) -> str:
        try:
            return os.path.relpath(path, Path.cwd())
        except ValueError:
            return str(path)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        write = terminalreporter.write_line
        terminalreporter.write_sep("-", "perfkit")
        if not self.counts:
            write(f"perfkit: no test marked {self.marker} ran")
        if self.compare is not None and self.counts:
            name, path, _ = self.compare
            regressed = {node: r for node, r in self.results.items() if r.regressions}
            rules = ", ".join(rule.text for rule in self.rules) or "none (--perfkit-fail)"
            write(
                f"perfkit: {_tests(len(self.results))} compared with {name!r} "
                f"({self._shown(path)}), rules: {rules}: {len(regressed)} failed"
            )
            for node, result in regressed.items():
                write(f"  FAILED {node}: {_short(result)}")
            if not self.rules:
                for node, result in self.results.items():
                    if result.changed:
                        write(f"  {node}: {result.changed} functions' call counts changed")
            if self.not_in_baseline:
                write(
                    f"perfkit: {_tests(len(self.not_in_baseline))} not in {name!r}, not checked: "
                    + ", ".join(self.not_in_baseline)
                )
        if self.saved_to is not None and self.save is not None:
            write(
                f"perfkit: call counts of {_tests(len(self.counts))} saved as {self.save[0]!r}: "
                f"{self._shown(self.saved_to)}"
            )
        for error in self.errors:
            write(f"perfkit: error: {error}", red=True)
