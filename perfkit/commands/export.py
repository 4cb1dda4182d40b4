"""``perfkit export FILE --format F``: a profile's tables or estimated stacks for other tools."""

from __future__ import annotations

import argparse
import sys

from perfkit.commands.common import add_command, add_force, non_negative_float, output_guard, warn
from perfkit.common.guard import guarding
from perfkit.common.output import STDOUT, write_output
from perfkit.errors import PerfkitError
from perfkit.export.folded import UNITS, write_folded
from perfkit.export.pstats_copy import estimated_edges, write_pstats
from perfkit.export.speedscope import write_speedscope
from perfkit.export.tables import TABLES, write_csv, write_json, write_parquet
from perfkit.model.profile import load
from perfkit.model.stacks import (
    DEFAULT_MIN_SHARE,
    ESTIMATED,
    PRUNED,
    RECURSION,
    Stack,
    estimate_stacks,
)
from perfkit.reader import read_stats

FORMATS = ("csv", "json", "parquet", "collapsed", "speedscope", "pprof", "pstats")
BINARY_FORMATS = ("parquet", "pprof", "pstats")

EXAMPLES = """\
examples:
  perfkit export run.stats --format csv -o functions.csv
  perfkit export run.stats --format csv --table edges -o edges.csv
  perfkit export run.stats --format parquet -o functions.parquet
  perfkit export run.stats --format json -o run.json
  perfkit export run.stats --format collapsed -o run.folded    # flamegraph.pl, speedscope
  flamegraph.pl --countname us run.folded > run.svg
  perfkit export run.stats --format speedscope -o run.speedscope.json
  perfkit export run.stats --format pprof -o run.pb.gz   # go tool pprof, Pyroscope, Grafana
  go tool pprof -top -sample_index=calls run.pb.gz
  perfkit export py2-run.stats --format pstats -o plain.stats   # for tools built on pstats

Folded stacks are estimated: pstats keeps each function's calls and times per direct caller,
not whole stacks.  Frames after an [estimated] frame are estimates; in pprof files, samples
labelled stack=estimated hold estimated frames (see docs/perfkit-api.md).

-o never replaces the input or its sidecar.  An existing file is replaced when perfkit wrote it
(recognised by its content); folded stacks and pstats copies cannot say who wrote them, so an
existing one is replaced only with --force.
"""


def _share(text: str) -> float:
    value = non_negative_float(text)
    if value >= 1:
        raise argparse.ArgumentTypeError(f"must be below 1: {text!r}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "export",
        "export a profile's tables or estimated stacks",
        "Write a pstats profile as tables (csv, json, parquet) or as call stacks estimated "
        "from its caller edges (collapsed: folded stacks for flamegraph.pl, speedscope and "
        "other flame graph tools; speedscope: speedscope's JSON format; pprof: gzipped "
        "profile.proto with calls and time for go tool pprof, Pyroscope and Grafana), or as a "
        "plain pstats file that this Python's pstats loads (from Python 2, profile-module or .gz "
        "files).",
        EXAMPLES,
    )
    parser.add_argument("file", metavar="FILE", help="a pstats file (cProfile/profile output)")
    parser.add_argument("--format", required=True, choices=FORMATS, help="what to write")
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        default=STDOUT,
        help="file to write (replaced only once complete; never the input or its sidecar; an "
        "existing file only when perfkit wrote it, or with --force); '-' or nothing: standard "
        "output (parquet, pprof and pstats need a file)",
    )
    parser.add_argument(
        "--table",
        choices=TABLES,
        default="functions",
        help="csv and parquet: which table (default: functions; json holds both)",
    )
    parser.add_argument(
        "--unit",
        choices=tuple(UNITS),
        default="us",
        help="collapsed: the unit of the counts (default: us, whole microseconds)",
    )
    parser.add_argument(
        "--min-share",
        type=_share,
        default=DEFAULT_MIN_SHARE,
        metavar="FRACTION",
        help="collapsed, speedscope and pprof: callees with less than this share of the total time "
        f"are gathered in a {PRUNED} frame instead of being expanded "
        f"(default: {DEFAULT_MIN_SHARE}; 0 expands everything)",
    )
    add_force(parser)
    parser.set_defaults(run=run)


def _stacks_note(stacks: list[Stack], total: float, min_share: float, marking: str) -> str:
    estimated = sum(stack.seconds for stack in stacks if stack.estimated)
    share = estimated / total * 100 if total else 0.0
    return (
        "stacks are estimated from caller edges: a frame's time below its direct caller is "
        f"split across its callees in proportion to each edge's cumtime; {marking} "
        f"are estimates, recursion is cut at {RECURSION}, callees under "
        f"{min_share:g} of the time are gathered in {PRUNED}. "
        f"{share:.1f} % of the time is in estimated stacks."
    )


def run(args: argparse.Namespace) -> int:
    if args.format in BINARY_FORMATS and args.output == STDOUT:
        raise PerfkitError(f"{args.format} is a binary format: give a file with -o OUT")
    guard = output_guard(args, [args.file])
    guard.check(args.output, f"{args.format} export")
    with guarding(guard):
        return _export(args)


def _export(args: argparse.Namespace) -> int:
    if args.format == "pstats":
        raw = read_stats(args.file)
        write_output(args.output, lambda stream: write_pstats(raw, stream))
        if estimated_edges(raw):
            print(
                f"perfkit: note: {estimated_edges(raw)} caller entries of {args.file} hold call "
                "counts only; their times are the callee's split by calls (estimated)",
                file=sys.stderr,
            )
        print(f"pstats copy of {args.file} written to {args.output}", file=sys.stderr)
        return 0
    profile = load(args.file)
    warn(profile.warnings)
    if args.format == "csv":
        write_output(args.output, lambda stream: write_csv(profile, args.table, stream))
    elif args.format == "parquet":
        write_output(args.output, lambda stream: write_parquet(profile, args.table, stream))
    elif args.format == "json":
        write_output(args.output, lambda stream: write_json(profile, stream))
    else:
        stacks = estimate_stacks(profile, min_share=args.min_share)
        marking = f"frames after {ESTIMATED}"
        if args.format == "collapsed":
            write_output(args.output, lambda stream: write_folded(stacks, stream, args.unit))
        elif args.format == "pprof":
            from perfkit.export.pprof import write_pprof  # protobuf, for this format only

            write_output(args.output, lambda stream: write_pprof(profile, stacks, stream))
            marking = "in samples labelled stack=estimated, the frames after exact_frames"
        else:
            write_output(args.output, lambda stream: write_speedscope(profile, stacks, stream))
        total = sum(stack.seconds for stack in stacks)
        note = _stacks_note(stacks, total, args.min_share, marking)
        print(f"perfkit: note: {note}", file=sys.stderr)
    if args.output != STDOUT:
        print(f"{args.format} export of {args.file} written to {args.output}", file=sys.stderr)
    return 0
