"""Child-process entry of ``start_simulator``: ``python -m autotag.sim.worker``.

Protocol: the parent writes the SimConfig as one JSON line on stdin (so the API key never shows
in the process list), the worker answers ``{"url": ...}`` (or ``{"error": ...}``) as one line on
stdout once it listens, and serves until its stdin closes or it gets SIGINT/SIGTERM.
"""

from __future__ import annotations

import json
import sys

from autotag.errors import AutotagError
from autotag.sim.app import Simulator
from autotag.sim.config import SimConfig
from autotag.sim.server import serve


def _announce(simulator: Simulator, url: str) -> None:
    print(json.dumps({"url": url}), flush=True)


def main() -> int:
    try:
        config = SimConfig.from_json(json.loads(sys.stdin.readline()))
        serve(config, on_ready=_announce, stop_on_stdin_eof=True)
    except KeyboardInterrupt:
        return 0
    except (AutotagError, ValueError, TypeError, KeyError) as exc:
        print(json.dumps({"error": str(exc)}), flush=True)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
