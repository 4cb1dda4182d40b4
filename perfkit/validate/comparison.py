"""Comparison: the two sides' measurements side by side - comparability, per-metric savings
and predictions, the significance of the time difference, and the per-function evidence.

Call counts of the same workload are exact and compared as they are. When the runs processed a
different number of assets, the new run's counts are scaled to the baseline's workload (per-asset
rates) and shown, but not gated. Times compare only when the workloads match (same assets, same
simulator time scale); otherwise the improvement is estimated from calls saved x per-call cost,
the seed's own method.

Significance: Welch's t-test (unequal variances; usable from two runs per side) or the
Mann-Whitney U test (no normality assumption; needs about four runs per side before it can reach
the usual 5 % level), both from scipy.stats.

Evidence: top changed functions and butterflies come from one ``perfkit.compare`` of a
representative run of each side (the run whose total time is nearest the side's median). The
butterflies are the exact callers/callees diffs (``perfkit.diff.butterfly``) of chosen
functions: by default the target metric's, so the report shows where the avoided calls came from.
"""

from __future__ import annotations

import contextlib
import math
import statistics
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from typing import Any

import attrs

from perfkit.common.jsonable import json_records
from perfkit.diff.butterfly import Butterfly, butterfly_of
from perfkit.diff.compare import Diff, compare, top_changes
from perfkit.errors import PerfkitError
from perfkit.match.selectors import NoMatchError, Selector, parse_selector
from perfkit.model.profile import Profile
from perfkit.validate.formulas import Saving, fmt_calls, per_call_seconds, predicted_saving
from perfkit.validate.measurements import MetricSide, Side
from perfkit.validate.settings import MetricDef, ValidateConfig

TESTS = ("welch", "mann-whitney")


@attrs.frozen
class Significance:
    test: str
    alpha: float
    n_baseline: int
    n_new: int
    median_baseline: float
    median_new: float
    statistic: float | None
    p_value: float | None
    significant: bool | None  # None: could not be tested
    note: str

    @property
    def detail(self) -> str:
        return (
            f"{self.test} p = {self.p_value:.3g} (alpha {self.alpha:g}; "
            f"{self.n_baseline} baseline runs, {self.n_new} new runs)"
        )

    @property
    def summary(self) -> str:
        if self.significant is None:
            return self.note
        verdict = "significant" if self.significant else "not significant"
        return f"{verdict}: {self.detail}"


def _result(
    test: str,
    alpha: float,
    base: Sequence[float],
    new: Sequence[float],
    *,
    statistic: float | None = None,
    p_value: float | None = None,
    significant: bool | None = None,
    note: str = "",
) -> Significance:
    return Significance(
        test=test,
        alpha=alpha,
        n_baseline=len(base),
        n_new=len(new),
        median_baseline=statistics.median(base),
        median_new=statistics.median(new),
        statistic=statistic,
        p_value=p_value,
        significant=significant,
        note=note,
    )


def _untested(
    test: str, alpha: float, base: Sequence[float], new: Sequence[float], note: str
) -> Significance:
    return _result(test, alpha, base, new, note=note)


def compare_totals(
    baseline: Sequence[float], new: Sequence[float], *, test: str = "welch", alpha: float = 0.05
) -> Significance:
    """Two-sided test of "the new runs' total times differ from the baseline's"."""
    from scipy import stats

    if test not in TESTS:
        raise ValueError(f"unknown test {test!r}")
    if len(baseline) < 2 or len(new) < 2:
        return _untested(
            test, alpha, baseline, new, "one run on a side: the time difference is not tested"
        )
    if test == "welch":
        if statistics.pvariance(baseline) == 0 and statistics.pvariance(new) == 0:
            differs = statistics.median(baseline) != statistics.median(new)
            return attrs.evolve(
                _untested(test, alpha, baseline, new, "no variation within either side"),
                p_value=0.0 if differs else 1.0,
                significant=differs,
            )
        result = stats.ttest_ind(baseline, new, equal_var=False)
    else:
        result = stats.mannwhitneyu(baseline, new, alternative="two-sided")
    p_value = float(result.pvalue)
    statistic = float(result.statistic)
    if math.isnan(p_value):
        return _untested(test, alpha, baseline, new, f"{test}: the test gave no p-value")
    note = ""
    if test == "mann-whitney":
        smallest = float(
            stats.mannwhitneyu(range(len(baseline)), range(100, 100 + len(new))).pvalue
        )
        if smallest > alpha:
            note = (
                f"with {len(baseline)} and {len(new)} runs Mann-Whitney cannot reach "
                f"p < {alpha:g} (smallest possible p = {smallest:.3g}); add runs or use welch"
            )
    return _result(
        test,
        alpha,
        baseline,
        new,
        statistic=statistic,
        p_value=p_value,
        significant=p_value < alpha,
        note=note,
    )


@attrs.frozen
class Comparability:
    counts_factor: float  # new counts x factor = counts on the baseline's workload
    counts_exact: bool  # same workload: counts compare exactly and are gated
    times_comparable: bool
    notes: tuple[str, ...]


def _differ(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and not math.isclose(a, b, rel_tol=1e-9)


def comparability(base: Side, new: Side) -> Comparability:
    bw, nw = base.workload, new.workload
    notes: list[str] = [*base.workload_notes, *new.workload_notes]
    factor, exact, times = 1.0, True, True
    if _differ(bw.assets, nw.assets):
        assert bw.assets is not None and nw.assets is not None
        factor = bw.assets / nw.assets
        exact = times = False
        notes.append(
            f"the runs processed different numbers of assets ({bw.assets:,} in the baseline, "
            f"{nw.assets:,} in the new run): the new run's call counts are scaled x "
            f"{factor:.4g} to the baseline's workload (per-asset rates) and compared, not gated"
        )
    if _differ(bw.time_scale, nw.time_scale):
        times = False
        notes.append(
            f"the runs used different server speeds (time scale {bw.time_scale:g} in the "
            f"baseline, {nw.time_scale:g} in the new run): their times do not compare"
        )
    if not times:
        notes.append(
            "the improvement is estimated from calls saved x per-call cost (the seed's method), "
            "not measured"
        )
    for side in (base, new):
        if side.kind == "profiles" and not side.workload.known:
            notes.append(
                f"{side.role}: no sidecar with the workload; assuming both runs did the same work"
            )
    if any(run.sampled for side in (base, new) for run in side.runs):
        exact = False
        notes.append(
            "a profile is sampled (no call counts): call counts are neither compared nor gated"
        )
    return Comparability(factor, exact, times, tuple(notes))


@attrs.frozen
class MetricResult:
    """One metric, baseline against new, with the seed's per-metric arithmetic."""

    definition: MetricDef
    base: MetricSide
    new: MetricSide
    new_calls_comparable: float | None
    calls_saved: float | None
    per_call_derived_ms: float | None
    per_call_ms: float | None
    per_call_source: str | None  # "published" or "derived"
    saving: Saving | None
    new_per_call_ms: float | None
    seconds_saved: float | None

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def calls_change_percent(self) -> float | None:
        if self.calls_saved is None or not self.base.calls:
            return None
        return -self.calls_saved / self.base.calls * 100

    @property
    def shown(self) -> bool:
        """Worth a row: found on either side, or given figures."""
        return self.base.found or self.new.found

    def describe_calls(self) -> str:
        if self.base.calls is None or self.new_calls_comparable is None:
            return "-"
        return f"{fmt_calls(self.base.calls)} -> {fmt_calls(self.new_calls_comparable)}"


def metric_result(
    definition: MetricDef,
    base: MetricSide,
    new: MetricSide,
    comp: Comparability,
    *,
    predict: bool = True,
) -> MetricResult:
    """``predict``: compute the predicted saving. Done for the target, and for API operations
    when the counts compare exactly: socket calls or tag lookups priced per call would count the
    same time twice, and scaled counts of another workload differ with the dataset, not the
    change."""
    new_calls = new.calls * comp.counts_factor if new.calls is not None else None
    saved = base.calls - new_calls if base.calls is not None and new_calls is not None else None
    derived = per_call_seconds(base.seconds, base.calls)
    published = base.published_per_call_ms
    per_call_ms = published if published is not None else (derived * 1e3 if derived else None)
    source = "published" if published is not None else ("derived" if derived else None)
    saving = (
        predicted_saving(saved, per_call_ms / 1e3)
        if predict and saved is not None and per_call_ms is not None
        else None
    )
    new_per_call = per_call_seconds(new.seconds, new.calls)
    seconds_saved = (
        base.seconds - new.seconds
        if comp.times_comparable and base.seconds is not None and new.seconds is not None
        else None
    )
    return MetricResult(
        definition=definition,
        base=base,
        new=new,
        new_calls_comparable=new_calls,
        calls_saved=saved,
        per_call_derived_ms=derived * 1e3 if derived is not None else None,
        per_call_ms=per_call_ms,
        per_call_source=source,
        saving=saving,
        new_per_call_ms=new_per_call * 1e3 if new_per_call is not None else None,
        seconds_saved=seconds_saved,
    )


def metric_results(
    base: Side, new: Side, config: ValidateConfig, comp: Comparability
) -> list[MetricResult]:
    return [
        metric_result(
            definition,
            base.metrics[definition.name],
            new.metrics[definition.name],
            comp,
            predict=definition.name == config.target
            or (definition.operation and comp.counts_exact),
        )
        for definition in config.metrics
    ]


CHANGE_COLUMNS = [
    "status",
    "label",
    "ncalls_base",
    "ncalls_new",
    "ncalls_delta",
    "cumtime_base",
    "cumtime_new",
    "cumtime_delta",
    "tottime_delta",
]


@attrs.frozen
class FunctionChanges:
    top_changes: dict[str, Any]
    butterflies: tuple[Butterfly, ...]
    notes: tuple[str, ...]


def _representative(side: Side) -> Profile:
    """The run whose total time is nearest the side's median."""
    median = statistics.median(side.totals_per_run)
    index = min(range(len(side.runs)), key=lambda i: abs(side.runs[i].total_seconds - median))
    return side.profiles[index]


def _top_changes(diff: Diff, note: str, limit: int) -> dict[str, Any]:
    by_calls = top_changes(diff, "ncalls", limit) if diff.counts_comparable else None
    return {
        "by_cumtime": json_records(top_changes(diff, "cumtime", limit)[CHANGE_COLUMNS]),
        "by_calls": [] if by_calls is None else json_records(by_calls[CHANGE_COLUMNS]),
        "status_counts": diff.status_counts(),
        "note": note,
    }


def _butterflies(
    diff: Diff, selectors: Sequence[Selector], explicit: bool
) -> tuple[tuple[Butterfly, ...], list[str]]:
    """A butterfly per selector. A selector given explicitly must match; the default (the
    target's) may match nothing, which is noted."""
    found, notes = [], []
    for selector in selectors:
        try:
            found.append(butterfly_of(diff, selector))
        except NoMatchError:
            if explicit:
                raise PerfkitError(
                    f"--butterfly {selector.text!r} matches no function in either profile"
                ) from None
            notes.append(f"no butterfly: {selector.text!r} matches no function in either run")
    return tuple(found), notes


# Diffs already computed by the caller (``perfkit compare`` has its own before it validates):
# function_changes takes one of these for the same pair of profiles instead of diffing again.
_KNOWN_DIFFS: ContextVar[tuple[Diff, ...]] = ContextVar("known_diffs", default=())


@contextlib.contextmanager
def reusing(*diffs: Diff) -> Iterator[None]:
    """Within the block, validation reuses ``diffs`` (default thresholds) for their profiles."""
    token = _KNOWN_DIFFS.set(diffs)
    try:
        yield
    finally:
        _KNOWN_DIFFS.reset(token)


def _diff(before: Profile, after: Profile) -> Diff:
    for known in _KNOWN_DIFFS.get():
        if known.base is before and known.new is after and known.thresholds == _DEFAULTS:
            return known
    return compare(before, after)


_DEFAULTS = {"time_threshold": 0.10, "time_floor": 0.001}


def function_changes(
    base: Side, new: Side, limit: int, target: Selector | None, butterfly: Sequence[str] | None
) -> FunctionChanges:
    """Top ``limit`` changes, and the butterflies of ``butterfly`` (selectors; None: the
    target's selector, or none without a target; [] none)."""
    if base.kind != "profiles":
        notes = ["no butterfly: the baseline is a spec (no functions)"] if butterfly else []
        empty = {"by_cumtime": [], "by_calls": [], "note": "the baseline is a spec: no functions"}
        return FunctionChanges(empty, (), tuple(notes))
    before, after = _representative(base), _representative(new)
    diff = _diff(before, after)
    note = f"{before.path} -> {after.path}"
    if len(base.runs) > 1 or len(new.runs) > 1:
        note += " (the runs nearest each side's median total)"
    if butterfly is not None:
        selectors = [parse_selector(text) for text in butterfly]
    else:
        selectors = [target] if target is not None else []
    views, notes = _butterflies(diff, selectors, explicit=butterfly is not None)
    return FunctionChanges(_top_changes(diff, note, limit), views, tuple(notes))
