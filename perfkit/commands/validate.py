"""``perfkit validate NEW``: go / no-go for an optimisation, against a baseline.

Exit codes: 0 go, 1 no-go, 3 marginal (configurable in the settings), 2 usage or input error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from perfkit.commands.common import HelpFormatter, add_force, output_guard, positive_int, warn
from perfkit.commands.reporting import (
    add_report_options,
    check_report_options,
    check_report_targets,
    documented,
    flame_for,
    stdout_taken,
    write_reports,
)
from perfkit.common.guard import guarding
from perfkit.errors import PerfkitError
from perfkit.model.profile import load_many
from perfkit.render.terminal import console
from perfkit.render.verdict_terminal import print_verdict
from perfkit.validate import load_baseline, load_config, resolve_baseline, validate
from perfkit.validate.settings import with_targets

EXAMPLES = """\
examples:
  perfkit validate new.stats --baseline old.stats  # the verdict on the total time
  perfkit validate new.stats --baseline old.stats --target 'mymod:fetch_*'  # and its calls
  perfkit validate new.stats --baseline old.stats --html report/ --junit perfkit.xml
  perfkit validate --baseline a1.stats a2.stats a3.stats --new b1.stats b2.stats b3.stats
  perfkit validate new.stats --baseline old.stats --markdown - >> "$GITHUB_STEP_SUMMARY"
  perfkit validate lazy.stats --config autotag/perfkit.toml   # autotag's settings & baseline
  perfkit validate lazy.stats --config autotag/perfkit.toml \
      --baseline profiles/seed-baseline.toml               # the seed's published figures
  perfkit validate new.stats --baseline old.stats --junit results.xml --force

Reports never replace an input (a profile, its sidecar, the settings) and replace an existing
file only when perfkit wrote it, or with --force (see docs/validate.md).

exit codes: 0 go, 1 no-go, 3 marginal (settings: [tool.perfkit.exit_codes]), 2 usage or
input error. Settings: [tool.perfkit] in pyproject.toml, or perfkit.toml (see docs/validate.md).
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="go / no-go for an optimisation against a baseline",
        description="Validate new profile(s) against a baseline (profiles with their sidecars, "
        "or a spec of published figures): the measured improvement of the total time, guards "
        "(no slower, no more memory, no target's calls up) and a decision band; with a target "
        "(--target or the settings) its calls saved and the time they were predicted to save "
        "and a scenario table; with the settings' predictions the expected range, the "
        "predicted window and an audit of the cost model.",
        epilog=EXAMPLES,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("new", metavar="NEW", nargs="*", help="the new profile(s)")
    parser.add_argument(
        "--new",
        dest="more_new",
        metavar="NEW",
        nargs="+",
        default=[],
        help="more new profiles (runs of the same workload)",
    )
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        nargs="+",
        default=[],
        help="baseline profile(s), or one spec (.toml); default: the settings' baseline",
    )
    parser.add_argument("--config", metavar="FILE", help="a perfkit.toml or pyproject.toml")
    parser.add_argument(
        "--target",
        metavar="SELECTOR",
        action="append",
        default=[],
        help="judge the calls of the functions SELECTOR matches (repeatable; the first is the "
        "target of the headline and predictions); one that matches nothing in either profile "
        "is an error",
    )
    parser.add_argument(
        "--limit",
        type=positive_int,
        default=15,
        metavar="N",
        help="rows of top changed functions (default: 15)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="print only the verdict line, not the full report"
    )
    add_report_options(parser, json_flag="--json")
    add_force(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    check_report_options(args)
    new_paths = [*args.new, *args.more_new]
    if not new_paths:
        raise PerfkitError("no new profile: give NEW (or --new FILE ...)")
    config = with_targets(load_config(args.config), args.target)
    baseline_paths = resolve_baseline(args.baseline, config)
    settings = [p for p in (args.config, config.source) if p and Path(p).is_file()]
    guard = output_guard(args, [*new_paths, *baseline_paths], settings)
    check_report_targets(guard, args)
    baseline = load_baseline(baseline_paths)
    new = load_many(new_paths)
    for profile in [*new, *(baseline if isinstance(baseline, list) else [])]:
        warn(profile.warnings)
    verdict = validate(new, baseline, config, documented=documented(args), butterfly=args.butterfly)
    report = verdict.to_dict()
    out = console(sys.stderr if stdout_taken(args) else None)
    with guarding(guard):
        runs = baseline if isinstance(baseline, list) else []
        written = write_reports(report, args, flame_for(args, runs, new))
    if args.quiet:
        from perfkit.render.verdict_terminal import verdict_line

        out.print(verdict_line(report))
    else:
        shown = verdict.butterflies if args.butterfly else ()
        print_verdict(report, out, limit=args.limit, butterflies=shown)
    for path in written:
        out.print(f"report: {path}", highlight=False, markup=False)
    return verdict.exit_code
