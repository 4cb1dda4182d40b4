"""``autotag calibrate``: run seed-baseline and compare its call counts with the seed's profile."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from autotag.commands.common import add_simulator_options, progress_reporter, sim_config_from_args
from autotag.launch import LaunchSpec, launch

EXAMPLE = """\
example:
  autotag calibrate --dataset seed --time-scale 0
"""

#: The seed's baseline profile (profile(1).stats): calls per operation, and the targets.
SEED_CALLS = {
    "search_assets": 107,
    "get_asset_info": 35_402,
    "get_album_info": 3_377,
    "tag_assets": 2_479,
    "untag_assets": 1_418,
}
SEED_TOTAL_REQUESTS = 43_892
SEED_ASSETS = 26_562
OPERATION_TOLERANCE = 0.02
TOTAL_TOLERANCE = 0.03


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "calibrate",
        help="check that seed-baseline reproduces the seed's call counts",
        description="Run the seed-baseline preset on an embedded simulator and print, per "
        "operation, the calls made next to the seed's published figures (scaled to the "
        "dataset's size). Exits 1 when a figure is outside its target (2 %%, total 3 %%).",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_simulator_options(parser, dataset="seed")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=handle)


def compare(requests: dict[str, Any], assets: int) -> list[tuple[str, float, int, float, float]]:
    """(operation, expected, measured, relative error, tolerance) rows, the total last."""
    scale = assets / SEED_ASSETS
    operations = requests["operations"]
    rows = []
    for name, seed_calls in SEED_CALLS.items():
        measured = operations.get(name, {}).get("requests", 0)
        expected = seed_calls * scale
        rows.append((name, expected, measured, measured / expected - 1, OPERATION_TOLERANCE))
    expected_total = SEED_TOTAL_REQUESTS * scale
    total = requests["total_requests"]
    rows.append(
        ("all requests", expected_total, total, total / expected_total - 1, TOTAL_TOLERANCE)
    )
    return rows


def handle(args: argparse.Namespace) -> int:
    sim_config = sim_config_from_args(args)
    with tempfile.TemporaryDirectory(prefix="autotag-calibrate-") as run_dir:
        spec = LaunchSpec(preset="seed-baseline", run_dir=Path(run_dir), sim_config=sim_config)
        with progress_reporter(enabled=not args.quiet) as progress:
            spec.progress = progress
            outcome = launch(spec)
    assets = outcome.result.processed
    rows = compare(outcome.requests, assets)
    scaled = "" if assets == SEED_ASSETS else f" (seed figures scaled x{assets / SEED_ASSETS:.4f})"
    print(f"seed-baseline on dataset {sim_config.dataset.name!r}: {assets:,} assets{scaled}")
    judged = assets == SEED_ASSETS
    print(f"  {'operation':<16}{'seed':>10}{'measured':>10}{'error':>9}  target")
    ok = True
    for name, expected, measured, error, tolerance in rows:
        within = abs(error) <= tolerance
        ok &= within
        mark = ("ok" if within else "OUTSIDE") if judged else ""
        line = (
            f"  {name:<16}{expected:>10,.0f}{measured:>10,}{error:>+9.2%}  ±{tolerance:.0%} {mark}"
        )
        print(line.rstrip())
    if not judged:
        print(
            "  (the targets apply to the full seed library, --dataset seed; smaller libraries "
            "keep its proportions only roughly: page and album counts are whole numbers)"
        )
        return 0
    return 0 if ok else 1
