"""Rich tables of a butterfly diff: the selected functions, their callers and their callees."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
from rich.table import Table
from rich.text import Text

from perfkit.render.text import label
from perfkit.render.units import calls, count, seconds

if TYPE_CHECKING:
    from perfkit.diff.butterfly import Butterfly


def _calls(row: Any, side: str) -> str:
    ncalls, pcalls = getattr(row, f"ncalls_{side}"), getattr(row, f"pcalls_{side}")
    if pd.isna(pcalls):  # profile-module edges count calls only
        return count(int(ncalls))
    return calls(int(ncalls), int(pcalls))


def _before_after(row: Any, before: str, after: str) -> str:
    if row.status == "added":
        return after
    return before if row.status == "removed" else f"{before} → {after}"


def _edge_table(rows: pd.DataFrame, title: str, other: str, comparable: bool) -> Table:
    """One row per function or edge; ``other`` names the label column shown last."""
    table = Table(title=title, title_justify="left")
    for header in ("status", "calls", "Δ calls", "cumtime", "Δ cumtime", "tottime"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column(other.removesuffix("_label"), overflow="fold")
    for row in rows.itertuples(index=False):
        table.add_row(
            row.status,
            _before_after(row, _calls(row, "base"), _calls(row, "new")),
            count(int(row.ncalls_delta), signed=True) if comparable else "-",
            _before_after(row, seconds(row.cumtime_base), seconds(row.cumtime_new)),
            seconds(row.cumtime_delta, signed=True),
            _before_after(row, seconds(row.tottime_base), seconds(row.tottime_new)),
            Text(label(getattr(row, other))),
        )
    return table


def butterfly_tables(butterfly: Butterfly, limit: int = 0) -> list[Table]:
    """The selected functions, then their callers and callees (``limit`` rows each; 0: all)."""
    comparable = butterfly.diff.counts_comparable
    selector = butterfly.selector.text

    def head(rows: pd.DataFrame) -> pd.DataFrame:
        return rows.head(limit) if limit else rows

    def shown(rows: pd.DataFrame, what: str) -> str:
        return f"{what} ({len(head(rows)):,} of {len(rows):,})" if limit else what

    return [
        _edge_table(
            head(butterfly.functions).rename(columns={"label": "function"}),
            shown(butterfly.functions, f"Functions matching {label(repr(selector))}"),
            "function",
            comparable,
        ),
        _edge_table(
            head(butterfly.callers),
            shown(butterfly.callers, "Called by"),
            "caller_label",
            comparable,
        ),
        _edge_table(
            head(butterfly.callees), shown(butterfly.callees, "Calls"), "callee_label", comparable
        ),
    ]
