"""matplotlib figures of a profile and of a diff, for notebooks and reports.

Figures are built with ``matplotlib.figure.Figure`` directly, never through ``pyplot``: no
global state, no GUI backend, safe in threads, servers and CI (``fig.savefig`` picks Agg for
PNG).  In Jupyter a returned figure displays like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from perfkit.diff.compare import largest_changes
from perfkit.errors import PerfkitError
from perfkit.model.profile import top_functions
from perfkit.render.figures import new_figure
from perfkit.render.units import count, seconds

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from perfkit.diff.compare import Diff
    from perfkit.model.profile import Profile
    from perfkit.timeline.model import History

INCREASE = "#c0392b"
DECREASE = "#2471a3"
CUMULATIVE = "#aed6f1"
OWN = "#2471a3"
LABEL_WIDTH = 60


def short_label(label: str, width: int = LABEL_WIDTH) -> str:
    """Keep the end of a long label (module tail and function name), mark the cut with '…'."""
    return label if len(label) <= width else "…" + label[-(width - 1) :]


def scale_for(metric: str, values: Sequence[float]) -> tuple[float, str]:
    """A factor and unit that keep the axis numbers readable: s, ms or µs; % for shares."""
    if metric.endswith("calls"):
        return 1.0, "calls"
    if metric.endswith("_share"):
        return 100.0, "% of total time"
    biggest = float(np.nanmax(np.abs(values))) if len(values) else 0.0
    if biggest >= 1 or biggest == 0 or np.isnan(biggest):
        return 1.0, "s"
    return (1e3, "ms") if biggest >= 1e-3 else (1e6, "µs")


def value_text(metric: str, value: float, *, signed: bool = False) -> str:
    if metric.endswith("calls"):
        return count(int(value), signed=signed)
    if metric.endswith("_share"):
        return f"{value * 100:+.2f} pp" if signed else f"{value * 100:.2f} %"
    return seconds(float(value), signed=signed)


def _bar_figure(count_rows: int) -> tuple[Figure, Axes]:
    figure = new_figure(figsize=(10, 1.6 + 0.32 * max(count_rows, 1)), layout="constrained")
    return figure, figure.add_subplot()


def _empty(axes: Axes, message: str) -> None:
    axes.text(0.5, 0.5, message, ha="center", va="center", transform=axes.transAxes)
    axes.set_axis_off()


def profile_figure(profile: Profile, n: int = 15, by: str = "cumtime") -> Figure:
    """Horizontal bars of the ``n`` largest functions by ``by``; for times, each bar shows the
    cumulative time (light) with the function's own time (dark) drawn over it."""
    rows = top_functions(profile, n, by)
    figure, axes = _bar_figure(len(rows))
    axes.set_title(f"{profile.path.name}: top {len(rows)} functions by {by}", loc="left")
    if rows.empty:
        _empty(axes, "no functions")
        return figure
    positions = np.arange(len(rows))[::-1]
    labels = [short_label(label) for label in rows["label"]]
    if by.endswith("calls"):
        axes.barh(positions, rows[by].to_numpy(np.float64), color=OWN)
        axes.set_xlabel(by)
    else:
        metric = by.removesuffix("_per_call")
        own = "tottime_per_call" if by.endswith("_per_call") else "tottime"
        factor, unit = scale_for(metric, rows[by].to_numpy(np.float64))
        axes.barh(positions, rows[by].to_numpy(np.float64) * factor, color=CUMULATIVE, label=by)
        if by.startswith("cumtime"):
            axes.barh(positions, rows[own].to_numpy(np.float64) * factor, color=OWN, label=own)
            axes.legend(loc="lower right")
        axes.set_xlabel(f"{by} ({unit})")
    axes.set_yticks(positions, labels, fontsize=8)
    axes.grid(axis="x", alpha=0.3)
    return figure


def diff_figure(diff: Diff, n: int = 15, by: str = "cumtime", direction: str = "both") -> Figure:
    """Horizontal bars of the ``n`` largest changes of ``by`` (new - base): increases red,
    decreases blue, each bar labelled with its change."""
    rows = largest_changes(diff, n, by, direction)
    figure, axes = _bar_figure(len(rows))
    axes.set_title(
        f"Largest changes in {by}: {diff.base.path.name} → {diff.new.path.name}", loc="left"
    )
    if rows.empty:
        _empty(axes, f"no function changed its {by}")
        return figure
    deltas = rows[f"{by}_delta"].to_numpy(np.float64)
    factor, unit = scale_for(by, deltas)
    positions = np.arange(len(rows))[::-1]
    colours = [INCREASE if delta > 0 else DECREASE for delta in deltas]
    bars = axes.barh(positions, deltas * factor, color=colours)
    axes.bar_label(bars, [value_text(by, d, signed=True) for d in deltas], padding=3, fontsize=8)
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_yticks(positions, [short_label(label) for label in rows["label"]], fontsize=8)
    axes.set_xlabel(f"change in {by} ({unit})")
    axes.margins(x=0.2)
    axes.grid(axis="x", alpha=0.3)
    return figure


def history_figure(history: History, metrics: Sequence[str] | None = None) -> Figure:
    """One panel per metric across the runs (oldest left); each step a dashed line before the
    run where it happened, red for an increase and blue for a decrease, labelled with its
    change."""
    chosen = [m for m in history.metrics if metrics is None or m.name in metrics]
    if metrics is not None and len(chosen) != len(set(metrics)):
        unknown = sorted(set(metrics) - {m.name for m in chosen})
        raise PerfkitError(f"no metric {unknown[0]!r} in this history")
    runs = history.runs
    figure = new_figure(figsize=(11, 1.2 + 2.0 * len(chosen)), layout="constrained")
    axes_list = figure.subplots(len(chosen), 1, sharex=True, squeeze=False)[:, 0]
    positions = np.arange(len(runs))
    marker = "o" if len(runs) <= 100 else None
    for axes, metric in zip(axes_list, chosen, strict=True):
        values = runs[metric.name].to_numpy(np.float64, na_value=np.nan)
        factor, unit = (1.0, "calls") if metric.kind == "count" else scale_for("s", values)
        axes.plot(positions, values * factor, marker=marker, markersize=3, linewidth=1)
        axes.set_ylabel(f"{metric.name}\n({unit})", fontsize=8)
        axes.grid(alpha=0.3)
        for step in history.steps[history.steps["metric"] == metric.name].itertuples():
            colour = INCREASE if step.delta > 0 else DECREASE
            axes.axvline(step.run - 0.5, color=colour, linestyle="--", linewidth=1)
            change = f"{(step.ratio - 1) * 100:+.1f} %" if np.isfinite(step.ratio) else "new"
            # after a rise the lower right of the panel is free, after a fall the upper right
            axes.annotate(
                change,
                (step.run - 0.5, 0.04 if step.delta > 0 else 0.86),
                xycoords=("data", "axes fraction"),
                xytext=(3, 0),
                textcoords="offset points",
                color=colour,
                fontsize=8,
            )
    axes_list[0].set_title(f"{len(runs):,} runs, steps marked", loc="left")
    ticks = np.unique(np.linspace(0, len(runs) - 1, min(len(runs), 8)).round().astype(int))
    axes_list[-1].set_xticks(ticks, [_tick(runs, i) for i in ticks], fontsize=7, rotation=20)
    axes_list[-1].set_xlabel("run (oldest first)")
    return figure


def _tick(runs: pd.DataFrame, index: int) -> str:
    name = short_label(str(runs["name"].iloc[index]), 24)
    return f"#{index} {name}"
