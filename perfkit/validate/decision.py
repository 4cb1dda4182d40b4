"""From the improvement and the checks to a status: go, marginal or no-go, and an exit code.

1. The improvement % picks a band (highest first; a band applies from its ``min_percent``).
2. With several runs per side, a time difference that is not significant is marginal: the runs
   cannot tell (a go becomes marginal, and so does a no-go of the bands).
3. A failed guard (calls up, total time worse, peak memory worse) makes it no-go.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from perfkit.validate.checks import Check
from perfkit.validate.config import Band, ValidateConfig
from perfkit.validate.formulas import Improvement, fmt_seconds
from perfkit.validate.significance import Significance


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
