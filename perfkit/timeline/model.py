"""``perfkit.history(...)``: metrics of many runs in build order, and where they stepped.

Runs are ordered by their sidecar's ``started_at`` (the build or run time), else by the
profile file's modification time; ``order="name"`` orders them by path instead.  Metrics:

- ``total_time`` (s) and ``total_calls`` of every profile;
- ``wall_seconds`` and ``requests`` (``http.total_requests``) from sidecars, when any has them;
- for each selector S: ``calls[S]`` and ``cumtime[S]`` (the sums over the matched functions,
  as ``perfkit compare --match`` reports them);
- any sidecar field by its dotted path (``http.operations.get_asset_info.requests``).

Counts (calls, requests, integer fields) are deterministic, so any change is a step; times use
the noise-aware rule of ``perfkit.timeline.steps``.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from perfkit.common import display
from perfkit.common.jsonable import json_records
from perfkit.common.output import write_text
from perfkit.errors import PerfkitError
from perfkit.match.selectors import Selector, parse_selector
from perfkit.timeline.cache import MetricCache, default_path
from perfkit.timeline.discover import discover
from perfkit.timeline.extract import Progress, RunValues, extract
from perfkit.timeline.steps import Step, StepOptions, count_steps, time_steps

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SCHEMA = "perfkit.history/1"
ORDERS = ("time", "name")
COUNT, TIME = "count", "time"


@dataclass(frozen=True)
class Metric:
    """A column of ``History.runs``: its name, ``count`` or ``time`` and where it comes from."""

    name: str
    kind: str
    source: str  # "profile", "selector" or "sidecar"
    selector: str | None = None
    field: str | None = None


@dataclass
class History(display.Displayable):
    """``runs``: one row per run (index ``run`` = position in order) with ``path``, ``name``,
    ``time``, ``time_source``, ``git`` and one column per metric, plus ``steps`` (names of the
    metrics that stepped at that run); ``steps``: one row per step; ``skipped``: unreadable
    files and why."""

    runs: pd.DataFrame
    metrics: list[Metric]
    steps: pd.DataFrame
    skipped: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    options: StepOptions = field(default_factory=StepOptions)
    order: str = "time"

    def plot(self, metrics: Sequence[str] | None = None) -> Figure:
        """One panel per metric across the runs, steps marked (a matplotlib ``Figure``)."""
        return display.plot(self, metrics)

    def to_dict(self) -> dict[str, Any]:
        runs = self.runs.reset_index()
        runs["time"] = [stamp.isoformat() for stamp in runs["time"]]
        return {
            "schema": SCHEMA,
            "metrics": [asdict(metric) for metric in self.metrics],
            "order": self.order,
            "step_detection": asdict(self.options),
            "runs": json_records(runs),
            "steps": json_records(self.steps),
            "skipped": self.skipped,
        }

    def to_json(self, path: str | Path | None = None) -> str:
        text = json.dumps(self.to_dict(), indent=1, allow_nan=False)
        if path is not None:
            write_text(path, text + "\n", "JSON history")
        return text

    def __repr__(self) -> str:
        counts = f"{len(self.runs)} runs, {len(self.metrics)} metrics, {len(self.steps)} steps"
        return f"<History: {counts}>"


def _lookup(metadata: dict[str, Any] | None, dotted: str) -> float:
    value: Any = metadata
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return math.nan
        value = value[part]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return math.nan
    return float(value)


def _started_at(metadata: dict[str, Any] | None) -> datetime | None:
    text = (metadata or {}).get("started_at")
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _git(metadata: dict[str, Any] | None) -> str:
    git = (metadata or {}).get("git")
    sha = git.get("sha") if isinstance(git, dict) else None
    return str(sha)[:10] if sha else ""


def _display_names(paths: Sequence[Path]) -> list[str]:
    """Paths below their common folder (so runs read ``build-17/profile.stats``)."""
    absolute = [path.resolve() for path in paths]
    common = Path(os.path.commonpath([str(path.parent) for path in absolute]))
    return [str(path.relative_to(common)) for path in absolute]


def _counts(numbers: np.ndarray) -> pd.arrays.IntegerArray:
    """Whole numbers as a nullable integer column: <NA> where the value is unknown."""
    unknown = np.isnan(numbers)
    return pd.arrays.IntegerArray(np.where(unknown, 0, numbers).astype(np.int64), unknown)


def _columns(
    runs: Sequence[RunValues], selectors: Sequence[Selector], fields: Sequence[str]
) -> tuple[dict[str, np.ndarray], list[Metric]]:
    columns: dict[str, Any] = {}
    metrics: list[Metric] = []

    def add(metric: Metric, values: list[float]) -> None:
        numbers = np.asarray(values, dtype=np.float64)
        if metric.kind == COUNT:  # whole numbers, <NA> where unknown (sampled profiles)
            columns[metric.name] = _counts(numbers)
        else:
            columns[metric.name] = numbers
        metrics.append(metric)

    add(Metric("total_time", TIME, "profile"), [run.totals["total_time"] for run in runs])
    add(
        Metric("total_calls", COUNT, "profile"),
        [math.nan if run.totals["sampled"] else run.totals["total_calls"] for run in runs],
    )
    for name, dotted, kind in (
        ("wall_seconds", "wall_seconds", TIME),
        ("requests", "http.total_requests", COUNT),
    ):
        values = [_lookup(run.metadata, dotted) for run in runs]
        if not all(math.isnan(value) for value in values):
            add(Metric(name, kind, "sidecar", field=dotted), values)
    for selector in selectors:
        text = selector.text
        if not any(run.selections[text]["functions"] for run in runs):
            raise PerfkitError(f"selector {text!r} matches no function in any run")
        add(
            Metric(f"calls[{text}]", COUNT, "selector", selector=text),
            [run.selections[text]["ncalls"] for run in runs],
        )
        add(
            Metric(f"cumtime[{text}]", TIME, "selector", selector=text),
            [run.selections[text]["cumtime"] for run in runs],
        )
    for dotted in fields:
        values = [_lookup(run.metadata, dotted) for run in runs]
        known = [value for value in values if not math.isnan(value)]
        if not known:
            raise PerfkitError(f"sidecar field {dotted!r} is a number in no run's sidecar")
        kind = COUNT if all(value.is_integer() for value in known) else TIME
        add(Metric(dotted, kind, "sidecar", field=dotted), values)
    return columns, metrics


def _find_steps(
    runs: pd.DataFrame, metrics: Sequence[Metric], options: StepOptions
) -> pd.DataFrame:
    rows = []
    for metric in metrics:
        values = runs[metric.name].to_numpy(np.float64, na_value=np.nan)
        found: list[Step] = (
            count_steps(values) if metric.kind == COUNT else time_steps(values, options)
        )
        for step in found:
            rows.append(
                {
                    "metric": metric.name,
                    "kind": metric.kind,
                    "run": step.index,
                    "name": runs["name"].iloc[step.index],
                    "before": step.before,
                    "after": step.after,
                    "delta": step.delta,
                    "ratio": step.ratio,
                }
            )
    columns = ["metric", "kind", "run", "name", "before", "after", "delta", "ratio"]
    return pd.DataFrame(rows, columns=columns).sort_values(["run", "metric"], kind="stable")


def build_history(
    runs: Sequence[RunValues],
    selectors: Sequence[Selector],
    fields: Sequence[str],
    order: str,
    options: StepOptions,
) -> tuple[pd.DataFrame, list[Metric], pd.DataFrame]:
    if order not in ORDERS:
        raise PerfkitError(f"order must be one of {ORDERS}, not {order!r}")
    names = _display_names([run.path for run in runs])
    started = [_started_at(run.metadata) for run in runs]
    times = [
        moment or datetime.fromtimestamp(run.mtime, UTC)
        for moment, run in zip(started, runs, strict=True)
    ]
    if order == "time":
        positions = sorted(range(len(runs)), key=lambda i: (times[i], names[i]))
    else:
        positions = sorted(range(len(runs)), key=lambda i: names[i])
    ordered = [runs[i] for i in positions]
    columns, metrics = _columns(ordered, selectors, fields)
    table = pd.DataFrame(
        {
            "path": [str(run.path) for run in ordered],
            "name": [names[i] for i in positions],
            "time": pd.to_datetime([times[i] for i in positions], utc=True),
            "time_source": ["started_at" if started[i] else "mtime" for i in positions],
            "git": [_git(run.metadata) for run in ordered],
            **columns,
        },
        index=pd.RangeIndex(len(ordered), name="run"),
    )
    steps = _find_steps(table, metrics, options)
    marks = steps.groupby("run")["metric"].agg(", ".join)
    table["steps"] = marks.reindex(table.index, fill_value="").astype(str)
    return table, metrics, steps


def history(
    sources: str | Path | Sequence[str | Path],
    metrics: Sequence[str | Selector] = (),
    fields: Sequence[str] = (),
    *,
    cache: bool | str | Path = True,
    order: str = "time",
    step_options: StepOptions | None = None,
    progress: Progress | None = None,
) -> History:
    """The history of the runs in ``sources`` (directories, globs or files).

    ``metrics``: selectors whose calls and cumtime to follow; ``fields``: sidecar numbers by
    dotted path; ``cache``: True for the default cache file, a path, or False for none.
    Unreadable profiles are skipped (``History.skipped``); no readable one is an error.
    """
    paths = discover([sources] if isinstance(sources, (str, Path)) else sources)
    selectors = [parse_selector(metric) for metric in metrics]
    cache_path = default_path() if cache is True else (Path(cache) if cache else None)
    store = MetricCache(cache_path)
    try:
        runs, skipped = extract(paths, selectors, store, progress)
    finally:
        store.close()
    if not runs:
        problems = "; ".join(list(skipped.values())[:3])
        raise PerfkitError(f"no readable profile among {len(paths)} file(s): {problems}")
    options = step_options or StepOptions()
    table, found_metrics, steps = build_history(runs, selectors, fields, order, options)
    warnings = [*store.warnings, *(w for run in runs for w in run.warnings)]
    return History(
        table,
        found_metrics,
        steps,
        {str(path): problem for path, problem in skipped.items()},
        warnings,
        options,
        order,
    )
