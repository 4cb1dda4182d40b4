"""Checks: one named finding each, with a stable name (JUnit keeps history by it).

Outcomes: ``pass``; ``fail`` (a guard that vetoes the merge: the verdict becomes no-go);
``warn`` (a prediction that missed, a model that does not hold, counts that differ between
runs: worth reading, no veto); ``skip`` (could not be checked, and why).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from perfkit.validate.comparison import Comparability, MetricResult
from perfkit.validate.config import ValidateConfig
from perfkit.validate.formulas import Improvement, ModelCheck, Window, fmt_calls, fmt_seconds
from perfkit.validate.sides import Side
from perfkit.validate.significance import Significance

OUTCOMES = ("pass", "fail", "warn", "skip")


@attrs.frozen
class Check:
    name: str
    kind: str  # guard, prediction, audit, consistency, significance, decision
    title: str
    outcome: str
    message: str

    @property
    def vetoes(self) -> bool:
        return self.kind == "guard" and self.outcome == "fail"


def metric_call_guards(
    results: Sequence[MetricResult], comp: Comparability, config: ValidateConfig
) -> list[Check]:
    """No metric's calls went up. Exact: same workload, deterministic counts, no tolerance.

    One check per guarded metric with calls on both sides; a single skipped ``guard.calls`` when
    counts cannot be gated at all (different workloads, sampled profiles, guard off).
    """
    title = "no metric's calls went up"
    if not config.guards.metric_calls:
        return [Check("guard.calls", "guard", title, "skip", "metric call guards are off")]
    if not comp.counts_exact:
        reason = (
            "a profile is sampled: no call counts"
            if comp.counts_factor == 1.0
            else "different workloads: call counts are compared per asset, not gated"
        )
        return [Check("guard.calls", "guard", title, "skip", reason)]
    checks = []
    for result in results:
        base, new = result.base.calls, result.new.calls
        if not result.definition.guard or not result.shown or base is None or new is None:
            continue
        if not result.definition.exact:
            continue  # counts that vary with timing (socket reads) are not gated
        name = f"guard.calls.{result.name}"
        title = f"{result.name}: calls did not go up"
        change = f"{fmt_calls(base)} -> {fmt_calls(new)}"
        if new > base:
            message = f"{result.name} calls went up: {change} (+{fmt_calls(new - base)})"
            checks.append(Check(name, "guard", title, "fail", message))
        else:
            checks.append(Check(name, "guard", title, "pass", change))
    return checks


def total_time_guard(
    base: Side,
    new: Side,
    comp: Comparability,
    config: ValidateConfig,
    significance: Significance | None = None,
) -> Check:
    """Total time (medians) not worse. With several runs per side, only a significant
    slow-down fails; one that is within the noise is a warning."""
    name, title = "guard.total_time", "total time not worse"
    tolerance = config.guards.total_time_tolerance_percent
    if not config.guards.total_time:
        return Check(name, "guard", title, "skip", "the total-time guard is off")
    if not comp.times_comparable:
        return Check(name, "guard", title, "skip", "different workloads: times do not compare")
    limit = base.total_seconds * (1 + tolerance / 100)
    text = f"{fmt_seconds(base.total_seconds)} -> {fmt_seconds(new.total_seconds)}"
    if tolerance:
        text += f" (tolerance {tolerance:g} %)"
    if new.total_seconds <= limit:
        return Check(name, "guard", title, "pass", text)
    if significance is not None and significance.significant is False:
        return Check(
            name,
            "guard",
            title,
            "warn",
            f"slower, but within the noise: {text}; {significance.summary}",
        )
    return Check(name, "guard", title, "fail", f"total time got worse: {text}")


def memory_guard(base: Side, new: Side, comp: Comparability, config: ValidateConfig) -> Check:
    name, title = "guard.peak_memory", "peak memory not worse"
    tolerance = config.guards.memory_tolerance_percent
    if not config.guards.peak_memory:
        return Check(name, "guard", title, "skip", "the memory guard is off")
    before, after = base.peak_rss_bytes, new.peak_rss_bytes
    if before is None or after is None:
        return Check(name, "guard", title, "skip", "peak memory is not recorded on both sides")
    if comp.counts_factor != 1.0:
        return Check(name, "guard", title, "skip", "different workloads: memory does not compare")
    text = f"{before / 2**20:,.1f} MiB -> {after / 2**20:,.1f} MiB (tolerance {tolerance:g} %)"
    if after > before * (1 + tolerance / 100):
        return Check(name, "guard", title, "fail", f"peak memory got worse: {text}")
    return Check(name, "guard", title, "pass", text)


def expected_range_check(
    improvement: Improvement | None, source: str | None, config: ValidateConfig
) -> Check:
    low, high = config.expected_range_percent
    name, title = "prediction.expected_range", f"improvement within the expected {low:g}-{high:g} %"
    if improvement is None:
        return Check(name, "prediction", title, "skip", "no improvement figure")
    value = improvement.percent
    what = f"{source} improvement {value:.2f} %"
    if low <= value <= high:
        return Check(name, "prediction", title, "pass", f"{what} is inside {low:g}-{high:g} %")
    side = "below" if value < low else "above"
    return Check(
        name, "prediction", title, "warn", f"{what} is {side} the expected {low:g}-{high:g} %"
    )


def window_check(improvement: Improvement | None, source: str | None, window: Window) -> Check:
    name = "prediction.window"
    title = "time saved within the predicted window"
    if improvement is None:
        return Check(name, "prediction", title, "skip", "no time-saved figure")
    saved = improvement.saved_seconds
    span = f"{fmt_seconds(window.low_seconds)}-{fmt_seconds(window.high_seconds)}"
    if window.scaled:
        span += f" ({window.low_percent:.2f}-{window.high_percent:.2f} % of the baseline, scaled)"
    what = f"{source} saving {fmt_seconds(saved)}"
    if window.low_seconds <= saved <= window.high_seconds:
        return Check(name, "prediction", title, "pass", f"{what} is inside {span}")
    side = "below" if saved < window.low_seconds else "above"
    return Check(name, "prediction", title, "warn", f"{what} is {side} {span}")


def model_check(check: ModelCheck, name: str, tolerance: float) -> Check:
    title = f"{check.name} reproduces its total"
    text = f"{check.formula} ({check.error_percent:+.1f} %)"
    if check.holds:
        return Check(name, "audit", title, "pass", f"{text}, within {tolerance:g} %")
    extra = ""
    if check.implied_per_call_ms is not None:
        extra = (
            f"; the claimed total needs {check.implied_per_call_ms:.1f} ms per request, "
            "not the model's latency"
        )
    return Check(name, "audit", title, "warn", f"the model does not hold: {text}{extra}")


def consistency_checks(base: Side, new: Side, config: ValidateConfig) -> list[Check]:
    """Call counts of one side's runs should be equal: the same code does the same calls
    (metrics marked ``exact = false``, such as socket reads, may differ)."""
    exact = {metric.name for metric in config.metrics if metric.exact}
    checks = []
    for side in (base, new):
        name = f"consistency.calls.{side.role}"
        title = f"{side.role} runs made the same calls"
        if side.kind != "profiles" or len(side.runs) < 2:
            checks.append(Check(name, "consistency", title, "skip", "one run on this side"))
            continue
        differing = [
            m for m in side.metrics.values() if m.found and not m.consistent and m.name in exact
        ]
        if differing:
            listed = "; ".join(
                f"{m.name}: " + ", ".join("-" if c is None else f"{c:,}" for c in m.calls_per_run)
                for m in differing[:8]
            )
            checks.append(
                Check(
                    name,
                    "consistency",
                    title,
                    "warn",
                    f"call counts differ between the {side.role} runs (the runs did not do the "
                    f"same work, so counts are compared by their medians): {listed}",
                )
            )
        else:
            checks.append(
                Check(name, "consistency", title, "pass", f"{len(side.runs)} runs, same counts")
            )
    return checks
