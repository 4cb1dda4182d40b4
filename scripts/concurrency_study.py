"""Concurrency study: why parallelism hurt the seed's team, and where bounded concurrency helps.

Runs the `optimized` preset (its reads and a flush's writes go through a bounded pool) with 1 to
64 requests in flight against three server models of the simulator:

- the default model: 8 requests served at once, each extra request in flight adds 2 % to the
  service time;
- the seed's server as its team saw it: 2 served at once, +35 % per extra request in flight
  (the team measured 4 workers 4.5 % *slower* than one);
- a rate-limited server: more than 8 requests in flight are refused with 429 + Retry-After.

    .venv/bin/python scripts/concurrency_study.py [--time-scale 0.5] [--dataset small]

Prints, per model and concurrency, the engine's time, the speed-up over one request at a time,
and the retries the 429s cost. Every run must end in the same final state.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from autotag.launch import LaunchSpec, launch
from autotag.sim.config import SimConfig
from autotag.sim.dataset import preset

MODELS = {
    "default (8 workers, +2 %/request)": {},
    "the seed's server (2 workers, +35 %/request)": {"workers": 2, "contention": 0.35},
    "rate-limited (429 above 8 in flight)": {"max_in_flight": 8},
}
CONCURRENCY = (1, 2, 4, 8, 16, 64)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-scale", type=float, default=0.5)
    parser.add_argument("--dataset", default="small")
    parser.add_argument("--preset", default="optimized")
    args = parser.parse_args()
    digests = set()
    table: dict[str, list[tuple[int, float, int]]] = {}
    with tempfile.TemporaryDirectory() as where:
        for model, settings in MODELS.items():
            rows = table[model] = []
            for concurrency in CONCURRENCY:
                config = SimConfig(
                    port=0, time_scale=args.time_scale, dataset=preset(args.dataset), **settings
                )
                outcome = launch(
                    LaunchSpec(
                        preset=args.preset,
                        run_dir=Path(where) / f"{len(digests)}-{model[:7]}-{concurrency}",
                        sim_config=config,
                        concurrency=concurrency,
                    )
                )
                digests.add(outcome.final_digest)
                retries = outcome.requests.get("total_retries", 0)
                rows.append((concurrency, outcome.result.elapsed_seconds, retries))
                print(
                    f"{model:46} concurrency {concurrency:3}: "
                    f"{outcome.result.elapsed_seconds:7.2f} s, {retries} retries",
                    file=sys.stderr,
                )
    print(
        f"\n`{args.preset}` on `{args.dataset}` at time scale {args.time_scale:g}: engine seconds "
        "(speed-up over 1 in flight) [retries]\n"
    )
    header = "| in flight | " + " | ".join(MODELS) + " |"
    print(header)
    print("|---:|" + "---:|" * len(MODELS))
    for index, concurrency in enumerate(CONCURRENCY):
        cells = []
        for model in MODELS:
            _, seconds, retries = table[model][index]
            first = table[model][0][1]
            cell = f"{seconds:.1f} s ({first / seconds:.1f}x)"
            cells.append(cell + (f" [{retries}]" if retries else ""))
        print(f"| {concurrency} | " + " | ".join(cells) + " |")
    same = len(digests) == 1
    print(f"\nfinal state: {'identical in every run' if same else 'DIFFERENT'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
