"""One function's neighbourhood in a profile: where it is, who calls it, what it calls.

Every number comes straight from the pstats file.  An edge ``caller -> callee`` holds the calls
and times of the callee *while called from that caller* (its calls, its own time, its time with
sub-calls), so these tables are exact; only the ``*_share`` / ``*_per_call`` columns are
computed, by dividing two exact numbers.  See docs/perfkit-api.md for the columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from perfkit.match.selectors import Selector


class Profile(Protocol):
    """What these views read of a ``perfkit.model.profile.Profile`` (whose methods call them)."""

    functions: pd.DataFrame
    edges: pd.DataFrame
    total_time: float

    def select(self, selector: str | list[str] | Selector) -> pd.DataFrame: ...


WHERE_COLUMNS = (
    "label",
    "module",
    "function",
    "file",
    "line",
    "pcalls",
    "ncalls",
    "tottime",
    "cumtime",
    "tottime_share",
    "cumtime_share",
    "callers",
    "callees",
    "top_caller",
)
_EDGE_VALUES = ("caller", "callee", "caller_label", "callee_label", "pcalls", "ncalls")
_EDGE_TIMES = ("tottime", "cumtime")


def _divide(top: pd.Series, bottom: pd.Series) -> np.ndarray:
    top_values = top.to_numpy(np.float64, na_value=np.nan)
    bottom_values = bottom.to_numpy(np.float64, na_value=np.nan)
    out = np.full(len(top_values), np.nan)
    np.divide(top_values, bottom_values, out=out, where=bottom_values > 0)
    return out


def _neighbour_edges(
    profile: Profile,
    selector: str | list[str] | Selector,
    side: str,
    calls: tuple[str, str],
) -> pd.DataFrame:
    """The edges whose ``side`` ("callee" or "caller") is a function f ``selector`` matches,
    with ``calls[0]`` = edge ncalls / f's ``calls[1]`` and ``time_share`` = edge cumtime / f's
    cumtime.  Rows: the functions by their cumtime, each one's edges largest cumtime first."""
    chosen = profile.select(selector)
    edges = profile.edges
    rows = edges[edges[side].isin(chosen.index)]
    order = pd.Series(chosen["cumtime"].rank(ascending=False, method="first"))
    rank = rows[side].map(order).to_numpy()
    rows = rows.iloc[np.lexsort((-rows["cumtime"].fillna(-1.0).to_numpy(), rank))]
    table = rows[[*_EDGE_VALUES, *_EDGE_TIMES]].copy()
    table.index.name = "edge"
    function = profile.functions.loc[table[side]].set_axis(table.index)
    name, per = calls
    table[name] = _divide(table["ncalls"], function[per])
    table["time_share"] = _divide(table["cumtime"], function["cumtime"])
    return table


def callers(profile: Profile, selector: str | list[str] | Selector) -> pd.DataFrame:
    """One row per caller -> f edge, for every function f that ``selector`` matches.

    ``calls_share`` = edge ncalls / f's ncalls and ``time_share`` = edge cumtime / f's cumtime:
    the part of f's calls and time that came through this caller.  Recursive calls make the
    shares add up to more than 1 (pstats counts a recursive call on the f -> f edge too).
    """
    return _neighbour_edges(profile, selector, "callee", ("calls_share", "ncalls"))


def callees(profile: Profile, selector: str | list[str] | Selector) -> pd.DataFrame:
    """One row per f -> callee edge, for every function f that ``selector`` matches.

    ``calls_per_call`` = edge ncalls / f's primitive calls (how often one call of f calls it);
    ``time_share`` = edge cumtime / f's cumtime (the part of f's time spent in that callee).
    """
    return _neighbour_edges(profile, selector, "caller", ("calls_per_call", "pcalls"))


def where(profile: Profile, selector: str | list[str] | Selector) -> pd.DataFrame:
    """The functions ``selector`` matches: their location, weight and neighbourhood.

    One row per function (index: its ``functions`` id), largest cumtime first, with the
    profile-wide shares of its times, how many distinct callers and callees it has, and the
    caller that accounts for most of its cumtime (``top_caller``; '' when it has none).
    """
    chosen = profile.select(selector).sort_values("cumtime", ascending=False, kind="stable")
    edges = profile.edges
    incoming = edges[edges["callee"].isin(chosen.index)]
    outgoing = edges[edges["caller"].isin(chosen.index)]
    by_time = incoming.assign(order=incoming["cumtime"].fillna(incoming["ncalls"]))
    top = by_time.sort_values("order", ascending=False, kind="stable").drop_duplicates("callee")
    total = profile.total_time
    table = chosen[["label", "module", "function", "file", "line", "pcalls", "ncalls"]].copy()
    table["tottime"] = chosen["tottime"]
    table["cumtime"] = chosen["cumtime"]
    table["tottime_share"] = chosen["tottime"] / total if total else np.nan
    table["cumtime_share"] = chosen["cumtime"] / total if total else np.nan
    table["callers"] = incoming.groupby("callee").size().reindex(chosen.index, fill_value=0)
    table["callees"] = outgoing.groupby("caller").size().reindex(chosen.index, fill_value=0)
    table["top_caller"] = (
        top.set_index("callee")["caller_label"].reindex(chosen.index).fillna("").astype(str)
    )
    return table[list(WHERE_COLUMNS)]
