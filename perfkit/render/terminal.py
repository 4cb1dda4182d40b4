"""Rich tables for the terminal: ``perfkit show`` and ``perfkit compare``."""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from perfkit.diff import Diff
from perfkit.model import Profile
from perfkit.render.units import calls, count, ratio, seconds, share


def console(stream: Any = None) -> Console:
    """A console that keeps long labels readable when output goes to a pipe or a file."""
    out = Console(file=stream, highlight=False, soft_wrap=False)
    if not out.is_terminal:
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
    text.append(str(profile.path), style="bold")
    text.append(
        f"\n{len(profile.functions):,} functions, {count(profile.total_calls)} calls "
        f"({count(profile.primitive_calls)} primitive) in {seconds(profile.total_time)}"
    )
    summary = run_summary(profile.metadata)
    if summary:
        text.append(f"\nrun: {summary}")
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
            row.label,
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
    for key, label in names.items():
        values = diff.totals[key]
        if key == "total_time":
            cells = [
                seconds(values["base"]),
                seconds(values["new"]),
                seconds(values["delta"], signed=True),
            ]
        else:
            cells = [
                count(values["base"]),
                count(values["new"]),
                count(values["delta"], signed=True),
            ]
        table.add_row(label, *cells, ratio(values["ratio"]))
    return table


def _calls_change(row: Any) -> str:
    before = calls(row.ncalls_base, row.pcalls_base)
    after = calls(row.ncalls_new, row.pcalls_new)
    return after if row.status == "added" else f"{before} → {after}"


def changes_table(rows: pd.DataFrame, title: str) -> Table:
    """Top changes: status, calls before -> after, cumtime and tottime before / after / delta."""
    table = Table(title=title, title_justify="left")
    for header in ("status", "calls", "cumtime base", "cumtime new", "Δ cumtime", "Δ tottime"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("function", overflow="fold")
    for row in rows.itertuples(index=False):
        table.add_row(
            row.status,
            _calls_change(row),
            seconds(row.cumtime_base) if row.status != "added" else "-",
            seconds(row.cumtime_new) if row.status != "removed" else "-",
            seconds(row.cumtime_delta, signed=True),
            seconds(row.tottime_delta, signed=True),
            row.label,
        )
    return table


def selections_table(selections: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> Table:
    """For each ``--match`` selector: matched functions, calls and time in both runs."""
    table = Table(title="Selected functions", title_justify="left")
    for header in (
        "selector",
        "functions",
        "calls base",
        "calls new",
        "Δ calls",
        "cumtime base",
        "cumtime new",
        "Δ cumtime",
        "tottime base",
        "tottime new",
    ):
        table.add_column(header, justify="left" if header == "selector" else "right")
    for text, base, new in selections:
        table.add_row(
            text,
            f"{base['functions']} → {new['functions']}",
            count(base["ncalls"]),
            count(new["ncalls"]),
            count(new["ncalls"] - base["ncalls"], signed=True),
            seconds(base["cumtime"]),
            seconds(new["cumtime"]),
            seconds(new["cumtime"] - base["cumtime"], signed=True),
            seconds(base["tottime"]),
            seconds(new["tottime"]),
        )
    return table
