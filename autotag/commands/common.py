"""Options and helpers shared by the commands that start an embedded simulator or show progress."""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from autotag.errors import ConfigError
from autotag.sim.config import SimConfig
from autotag.sim.dataset import PRESETS, preset
from autotag.sim.faults import FaultSpec


def add_simulator_options(parser: argparse.ArgumentParser, *, dataset: str = "small") -> None:
    group = parser.add_argument_group("embedded simulator")
    group.add_argument(
        "--dataset",
        default=dataset,
        choices=sorted(PRESETS),
        help=f"library preset (default: {dataset})",
    )
    group.add_argument("--assets", type=int, help="resize the preset to N assets")
    group.add_argument("--seed", type=int, help="dataset seed (default: the preset's)")
    group.add_argument(
        "--time-scale",
        type=float,
        default=0.0,
        help="latency multiplier: 1 = the seed's server, 0 = no delay (default: 0)",
    )
    group.add_argument(
        "--contention",
        type=float,
        help="extra latency per request in flight, as a fraction (default: the simulator's)",
    )
    group.add_argument(
        "--workers", type=int, help="requests the simulator serves at once (default: its own)"
    )
    group.add_argument(
        "--rate-limit", type=int, metavar="N", help="429 when more than N requests are in flight"
    )
    group.add_argument("--faults", metavar="SPEC", help="e.g. '5xx=0.05,429=0.02,drop=0.01'")


def sim_config_from_args(args: argparse.Namespace) -> SimConfig:
    if args.rate_limit is not None and args.rate_limit < 1:
        raise ConfigError(f"--rate-limit must be at least 1, not {args.rate_limit}")
    settings: dict[str, Any] = {
        "dataset": preset(args.dataset, assets=args.assets, seed=args.seed),
        "port": 0,
        "time_scale": args.time_scale,
        "max_in_flight": args.rate_limit,
        "faults": FaultSpec.parse(args.faults),
    }
    if args.contention is not None:
        settings["contention"] = args.contention
    if args.workers is not None:
        settings["workers"] = args.workers
    try:
        return SimConfig(**settings)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


ProgressCallback = Callable[[int, int | None], None]


@contextlib.contextmanager
def progress_reporter(*, enabled: bool = True) -> Iterator[ProgressCallback | None]:
    """A progress bar on stderr (assets, assets/s, ETA); nothing when stderr is not a terminal."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("[bold]assets"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("assets", total=None, rate="")
        last = 0.0

        def update(done: int, total: int | None) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last < 0.2 and done != total:
                return  # a few updates a second are plenty, and keep the profile clean
            last = now
            speed = bar.tasks[0].speed
            rate = f"{speed:7.1f}/s" if speed else ""
            bar.update(task, completed=done, total=total, rate=rate)

        yield update
