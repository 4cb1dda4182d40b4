"""The seed's arithmetic, one pure function each, every result with the formula that made it.

The report shows each number next to how it was computed (``1,201 calls x 36.73 ms = 44.1 s``),
so a reader can check it by hand. Nothing here knows about profiles or files.
"""

from __future__ import annotations

import math

import attrs


def fmt_seconds(value: float) -> str:
    """Seconds as the seed writes them: ``3,427.55 s``, ``44.1 s``, ``1.196 s``, ``6.19 ms``."""
    size = abs(value)
    if size >= 1000:
        return f"{value:,.2f} s"
    if size >= 10:
        return f"{value:,.1f} s"
    if size >= 1:
        return f"{value:.3f} s"
    if size == 0:
        return "0 s"
    return f"{value * 1e3:.3g} ms" if size >= 1e-3 else f"{value * 1e6:.3g} µs"


def fmt_ms(value: float) -> str:
    """A per-call cost in milliseconds: ``36.73 ms``, ``6.19 ms``, ``0.0123 ms``."""
    return f"{value:.2f} ms" if abs(value) >= 0.1 else f"{value:.3g} ms"


def fmt_calls(value: float) -> str:
    """Call counts as whole numbers with separators (a count scaled to another workload is rounded:
    the report says where counts are scaled)."""
    return f"{round(value):,}"


def fmt_percent(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f} %"


def per_call_seconds(seconds: float | None, calls: float | None) -> float | None:
    """Per-call cost = seconds / calls (None when there were no calls)."""
    if seconds is None or not calls:
        return None
    return seconds / calls


@attrs.frozen
class Saving:
    """Predicted time saved = calls saved x per-call cost."""

    calls_saved: float
    per_call_seconds: float
    seconds: float
    formula: str


def predicted_saving(calls_saved: float, per_call: float) -> Saving:
    seconds = calls_saved * per_call
    formula = f"{fmt_calls(calls_saved)} calls × {fmt_ms(per_call * 1e3)} = {fmt_seconds(seconds)}"
    return Saving(calls_saved, per_call, seconds, formula)


@attrs.frozen
class Improvement:
    """Time saved = baseline - new; improvement % = saved / baseline x 100."""

    baseline_seconds: float
    new_seconds: float
    saved_seconds: float
    percent: float
    formula: str


def improvement(baseline_seconds: float, new_seconds: float) -> Improvement:
    saved = baseline_seconds - new_seconds
    percent = saved / baseline_seconds * 100 if baseline_seconds else math.nan
    formula = (
        f"({fmt_seconds(baseline_seconds)} - {fmt_seconds(new_seconds)}) / "
        f"{fmt_seconds(baseline_seconds)} = {fmt_percent(percent, 2)}"
    )
    return Improvement(baseline_seconds, new_seconds, saved, percent, formula)


def estimated_improvement(baseline_seconds: float, saved_seconds: float) -> Improvement:
    """An improvement from a predicted saving, when measured times cannot be compared."""
    percent = saved_seconds / baseline_seconds * 100 if baseline_seconds else math.nan
    formula = (
        f"{fmt_seconds(saved_seconds)} / {fmt_seconds(baseline_seconds)} = "
        f"{fmt_percent(percent, 2)}"
    )
    return Improvement(
        baseline_seconds, baseline_seconds - saved_seconds, saved_seconds, percent, formula
    )


@attrs.frozen
class Window:
    """The predicted-savings window, scaled from the total it was published for."""

    low_seconds: float
    high_seconds: float
    published: tuple[float, float]
    reference_total: float
    factor: float
    low_percent: float
    high_percent: float

    @property
    def scaled(self) -> bool:
        return not math.isclose(self.factor, 1.0, rel_tol=1e-9)

    @property
    def formula(self) -> str:
        low, high = self.published
        text = (
            f"{low:,g}-{high:,g} s of {fmt_seconds(self.reference_total)} = "
            f"{self.low_percent:.2f}-{self.high_percent:.2f} %"
        )
        if self.scaled:
            text += (
                f"; for this baseline: × {self.factor:.4g} = "
                f"{fmt_seconds(self.low_seconds)} to {fmt_seconds(self.high_seconds)}"
            )
        return text


def scaled_window(
    published: tuple[float, float], reference_total: float, baseline_total: float
) -> Window:
    """The window in proportion to the baseline's total (the same % of the run)."""
    factor = baseline_total / reference_total
    low, high = published
    return Window(
        low_seconds=low * factor,
        high_seconds=high * factor,
        published=published,
        reference_total=reference_total,
        factor=factor,
        low_percent=low / reference_total * 100,
        high_percent=high / reference_total * 100,
    )


@attrs.frozen
class Scenario:
    """A share of the target's baseline calls avoided -> calls, seconds, % of the total."""

    percent_of_calls: float
    calls: int
    seconds: float
    percent_of_total: float
    formula: str


def scenario(
    percent_of_calls: float, baseline_calls: int, per_call: float, baseline_total: float
) -> Scenario:
    """The seed's table: calls = floor(share x baseline calls) (35,402 x 30 % -> 10,620),
    seconds = calls x per-call cost, % = seconds / baseline total."""
    calls = math.floor(baseline_calls * percent_of_calls / 100 + 1e-9)
    seconds = calls * per_call
    share = seconds / baseline_total * 100 if baseline_total else math.nan
    formula = (
        f"{fmt_calls(calls)} × {fmt_ms(per_call * 1e3)} = {fmt_seconds(seconds)}; "
        f"/ {fmt_seconds(baseline_total)} = {fmt_percent(share)}"
    )
    return Scenario(percent_of_calls, calls, seconds, share, formula)


@attrs.frozen
class ModelCheck:
    """A cost model's total against the total it should reproduce."""

    name: str
    model_seconds: float
    reference_seconds: float
    error_percent: float
    holds: bool
    formula: str
    implied_per_call_ms: float | None = None


def roadmap_model_check(
    requests: int,
    per_call_ms: float,
    cpu_seconds: float,
    claimed_total: float,
    tolerance_percent: float,
) -> ModelCheck:
    """requests x latency + CPU against the total it claims; the latency the claim implies."""
    total = requests * per_call_ms / 1e3 + cpu_seconds
    error = (total - claimed_total) / claimed_total * 100
    implied = (claimed_total - cpu_seconds) / requests * 1e3 if requests else None
    formula = (
        f"{requests:,} × {fmt_ms(per_call_ms)} + {fmt_seconds(cpu_seconds)} = "
        f"{fmt_seconds(total)}, claimed {fmt_seconds(claimed_total)}"
    )
    return ModelCheck(
        name="roadmap model",
        model_seconds=total,
        reference_seconds=claimed_total,
        error_percent=error,
        holds=abs(error) <= tolerance_percent,
        formula=formula,
        implied_per_call_ms=implied,
    )


def cost_model_check(
    name: str,
    calls: dict[str, float],
    per_call: dict[str, float],
    other_seconds: float,
    measured_total: float,
    tolerance_percent: float,
) -> ModelCheck:
    """sum(calls x per-call cost) over the operations + the time outside them, against the
    measured total."""
    api = sum(calls[op] * per_call[op] for op in calls)
    total = api + other_seconds
    error = (total - measured_total) / measured_total * 100 if measured_total else math.nan
    formula = (
        f"sum(calls × per-call cost) over {len(calls)} operations {fmt_seconds(api)} + "
        f"outside them {fmt_seconds(other_seconds)} = {fmt_seconds(total)}, "
        f"measured {fmt_seconds(measured_total)}"
    )
    return ModelCheck(
        name=name,
        model_seconds=total,
        reference_seconds=measured_total,
        error_percent=error,
        holds=abs(error) <= tolerance_percent,
        formula=formula,
    )
