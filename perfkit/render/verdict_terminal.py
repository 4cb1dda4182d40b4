"""The verdict in the terminal (rich): the decision first, then the evidence.

Every cell is a ``rich.text.Text``, never markup, so a function name like ``[red]x`` or
``[/]`` is printed as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table as RichTable
from rich.text import Text

from perfkit.render.butterfly_tables import butterfly_tables
from perfkit.render.view import Table, View, build_view

if TYPE_CHECKING:
    from perfkit.diff.butterfly import Butterfly

STATUS_STYLES = {"go": "bold green", "marginal": "bold yellow", "no-go": "bold red"}
_NAME_WIDTH = 28  # the first column (names) is kept this wide before others wrap
ROW_STYLES = {"fail": "red", "warn": "yellow", "target": "bold", "worse": "red", "skip": "dim"}


def rich_table(t: Table, title: str, limit: int | None = None) -> RichTable:
    out = RichTable(
        title=title, title_justify="left", caption=t.caption or None, caption_justify="left"
    )
    first_width = min(max((len(row[0]) for row in t.rows), default=0), _NAME_WIDTH)
    for index, column in enumerate(t.columns):
        numeric = index in t.numeric
        out.add_column(
            Text(column),
            justify="right" if numeric else "left",
            no_wrap=numeric,
            overflow="fold",
            min_width=first_width if index == 0 else None,
        )
    rows = t.rows if limit is None else t.rows[:limit]
    for index, row in enumerate(rows):
        out.add_row(*(Text(cell) for cell in row), style=ROW_STYLES.get(t.row_class(index)))
    if limit is not None and len(t.rows) > limit:
        out.add_row(Text(f"... {len(t.rows) - limit} more"), *[Text("")] * (len(t.columns) - 1))
    return out


def _banner(view: View) -> Panel:
    body = Text()
    body.append(view.headline + "\n", style="bold")
    if view.action:
        body.append(view.action + "\n")
    for reason in view.reasons:
        body.append("- " + reason + "\n")
    title = Text(f" {view.status_title} - {view.decision} (band {view.band_label}) ")
    return Panel(body, title=title, title_align="left", border_style=STATUS_STYLES[view.status])


def _facts(view: View) -> RichTable:
    table = RichTable(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for key, value in view.facts:
        table.add_row(Text(key), Text(value))
    return table


def print_verdict(
    verdict: dict[str, Any],
    out: Console,
    *,
    limit: int = 15,
    butterflies: Sequence[Butterfly] = (),
) -> None:
    """The whole report; ``butterflies`` are printed (``limit`` rows a table) after the top
    changes."""
    view = build_view(verdict)
    out.print(_banner(view))
    out.print(_facts(view))
    for note in view.notes:
        out.print(Text("note: ", style="yellow") + Text(note))
    if view.attention.rows:
        out.print(rich_table(view.attention, "Checks that need attention"))
    out.print(
        Text(f"{len(view.other_checks.rows)} other checks passed or did not apply", style="dim")
    )
    if view.metrics.rows:
        out.print(rich_table(view.metrics, "Metrics (baseline -> new)"))
    if view.hidden_metrics:
        out.print(Text(view.hidden_metrics, style="dim"))
    if view.expectations.rows:
        out.print(rich_table(view.expectations, "Predictions"))
    if view.scenarios.rows:
        out.print(rich_table(view.scenarios, "Scenarios"))
    if view.accounting:
        out.print(Text(view.accounting))
    if view.audit.rows:
        out.print(rich_table(view.audit, "Audit"))
    if view.breakdown.rows:
        out.print(rich_table(view.breakdown, "Bottleneck breakdown"))
    if view.changes.rows:
        out.print(rich_table(view.changes, f"Top changes ({view.changes_note})", limit))
    for butterfly in butterflies:
        for table in butterfly_tables(butterfly, limit):
            out.print(table)
    checklist = Group(
        *(
            Text(f"{mark} ") + Text(item, style="bold") + Text(f": {detail}")
            for mark, item, detail in view.checklist
        )
    )
    out.print(Panel(checklist, title="Validation checklist", title_align="left"))
    if view.next_steps:
        out.print(Text("What to optimise next", style="bold"))
        for index, step in enumerate(view.next_steps, 1):
            out.print(Text(f"{index}. {step}"))
    out.print(verdict_line(verdict))


def verdict_line(verdict: dict[str, Any]) -> Text:
    """The one line a log shows: status, band, improvement, exit code."""
    view = build_view(verdict)
    text = Text("verdict: ", style="bold")
    text.append(view.headline, style=STATUS_STYLES[view.status])
    text.append(f" (exit code {view.exit_code})")
    return text
