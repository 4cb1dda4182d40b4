"""``compare(base, new) -> Diff``: per-function and per-edge differences between two profiles.

For every function (paired by ``perfkit.match.pairing``) and every caller -> callee edge the
diff holds, for each metric (call counts, times, per-call times, shares of the profile's total
time), the value before (``_base``), after (``_new``), the difference (``_delta`` = new - base)
and the ratio (``_ratio`` = new / base; NaN when base is 0).  A function missing on
one side counts as 0 calls and 0 seconds there (its per-call times are NaN).

Status: ``added`` / ``removed`` when one side is missing; ``changed`` when a call count differs
(ignored when either profile is sampled) or a time moved by more than ``time_threshold``
(relative, default 10 %) *and* more than ``time_floor`` seconds (default 1 ms); else
``unchanged``.  Call counts are exact and deterministic; times are noisy, hence the floors.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionDtype, take

from perfkit.common import display
from perfkit.common.columns import text_column
from perfkit.common.jsonable import json_records
from perfkit.common.output import write_text
from perfkit.diff.butterfly import Butterfly, butterfly_of
from perfkit.errors import PerfkitError
from perfkit.match.pairing import pair_functions
from perfkit.match.selectors import Selector
from perfkit.model.profile import Profile, load_many, per_call

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SCHEMA = "perfkit.diff/1"
COUNT_METRICS = ("pcalls", "ncalls")
TIME_METRICS = ("tottime", "cumtime")
METRICS = (
    *COUNT_METRICS,
    *TIME_METRICS,
    "tottime_per_call",
    "cumtime_per_call",
    "tottime_share",
    "cumtime_share",
)
STATUSES = ("added", "removed", "changed", "unchanged")
_STATUS_TEXT = np.array(["unchanged", "changed", "added", "removed"], dtype=object)
DIRECTIONS = ("both", "up", "down")


def _ratio(new: np.ndarray, base: np.ndarray) -> np.ndarray:
    out = np.full(len(base), np.nan)
    np.divide(new, base, out=out, where=base != 0)
    return out


class _Side:
    """One profile's values on the diff's rows, read straight from its table's arrays.

    ``ids`` are row positions in ``table``; -1 marks a row the profile does not have, which
    counts as "not called": 0 calls and 0 seconds, NaN per-call times.  Values unknown in the
    file (NaN times, missing counts of the ``profile`` module's edges) stay unknown.  No
    intermediate frame is built: a diff of two 100k-function profiles would otherwise hold two
    more tables of its size while it is being built.
    """

    def __init__(self, table: pd.DataFrame, ids: np.ndarray, total_time: float) -> None:
        self.table = table
        self.ids = ids
        self.present = ids >= 0
        self.total_time = total_time

    def taken(self, column: str, fill: Any) -> Any:
        """``column`` at the rows' positions (a numpy or nullable-integer array)."""
        series = self.table[column]
        values = series.array if isinstance(series.dtype, ExtensionDtype) else series.to_numpy()
        return take(values, self.ids, allow_fill=True, fill_value=fill)

    def metric(self, metric: str) -> Any:
        """``metric`` on every row: counts, times, per-call times (pstats' definitions) or
        shares of the profile's total time."""
        if metric in COUNT_METRICS or metric in TIME_METRICS:
            return self.taken(metric, 0)
        if metric.endswith("_share"):
            seconds = self.taken(metric.removesuffix("_share"), 0)
            if self.total_time:
                return seconds / self.total_time
            return np.where(self.present, np.nan, 0.0)
        time_metric = metric.removesuffix("_per_call")
        calls = _floats(self.taken("ncalls" if time_metric == "tottime" else "pcalls", 0))
        return per_call(self.taken(time_metric, 0), calls)


def _floats(values: Any) -> np.ndarray:
    """``values`` as float64, missing counts as NaN."""
    if isinstance(values, np.ndarray):
        return values.astype(np.float64, copy=False)
    return values.to_numpy(np.float64, na_value=np.nan)


def _text_of(new: _Side, base: _Side, column: str) -> pd.Series:
    """``column`` of the new run where the row is present there, else of the base run."""
    return text_column(np.where(new.present, new.taken(column, None), base.taken(column, None)))


def _metric_columns(out: dict[str, Any], base: _Side, new: _Side, metric: str) -> None:
    """``<metric>_base/_new/_delta/_ratio``."""
    b, n = base.metric(metric), new.metric(metric)
    out[f"{metric}_base"] = b
    out[f"{metric}_new"] = n
    out[f"{metric}_delta"] = n - b
    out[f"{metric}_ratio"] = _ratio(_floats(n), _floats(b))


def _status(
    table: dict[str, Any],
    present_base: np.ndarray,
    present_new: np.ndarray,
    counts_comparable: bool,
    threshold: float,
    floor: float,
) -> np.ndarray:
    changed = np.zeros(len(present_base), dtype=bool)
    if counts_comparable:
        for metric in COUNT_METRICS:
            delta = pd.array(table[f"{metric}_delta"]).fillna(0).to_numpy(np.int64)
            changed |= delta != 0
    for metric in TIME_METRICS:
        delta = np.abs(np.nan_to_num(np.asarray(table[f"{metric}_delta"], dtype=np.float64)))
        base = np.abs(np.nan_to_num(np.asarray(table[f"{metric}_base"], dtype=np.float64)))
        changed |= (delta > floor) & (delta > threshold * base)
    codes = changed.astype(np.intp)  # 0 unchanged, 1 changed
    codes[~present_base] = 2
    codes[~present_new] = 3
    return text_column(_STATUS_TEXT[codes])  # four strings shared by all rows


class Diff(display.Displayable):
    """The difference between two profiles (build it with ``perfkit.compare``)."""

    def __init__(
        self,
        base: Profile,
        new: Profile,
        functions: pd.DataFrame,
        ambiguous: pd.DataFrame,
        thresholds: dict[str, float],
    ) -> None:
        self.base = base
        self.new = new
        self.functions = functions
        self.ambiguous = ambiguous
        self.thresholds = thresholds
        self.counts_comparable = not (base.sampled or new.sampled)

    @functools.cached_property
    def edges(self) -> pd.DataFrame:
        """The per-edge diff, built on first use: it is the largest table (a few edges per
        function, dozens of columns) and a report without butterflies or JSON never reads it."""
        return _edge_table(
            self.base,
            self.new,
            self.functions,
            self.thresholds["time_threshold"],
            self.thresholds["time_floor"],
            self.counts_comparable,
        )

    @property
    def totals(self) -> dict[str, dict[str, float | int | None]]:
        """For ``functions``, ``total_calls``, ``primitive_calls``, ``total_time``: base, new,
        delta and ratio."""
        out: dict[str, dict[str, float | int | None]] = {}
        for name, before in self.base.totals.items():
            after = self.new.totals[name]
            out[name] = {
                "base": before,
                "new": after,
                "delta": after - before,
                "ratio": after / before if before else None,
            }
        return out

    def status_counts(self) -> dict[str, int]:
        counts = self.functions["status"].value_counts()
        return {status: int(counts.get(status, 0)) for status in STATUSES}

    def to_dict(self) -> dict[str, Any]:
        """Everything in the versioned ``perfkit.diff/1`` layout (NaN becomes None)."""
        return {
            "schema": SCHEMA,
            "base": _run(self.base),
            "new": _run(self.new),
            "counts_comparable": self.counts_comparable,
            "thresholds": self.thresholds,
            "totals": self.totals,
            "status_counts": self.status_counts(),
            "functions": json_records(self.functions),
            "edges": json_records(self.edges),
            "ambiguous": json_records(self.ambiguous),
        }

    def to_json(self, path: str | Path | None = None, *, indent: int | None = None) -> str:
        """The ``perfkit.diff/1`` JSON text; also written to ``path`` when given."""
        text = json.dumps(self.to_dict(), indent=indent, allow_nan=False)
        if path is not None:
            write_text(path, text + "\n", "JSON diff")
        return text

    def top(self, n: int = 10, by: str = "cumtime", *, direction: str = "both") -> pd.DataFrame:
        """The ``n`` functions whose ``by`` changed most (``largest_changes``)."""
        return largest_changes(self, n, by, direction)

    def butterfly(self, selector: str | list[str] | Selector) -> Butterfly:
        """Exact callers/callees diff of the matched functions (``perfkit.diff.butterfly``)."""
        return butterfly_of(self, selector)

    def plot(self, n: int = 15, by: str = "cumtime", *, direction: str = "both") -> Figure:
        """A bar chart of the ``n`` largest changes of ``by`` (a matplotlib ``Figure``)."""
        return display.plot(self, n, by, direction)

    def __repr__(self) -> str:
        counts = ", ".join(f"{count} {status}" for status, count in self.status_counts().items())
        return f"<Diff {str(self.base.path)!r} -> {str(self.new.path)!r}: {counts}>"


def largest_changes(
    diff: Diff, n: int = 10, by: str = "cumtime", direction: str = "both"
) -> pd.DataFrame:
    """The ``n`` rows of ``diff.functions`` whose ``<by>_delta`` is largest in size.

    ``by`` is one of ``METRICS`` (``cumtime``, ``tottime``, ``ncalls``, ``pcalls``, per-call
    times, shares); ``direction`` keeps increases (``up``), decreases (``down``) or
    both.  Rows whose change is zero or unknown are left out; ties keep table order.
    """
    if by not in METRICS:
        raise PerfkitError(f"cannot rank changes by {by!r}; choose from {METRICS}")
    if direction not in DIRECTIONS:
        raise PerfkitError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    if by in COUNT_METRICS and not diff.counts_comparable:
        raise PerfkitError("call counts are not comparable: one of the profiles is sampled")
    delta = pd.Series(diff.functions[f"{by}_delta"]).astype(np.float64).fillna(0.0)
    if direction == "up":
        delta = delta.clip(lower=0)
    elif direction == "down":
        delta = delta.clip(upper=0)
    size = delta.abs()
    order = size[size > 0].sort_values(ascending=False, kind="stable").index
    return diff.functions.loc[order[:n]]


def _run(profile: Profile) -> dict[str, Any]:
    return {
        "path": str(profile.path),
        "totals": profile.totals,
        "sampled": profile.sampled,
        "metadata": profile.metadata,
    }


def _function_table(
    base: Profile,
    new: Profile,
    pairs: pd.DataFrame,
    threshold: float,
    floor: float,
    counts_comparable: bool,
) -> pd.DataFrame:
    base_ids = pairs["base_id"].to_numpy()
    new_ids = pairs["new_id"].to_numpy()
    b = _Side(base.functions, base_ids, base.total_time)
    n = _Side(new.functions, new_ids, new.total_time)
    out: dict[str, Any] = {
        "status": None,
        "label": _text_of(n, b, "label"),
        "module": _text_of(n, b, "module"),
        "name": _text_of(n, b, "name"),
        "base_id": base_ids,
        "new_id": new_ids,
        "line_base": b.taken("line", -1),
        "line_new": n.taken("line", -1),
    }
    for metric in METRICS:
        _metric_columns(out, b, n, metric)
    out["status"] = _status(out, b.present, n.present, counts_comparable, threshold, floor)
    return pd.DataFrame(out, copy=False)  # no block consolidation: no copy of every column


def _edge_keys(profile: Profile, row_of: np.ndarray) -> pd.DataFrame:
    """Each edge of ``profile`` keyed by the diff rows of its caller and callee."""
    edges = profile.edges
    caller = edges["caller"].to_numpy()
    foreign = caller < 0
    return pd.DataFrame(
        {
            "caller_row": np.where(foreign, -1, row_of[np.where(foreign, 0, caller)]),
            "caller_other": np.where(foreign, edges["caller_label"].to_numpy(object), ""),
            "callee_row": row_of[edges["callee"].to_numpy()],
        }
    )


def _edge_table(
    base: Profile,
    new: Profile,
    functions: pd.DataFrame,
    threshold: float,
    floor: float,
    counts_comparable: bool,
) -> pd.DataFrame:
    base_row = np.full(len(base.functions), -1, dtype=np.int64)
    new_row = np.full(len(new.functions), -1, dtype=np.int64)
    present_b = functions["base_id"].to_numpy() >= 0
    present_n = functions["new_id"].to_numpy() >= 0
    rows = np.arange(len(functions))
    base_row[functions["base_id"].to_numpy()[present_b]] = rows[present_b]
    new_row[functions["new_id"].to_numpy()[present_n]] = rows[present_n]
    keys = ["caller_row", "caller_other", "callee_row"]
    left = _edge_keys(base, base_row).assign(base_edge=np.arange(len(base.edges)))
    right = _edge_keys(new, new_row).assign(new_edge=np.arange(len(new.edges)))
    merged = left.merge(right, on=keys, how="outer", sort=False)
    base_edge = merged["base_edge"].fillna(-1).astype(np.int64).to_numpy()
    new_edge = merged["new_edge"].fillna(-1).astype(np.int64).to_numpy()
    b = _Side(base.edges, base_edge, base.total_time)
    n = _Side(new.edges, new_edge, new.total_time)
    out: dict[str, Any] = {
        "status": None,
        "caller_label": _text_of(n, b, "caller_label"),
        "callee_label": _text_of(n, b, "callee_label"),
        "caller_row": merged["caller_row"].to_numpy(),
        "callee_row": merged["callee_row"].to_numpy(),
        "base_edge": base_edge,
        "new_edge": new_edge,
    }
    for metric in METRICS:
        _metric_columns(out, b, n, metric)
    out["status"] = _status(out, b.present, n.present, counts_comparable, threshold, floor)
    return pd.DataFrame(out, copy=False)  # no block consolidation: no copy of every column


def compare(
    base: Profile, new: Profile, *, time_threshold: float = 0.10, time_floor: float = 0.001
) -> Diff:
    """Diff two profiles per function and per caller -> callee edge."""
    pairing = pair_functions(base.functions, new.functions)
    counts_comparable = not (base.sampled or new.sampled)
    functions = _function_table(
        base, new, pairing.pairs, time_threshold, time_floor, counts_comparable
    )
    thresholds = {"time_threshold": time_threshold, "time_floor": time_floor}
    return Diff(base, new, functions, pairing.ambiguous, thresholds)


def top_changes(diff: Diff, metric: str, limit: int) -> pd.DataFrame:
    """The ``limit`` function rows with the largest ``|metric_delta|`` (ties keep table order)."""
    magnitude = pd.Series(diff.functions[f"{metric}_delta"]).abs().astype(np.float64)
    order = magnitude[magnitude > 0].sort_values(ascending=False, kind="stable").index
    return diff.functions.loc[order[:limit]]


def selection_totals(profile: Profile, selector: Selector) -> dict[str, Any]:
    """Calls and time of the functions ``selector`` matches in ``profile``.

    ``cumtime`` is the sum over the matched functions, so it counts time twice when one
    matched function calls another.
    """
    rows = profile.functions[selector.mask(profile.functions)]
    return {
        "functions": len(rows),
        "ncalls": int(rows["ncalls"].sum()),
        "pcalls": int(rows["pcalls"].sum()),
        "tottime": float(rows["tottime"].sum()),
        "cumtime": float(rows["cumtime"].sum()),
    }


def butterfly(
    diff_or_profiles: Diff | tuple[Profile | str | Path, Profile | str | Path],
    selector: str | list[str] | Selector,
    **compare_options: float,
) -> Butterfly:
    """``perfkit.butterfly(diff, "get_asset_info")`` or ``perfkit.butterfly((base, new), ...)``.

    ``diff_or_profiles`` is a ``Diff`` or a (base, new) pair of profiles or paths;
    ``compare_options`` go to ``perfkit.compare`` when a pair is given.
    """
    if isinstance(diff_or_profiles, Diff):
        return butterfly_of(diff_or_profiles, selector)
    base, new = diff_or_profiles
    paths = [side for side in (base, new) if not isinstance(side, Profile)]
    loaded = iter(load_many(paths)) if paths else iter(())
    base_profile, new_profile = (
        side if isinstance(side, Profile) else next(loaded) for side in (base, new)
    )
    return butterfly_of(compare(base_profile, new_profile, **compare_options), selector)
