"""What to optimise next: where the new run still spends its time.

Facts from the new run only (no guesses): the band's action, the API operations that cost the
most, the share of socket I/O, and metrics whose time holds API calls they trigger.
"""

from __future__ import annotations

from collections.abc import Sequence

from perfkit.validate.comparison import MetricResult
from perfkit.validate.decision import Decision
from perfkit.validate.formulas import fmt_calls, fmt_seconds
from perfkit.validate.sides import Side

_TOP_OPERATIONS = 3
_NOTABLE_SHARE = 0.01  # a metric's time growing by 1 % of the run is worth a line


def next_steps(decision: Decision, results: Sequence[MetricResult], new: Side) -> list[str]:
    steps: list[str] = []
    if decision.band is not None and decision.band.action:
        steps.append(f"{decision.band.decision}: {decision.band.action}")
    total = new.total_seconds
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
            f"({seconds / total * 100:.1f} % of the new run{per_call}): fewer or batched "
            "requests here save the most"
        )
    by_name = {r.name: r for r in results}
    socket = by_name.get("socket_io")
    if socket is not None and socket.new.found and socket.new.seconds and total:
        share = socket.new.seconds / total * 100
        if share >= 50:
            steps.append(
                f"socket I/O is {share:.1f} % of the new run: the run waits on the network, so "
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
