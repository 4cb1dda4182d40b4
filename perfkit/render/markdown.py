"""Markdown for ``$GITHUB_STEP_SUMMARY`` and pull requests (GitHub-flavoured).

GitHub refuses a step summary over 1 MiB, so the document is built section by section, most
important first, within ``BUDGET`` bytes: a section that does not fit is left out with a note
pointing to the HTML or JSON report. Table rows are capped too. Every profile-derived string is
made visible and escaped, so a function name renders as text and cannot break a table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from perfkit.common.output import write_text
from perfkit.render.view import Table, View, build_view

BUDGET = 1_000_000  # bytes; GitHub's limit is 1 MiB (1,048,576)
MAX_ROWS = 40
ICONS = {"go": ":white_check_mark:", "marginal": ":warning:", "no-go": ":x:"}
_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")


def escape(text: str) -> str:
    """Text that GitHub renders literally: HTML specials as entities, Markdown punctuation
    backslash-escaped (``|`` too, so a cell cannot split a table row)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def table(t: Table, limit: int = MAX_ROWS) -> str:
    if not t.rows:
        return "_none_\n"
    align = ["---:" if i in t.numeric else "---" for i in range(len(t.columns))]
    lines = [
        "| " + " | ".join(escape(c) for c in t.columns) + " |",
        "| " + " | ".join(align) + " |",
    ]
    for row in t.rows[:limit]:
        lines.append("| " + " | ".join(escape(cell) for cell in row) + " |")
    if len(t.rows) > limit:
        lines.append(f"\n_{len(t.rows) - limit} more rows in the HTML or JSON report_")
    if t.caption:
        lines.append(f"\n_{escape(t.caption)}_")
    return "\n".join(lines) + "\n"


def _details(summary: str, body: str) -> str:
    return f"<details><summary>{escape(summary)}</summary>\n\n{body}\n</details>\n"


def _sections(view: View) -> Iterable[tuple[str, str]]:
    head = [
        f"## {ICONS[view.status]} perfkit validate: {view.status_title} - "
        f"{escape(view.decision)} ({escape(view.band_label)})",
        "",
        f"**{escape(view.headline)}**",
        "",
    ]
    if view.action:
        head += [f"> {escape(view.action)}", ""]
    head += [f"- {escape(reason)}" for reason in view.reasons]
    yield "verdict", "\n".join(head) + "\n"
    facts = Table(columns=("", ""), rows=view.facts)
    yield "key figures", table(facts)
    if view.attention.rows:
        yield "checks", "### Checks that need attention\n\n" + table(view.attention)
    if view.next_steps:
        steps = "\n".join(f"{i}. {escape(step)}" for i, step in enumerate(view.next_steps, 1))
        yield "next steps", "### What to optimise next\n\n" + steps + "\n"
    if view.metrics.rows:
        yield "metrics", "### Metrics\n\n" + table(view.metrics)
    predictions = [table(t) for t in (view.expectations, view.scenarios) if t.rows]
    if predictions:
        yield "predictions", "### Predictions\n\n" + "\n".join(predictions)
    if view.audit.rows or view.accounting:
        audit = (escape(view.accounting) + "\n\n" if view.accounting else "") + table(view.audit)
        yield "audit", "### Audit\n\n" + audit
    if view.breakdown.rows:
        yield "breakdown", "### Bottleneck breakdown\n\n" + table(view.breakdown)
    if view.notes:
        yield "notes", "\n".join(f"- {escape(note)}" for note in view.notes) + "\n"
    if view.changes.rows:
        yield "changes", _details("Top changed functions", table(view.changes, 20))
    checklist = "\n".join(
        f"- {mark} **{escape(item)}**: {escape(detail)}" for mark, item, detail in view.checklist
    )
    yield "checklist", _details("Validation checklist", checklist)
    yield (
        "other checks",
        _details(f"{len(view.other_checks.rows)} other checks", table(view.other_checks, 60)),
    )
    yield "runs", _details("Runs", table(view.runs))


def markdown(verdict: dict[str, Any], budget: int = BUDGET) -> str:
    view = build_view(verdict)
    footer = f"\n_perfkit {escape(str(verdict['perfkit_version']))} · exit code {view.exit_code}_\n"
    parts: list[str] = []
    size = len(footer.encode("utf-8"))
    left_out: list[str] = []
    for name, text in _sections(view):
        cost = len(text.encode("utf-8")) + 1
        if size + cost + 200 > budget:
            left_out.append(name)
            continue
        parts.append(text)
        size += cost
    if left_out:
        parts.append(
            f"_Left out to stay under {budget:,} bytes: {', '.join(left_out)}; "
            "see the HTML or JSON report._\n"
        )
    return "\n".join(parts) + footer


def write_markdown(verdict: dict[str, Any], path: str | Path) -> Path:
    return write_text(Path(path), markdown(verdict), "Markdown summary")
