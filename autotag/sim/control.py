"""Control endpoints under /_sim (outside Immich's /api); they need the same x-api-key.

GET  /_sim/stats   requests, seconds and statuses per operation, in flight, connections, faults
GET  /_sim/state   the canonical state dump (assets with tags and dates, albums, tags)
GET  /_sim/digest  sha256 of that dump, and of each part
POST /_sim/reset   back to the generated library; counters restart
GET  /_sim/config  latency, limits and faults in force;  POST changes them (JSON object)
GET  /_sim/info    dataset parameters and library counts
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import attrs
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from autotag.errors import ConfigError
from autotag.sim.config import SimConfig
from autotag.sim.faults import FaultInjector, FaultSpec
from autotag.sim.library import Library
from autotag.sim.replies import error_response
from autotag.sim.snapshot import state_digest, state_dump
from autotag.sim.stats import ServerStats

#: Settings POST /_sim/config accepts, and the type each must have.
CONFIGURABLE: dict[str, tuple[type, ...]] = {
    "time_scale": (int, float),
    "jitter": (int, float),
    "contention": (int, float),
    "workers": (int,),
    "latency_seed": (int,),
    "max_in_flight": (int, type(None)),
    "retry_after": (int, float),
    "overhead_ms": (int, float),
    "overhead_per_item_ms": (int, float),
    "faults": (str,),
}


class ControlledSimulator(Protocol):
    """What the control endpoints read and change of a running simulator.

    Read on every request: ``reset`` and ``configure`` replace the library, the statistics and
    the fault injector.
    """

    @property
    def config(self) -> SimConfig: ...

    @property
    def library(self) -> Library: ...

    @property
    def stats(self) -> ServerStats: ...

    @property
    def faults(self) -> FaultInjector: ...

    @property
    def in_flight(self) -> int: ...

    def configure(self, **changes: Any) -> None: ...

    def reset(self) -> None: ...


def control_routes(sim: ControlledSimulator) -> list[Route]:
    def guarded(
        handler: Callable[[Request], Awaitable[Any]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            if request.headers.get("x-api-key") != sim.config.api_key:
                return error_response(401, "Invalid API key")
            try:
                return JSONResponse(await handler(request))
            except (ValueError, TypeError, ConfigError) as exc:
                return error_response(400, str(exc))

        return endpoint

    async def stats(request: Request) -> dict[str, Any]:
        return sim.stats.as_dict(in_flight=sim.in_flight, faults=sim.faults.injected)

    async def state(request: Request) -> dict[str, Any]:
        return state_dump(sim.library)

    async def digest(request: Request) -> dict[str, Any]:
        return state_digest(sim.library)

    async def reset(request: Request) -> dict[str, Any]:
        sim.reset()
        return state_digest(sim.library)

    async def show_config(request: Request) -> dict[str, Any]:
        return sim.config.public()

    async def change_config(request: Request) -> dict[str, Any]:
        try:
            changes = json.loads(await request.body() or b"{}")
        except ValueError:
            raise ValueError("the body must be a JSON object") from None
        if not isinstance(changes, dict):
            raise ValueError("the body must be a JSON object")
        sim.configure(**_config_changes(changes))
        return sim.config.public()

    async def info(request: Request) -> dict[str, Any]:
        library = sim.library
        params = attrs.asdict(sim.config.dataset)
        params["library_date"] = sim.config.dataset.library_date.isoformat()
        return {
            "dataset": params,
            "counts": {
                "assets": len(library.assets),
                "albums": len(library.albums),
                "tags": len(library.tags),
                "duplicate_groups": len(library.duplicate_groups()),
            },
            "server_version": "2.7.5",
        }

    return [
        Route("/_sim/stats", guarded(stats), methods=["GET"]),
        Route("/_sim/state", guarded(state), methods=["GET"]),
        Route("/_sim/digest", guarded(digest), methods=["GET"]),
        Route("/_sim/reset", guarded(reset), methods=["POST"]),
        Route("/_sim/config", guarded(show_config), methods=["GET"]),
        Route("/_sim/config", guarded(change_config), methods=["POST"]),
        Route("/_sim/info", guarded(info), methods=["GET"]),
    ]


def _config_changes(changes: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in changes.items():
        allowed = CONFIGURABLE.get(name)
        if allowed is None:
            raise ValueError(f"unknown setting {name!r} (known: {', '.join(CONFIGURABLE)})")
        if not isinstance(value, allowed) or isinstance(value, bool):
            raise ValueError(f"{name} has the wrong type: {value!r}")
        result[name] = FaultSpec.parse(value) if name == "faults" else value
    return result
