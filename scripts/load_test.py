"""Load test: the optimised engine on a 400,000-asset library (the real user's size).

Starts the simulator (time scale 0), runs `autotag run --preset optimized` against it as a
separate process, and samples that process's resident memory once a second next to the number
of assets processed (read from the run's checkpoint). Memory must plateau once the run's maps are
built: it may not keep growing with the assets processed. Prints the curve, the peak and the
requests; exits 1 when memory grew by more than --max-growth MiB over the last three quarters.

    .venv/bin/python scripts/load_test.py [--assets 400000] [--preset optimized]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autotag.sim.config import SimConfig
from autotag.sim.dataset import preset
from autotag.sim.server import running_simulator


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def processed(run_dir: Path) -> int:
    try:
        return int(json.loads((run_dir / "checkpoint.json").read_text())["processed"])
    except (OSError, ValueError, KeyError):
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=400_000)
    parser.add_argument("--preset", default="optimized")
    parser.add_argument("--max-growth", type=float, default=64.0, help="MiB (default 64)")
    args = parser.parse_args()
    config = SimConfig(port=0, time_scale=0.0, dataset=preset("seed", assets=args.assets))
    print(f"generating {args.assets:,} assets and starting the simulator ...", flush=True)
    with (
        tempfile.TemporaryDirectory() as where,
        running_simulator(config, startup_timeout=600) as sim,
    ):
        run_dir = Path(where) / "run"
        engine = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "autotag.cli",
                "run",
                "--server",
                sim.base_url,
                "--preset",
                args.preset,
                "--run-dir",
                str(run_dir),
                "--quiet",
                "--profile",
                str(Path(where) / "load.stats"),
            ],
            env={**os.environ, "AUTOTAG_API_KEY": sim.api_key},
            stdout=subprocess.PIPE,
            text=True,
        )
        samples: list[tuple[float, int, float]] = []
        started = time.monotonic()
        while engine.poll() is None:
            try:
                samples.append(
                    (time.monotonic() - started, processed(run_dir), rss_mib(engine.pid))
                )
            except OSError:
                break
            time.sleep(1.0)
        output = engine.communicate()[0]
        sidecar = json.loads((Path(where) / "load.json").read_text())
    print(output.splitlines()[0] if output else "(no output)")
    print(f"{'seconds':>8} {'processed':>10} {'RSS MiB':>8}")
    step = max(1, len(samples) // 20)
    for seconds, done, rss in samples[::step]:
        print(f"{seconds:8.0f} {done:10,} {rss:8.0f}")
    peak = sidecar["peak_rss_bytes"] / 2**20
    print(
        f"peak RSS {peak:.0f} MiB; {sidecar['http']['total_requests']:,} requests; "
        f"{sidecar['wall_seconds']:.0f} s"
    )
    quarter = [rss for _, done, rss in samples if done >= args.assets // 4]
    growth = max(quarter) - min(quarter) if quarter else 0.0
    print(
        f"RSS growth from 25 % of the assets to the end: {growth:.0f} MiB "
        f"(limit {args.max_growth:.0f})"
    )
    return 0 if engine.returncode == 0 and growth <= args.max_growth else 1


if __name__ == "__main__":
    sys.exit(main())
