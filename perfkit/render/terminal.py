"""Rich tables for the terminal: ``perfkit show`` and ``perfkit compare``."""

from __future__ import annotations

import os
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from perfkit.diff.compare import Diff
from perfkit.model.profile import Profile
from perfkit.render.text import label, visible
from perfkit.render.units import calls, count, ratio, seconds, share


def _name(text: str) -> Text:
    """A function label as plain text: never rich markup, control characters made visible,
    cut to ``perfkit.render.text.label``'s length."""
    return Text(label(text))


def console(stream: Any = None) -> Console:
    """A console that keeps long labels readable when output goes to a pipe or a file."""
    out = Console(file=stream, highlight=False, soft_wrap=False)
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out.width = max(out.width, 160)
    return out


def run_summary(metadata: dict[str, Any] | None) -> str | None:
    """One line about the run from its sidecar: Python, preset, dataset, wall time, git."""
    if not metadata:
        return None
    parts: list[str] = []
    python = metadata.get("python") or {}
    if isinstance(python, dict) and python.get("version"):
        parts.append(f"{python.get('implementation', 'Python')} {python['version']}")
    workload = metadata.get("workload") or {}
    if isinstance(workload, dict):
        for key in ("preset", "dataset"):
            if workload.get(key):
                parts.append(f"{key} {workload[key]}")
    if isinstance(metadata.get("wall_seconds"), (int, float)):
        parts.append(f"wall {seconds(float(metadata['wall_seconds']))}")
    git = metadata.get("git") or {}
    if isinstance(git, dict) and git.get("sha"):
        parts.append(f"git {str(git['sha'])[:10]}{' (dirty)' if git.get('dirty') else ''}")
    return ", ".join(parts) or None


def profile_header(profile: Profile) -> Text:
    text = Text()
    text.append(visible(profile.path), style="bold")
    calls_text = (
        "call counts not measured"
        if profile.sampled
        else f"{count(profile.total_calls)} calls ({count(profile.primitive_calls)} primitive)"
    )
    text.append(
        f"\n{len(profile.functions):,} functions, {calls_text} in {seconds(profile.total_time)}"
    )
    summary = run_summary(profile.metadata)
    if summary:
        text.append(f"\nrun: {visible(summary)}")
    if profile.sampled:
        text.append("\nsampled profile: call counts are not measured (-1)", style="yellow")
    return text


def functions_table(profile: Profile, rows: pd.DataFrame, title: str) -> Table:
    """pstats' ``print_stats`` columns, with readable units and normalised names."""
    table = Table(title=title, title_justify="left", expand=False)
    for header in ("ncalls", "tottime", "percall", "cumtime", "percall", "% total"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("function", overflow="fold")
    total = profile.total_time
    for row in rows.itertuples(index=False):
        table.add_row(
            calls(row.ncalls, row.pcalls),
            seconds(row.tottime),
            seconds(row.tottime_per_call),
            seconds(row.cumtime),
            seconds(row.cumtime_per_call),
            share(row.cumtime / total if total else None),
            _name(row.label),
        )
    return table


def totals_table(diff: Diff) -> Table:
    table = Table(title="Totals", title_justify="left")
    for header in ("", "base", "new", "delta", "change"):
        table.add_column(header, justify="right" if header else "left", no_wrap=True)
    names = {
        "functions": "functions",
        "total_calls": "calls",
        "primitive_calls": "primitive calls",
        "total_time": "total time",
    }
    for key, name in names.items():
        values = diff.totals[key]
        if key == "total_time":
            show = seconds
        elif key != "functions" and not diff.counts_comparable:
            sides = ((diff.base, values["base"]), (diff.new, values["new"]))
            cells = ["sampled" if side.sampled else count(value) for side, value in sides]
            table.add_row(name, *cells, "-", "-")
            continue
        else:
            show = count
        table.add_row(
            name,
            show(values["base"]),
            show(values["new"]),
            show(values["delta"], signed=True),
            ratio(values["ratio"]),
        )
    return table


def _calls_change(row: Any) -> str:
    before = calls(row.ncalls_base, row.pcalls_base)
    after = calls(row.ncalls_new, row.pcalls_new)
    if row.status == "added":
        return after
    return before if row.status == "removed" else f"{before} → {after}"


def _seconds_change(row: Any, metric: str) -> str:
    before, after = getattr(row, f"{metric}_base"), getattr(row, f"{metric}_new")
    if row.status == "added":
        return seconds(after)
    return seconds(before) if row.status == "removed" else f"{seconds(before)} → {seconds(after)}"


def changes_table(rows: pd.DataFrame, title: str) -> Table:
    """Changed functions: calls and cumtime before -> after, and the deltas."""
    table = Table(title=title, title_justify="left")
    for header in ("status", "calls", "cumtime", "Δ cumtime", "Δ tottime"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("function", overflow="fold")
    for row in rows.itertuples(index=False):
        table.add_row(
            row.status,
            _calls_change(row),
            _seconds_change(row, "cumtime"),
            seconds(row.cumtime_delta, signed=True),
            seconds(row.tottime_delta, signed=True),
            _name(row.label),
        )
    return table


def selections_table(selections: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> Table:
    """For each ``--match`` selector: matched functions, calls and time in both runs."""
    table = Table(title="Selected functions (base → new)", title_justify="left")
    table.add_column("selector", overflow="fold")
    for header in ("functions", "calls", "Δ calls", "cumtime", "Δ cumtime", "tottime"):
        table.add_column(header, justify="right", no_wrap=True)
    for text, base, new in selections:
        table.add_row(
            _name(text),
            f"{base['functions']} → {new['functions']}",
            f"{count(base['ncalls'])} → {count(new['ncalls'])}",
            count(new["ncalls"] - base["ncalls"], signed=True),
            f"{seconds(base['cumtime'])} → {seconds(new['cumtime'])}",
            seconds(new["cumtime"] - base["cumtime"], signed=True),
            f"{seconds(base['tottime'])} → {seconds(new['tottime'])}",
        )
    return table
