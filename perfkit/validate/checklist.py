"""The seed's validation checklist, ticked from what this validation found.

The seed's list: build completes; profile generated; extract the target's call count; compare it
with the baseline's; calculate the time saved (calls saved x per-call cost); validate against the
expected range; document the actual improvement. ``done`` is True, False, or None (unknown).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from perfkit.validate.checks import Check
from perfkit.validate.comparison import MetricResult
from perfkit.validate.formulas import fmt_calls
from perfkit.validate.sides import Side


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
    target: MetricResult,
    range_check: Check,
    documented: Sequence[str],
) -> list[Item]:
    name = target.name
    items = [_completed(new)]
    items.append(
        Item(
            "profile present",
            True,
            ", ".join(run.path for run in new.runs) + " read",
        )
    )
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
