"""The prediction audit: do the published figures and cost models add up?

- a spec's roadmap model (requests x latency + CPU) against the total it claims;
- a spec's sums (``parts``) and stated shares of the total against its own figures;
- the cost model of the runs: sum(new calls x baseline per-call cost) over the operations plus
  the baseline's time outside them should reproduce the new run's measured total. When it does
  not, the change moved time somewhere the call counts do not explain.
"""

from __future__ import annotations

from collections.abc import Sequence

from perfkit.validate.checks import Check, model_check
from perfkit.validate.comparison import Comparability, MetricResult
from perfkit.validate.config import ValidateConfig
from perfkit.validate.formulas import (
    ModelCheck,
    cost_model_check,
    fmt_calls,
    fmt_seconds,
    roadmap_model_check,
)
from perfkit.validate.sides import Side

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
) -> tuple[Check, ModelCheck | None]:
    name, title = "audit.cost_model", "calls x per-call cost reproduces the new total"
    tolerance = config.audit_tolerance_percent
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
