"""The decision: from the improvement and the checks to a status (go, marginal or no-go) and
an exit code, and what to optimise next.

1. The improvement % picks a band (highest first; a band applies from its ``min_percent``).
2. With several runs per side, a time difference that is not significant is marginal: the runs
   cannot tell (a go becomes marginal, and so does a no-go of the bands).
3. A failed guard (calls up, total time worse, peak memory worse) makes it no-go.

Next steps are facts from the new run only (no guesses): the band's action, the API operations
that cost the most, the share of socket I/O, and metrics whose time holds API calls they trigger.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from perfkit.validate.checks import Check
from perfkit.validate.comparison import MetricResult, Significance
from perfkit.validate.formulas import Improvement, fmt_calls, fmt_seconds
from perfkit.validate.measurements import Side
from perfkit.validate.settings import Band, ValidateConfig


@attrs.frozen
class Decision:
    status: str
    band: Band | None
    band_label: str
    exit_code: int
    reasons: tuple[str, ...]


def pick_band(config: ValidateConfig, percent: float) -> tuple[Band, str]:
    for band, upper in config.band_bounds():
        if band.min_percent is None or percent >= band.min_percent:
            return band, band.label(upper)
    raise AssertionError("the last band catches everything")  # guaranteed by the config


def decide(
    config: ValidateConfig,
    improvement: Improvement | None,
    source: str | None,
    checks: Sequence[Check],
    significance: Significance | None,
) -> Decision:
    reasons: list[str] = []
    if improvement is None:
        status, band, label = "no-go", None, "none"
        reasons.append(
            "No improvement figure: the times do not compare and no call counts give an "
            "estimate, so nothing shows the change helped."
        )
    else:
        band, label = pick_band(config, improvement.percent)
        status = band.status
        reasons.append(
            f"The {source} improvement is {improvement.percent:.2f} % "
            f"({fmt_seconds(improvement.saved_seconds)} of "
            f"{fmt_seconds(improvement.baseline_seconds)}): the {band.decision} band "
            f"({label}). {band.action}".rstrip()
        )
    if significance is not None and significance.significant is False and status != "marginal":
        reasons.append(
            f"The time difference is not significant ({significance.detail}): marginal; "
            "more or longer runs per side can decide."
        )
        status = "marginal"
    for check in checks:
        if check.vetoes:
            reasons.append(f"Veto ({check.name}): {check.message}.")
            status = "no-go"
    return Decision(
        status=status,
        band=band,
        band_label=label,
        exit_code=config.exit_codes[status],
        reasons=tuple(reasons),
    )


_TOP_OPERATIONS = 3
_NOTABLE_SHARE = 0.01  # a metric's time growing by 1 % of the run is worth a line


def next_steps(decision: Decision, results: Sequence[MetricResult], new: Side) -> list[str]:
    steps: list[str] = []
    if decision.band is not None and decision.band.action:
        steps.append(f"{decision.band.decision}: {decision.band.action}")
    total = new.share_seconds
    operations = sorted(
        (r for r in results if r.definition.operation and r.new.found and r.new.seconds),
        key=lambda r: r.new.seconds or 0.0,
        reverse=True,
    )
    for result in operations[:_TOP_OPERATIONS]:
        seconds = result.new.seconds or 0.0
        per_call = f", {result.new_per_call_ms:.2f} ms per call" if result.new_per_call_ms else ""
        steps.append(
            f"{result.name}: {fmt_calls(result.new.calls or 0)} calls, {fmt_seconds(seconds)} "
            f"({seconds / total * 100:.1f} % {new.share_basis}{per_call}): fewer or batched "
            "requests here save the most"
        )
    by_name = {r.name: r for r in results}
    socket = by_name.get("socket_io")
    if socket is not None and socket.new.found and socket.new.seconds and total:
        share = socket.new.seconds / total * 100
        if share >= 50:
            steps.append(
                f"socket I/O is {share:.1f} % {new.share_basis}: the run waits on the network, so "
                "removing requests beats faster Python code"
            )
    for result in results:
        if result.definition.operation or not result.new.contains:
            continue
        if result.base.source != "profile":  # a spec does not say what ran inside what
            continue
        if result.new.contains == result.base.contains:
            continue
        added = [name for name in result.new.contains if name not in result.base.contains]
        grew = (result.new.seconds or 0.0) - (result.base.seconds or 0.0)
        if added and grew > _NOTABLE_SHARE * total:
            steps.append(
                f"{result.name} now makes API calls ({', '.join(added)}) inside its "
                f"{fmt_seconds(result.new.seconds or 0.0)}: the deferred work moved here"
            )
    return steps
