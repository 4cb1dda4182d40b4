"""Launch one engine run: against a server or an embedded simulator, profiled or not.

This is what ``autotag run``, ``autotag calibrate`` and ``autotag demo`` share: build the client,
start the simulator when no server is given, run the engine (under cProfile when a profile path
is given), then write the profile and its ``perfkit.run/1`` sidecar — also when the run is
interrupted, so that what was measured is never lost.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs

from autotag.engine.config import load_config
from autotag.engine.presets import get_preset
from autotag.engine.runner import Engine, RunOptions, RunResult, dump_summary
from autotag.harness import ProfileRecorder, RunRecord, sidecar_path, write_sidecar
from autotag.immich.client import ImmichClient
from autotag.immich.retry import RetryPolicy
from autotag.sim.config import SimConfig
from autotag.sim.control_client import SimControl, SimControlError
from autotag.sim.server import running_simulator


@attrs.define
class LaunchSpec:
    preset: str
    run_dir: Path
    server: str | None = None
    api_key: str | None = attrs.field(default=None, repr=False)
    sim_config: SimConfig | None = None
    config_path: Path | None = None
    profile: Path | None = None
    snapshot_interval: float | None = None
    max_assets: int | None = None
    resume: bool = False
    argv: list[str] = attrs.field(factory=list)
    progress: Callable[[int, int | None], None] | None = None
    retry: RetryPolicy | None = None
    # Overrides the preset's requests in flight (the concurrency study varies it).
    concurrency: int | None = None
    # Adapt the requests in flight to the server's 429s (off: a fixed pool, as naive code has).
    adaptive_limit: bool = True


@attrs.define
class LaunchOutcome:
    result: RunResult
    requests: dict[str, Any]
    final_digest: str | None
    sidecar: dict[str, Any] | None
    profile: Path | None


@contextlib.contextmanager
def _server(spec: LaunchSpec) -> Iterator[tuple[str, str, SimControl | None]]:
    """(API URL, API key, control client or None) of the server this run talks to."""
    if spec.server is not None:
        assert spec.api_key is not None
        control = SimControl(spec.server, spec.api_key)
        try:
            yield spec.server, spec.api_key, control
        finally:
            control.close()
        return
    with running_simulator(spec.sim_config or SimConfig(port=0)) as sim:
        yield sim.api_url, sim.api_key, sim.control


def _digest(control: SimControl | None) -> str | None:
    """The simulator's state digest; None when the server is a real Immich."""
    if control is None:
        return None
    try:
        return control.digest()
    except SimControlError:
        return None


def launch(spec: LaunchSpec) -> LaunchOutcome:
    config = load_config(spec.config_path)
    strategy = get_preset(spec.preset)
    if spec.concurrency is not None:
        strategy = attrs.evolve(strategy, concurrency=spec.concurrency)
    embedded = spec.server is None
    sim_config = spec.sim_config or SimConfig(port=0)
    workload: dict[str, Any] = {
        "preset": strategy.name,
        "concurrency": strategy.concurrency,
        "dataset": sim_config.dataset.name if embedded else None,
        "server": "embedded" if embedded else _public_url(spec.server),
        "time_scale": sim_config.time_scale if embedded else None,
    }
    with _server(spec) as (url, api_key, control):
        client = ImmichClient(
            url,
            api_key,
            keep_alive=strategy.keep_alive,
            retry=spec.retry or RetryPolicy(),
            max_in_flight=(
                strategy.concurrency if strategy.concurrency > 1 and spec.adaptive_limit else None
            ),
        )
        with client:
            recorder = (
                ProfileRecorder(spec.profile, spec.snapshot_interval) if spec.profile else None
            )
            engine = Engine(
                client,
                config,
                strategy,
                RunOptions(
                    run_dir=spec.run_dir,
                    resume=spec.resume,
                    max_assets=spec.max_assets,
                    progress=spec.progress,
                    thread_hooks=recorder.thread_hooks() if recorder else None,
                ),
            )
            record = RunRecord(command=list(spec.argv), workload=workload)

            def save(complete: bool) -> dict[str, Any] | None:
                if recorder is None:
                    return None
                document = record.to_json(client.stats, recorder, complete=complete)
                write_sidecar(sidecar_path(recorder.path), document)
                return document

            def between_assets() -> None:
                if recorder is not None and recorder.maybe_snapshot():
                    record.finish()
                    workload["assets_processed"] = engine.stats.assets_processed
                    save(complete=False)

            engine.options.between_assets = between_assets
            complete = False
            if recorder is not None:
                recorder.start()
            try:
                result = engine.run()
                complete = True
            finally:
                if recorder is not None:
                    recorder.stop()
                record.finish()
                record.retries = client.stats.total_retries
                workload["assets_processed"] = engine.stats.assets_processed
                workload["final_state_digest"] = _digest(control)
                sidecar = save(complete=complete)
        dump_summary(
            result,
            spec.run_dir / "run_summary.json",
            {
                "preset": strategy.name,
                "http": client.stats.as_dict(),
                "retries": client.stats.total_retries,
                "final_state_digest": workload["final_state_digest"],
            },
        )
        return LaunchOutcome(
            result=result,
            requests=client.stats.as_dict(),
            final_digest=workload["final_state_digest"],
            sidecar=sidecar,
            profile=spec.profile,
        )


def _public_url(url: str | None) -> str | None:
    """The server URL without credentials or query (it goes into the sidecar)."""
    if url is None:
        return None
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
