"""``autotag strategies``: run the optimisation chain, validate each step, write a summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from autotag.commands.common import add_simulator_options, sim_config_from_args
from autotag.strategies import chain_names, run_chain, summary_rows, write_summary

EXAMPLE = """\
examples:
  autotag strategies --dataset small --time-scale 0.1          # the whole chain, ~2 minutes
  autotag strategies --dataset small --time-scale 1 --presets seed-baseline,optimized
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "strategies",
        help="run every preset of the optimisation chain and validate each step",
        description="Run the presets on an embedded simulator (same dataset, same time scale), "
        "check that they all reach the same final state, validate each step against the step "
        "before it and against seed-baseline with perfkit, and write the reports and a summary "
        "table (requests per operation, wall time, improvement, verdict).",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_simulator_options(parser, dataset="small")
    parser.add_argument(
        "--presets",
        metavar="A,B,...",
        help="presets to run, the first being the baseline (default: the whole chain)",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("reports/strategies"), help="(default: %(default)s)"
    )
    parser.add_argument("--settings", type=Path, help="perfkit settings for the validations")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    presets = chain_names(args.presets)
    sim_config = sim_config_from_args(args)
    steps = run_chain(
        presets,
        args.out,
        sim_config,
        announce=lambda text: print(f"autotag strategies: {text}", file=sys.stderr),
        settings=args.settings,
        argv=["autotag", *sys.argv[1:]],
    )
    summary = write_summary(steps, args.out, sim_config)
    rows = summary_rows(steps)
    keys = [
        "preset",
        "requests",
        "requests vs baseline",
        "wall s",
        "speed-up",
        "vs previous",
        "verdict vs previous",
        "vs seed-baseline",
        "verdict vs seed-baseline",
    ]
    widths = {k: max(len(k), *(len(r[k]) for r in rows)) for k in keys}
    print("  ".join(k.ljust(widths[k]) for k in keys))
    for row in rows:
        print("  ".join(row[k].ljust(widths[k]) for k in keys))
    print(f"summary: {summary} (reports in {args.out}/<preset>/)")
    digests = {step.outcome.final_digest for step in steps}
    if len(digests) != 1:
        print("autotag strategies: the presets did NOT reach the same final state", file=sys.stderr)
        return 1
    return 0
