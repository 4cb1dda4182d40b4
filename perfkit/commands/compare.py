"""``perfkit compare BASE NEW``: what changed between two profiles, per function."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import pandas as pd
from rich.text import Text

from perfkit.commands.common import HelpFormatter, add_force, output_guard, positive_int, warn
from perfkit.commands.reporting import (
    add_report_options,
    check_report_options,
    check_report_targets,
    documented,
    flame_for,
    stdout_taken,
    wants_reports,
    write_reports,
)
from perfkit.common.guard import guarding
from perfkit.diff.compare import Diff, compare, selection_totals, top_changes
from perfkit.diff.flame import Frame
from perfkit.errors import PerfkitError
from perfkit.match.selectors import parse_selector
from perfkit.model.profile import Profile, load_many
from perfkit.render.butterfly_tables import butterfly_tables
from perfkit.render.terminal import (
    changes_table,
    console,
    profile_header,
    selections_table,
    totals_table,
)
from perfkit.render.text import visible

EXAMPLES = """\
examples:
  perfkit compare baseline.stats new.stats
  perfkit compare baseline.stats new.stats --match get_asset_info --match 'recv,recv_into'
  perfkit compare baseline.stats new.stats --limit 30 --json diff.json
  perfkit compare baseline.stats new.stats --html report/ --junit perfkit.xml
  perfkit compare baseline.stats new.stats --butterfly get_asset_info   # callers/callees

Outputs never replace an input (a profile, its sidecar, the settings) and replace an existing
file only when perfkit wrote it, or with --force.  The report options write the same report
as 'perfkit validate NEW --baseline BASE'; compare itself always exits 0 when it could read
both profiles.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compare",
        help="compare two profiles per function",
        description="Compare two pstats profiles: totals side by side, the largest changes "
        "by cumulative time and by calls, added and removed functions, and the calls and time "
        "of each --match selector in both runs.",
        epilog=EXAMPLES,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("base", metavar="BASE", help="the baseline profile")
    parser.add_argument("new", metavar="NEW", help="the profile to compare with it")
    parser.add_argument(
        "--match",
        metavar="SELECTOR",
        action="append",
        default=[],
        help="report calls and time of the functions matching SELECTOR in both runs (repeatable)",
    )
    parser.add_argument(
        "--limit",
        type=positive_int,
        default=15,
        metavar="N",
        help="rows per table; 0 shows all (default: 15)",
    )
    parser.add_argument(
        "--json",
        metavar="OUT",
        help="also write the full diff as JSON (schema perfkit.diff/1) to OUT; "
        "'-' writes it to standard output instead of the tables",
    )
    parser.add_argument(
        "--config", metavar="FILE", help="settings for the report options (perfkit.toml)"
    )
    add_report_options(parser, json_flag="--verdict-json")
    add_force(parser)
    parser.set_defaults(run=run)


def _mismatch_notes(base: Profile, new: Profile) -> list[str]:
    notes: list[str] = []
    versions = [
        ((profile.metadata or {}).get("python") or {}).get("version") for profile in (base, new)
    ]
    if all(versions) and versions[0] != versions[1]:
        notes.append(
            f"the runs used different Pythons ({versions[0]} and {versions[1]}); "
            "functions may differ for that reason alone (e.g. comprehensions inlined in 3.12)"
        )
    for profile in (base, new):
        if profile.sampled:
            notes.append(f"{profile.path} is sampled: call counts are not compared")
    return notes


def _verdict(diff: Diff, args: argparse.Namespace) -> dict[str, Any]:
    """The validation verdict for this pair (``perfkit.verdict/1``), reusing ``diff``."""
    from perfkit.validate import load_config, validate
    from perfkit.validate.comparison import reusing

    with reusing(diff):
        verdict = validate(
            [diff.new],
            [diff.base],
            load_config(args.config),
            documented=documented(args),
            butterfly=args.butterfly,
        )
    return verdict.to_dict()


def run(args: argparse.Namespace) -> int:
    check_report_options(args)
    if args.json == "-" and (args.markdown == "-" or args.verdict_json == "-"):
        raise PerfkitError("only one output can go to stdout ('-')")
    guard = output_guard(args, [args.base, args.new], [args.config] if args.config else [])
    if args.json:
        guard.check(args.json, "JSON diff")
    check_report_targets(guard, args)
    with guarding(guard):
        return _compare(args)


def _compare(args: argparse.Namespace) -> int:
    # Everything that needs the profiles and their diff happens in _judge; only its small
    # results are alive while the reports are drawn, so the charts' memory reuses theirs.
    report = _judge(args)
    if report is not None:
        verdict, flame = report
        paths = write_reports(verdict, args, flame)
        if not stdout_taken(args) and args.json != "-":
            out = console()
            for path in paths:
                out.print(f"report: {path}", highlight=False, markup=False)
    return 0


def _judge(args: argparse.Namespace) -> tuple[dict[str, Any], Frame | None] | None:
    """Read, diff and print the pair; the verdict and flame tree the reports need, if any."""
    selectors = [parse_selector(text) for text in args.match]
    base, new = load_many([args.base, args.new])
    warn(base.warnings + new.warnings)
    flame = flame_for(args, [base], [new])  # before the diff: their working memory never adds up
    diff = compare(base, new)
    selections = []
    for selector in selectors:
        before, after = selection_totals(base, selector), selection_totals(new, selector)
        if not before["functions"] and not after["functions"]:
            raise PerfkitError(f"selector {selector.text!r} matches no function in either profile")
        selections.append((selector.text, before, after))
    butterflies = [diff.butterfly(selector) for selector in args.butterfly or ()]
    report = (_verdict(diff, args), flame) if wants_reports(args) else None
    if args.json == "-":
        sys.stdout.write(diff.to_json(indent=1) + "\n")
    elif args.json:
        diff.to_json(args.json, indent=1)
    if args.json != "-" and not stdout_taken(args):  # standard output is free for the tables
        _print_tables(diff, selections, butterflies, args.limit or len(diff.functions))
        if args.json:
            console().print(f"JSON diff written to {args.json}", markup=False)
    return report


def _print_tables(
    diff: Diff, selections: list[tuple[str, Any, Any]], butterflies: list[Any], limit: int
) -> None:
    out = console()
    out.print("[bold]base[/bold] ", profile_header(diff.base))
    out.print("[bold]new[/bold]  ", profile_header(diff.new))
    for note in _mismatch_notes(diff.base, diff.new):
        out.print(Text("note: ", style="yellow") + Text(visible(note)))
    out.print(totals_table(diff))
    counts = diff.status_counts()
    out.print(", ".join(f"{number:,} {status}" for status, number in counts.items()) + " functions")
    if selections:
        out.print(selections_table(selections))
    metrics = ("cumtime", "ncalls") if diff.counts_comparable else ("cumtime",)
    for metric, what in zip(metrics, ("cumtime", "calls"), strict=False):
        rows = top_changes(diff, metric, limit)
        if rows.empty:
            out.print(f"Largest changes in {what}: none")
        else:
            out.print(changes_table(rows, f"Largest changes in {what}"))
    for status, side in (("added", "new"), ("removed", "base")):
        rows, total = _largest(diff.functions, status, f"cumtime_{side}", limit)
        if total:
            out.print(changes_table(rows, f"{status.capitalize()} functions ({total:,})"))
    for butterfly in butterflies:
        for table in butterfly_tables(butterfly, limit):
            out.print(table)
    if len(diff.ambiguous):
        names = ", ".join(f"{row.module}:{row.name}" for row in diff.ambiguous.head(5).itertuples())
        out.print(
            Text("note: ", style="yellow")
            + Text(
                f"{len(diff.ambiguous)} function name(s) occur several times in a module with "
                f"drifted lines and were paired by nearest line: {visible(names)}"
            )
        )


def _largest(
    functions: pd.DataFrame, status: str, column: str, limit: int
) -> tuple[pd.DataFrame, int]:
    """The ``limit`` rows of ``status`` with the largest ``column`` (ties keep table order),
    and how many rows have that status; one column is sorted, not a copy of the table."""
    mask = (functions["status"] == status).to_numpy()
    order = functions.loc[mask, column].sort_values(ascending=False, kind="stable").index
    return functions.loc[order[:limit]], int(mask.sum())
