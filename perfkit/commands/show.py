"""``perfkit show FILE``: one profile as a readable table, like pstats' ``print_stats``."""

from __future__ import annotations

import argparse

from perfkit.commands.common import HelpFormatter, positive_int, warn
from perfkit.model.profile import load
from perfkit.render.terminal import console, functions_table, profile_header

SORT_KEYS = ("cumtime", "tottime", "ncalls", "pcalls")

EXAMPLES = """\
examples:
  perfkit show profile.stats
  perfkit show profile.stats --sort tottime --limit 40
  perfkit show profile.stats --match 'get_asset_info,recv,autotag.immich.*:*'
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "show",
        help="show one profile as a table",
        description="Show the functions of one pstats profile (plain or .gz), sorted, "
        "with normalised names, recursion as ncalls/primitive, per-call times and totals.",
        epilog=EXAMPLES,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", help="a pstats file (cProfile/profile output)")
    parser.add_argument(
        "--sort",
        choices=SORT_KEYS,
        default="cumtime",
        help="column to sort by, largest first (default: cumtime)",
    )
    parser.add_argument(
        "--limit",
        type=positive_int,
        default=30,
        metavar="N",
        help="show the first N functions; 0 shows all (default: 30)",
    )
    parser.add_argument(
        "--match",
        metavar="SELECTOR",
        help="only functions matching SELECTOR: NAME, MODULE-GLOB:NAME, "
        "re:REGEX, or several separated by commas",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    profile = load(args.file)
    warn(profile.warnings)
    rows = profile.select(args.match) if args.match else profile.functions
    rows = rows.sort_values(args.sort, ascending=False, kind="stable")
    shown = rows if args.limit == 0 else rows.head(args.limit)
    what = f"matching {args.match!r}" if args.match else "functions"
    title = f"{len(shown):,} of {len(rows):,} {what}, by {args.sort}"
    out = console()
    out.print(profile_header(profile))
    out.print(functions_table(profile, shown, title))
    return 0
