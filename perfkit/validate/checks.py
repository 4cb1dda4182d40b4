"""Checks: every guard, prediction check and audit, one named finding each, and the seed's
checklist ticked from them.

A check has a stable name (JUnit keeps history by it) and an outcome: ``pass``; ``fail`` (a
guard that vetoes the merge: the verdict becomes no-go); ``warn`` (a prediction that missed, a
model that does not hold, counts that differ between runs: worth reading, no veto); ``skip``
(could not be checked, and why).

The prediction audit asks whether the published figures and cost models add up: a spec's roadmap
model (requests x latency + CPU) against the total it claims; a spec's sums (``parts``) and
stated shares against its own figures; the runs' cost model, sum(new calls x baseline per-call
cost) plus the baseline's time outside the operations, against the new run's measured total.

The seed's checklist: build completes; profile generated; extract the target's call count;
compare it with the baseline's; calculate the time saved (calls saved x per-call cost); validate
against the expected range; document the actual improvement. ``done`` is True, False, or None.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from perfkit.validate.comparison import Comparability, MetricResult, Significance
from perfkit.validate.formulas import (
    Improvement,
    ModelCheck,
    Window,
    cost_model_check,
    fmt_calls,
    fmt_seconds,
    roadmap_model_check,
)
from perfkit.validate.measurements import Side
from perfkit.validate.settings import ValidateConfig

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
) -> Check | None:
    """None when the settings expect no range."""
    if config.expected_range_percent is None:
        return None
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


def window_check(
    improvement: Improvement | None, source: str | None, window: Window | None
) -> Check | None:
    """None when the settings predict no window."""
    if window is None:
        return None
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


@attrs.frozen
class Item:
    item: str
    done: bool | None
    detail: str


def _completed(new: Side) -> Item:
    states = [run.complete for run in new.runs]
    if all(state is True for state in states):
        return Item("the profiled run completed", True, "the sidecar says the profile is complete")
    if any(state is False for state in states):
        partial = ", ".join(run.path for run in new.runs if run.complete is False)
        return Item(
            "the profiled run completed",
            False,
            f"incomplete profile (snapshot or interrupted run): {partial}",
        )
    return Item("the profiled run completed", None, "no sidecar says whether the run completed")


def checklist(
    new: Side,
    base: Side,
    target: MetricResult | None,
    range_check: Check | None,
    documented: Sequence[str],
) -> list[Item]:
    """The seed's checklist; the target's and the expected range's items only when the
    settings name them."""
    items = [_completed(new)]
    items.append(
        Item(
            "profile present",
            True,
            ", ".join(run.path for run in new.runs) + " read",
        )
    )
    if target is not None:
        items.extend(_target_items(target))
    if range_check is not None:
        items.append(
            Item(
                "improvement checked against the expected range",
                range_check.outcome in ("pass", "warn"),
                range_check.message,
            )
        )
    items.append(
        Item(
            "actual improvement documented",
            bool(documented),
            ", ".join(documented)
            if documented
            else "no report file written (--html, --markdown, --json or --junit)",
        )
    )
    return items


def _target_items(target: MetricResult) -> list[Item]:
    """Extract the target's call count, compare it with the baseline's, price the calls saved."""
    name = target.name
    items = []
    if target.new.calls is None:
        items.append(
            Item(
                f"call counts extracted: {name}", False, "the profile has no call counts (sampled)"
            )
        )
    elif target.new.found:
        items.append(
            Item(
                f"call counts extracted: {name}",
                True,
                f"{fmt_calls(target.new.calls)} calls in {target.new.functions} function(s)",
            )
        )
    else:
        items.append(
            Item(f"call counts extracted: {name}", True, f"no function matches {name!r}: 0 calls")
        )
    if target.base.calls is not None and target.calls_saved is not None:
        change = target.calls_change_percent
        items.append(
            Item(
                f"compared with the baseline's {fmt_calls(target.base.calls)} calls",
                True,
                f"{target.describe_calls()} ({-target.calls_saved:+,.0f} calls"
                + (f", {change:+.1f} %" if change is not None else "")
                + ")",
            )
        )
    else:
        items.append(
            Item("compared with the baseline's calls", False, f"no {name} calls on one side")
        )
    if target.saving is not None:
        items.append(Item("time saved calculated", True, target.saving.formula))
    else:
        items.append(Item("time saved calculated", False, "no calls saved or no per-call cost"))
    return items


# A stated share is rounded by its author; within this many percentage points it agrees.
SHARE_TOLERANCE_POINTS = 0.5


def spec_checks(base: Side, config: ValidateConfig) -> tuple[list[Check], list[ModelCheck]]:
    checks: list[Check] = []
    models: list[ModelCheck] = []
    spec = base.spec
    if spec is None:
        return checks, models
    tolerance = config.audit_tolerance_percent
    if spec.roadmap_model is not None:
        model = spec.roadmap_model
        result = roadmap_model_check(
            model.requests,
            model.per_call_ms,
            model.cpu_seconds,
            model.claimed_total_seconds,
            tolerance,
        )
        models.append(result)
        checks.append(model_check(result, "audit.roadmap_model", tolerance))
    for name, figure in spec.metrics.items():
        if figure.parts and figure.calls is not None:
            parts = [spec.metrics[part].calls for part in figure.parts]
            title = f"{name}: the parts add up"
            check_name = f"audit.parts.{name}"
            if any(part is None for part in parts):
                checks.append(Check(check_name, "audit", title, "skip", "a part has no calls"))
                continue
            total = sum(p for p in parts if p is not None)
            text = " + ".join(fmt_calls(p) for p in parts if p is not None) + f" = {total:,}"
            if total == figure.calls:
                checks.append(Check(check_name, "audit", title, "pass", text))
            else:
                checks.append(
                    Check(
                        check_name,
                        "audit",
                        title,
                        "warn",
                        f"{text}, but the spec states {figure.calls:,} ({figure.calls - total:+,})",
                    )
                )
        if figure.share_percent is not None and figure.seconds is not None:
            share = figure.seconds / spec.total_seconds * 100
            title = f"{name}: the stated share matches"
            text = (
                f"{fmt_seconds(figure.seconds)} / {fmt_seconds(spec.total_seconds)} = "
                f"{share:.2f} %, stated {figure.share_percent:g} %"
            )
            outcome = (
                "pass" if abs(share - figure.share_percent) <= SHARE_TOLERANCE_POINTS else "warn"
            )
            checks.append(Check(f"audit.share.{name}", "audit", title, outcome, text))
    return checks, models


def operation_seconds(results: Sequence[MetricResult]) -> float:
    return sum(r.base.seconds or 0.0 for r in results if r.definition.operation)


def run_cost_model(
    base: Side,
    new: Side,
    results: Sequence[MetricResult],
    comp: Comparability,
    config: ValidateConfig,
) -> tuple[Check | None, ModelCheck | None]:
    """The audit of the cost model; no check at all when the settings name no API operation."""
    name, title = "audit.cost_model", "calls x per-call cost reproduces the new total"
    tolerance = config.audit_tolerance_percent
    if not any(metric.operation for metric in config.metrics):
        return None, None
    if not comp.times_comparable:
        return Check(
            name, "audit", title, "skip", "different workloads: times do not compare"
        ), None
    operations = [
        r
        for r in results
        if r.definition.operation and r.base.calls and r.per_call_ms and r.new.calls is not None
    ]
    if not operations:
        return Check(name, "audit", title, "skip", "no operation with calls and a cost"), None
    outside = base.total_seconds - operation_seconds(results)
    model = cost_model_check(
        "cost model",
        {r.name: float(r.new.calls or 0) for r in operations},
        {r.name: (r.per_call_ms or 0.0) / 1e3 for r in operations},
        outside,
        new.total_seconds,
        tolerance,
    )
    return model_check(model, name, tolerance), model
