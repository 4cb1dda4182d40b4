"""Compact summaries of profiles, diffs, butterflies and verdicts for Jupyter: HTML and plain text.

The HTML is a few tables and paragraphs - no JavaScript, no styles, every value escaped by
jinja2's autoescaping - so it renders in any notebook front end, in nbconvert output and in
untrusted notebooks.  The tables are the terminal's (``perfkit.render.terminal``), converted
cell by cell, so the notebook and ``perfkit show`` / ``compare`` always agree.  The plain-text
versions are those same tables as the terminal prints them, for ``text/plain`` consumers.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import attrs
import jinja2
from rich.console import Console
from rich.table import Table
from rich.text import Text

from perfkit.diff.compare import largest_changes
from perfkit.model.profile import top_functions
from perfkit.render.terminal import changes_table, functions_table, profile_header, totals_table
from perfkit.render.text import label
from perfkit.render.view import Table as ViewTable
from perfkit.render.view import build_view

if TYPE_CHECKING:
    from perfkit.diff.butterfly import Butterfly
    from perfkit.diff.compare import Diff
    from perfkit.model.profile import Profile

DEFAULT_ROWS = 10
TEXT_WIDTH = 120
VERDICT_TEXT_WIDTH = 160  # nine numeric columns of metrics


@dataclass(frozen=True)
class HtmlTable:
    """A table as the template draws it: caption, header cells, rows of text cells."""

    caption: str
    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Summary:
    """What one summary shows: heading blocks (first line bold), tables and notes."""

    heading: list[list[str]]
    tables: list[Table]
    notes: list[str]
    text_width: int = TEXT_WIDTH  # of the plain-text version


def _plain(cell: Any) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


def html_table(table: Table) -> HtmlTable:
    """The cells of a rich ``Table`` as plain strings."""
    columns = [list(column.cells) for column in table.columns]
    rows = [[_plain(cell) for cell in row] for row in zip(*columns, strict=True)]
    return HtmlTable(
        caption=_plain(table.title or ""),
        headers=[_plain(column.header) for column in table.columns],
        rows=rows,
    )


@cache
def templates() -> jinja2.Environment:
    """perfkit's HTML templates (``perfkit/render/templates``), every value autoescaped."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("perfkit.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def summary_context(summary: Summary) -> dict[str, Any]:
    """The variables ``notebook/summary.html.j2`` draws."""
    return {
        "heading": summary.heading,
        "tables": [html_table(table) for table in summary.tables],
        "notes": summary.notes,
    }


def render_html(summary: Summary) -> str:
    return templates().get_template("notebook/summary.html.j2").render(summary_context(summary))


def render_text(summary: Summary) -> str:
    """The summary as the terminal prints it. ``force_jupyter=False``: inside a kernel rich
    would otherwise display each print as a notebook output of its own instead of writing it
    to ``out``. Headings and notes are ``Text``: a name is never taken for rich markup."""
    out = io.StringIO()
    console = Console(
        file=out,
        width=summary.text_width,
        color_system=None,
        highlight=False,
        soft_wrap=False,
        force_jupyter=False,
    )
    for block in summary.heading:
        console.print(Text("\n".join(block)))
    for table in summary.tables:
        console.print(table)
    for note in summary.notes:
        console.print(Text(note))
    return out.getvalue().rstrip("\n")


def _header_lines(profile: Profile, prefix: str = "") -> list[str]:
    lines = profile_header(profile).plain.splitlines()
    return [prefix + lines[0], *lines[1:]]


def profile_summary(profile: Profile, rows: int = DEFAULT_ROWS) -> Summary:
    top = top_functions(profile, rows)
    title = f"Top {len(top):,} of {len(profile.functions):,} functions by cumtime"
    return Summary(
        heading=[_header_lines(profile)],
        tables=[functions_table(profile, top, title)],
        notes=[
            *(f"warning: {warning}" for warning in profile.warnings),
            "More: .functions, .edges, .where(sel), .callers(sel), .callees(sel), .plot()",
        ],
    )


def _change_tables(diff: Diff, rows: int) -> Iterable[Table]:
    metrics = ("cumtime", "ncalls") if diff.counts_comparable else ("cumtime",)
    for metric, what in zip(metrics, ("cumtime", "calls"), strict=False):
        changes = largest_changes(diff, rows, metric)
        if len(changes):
            yield changes_table(changes, f"Largest changes in {what}")


def diff_summary(diff: Diff, rows: int = DEFAULT_ROWS) -> Summary:
    counts = ", ".join(f"{number:,} {status}" for status, number in diff.status_counts().items())
    notes = [f"{counts} functions"]
    notes += [f"{side.path} is sampled: call counts are not compared" for side in _sampled(diff)]
    notes.append("More: .functions, .edges, .top(n, by=...), .butterfly(sel), .plot()")
    return Summary(
        heading=[_header_lines(diff.base, "base: "), _header_lines(diff.new, "new: ")],
        tables=[totals_table(diff), *_change_tables(diff, rows)],
        notes=notes,
    )


def _sampled(diff: Diff) -> Sequence[Profile]:
    return [side for side in (diff.base, diff.new) if side.sampled]


def butterfly_summary(butterfly: Butterfly, rows: int = 2 * DEFAULT_ROWS) -> Summary:
    from perfkit.render.butterfly_tables import butterfly_tables

    diff = butterfly.diff
    return Summary(
        heading=[
            [
                f"Callers and callees of {label(repr(butterfly.selector.text))}",
                f"{label(diff.base.path)} → {label(diff.new.path)}",
            ]
        ],
        tables=butterfly_tables(butterfly, rows),
        notes=["Edge numbers are exact: pstats records every caller -> callee pair."],
    )


def _facts_table(facts: Sequence[tuple[str, str]]) -> Table:
    table = Table(title="Key figures", title_justify="left")
    table.add_column("figure", no_wrap=True)
    table.add_column("value", overflow="fold")
    for key, value in facts:
        table.add_row(Text(key), Text(value))
    return table


def _without(table: ViewTable, dropped: Sequence[str]) -> ViewTable:
    """``table`` less the named columns."""
    keep = [index for index, column in enumerate(table.columns) if column not in dropped]
    return attrs.evolve(
        table,
        columns=tuple(table.columns[index] for index in keep),
        rows=tuple(tuple(row[index] for index in keep) for row in table.rows),
        numeric=tuple(keep.index(index) for index in table.numeric if index in keep),
    )


def verdict_summary(verdict: dict[str, Any]) -> Summary:
    """The verdict (from ``Verdict.to_dict()``): decision and band, key figures, the checks
    that need attention and the metrics - the terminal report's first part."""
    from perfkit.render.verdict_terminal import rich_table

    view = build_view(verdict)
    heading = [
        f"{view.status_title}: {view.decision} (improvement band {view.band_label})",
        view.headline,
        *([view.action] if view.action else []),
        *(f"- {reason}" for reason in view.reasons),
        f"perfkit exit code {view.exit_code} ({view.status})",
    ]
    tables = [_facts_table(view.facts)]
    if view.attention.rows:
        tables.append(rich_table(view.attention, "Checks that need attention"))
    metrics = _without(view.metrics, ("new per-call", "notes"))  # the report has them all
    tables.append(rich_table(metrics, "Metrics (baseline -> new)"))
    others = f"{len(view.other_checks.rows)} other checks passed or did not apply"
    return Summary(
        heading=[heading],
        tables=tables,
        notes=[
            *(f"note: {note}" for note in view.notes),
            *([view.hidden_metrics] if view.hidden_metrics else []),
            others,
            "More: .metrics_frame(), .checks_frame(), .predictions_frame(), .scenarios_frame(), "
            ".breakdown_frame(), .butterflies, .plot(), .to_dict()",
        ],
        text_width=VERDICT_TEXT_WIDTH,
    )


def bundle(summary: Summary) -> dict[str, str]:
    """What ``_repr_mimebundle_`` returns: the HTML and its plain-text fallback."""
    return {"text/html": render_html(summary), "text/plain": render_text(summary)}
