"""The exact callers/callees ("butterfly") diff of one function between two profiles.

pstats stores, for every function, each caller's share of its calls and times as a separate
entry.  So the edges *into* a function (who called it, how often, for how long) and *out of* it
(what it called) are exact in both profiles, and so are their differences: unlike a flame graph
rebuilt from pstats (``perfkit.model.stacks``), nothing here is estimated.

``butterfly_of(diff, selector)`` picks the rows of ``Diff.edges`` that end at (``callers``) or start
from (``callees``) the functions the selector matches in either profile.  Edges that exist on
one side only have status ``added`` / ``removed``.  ``Butterfly.to_dict()`` is the view-model a
report renderer draws from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from perfkit.common import display
from perfkit.common.jsonable import json_records
from perfkit.match.selectors import NoMatchError, Selector, parse_selector
from perfkit.model.profile import Profile

SCHEMA = "perfkit.butterfly/1"
#: The ``Diff.functions`` / ``Diff.edges`` columns ``to_dict`` keeps (the rest stay in the
#: DataFrames): status, labels, and base/new/delta/ratio of calls and times.
_MEASURES = ("pcalls", "ncalls", "tottime", "cumtime")
_SUFFIXES = ("base", "new", "delta", "ratio")
_VALUE_COLUMNS = tuple(f"{m}_{s}" for m in _MEASURES for s in _SUFFIXES)


class Diff(Protocol):
    """What a butterfly reads of a ``perfkit.diff.compare.Diff`` (which builds butterflies, so
    this module cannot import it)."""

    base: Profile
    new: Profile
    functions: pd.DataFrame
    counts_comparable: bool

    @property
    def edges(self) -> pd.DataFrame: ...


def _by_change(rows: pd.DataFrame) -> pd.DataFrame:
    """Largest |cumtime change| first, then largest calls change, then largest new cumtime."""
    cumtime = pd.Series(rows["cumtime_delta"]).abs().fillna(0).to_numpy(np.float64)
    ncalls = pd.Series(rows["ncalls_delta"]).abs().to_numpy(np.float64)
    after = pd.Series(rows["cumtime_new"]).fillna(0).to_numpy(np.float64)
    return rows.iloc[np.lexsort((-after, -ncalls, -cumtime))]


@dataclass(frozen=True)
class Butterfly(display.Displayable):
    """Callers and callees of the selected function(s), before and after.

    ``functions``: the matched rows of ``diff.functions``; ``callers`` / ``callees``: the rows
    of ``diff.edges`` into / out of them (same columns as ``Diff.edges``), largest change first.
    """

    diff: Diff
    selector: Selector
    functions: pd.DataFrame
    callers: pd.DataFrame
    callees: pd.DataFrame

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        """A JSON-ready view: the selected functions and both edge lists (NaN -> None), each
        cut to its first ``limit`` rows when given; ``counts`` has the full lengths."""
        edge_columns = ["status", "caller_label", "callee_label", *_VALUE_COLUMNS]
        function_columns = ["status", "label", "module", "name", *_VALUE_COLUMNS]
        tables = {
            "functions": self.functions[function_columns],
            "callers": self.callers[edge_columns],
            "callees": self.callees[edge_columns],
        }
        kept = {name: rows if limit is None else rows.head(limit) for name, rows in tables.items()}
        return {
            "schema": SCHEMA,
            "selector": self.selector.text,
            "base": str(self.diff.base.path),
            "new": str(self.diff.new.path),
            "counts_comparable": self.diff.counts_comparable,
            "counts": {name: len(rows) for name, rows in tables.items()},
            **{name: json_records(rows) for name, rows in kept.items()},
        }

    def __repr__(self) -> str:
        return (
            f"<Butterfly {self.selector.text!r}: {len(self.functions)} function(s), "
            f"{len(self.callers)} caller edge(s), {len(self.callees)} callee edge(s)>"
        )


def _matched_rows(diff: Diff, selector: Selector) -> pd.DataFrame:
    base_ids = diff.base.functions.index[selector.mask(diff.base.functions)]
    new_ids = diff.new.functions.index[selector.mask(diff.new.functions)]
    functions = diff.functions
    chosen = functions["base_id"].isin(base_ids) | functions["new_id"].isin(new_ids)
    if not chosen.any():
        raise NoMatchError(f"selector {selector.text!r} matches no function in either profile")
    return functions[chosen]


def butterfly_of(diff: Diff, selector: str | list[str] | Selector) -> Butterfly:
    """The butterfly of the functions ``selector`` matches in either side of ``diff``."""
    parsed = parse_selector(selector)
    functions = _matched_rows(diff, parsed)
    rows = functions.index
    edges = diff.edges
    callers = _by_change(edges[edges["callee_row"].isin(rows)])
    callees = _by_change(edges[edges["caller_row"].isin(rows)])
    return Butterfly(diff, parsed, _by_change(functions), callers, callees)
