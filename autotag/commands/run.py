"""``autotag run``: run the engine against a server or an embedded simulator, maybe profiled."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from autotag.commands.common import add_simulator_options, progress_reporter, sim_config_from_args
from autotag.engine.presets import PRESETS
from autotag.errors import ConfigError
from autotag.launch import LaunchOutcome, LaunchSpec, launch

EXAMPLE = """\
examples:
  autotag run --dataset small --time-scale 0.05 --preset lazy --profile lazy.stats
  autotag run --server http://immich.local:2283 --api-key-file ~/.immich-key --preset lazy
  AUTOTAG_API_KEY=... autotag run --server http://immich.local:2283 --resume --run-dir runs/x

Without --server, an embedded simulator serves the chosen --dataset.
"""

API_KEY_ENV = "AUTOTAG_API_KEY"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run the auto-tagging engine",
        description="Run the engine: list the library, apply the rules, write changes back. "
        "With --profile, run under cProfile and write OUT.stats plus the sidecar OUT.json.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    target = parser.add_argument_group("server (default: an embedded simulator)")
    target.add_argument("--server", metavar="URL", help="Immich URL, e.g. http://host:2283")
    target.add_argument(
        "--api-key", help=f"API key (prefer --api-key-file or ${API_KEY_ENV}: argv is visible)"
    )
    target.add_argument("--api-key-file", type=Path, help="file holding the API key")
    add_simulator_options(parser)
    engine = parser.add_argument_group("engine")
    engine.add_argument("--config", type=Path, help="rules file, YAML or TOML (default: built-in)")
    engine.add_argument(
        "--preset",
        default="lazy",
        choices=sorted(PRESETS),
        help="call pattern (default: lazy)",
    )
    engine.add_argument("--max-assets", type=int, metavar="N", help="stop after N assets")
    engine.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="requests in flight at once (default: the preset's; 1 = sequential)",
    )
    engine.add_argument(
        "--run-dir",
        type=Path,
        help="where the report, statistics and checkpoint go "
        "(default: autotag-runs/<time>-<preset>)",
    )
    engine.add_argument(
        "--resume", action="store_true", help="continue the unfinished run in --run-dir"
    )
    profiling = parser.add_argument_group("profiling")
    profiling.add_argument(
        "--profile", type=Path, metavar="OUT.stats", help="run under cProfile, write OUT.stats"
    )
    profiling.add_argument(
        "--snapshot-interval",
        type=float,
        metavar="S",
        help="also write the profile every S seconds while running",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=handle)


def resolve_api_key(args: argparse.Namespace) -> str | None:
    """--api-key, else --api-key-file, else $AUTOTAG_API_KEY (None when none is given)."""
    if args.api_key is not None:
        key = args.api_key
    elif args.api_key_file is not None:
        try:
            key = args.api_key_file.expanduser().read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"--api-key-file {args.api_key_file}: {exc.strerror or exc}"
            ) from None
    else:
        key = os.environ.get(API_KEY_ENV)
    if key is not None and not key.strip():
        raise ConfigError("the API key is empty")
    return key


def spec_from_args(args: argparse.Namespace, argv: list[str]) -> LaunchSpec:
    api_key = resolve_api_key(args)
    if args.server is not None and api_key is None:
        raise ConfigError(f"--server needs an API key: --api-key-file, ${API_KEY_ENV} or --api-key")
    if args.max_assets is not None and args.max_assets < 1:
        raise ConfigError(f"--max-assets must be at least 1, not {args.max_assets}")
    if args.concurrency is not None and not 1 <= args.concurrency <= 256:
        raise ConfigError(f"--concurrency must be between 1 and 256, not {args.concurrency}")
    if args.snapshot_interval is not None and args.snapshot_interval <= 0:
        raise ConfigError("--snapshot-interval must be positive")
    if args.snapshot_interval is not None and args.profile is None:
        raise ConfigError("--snapshot-interval needs --profile")
    if args.resume and args.run_dir is None:
        raise ConfigError("--resume needs the --run-dir of the run to continue")
    if args.resume and args.server is None:
        raise ConfigError("--resume needs --server: an embedded simulator starts afresh every time")
    run_dir = args.run_dir or Path("autotag-runs") / (
        f"{datetime.now():%Y%m%d-%H%M%S}-{args.preset}"
    )
    if args.profile is not None:
        args.profile.parent.mkdir(parents=True, exist_ok=True)
    return LaunchSpec(
        preset=args.preset,
        run_dir=run_dir,
        server=args.server,
        api_key=api_key,
        sim_config=None if args.server else sim_config_from_args(args),
        config_path=args.config,
        profile=args.profile,
        snapshot_interval=args.snapshot_interval,
        max_assets=args.max_assets,
        resume=args.resume,
        argv=argv,
        concurrency=args.concurrency,
    )


def handle(args: argparse.Namespace) -> int:
    spec = spec_from_args(args, ["autotag", *sys.argv[1:]])
    with progress_reporter(enabled=not args.quiet) as progress:
        spec.progress = progress
        try:
            outcome = launch(spec)
        except KeyboardInterrupt:
            print(
                f"autotag: interrupted; checkpoint saved in {spec.run_dir}"
                + (f", profile so far in {spec.profile}" if spec.profile else "")
                + f". Resume with: autotag run --resume --run-dir {spec.run_dir} "
                "--server URL (same --config)",
                file=sys.stderr,
            )
            return 130
    print_outcome(outcome)
    return 0


def print_outcome(outcome: LaunchOutcome) -> None:
    result = outcome.result
    requests = outcome.requests
    state = "finished" if result.finished else "stopped early"
    retries = requests.get("total_retries", 0)
    print(
        f"autotag: {state}: {result.processed_this_session:,} assets in "
        f"{result.elapsed_seconds:.1f} s, {requests['total_requests']:,} requests"
        + (f" ({retries:,} retried)" if retries else "")
        + f", {sum(result.changes.values()):,} changes"
    )
    operations = requests["operations"]
    width = max((len(name) for name in operations), default=0)
    for name, entry in operations.items():
        print(f"  {name:<{width}}  {entry['requests']:>8,}  {entry['seconds']:>9.2f} s")
    if result.changes:
        print("  changes: " + ", ".join(f"{k} {v:,}" for k, v in result.changes.items()))
    print(f"  run dir: {result.run_dir}")
    if outcome.profile is not None:
        print(f"  profile: {outcome.profile} (+ sidecar)")
    if outcome.final_digest:
        print(f"  final state: {outcome.final_digest}")
