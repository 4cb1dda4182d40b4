"""Run the engine under cProfile; write ``OUT.stats`` and its sidecar ``OUT.json`` (perfkit.run/1).

The profile covers the engine's thread from startup to the last write. Snapshots (every
``snapshot_interval`` seconds, taken between assets) rewrite ``OUT.stats`` with everything so
far, so a run that dies still leaves a usable profile; the sidecar says whether it is complete.
Files are replaced atomically: a reader never sees half a profile.
"""

from __future__ import annotations

import cProfile
import json
import os
import platform
import pstats
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs

import autotag
from autotag.engine.pool import ThreadHooks
from autotag.immich.stats import RequestStats

SCHEMA = "perfkit.run/1"
SECRET_FLAGS = ("--api-key",)


def redact_command(argv: Sequence[str]) -> list[str]:
    """argv with the value of every secret flag replaced by ``***``."""
    redacted: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            redacted.append("***")
            hide_next = False
        elif arg in SECRET_FLAGS:
            redacted.append(arg)
            hide_next = True
        elif any(arg.startswith(flag + "=") for flag in SECRET_FLAGS):
            redacted.append(arg.split("=", 1)[0] + "=***")
        else:
            redacted.append(arg)
    return redacted


def sidecar_path(profile: Path) -> Path:
    """``run.stats`` -> ``run.json`` (``run.stats.gz`` -> ``run.json``)."""
    name = profile.name
    for suffix in (".stats.gz", ".stats", ".prof", ".pstats"):
        if name.endswith(suffix):
            return profile.with_name(name[: -len(suffix)] + ".json")
    return profile.with_name(name + ".json")


def git_info(where: Path) -> dict[str, Any] | None:
    """The commit and dirty flag of the checkout holding ``where``, or None outside git."""
    try:
        sha = subprocess.run(
            ["git", "-C", str(where), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(where), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {"sha": sha, "dirty": bool(status.strip())}


def peak_rss_bytes() -> int:
    """Peak resident memory of this process (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _atomic_write_bytes(path: Path, write: Any) -> None:
    temporary = path.with_name(path.name + ".tmp")
    write(temporary)
    os.replace(temporary, path)


@attrs.define
class ProfileRecorder:
    """cProfile around the run, with periodic snapshots taken between assets.

    Worker threads (bounded concurrency) get a profiler each; when they stop, their statistics
    are added to the run's (as ``pstats.Stats.add`` does), so call counts stay exact. Their
    seconds overlap in time: the profile's total then exceeds the run's wall time, and the
    sidecar says how many threads it covers.
    """

    path: Path
    snapshot_interval: float | None = None
    profiler: cProfile.Profile = attrs.field(factory=cProfile.Profile)
    snapshots: int = 0
    _last: float = attrs.field(factory=time.monotonic)
    _workers: list[cProfile.Profile] = attrs.field(factory=list)
    _lock: threading.Lock = attrs.field(factory=threading.Lock)

    @property
    def threads(self) -> int:
        return 1 + len(self._workers)

    def thread_hooks(self) -> ThreadHooks:
        def start() -> cProfile.Profile:
            profiler = cProfile.Profile()
            profiler.enable()
            return profiler

        def stop(profiler: cProfile.Profile) -> None:
            profiler.disable()
            with self._lock:
                self._workers.append(profiler)

        return ThreadHooks(start, stop)

    def start(self) -> None:
        self._last = time.monotonic()
        self.profiler.enable()

    def maybe_snapshot(self) -> bool:
        """Write everything so far when the interval has passed; profiling goes on."""
        if not self.snapshot_interval or time.monotonic() - self._last < self.snapshot_interval:
            return False
        self.profiler.disable()
        try:
            self._dump()
        finally:
            self.profiler.enable()
        self.snapshots += 1
        self._last = time.monotonic()
        return True

    def stop(self) -> None:
        self.profiler.disable()
        self._dump()

    def _dump(self) -> None:
        with self._lock:
            workers = list(self._workers)
        if not workers:
            _atomic_write_bytes(self.path, lambda tmp: self.profiler.dump_stats(str(tmp)))
            return
        merged = pstats.Stats(self.profiler)
        for worker in workers:
            merged.add(worker)
        _atomic_write_bytes(self.path, lambda tmp: merged.dump_stats(str(tmp)))


@attrs.define
class RunRecord:
    """What the sidecar says about one run; filled in as the run goes."""

    command: list[str]
    workload: dict[str, Any]
    started_at: str = attrs.field(factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    _t0: float = attrs.field(factory=time.perf_counter)
    wall_seconds: float | None = None
    retries: int = 0

    def finish(self) -> None:
        self.wall_seconds = time.perf_counter() - self._t0

    def to_json(
        self, stats: RequestStats, recorder: ProfileRecorder | None, *, complete: bool
    ) -> dict[str, Any]:
        uname = platform.uname()
        return {
            "schema": SCHEMA,
            "tool": {"name": "autotag", "version": autotag.__version__},
            "command": redact_command(self.command),
            "started_at": self.started_at,
            "wall_seconds": round(self.wall_seconds, 6) if self.wall_seconds is not None else None,
            "python": {
                "version": platform.python_version(),
                "implementation": platform.python_implementation(),
            },
            "platform": {
                "system": uname.system,
                "release": uname.release,
                "machine": uname.machine,
            },
            "cpu_count": os.cpu_count(),
            "git": git_info(Path(autotag.__file__).resolve().parent),
            "project": {"root": str(Path(autotag.__file__).resolve().parent.parent)},
            "workload": self.workload,
            "http": stats.as_dict(),
            "retries": self.retries,
            "peak_rss_bytes": peak_rss_bytes(),
            "profile": None
            if recorder is None
            else {
                "file": recorder.path.name,
                "snapshots": recorder.snapshots,
                "complete": complete,
                "threads": recorder.threads,
            },
        }


def write_sidecar(path: Path, document: dict[str, Any]) -> None:
    text = json.dumps(document, indent=2, sort_keys=False) + "\n"
    _atomic_write_bytes(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
