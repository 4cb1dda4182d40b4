"""Concurrency study: why parallelism hurt the seed's team, and where bounded concurrency helps.

Runs the `optimized` preset (its reads and a flush's writes go through a bounded pool) with 1 to
64 requests in flight against server models of the simulator:

- the default model: 8 requests served at once, each extra request in flight adds 2 % to the
  service time;
- the seed's server as its team saw it: 2 served at once, +35 % per extra request in flight
  (the team measured 4 workers 4.5 % *slower* than one);
- a rate-limited server: more than 8 requests in flight are refused with 429 + Retry-After,
  once with a fixed pool (the naive way: every worker retries after the same Retry-After and
  comes back in the same burst) and once with the client's adaptive limit (halved on each 429).

    .venv/bin/python scripts/concurrency_study.py [--time-scale 0.5] [--dataset small]

Prints, per model and concurrency, the engine's time, the speed-up over one request at a time,
and the retries the 429s cost. Every completed run must end in the same final state.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from autotag.errors import AutotagError
from autotag.launch import LaunchSpec, launch
from autotag.sim.config import SimConfig
from autotag.sim.dataset import preset

# name -> (simulator settings, whether the client adapts its requests in flight to 429s)
MODELS: dict[str, tuple[dict[str, object], bool]] = {
    "default (8 workers, +2 %/request)": ({}, True),
    "the seed's server (2 workers, +35 %/request)": ({"workers": 2, "contention": 0.35}, True),
    "rate-limited (429 above 8), fixed pool": ({"max_in_flight": 8}, False),
    "rate-limited (429 above 8), adaptive": ({"max_in_flight": 8}, True),
}
CONCURRENCY = (1, 2, 4, 8, 16, 64)

Row = tuple[int, float | None, int]  # (in flight, engine seconds or None if it failed, retries)


def run_model(
    where: Path, args: argparse.Namespace, name: str, digests: set[str | None]
) -> list[Row]:
    settings, adaptive = MODELS[name]
    rows: list[Row] = []
    for concurrency in CONCURRENCY:
        config = SimConfig(
            port=0, time_scale=args.time_scale, dataset=preset(args.dataset), **settings
        )
        spec = LaunchSpec(
            preset=args.preset,
            run_dir=where / f"{len(digests)}-{sum(1 for _ in where.iterdir())}",
            sim_config=config,
            concurrency=concurrency,
            adaptive_limit=adaptive,
        )
        try:
            outcome = launch(spec)
        except AutotagError as error:
            rows.append((concurrency, None, 0))
            print(f"{name:46} {concurrency:3} in flight: failed: {error}", file=sys.stderr)
            continue
        digests.add(outcome.final_digest)
        seconds = outcome.result.elapsed_seconds
        retries = outcome.requests.get("total_retries", 0)
        rows.append((concurrency, seconds, retries))
        print(
            f"{name:46} {concurrency:3} in flight: {seconds:7.2f} s, {retries} retries",
            file=sys.stderr,
        )
    return rows


def cell(row: Row, first: float | None) -> str:
    _, seconds, retries = row
    if seconds is None:
        return "failed (retries exhausted)"
    text = f"{seconds:.1f} s ({first / seconds:.1f}x)" if first else f"{seconds:.1f} s"
    return text + (f" [{retries}]" if retries else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-scale", type=float, default=0.5)
    parser.add_argument("--dataset", default="small")
    parser.add_argument("--preset", default="optimized")
    args = parser.parse_args()
    digests: set[str | None] = set()
    with tempfile.TemporaryDirectory() as where:
        table = {name: run_model(Path(where), args, name, digests) for name in MODELS}
    print(
        f"\n`{args.preset}` on `{args.dataset}` at time scale {args.time_scale:g}: engine "
        "seconds (speed-up over 1 in flight) [retries]\n"
    )
    print("| in flight | " + " | ".join(MODELS) + " |")
    print("|---:|" + "---:|" * len(MODELS))
    for index, concurrency in enumerate(CONCURRENCY):
        cells = [cell(table[name][index], table[name][0][1]) for name in MODELS]
        print(f"| {concurrency} | " + " | ".join(cells) + " |")
    same = len(digests) == 1
    print(f"\nfinal state: {'identical in every completed run' if same else 'DIFFERENT'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
