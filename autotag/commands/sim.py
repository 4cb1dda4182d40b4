"""``autotag sim``: serve the Immich simulator on a local port until Ctrl-C."""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Any

from autotag.errors import ConfigError
from autotag.sim.app import Simulator
from autotag.sim.config import SimConfig
from autotag.sim.dataset import PRESETS, preset
from autotag.sim.faults import FaultSpec
from autotag.sim.server import serve

EXAMPLE = """\
example:
  autotag sim --dataset small --port 2283 --time-scale 1
  curl -H 'x-api-key: KEY' -H 'content-type: application/json' \\
       -d '{"size": 2}' http://127.0.0.1:2283/api/search/metadata
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sim",
        help="serve the Immich simulator",
        description="Serve a generated Immich library with the Immich 2.7 API, the seed's "
        "latencies, contention and optional faults. Prints its URL and API key.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--dataset",
        default="small",
        choices=sorted(PRESETS),
        help="library preset (default: small)",
    )
    parser.add_argument("--assets", type=int, help="resize the preset to N assets")
    parser.add_argument("--seed", type=int, help="dataset seed (default: the preset's)")
    parser.add_argument("--host", default="127.0.0.1", help="address (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=2283, help="port, 0 for a free one (default: 2283)"
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="latency multiplier: 1 = the seed's server, 0 = no delay (default: 1)",
    )
    parser.add_argument(
        "--rate-limit",
        type=int,
        metavar="N",
        help="answer 429 with Retry-After when more than N requests are in flight",
    )
    parser.add_argument(
        "--faults",
        metavar="SPEC",
        help="inject faults, e.g. '5xx=0.05,429=0.02,slow=0.01,drop=0.01,seed=7'",
    )
    parser.add_argument(
        "--contention",
        type=float,
        default=0.02,
        help="extra latency per request in flight, as a fraction (default: 0.02)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=8,
        help="requests served at once, the rest queue; 0 = no limit (default: 8)",
    )
    parser.add_argument("--api-key", help="API key to require (default: a random one)")
    parser.set_defaults(handler=run)


def config_from_args(args: argparse.Namespace) -> SimConfig:
    if args.port < 0 or args.port > 65535:
        raise ConfigError(f"--port must be between 0 and 65535, not {args.port}")
    if args.rate_limit is not None and args.rate_limit < 1:
        raise ConfigError(f"--rate-limit must be at least 1, not {args.rate_limit}")
    settings: dict[str, Any] = {
        "dataset": preset(args.dataset, assets=args.assets, seed=args.seed),
        "host": args.host,
        "port": args.port,
        "time_scale": args.time_scale,
        "contention": args.contention,
        "workers": args.workers,
        "max_in_flight": args.rate_limit,
        "faults": FaultSpec.parse(args.faults),
    }
    if args.api_key is not None:
        if not args.api_key.strip():
            raise ConfigError("--api-key must not be empty")
        settings["api_key"] = args.api_key
    try:
        return SimConfig(**settings)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    print(f"autotag sim: generating dataset {config.dataset.name!r} ...", file=sys.stderr)
    with contextlib.suppress(KeyboardInterrupt):
        serve(config, on_ready=_announce)
    print("autotag sim: stopped", file=sys.stderr)
    return 0


def _announce(simulator: Simulator, url: str) -> None:
    config = simulator.config
    library = simulator.library
    print(
        f"Immich simulator (API 2.7.5): {len(library.assets):,} assets, "
        f"{len(library.albums):,} albums, {len(library.tags):,} tags, "
        f"{len(library.duplicate_groups()):,} duplicate groups",
        flush=True,
    )
    print(f"  URL      {url}/api", flush=True)
    print(f"  API key  {config.api_key}", flush=True)
    print(f"  control  {url}/_sim/stats  (same x-api-key)", flush=True)
    print(
        f"  latency  time scale {config.time_scale:g}, contention {config.contention:g}, "
        f"workers {config.workers or 'unlimited'}, rate limit {config.max_in_flight or 'none'}, "
        f"faults {config.faults}",
        flush=True,
    )
    print(
        f"Try: curl -H 'x-api-key: {config.api_key}' {url}/api/assets/{library.ordered[0].id}",
        flush=True,
    )
    print("Press Ctrl-C to stop.", flush=True)
