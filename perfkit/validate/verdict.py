"""``Verdict``: the outcome of one validation, and its JSON form (schema ``perfkit.verdict/1``).

Every renderer (terminal, HTML, Markdown, JUnit, JSON) works from ``Verdict.to_dict()``, so they
all say the same thing. ``schemas/verdict.schema.json`` describes the document; docs/validate.md
explains each field.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pandas as pd

from perfkit.common import display
from perfkit.common.jsonable import json_value
from perfkit.common.output import write_text
from perfkit.validate.checks import Check, Item
from perfkit.validate.comparison import Comparability, MetricResult, Significance
from perfkit.validate.decision import Decision
from perfkit.validate.formulas import Improvement, ModelCheck, Scenario, Window
from perfkit.validate.measurements import MetricSide, Side
from perfkit.validate.settings import ValidateConfig

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from perfkit.diff.butterfly import Butterfly

SCHEMA = "perfkit.verdict/1"
BUTTERFLY_ROWS = 25  # rows per butterfly list kept in the verdict document


@attrs.frozen
class Verdict(display.Displayable):
    config: ValidateConfig
    baseline: Side
    new: Side
    comparability: Comparability
    metrics: tuple[MetricResult, ...]
    target: MetricResult | None  # None: no target in the settings (the total time only)
    improvement: Improvement | None
    improvement_source: str | None  # "measured" or "estimated"
    window: Window | None  # None: the settings predict no window
    scenarios: tuple[Scenario, ...]
    models: tuple[ModelCheck, ...]
    accounting: dict[str, Any]
    checks: tuple[Check, ...]
    significance: Significance | None
    decision: Decision
    checklist: tuple[Item, ...]
    next_steps: tuple[str, ...]
    top_changes: dict[str, Any]
    notes: tuple[str, ...]
    created_at: str
    perfkit_version: str
    butterflies: tuple[Butterfly, ...] = ()  # exact callers/callees diffs (function_changes)

    @property
    def status(self) -> str:
        return self.decision.status

    @property
    def exit_code(self) -> int:
        return self.decision.exit_code

    @property
    def headline(self) -> str:
        decision = self.decision
        band = decision.band.decision if decision.band else "NO DECISION"
        if self.significance is not None and self.significance.significant is False:
            band = f"not significant; {band} band"
        parts = [f"{self.status.upper()} ({band})"]
        if self.improvement is not None:
            parts.append(f"{self.improvement.percent:.1f} % {self.improvement_source} improvement")
        target = self.target
        if (
            target is not None
            and target.base.calls is not None
            and target.new_calls_comparable is not None
        ):
            parts.append(f"{target.name} calls {target.describe_calls()}")
        return "; ".join(parts)

    def metrics_frame(self) -> pd.DataFrame:
        """One row per metric: the same numbers as the report's metrics table."""
        return (
            pd.DataFrame([_metric(result) for result in self.metrics])
            .drop(columns=["baseline", "new"])
            .assign(
                base_calls=[r.base.calls for r in self.metrics],
                new_calls=[r.new.calls for r in self.metrics],
                base_seconds=[r.base.seconds for r in self.metrics],
                new_seconds=[r.new.seconds for r in self.metrics],
            )
        )

    def checks_frame(self) -> pd.DataFrame:
        """One row per check (the JUnit test cases), in the order they were made."""
        rows = [{**attrs.asdict(check), "vetoes": check.vetoes} for check in self.checks]
        return pd.DataFrame(rows, columns=["name", "kind", "title", "outcome", "vetoes", "message"])

    def predictions_frame(self) -> pd.DataFrame:
        """The seed's two predictions against this run: the expected improvement range (%) and
        the predicted window of seconds saved (scaled to the baseline's total); a row for each
        the settings make."""
        gain, window = self.improvement, self.window
        checks = {check.name: check for check in self.checks}
        rows = []
        if self.config.expected_range_percent is not None:
            low, high = self.config.expected_range_percent
            rows.append(("expected_range", "%", low, high, gain.percent if gain else None))
        if window is not None:
            saved = gain.saved_seconds if gain else None
            rows.append(("window", "s", window.low_seconds, window.high_seconds, saved))
        columns = ["prediction", "unit", "low", "high", "actual", "source", "outcome", "message"]
        return pd.DataFrame(
            columns=columns,
            data=[
                {
                    "prediction": name,
                    "unit": unit,
                    "low": low,
                    "high": high,
                    "actual": actual,
                    "source": self.improvement_source,
                    "outcome": checks[f"prediction.{name}"].outcome,
                    "message": checks[f"prediction.{name}"].message,
                }
                for name, unit, low, high, actual in rows
            ],
        ).set_index("prediction")

    def scenarios_frame(self) -> pd.DataFrame:
        """The scenario table: a share of the target's calls avoided -> calls, seconds, %."""
        columns = [field.name for field in attrs.fields(Scenario)]
        return pd.DataFrame([attrs.asdict(s) for s in self.scenarios], columns=columns)

    def breakdown_frame(self) -> pd.DataFrame:
        """Seconds and share of the total per category (socket I/O, operations, ...), both
        sides; the categories overlap."""
        return pd.DataFrame(_breakdown(self)).set_index("metric")

    def plot(self, kind: str | Sequence[str] = ("calls", "breakdown")) -> Figure:
        """The report's charts as one matplotlib ``Figure``: ``calls`` (per API operation,
        baseline vs new), ``breakdown`` (time by category), ``savings``, ``changes``."""
        return display.plot(self, [kind] if isinstance(kind, str) else kind)

    def to_dict(self) -> dict[str, Any]:
        return json_value(_verdict(self))

    def to_json(self, path: str | Path | None = None, *, indent: int | None = 1) -> str:
        text = json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)
        if path is not None:
            write_text(path, text + "\n", "JSON verdict")
        return text

    def __repr__(self) -> str:
        return f"<Verdict {self.headline}>"


def _metric_side(side: MetricSide) -> dict[str, Any]:
    return {
        "source": side.source,
        "calls": side.calls,
        "calls_per_run": list(side.calls_per_run),
        "calls_consistent": side.consistent,
        "seconds": side.seconds,
        "seconds_per_run": list(side.seconds_per_run),
        "functions": side.functions,
        "labels": list(side.labels),
        "nested": [list(pair) for pair in side.nested],
        "nested_unnamed": side.nested_unnamed,
        "contains": list(side.contains),
        "stated_share_percent": side.stated_share_percent,
        "note": side.note,
    }


def _metric(result: MetricResult) -> dict[str, Any]:
    definition = result.definition
    return {
        "name": result.name,
        "selector": definition.selector.text,
        "description": definition.description,
        "operation": definition.operation,
        "guard": definition.guard,
        "exact": definition.exact,
        "baseline": _metric_side(result.base),
        "new": _metric_side(result.new),
        "new_calls_comparable": result.new_calls_comparable,
        "calls_saved": result.calls_saved,
        "calls_change_percent": result.calls_change_percent,
        "per_call_ms": result.per_call_ms,
        "per_call_source": result.per_call_source,
        "per_call_derived_ms": result.per_call_derived_ms,
        "per_call_published_ms": result.base.published_per_call_ms,
        "predicted_saving_seconds": result.saving.seconds if result.saving else None,
        "predicted_saving_formula": result.saving.formula if result.saving else None,
        "new_per_call_ms": result.new_per_call_ms,
        "seconds_saved": result.seconds_saved,
        "shown": result.shown,
    }


def _side(side: Side) -> dict[str, Any]:
    assets = side.workload.assets
    return {
        "kind": side.kind,
        "label": side.label,
        "total_seconds": side.total_seconds,
        "threads": side.threads,
        "share_seconds": side.share_seconds,
        "peak_rss_bytes": side.peak_rss_bytes,
        "workload": attrs.asdict(side.workload),
        "workload_text": side.workload.describe(),
        "assets_per_second": assets / side.total_seconds if assets and side.total_seconds else None,
        "seconds_per_asset": side.total_seconds / assets if assets else None,
        "runs": [attrs.asdict(run) for run in side.runs],
    }


def _band(verdict: Verdict) -> dict[str, Any] | None:
    band = verdict.decision.band
    if band is None:
        return None
    return {**attrs.asdict(band), "label": verdict.decision.band_label}


def _verdict(v: Verdict) -> dict[str, Any]:
    config = v.config
    target = None if v.target is None else _metric(v.target)
    window = v.window
    return {
        "schema": SCHEMA,
        "perfkit_version": v.perfkit_version,
        "created_at": v.created_at,
        "status": v.status,
        "exit_code": v.exit_code,
        "headline": v.headline,
        "decision": {
            "band": _band(v),
            "reasons": list(v.decision.reasons),
            "bands": [
                {**attrs.asdict(band), "label": band.label(upper)}
                for band, upper in config.band_bounds()
            ],
        },
        "improvement": None
        if v.improvement is None
        else {**attrs.asdict(v.improvement), "source": v.improvement_source},
        "target": target,
        "comparability": attrs.asdict(v.comparability),
        "baseline": _side(v.baseline),
        "new": _side(v.new),
        "metrics": [_metric(result) for result in v.metrics],
        "predictions": {
            "expected_range_percent": _optional_list(config.expected_range_percent),
            "window": None
            if window is None
            else {**attrs.asdict(window), "scaled": window.scaled, "formula": window.formula},
            "scenarios": [attrs.asdict(s) for s in v.scenarios],
            "this_run_percent_of_calls": (
                v.target.calls_saved / v.target.base.calls * 100
                if v.target is not None and v.target.calls_saved is not None and v.target.base.calls
                else None
            ),
        },
        "audit": {
            "models": [attrs.asdict(m) for m in v.models],
            "accounting": v.accounting,
        },
        "breakdown": _breakdown(v),
        "significance": None
        if v.significance is None
        else {**attrs.asdict(v.significance), "summary": v.significance.summary},
        "checks": [{**attrs.asdict(c), "vetoes": c.vetoes} for c in v.checks],
        "checklist": [attrs.asdict(item) for item in v.checklist],
        "next_steps": list(v.next_steps),
        "top_changes": v.top_changes,
        "notes": list(v.notes),
        "butterflies": [view.to_dict(limit=BUTTERFLY_ROWS) for view in v.butterflies],
        "config": {
            "source": config.source,
            "target": config.target,
            "categories": list(config.categories),
            "expected_range_percent": _optional_list(config.expected_range_percent),
            "predicted_window_seconds": _optional_list(config.window_seconds),
            "predicted_window_reference_total_seconds": config.window_reference_total,
            "scenarios_percent": list(config.scenarios_percent),
            "audit_tolerance_percent": config.audit_tolerance_percent,
            "guards": attrs.asdict(config.guards),
            "significance": {"test": config.significance_test, "alpha": config.alpha},
            "exit_codes": dict(config.exit_codes),
        },
    }


def _optional_list(pair: tuple[float, float] | None) -> list[float] | None:
    return None if pair is None else list(pair)


def _breakdown(v: Verdict) -> list[dict[str, Any]]:
    by_name = {r.name: r for r in v.metrics}
    rows = []
    for name in v.config.categories:
        result = by_name[name]
        base_s, new_s = result.base.seconds, result.new.seconds
        rows.append(
            {
                "metric": name,
                "baseline_seconds": base_s,
                "baseline_share_percent": base_s / v.baseline.share_seconds * 100
                if base_s is not None and v.baseline.share_seconds
                else None,
                "new_seconds": new_s,
                "new_share_percent": new_s / v.new.share_seconds * 100
                if new_s is not None and v.new.share_seconds
                else None,
                "stated_share_percent": result.base.stated_share_percent,
                "found": result.base.found or result.new.found,
                "nested": bool(result.new.nested or result.new.nested_unnamed),
            }
        )
    return rows
