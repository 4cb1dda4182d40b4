"""Put the two sides side by side: can their counts and times be compared, and per metric what
was saved and what the saving was predicted to be.

Call counts of the same workload are exact and compared as they are. When the runs processed a
different number of assets, the new run's counts are scaled to the baseline's workload (per-asset
rates) and shown, but not gated. Times compare only when the workloads match (same assets, same
simulator time scale); otherwise the improvement is estimated from calls saved x per-call cost,
the seed's own method.
"""

from __future__ import annotations

import math

import attrs

from perfkit.validate.config import MetricDef, ValidateConfig
from perfkit.validate.formulas import Saving, fmt_calls, per_call_seconds, predicted_saving
from perfkit.validate.sides import MetricSide, Side


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
