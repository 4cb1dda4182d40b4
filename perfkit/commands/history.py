"""``perfkit history DIR_OR_GLOB...``: metrics across many runs, and where they stepped."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from perfkit.commands.common import (
    add_command,
    add_force,
    non_negative_float,
    output_guard,
    positive_int,
    warn,
)
from perfkit.common.guard import OutputGuard, guarding
from perfkit.common.output import write_output, write_text
from perfkit.common.version import __version__
from perfkit.errors import PerfkitError
from perfkit.render.history_report import DEFAULT_RUNS, history_page, runs_table, steps_table
from perfkit.render.terminal import console
from perfkit.timeline.cache import default_path
from perfkit.timeline.model import ORDERS, History, history
from perfkit.timeline.steps import StepOptions

_CACHE = default_path().as_posix().replace(str(Path.home()), "~")
EXAMPLES = f"""\
examples:
  perfkit history builds/                       # every *.stats below builds/
  perfkit history 'builds/*/profile.stats' --metric get_asset_info --metric recv
  perfkit history builds/ --field http.operations.get_asset_info.requests
  perfkit history builds/ --metric get_asset_info --plot trend.png --html report/history.html

Runs are ordered by their sidecar's started_at, else by file modification time.  Call and
request counts step on any change; times step when the median of the runs around a run moves
beyond the run-to-run noise (see docs/perfkit-api.md).  Extracted numbers are cached per file
(default cache: {_CACHE}).  The outputs never replace a profile read or its sidecar, and replace
an existing file only when perfkit wrote it, or with --force.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "history",
        "metrics of many runs in build order, with step detection",
        "Follow total time and calls, sidecar wall time and requests, and the calls and "
        "cumtime of selected functions across many runs, and mark the runs where a metric "
        "moved beyond noise.",
        EXAMPLES,
    )
    parser.add_argument(
        "sources",
        nargs="+",
        metavar="DIR_OR_GLOB",
        help="directories (searched for *.stats, *.stats.gz, *.prof, *.pstats), globs or files",
    )
    parser.add_argument(
        "--metric",
        action="append",
        default=[],
        metavar="SELECTOR",
        help="follow the calls and cumtime of the functions matching SELECTOR (repeatable)",
    )
    parser.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="DOTTED.PATH",
        help="follow a number from the sidecars, e.g. http.operations.get_asset_info.requests",
    )
    parser.add_argument("--order", choices=ORDERS, default="time", help="run order (default: time)")
    parser.add_argument(
        "--limit",
        type=positive_int,
        default=DEFAULT_RUNS,
        metavar="N",
        help=f"show the last N runs in the terminal; 0 shows all (default: {DEFAULT_RUNS})",
    )
    outputs = parser.add_argument_group("outputs")
    outputs.add_argument("--csv", metavar="OUT", help="write the runs table as CSV")
    outputs.add_argument("--json", metavar="OUT", help="write runs, metrics and steps as JSON")
    outputs.add_argument(
        "--html", metavar="OUT", help="write a static HTML page (its chart: OUT's name + .png)"
    )
    outputs.add_argument("--plot", metavar="OUT", help="write the chart (.png, .svg or .pdf)")
    detection = parser.add_argument_group("step detection for times")
    defaults = StepOptions()
    for flag, kind, field, metavar, what in (
        ("--window", positive_int, "window", "N", "runs on each side whose medians are compared"),
        ("--sigmas", non_negative_float, "sigmas", "K", "standard errors of the noise to exceed"),
        (
            "--min-change",
            non_negative_float,
            "min_relative",
            "FRACTION",
            "smallest relative change",
        ),
        ("--min-seconds", non_negative_float, "min_absolute", "S", "smallest change in seconds"),
    ):
        default = getattr(defaults, field)
        detection.add_argument(
            flag,
            dest=field,
            type=kind,
            default=default,
            metavar=metavar,
            help=f"{what} (default: {default:g})",
        )
    cache = parser.add_mutually_exclusive_group()
    cache.add_argument("--cache", metavar="FILE", help="cache file for the extracted numbers")
    cache.add_argument("--no-cache", action="store_true", help="read every profile again")
    add_force(parser)
    parser.set_defaults(run=run)


def _progress() -> tuple[Progress | None, Callable[[int, int], None] | None]:
    if not sys.stderr.isatty():
        return None, None
    bar = Progress(
        "reading profiles",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
    )
    task = bar.add_task("profiles", total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


def _write_figure(found: History, target: str) -> None:
    suffix = Path(target).suffix.lower()
    if suffix not in (".png", ".svg", ".pdf"):
        raise PerfkitError(f"{target}: the chart is written as .png, .svg or .pdf")
    figure = found.plot()
    # the metadata names perfkit, so that a re-run recognises the chart as its own
    key = "Software" if suffix == ".png" else "Creator"
    metadata = {key: f"perfkit {__version__}"}
    write_output(
        target,
        lambda stream: figure.savefig(stream, format=suffix[1:], metadata=metadata),
        make_folders=True,
    )


def _targets(args: argparse.Namespace) -> list[str]:
    """Every file the outputs will write, the HTML page's chart included."""
    targets = [t for t in (args.csv, args.json, args.plot, args.html) if t]
    if args.html:
        targets.append(str(Path(args.html).with_suffix(".png")))
    return targets


def _guard(found: History, args: argparse.Namespace) -> OutputGuard:
    guard = output_guard(args, [*found.runs["path"], *found.skipped], [])
    for target in _targets(args):
        guard.check(target)
    return guard


def _write_outputs(found: History, args: argparse.Namespace, guard: OutputGuard) -> list[str]:
    with guarding(guard):
        return _write_all(found, args)


def _write_all(found: History, args: argparse.Namespace) -> list[str]:
    written = []
    if args.csv:
        write_text(args.csv, found.runs.to_csv(lineterminator="\n"))
        written.append(args.csv)
    if args.json:
        write_text(args.json, found.to_json() + "\n")
        written.append(args.json)
    if args.plot:
        _write_figure(found, args.plot)
        written.append(args.plot)
    if args.html:
        chart = Path(args.html).with_suffix(".png")
        _write_figure(found, str(chart))
        write_text(args.html, history_page(found, chart.name))
        written += [args.html, str(chart)]
    return written


def run(args: argparse.Namespace) -> int:
    options = StepOptions(
        window=max(args.window, 1),
        sigmas=args.sigmas,
        min_relative=args.min_relative,
        min_absolute=args.min_absolute,
    )
    cache = False if args.no_cache else (args.cache or True)
    bar, update = _progress()
    with bar or contextlib.nullcontext():
        found = history(
            args.sources,
            args.metric,
            args.field,
            cache=cache,
            order=args.order,
            step_options=options,
            progress=update,
        )
    guard = _guard(found, args)
    warn(found.warnings)
    warn(f"{problem}; skipped" for problem in found.skipped.values())
    out = console()
    runs = found.runs
    out.print(
        f"{len(runs):,} runs from {runs['time'].iloc[0]:%Y-%m-%d %H:%M} to "
        f"{runs['time'].iloc[-1]:%Y-%m-%d %H:%M} UTC"
        + (f", {len(found.skipped)} skipped" if found.skipped else "")
    )
    if found.steps.empty:
        out.print("No steps: every metric stayed within its noise.")
    else:
        out.print(steps_table(found))
    out.print(runs_table(found, args.limit))
    for target in _write_outputs(found, args, guard):
        out.print(f"written: {target}")
    return 0
