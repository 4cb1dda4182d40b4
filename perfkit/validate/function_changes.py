"""The per-function evidence of a verdict: top changed functions and butterflies.

Both come from one ``perfkit.compare`` of a representative run of each side (the run whose total
time is nearest the side's median). The butterflies are the exact callers/callees diffs
(``perfkit.butterfly_diff``) of chosen functions: by default the target metric's, so the report
shows where the avoided calls came from.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

import attrs

from perfkit.butterfly_diff import Butterfly, butterfly_of
from perfkit.diff import Diff, compare, top_changes
from perfkit.errors import PerfkitError
from perfkit.jsonable import json_records
from perfkit.match import NoMatchError, Selector, parse_selector
from perfkit.model import Profile
from perfkit.validate.sides import Side

CHANGE_COLUMNS = [
    "status",
    "label",
    "ncalls_base",
    "ncalls_new",
    "ncalls_delta",
    "cumtime_base",
    "cumtime_new",
    "cumtime_delta",
    "tottime_delta",
]


@attrs.frozen
class FunctionChanges:
    top_changes: dict[str, Any]
    butterflies: tuple[Butterfly, ...]
    notes: tuple[str, ...]


def _representative(side: Side) -> Profile:
    """The run whose total time is nearest the side's median."""
    median = statistics.median(side.totals_per_run)
    index = min(range(len(side.runs)), key=lambda i: abs(side.runs[i].total_seconds - median))
    return side.profiles[index]


def _top_changes(diff: Diff, note: str, limit: int) -> dict[str, Any]:
    by_calls = top_changes(diff, "ncalls", limit) if diff.counts_comparable else None
    return {
        "by_cumtime": json_records(top_changes(diff, "cumtime", limit)[CHANGE_COLUMNS]),
        "by_calls": [] if by_calls is None else json_records(by_calls[CHANGE_COLUMNS]),
        "status_counts": diff.status_counts(),
        "note": note,
    }


def _butterflies(
    diff: Diff, selectors: Sequence[Selector], explicit: bool
) -> tuple[tuple[Butterfly, ...], list[str]]:
    """A butterfly per selector. A selector given explicitly must match; the default (the
    target's) may match nothing, which is noted."""
    found, notes = [], []
    for selector in selectors:
        try:
            found.append(butterfly_of(diff, selector))
        except NoMatchError:
            if explicit:
                raise PerfkitError(
                    f"--butterfly {selector.text!r} matches no function in either profile"
                ) from None
            notes.append(f"no butterfly: {selector.text!r} matches no function in either run")
    return tuple(found), notes


def function_changes(
    base: Side, new: Side, limit: int, target: Selector, butterfly: Sequence[str] | None
) -> FunctionChanges:
    """Top ``limit`` changes, and the butterflies of ``butterfly`` (selectors; None: the
    target's selector, [] none)."""
    if base.kind != "profiles":
        notes = ["no butterfly: the baseline is a spec (no functions)"] if butterfly else []
        empty = {"by_cumtime": [], "by_calls": [], "note": "the baseline is a spec: no functions"}
        return FunctionChanges(empty, (), tuple(notes))
    before, after = _representative(base), _representative(new)
    diff = compare(before, after)
    note = f"{before.path} -> {after.path}"
    if len(base.runs) > 1 or len(new.runs) > 1:
        note += " (the runs nearest each side's median total)"
    selectors = [target] if butterfly is None else [parse_selector(text) for text in butterfly]
    views, notes = _butterflies(diff, selectors, explicit=butterfly is not None)
    return FunctionChanges(_top_changes(diff, note, limit), views, tuple(notes))
