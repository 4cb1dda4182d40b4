"""A history as tables: its steps and its runs (terminal, notebook and a static HTML page).

The HTML page is CSP-safe: no script, no style, the chart a separate image file beside it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd
from rich.table import Table
from rich.text import Text

from perfkit.common.version import __version__
from perfkit.render.notebook import Summary, summary_context, templates
from perfkit.render.text import label
from perfkit.render.units import count, ratio, seconds

if TYPE_CHECKING:
    from perfkit.timeline.model import History, Metric

DEFAULT_RUNS = 20
UP, DOWN = "▲", "▼"


def value_text(kind: str, value: float, *, signed: bool = False) -> str:
    if value is None or value is pd.NA or math.isnan(value):
        return "-"
    if kind == "count":
        return count(int(value), signed=signed)
    return seconds(value, signed=signed)


def steps_table(history: History) -> Table:
    table = Table(title=f"Steps ({len(history.steps)})", title_justify="left")
    for header in ("run", "metric", "before", "after", "change"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("name", overflow="fold")
    for row in history.steps.itertuples(index=False):
        arrow = UP if row.delta > 0 else DOWN
        table.add_row(
            f"#{row.run}",
            Text(label(row.metric)),
            value_text(row.kind, row.before),
            value_text(row.kind, row.after),
            f"{arrow} {ratio(row.ratio)}",
            Text(label(row.name)),
        )
    return table


def _marked(metric: Metric, text: str, stepped: set[str]) -> str:
    return f"{text} *" if metric.name in stepped else text


def runs_table(history: History, limit: int = DEFAULT_RUNS) -> Table:
    """The last ``limit`` runs (0: all), a ``*`` beside each value where a step happened."""
    runs = history.runs if limit == 0 else history.runs.tail(limit)
    title = f"Runs ({len(runs):,} of {len(history.runs):,}, oldest first)"
    table = Table(title=title, title_justify="left")
    table.add_column("run", justify="right", no_wrap=True)
    table.add_column("name", overflow="fold")
    table.add_column("time (UTC)", no_wrap=True)
    for metric in history.metrics:
        table.add_column(Text(label(metric.name)), justify="right", overflow="fold")
    for index, row in runs.iterrows():
        stepped = set(filter(None, row["steps"].split(", ")))
        table.add_row(
            f"#{index}",
            Text(label(row["name"])),
            row["time"].strftime("%Y-%m-%d %H:%M"),
            *(_marked(m, value_text(m.kind, row[m.name]), stepped) for m in history.metrics),
        )
    return table


def history_summary(history: History, limit: int = DEFAULT_RUNS) -> Summary:
    runs = history.runs
    first, last = runs["time"].iloc[0], runs["time"].iloc[-1]
    if history.order == "name":
        order = "name"
    elif set(runs["time_source"]) == {"started_at"}:
        order = "sidecar start time"
    else:
        order = "sidecar start time, else file modification time"
    heading = [
        f"History of {len(runs):,} runs",
        f"from {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} UTC, ordered by {order}",
    ]
    notes = []
    if history.steps.empty:
        notes.append("No steps: every metric stayed within its noise.")
    notes.append(
        "Steps: any change of a count; for times, a move of the median of the "
        f"{history.options.window} runs around a run beyond {history.options.sigmas:g} "
        f"standard errors of the run-to-run noise and {history.options.min_relative:.0%}."
    )
    notes += [f"skipped {path}: {problem}" for path, problem in history.skipped.items()]
    tables = [steps_table(history)] if len(history.steps) else []
    return Summary([heading], [*tables, runs_table(history, limit)], notes)


def history_page(history: History, chart: str | None) -> str:
    """A static HTML page: the chart (an image file beside it), the steps, every run."""
    context = summary_context(history_summary(history, limit=0))
    title = f"perfkit history: {len(history.runs):,} runs"
    return (
        templates()
        .get_template("history/page.html.j2")
        .render(title=title, chart=chart, version=__version__, **context)
    )
