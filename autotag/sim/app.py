"""The simulator as an ASGI app: ``Simulator(config).app``.

Every /api request goes through one pipeline: API key (401), in-flight limit (429 + Retry-After),
fault draw, body parsing and contract validation (400), the operation's handler (404 for unknown
ids), then ``await asyncio.sleep`` for the modelled latency, so that many requests can be in
flight at once and contention is real. Control endpoints live under /_sim (autotag.sim.control).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import attrs
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from autotag.sim.config import SimConfig
from autotag.sim.control import control_routes
from autotag.sim.dataset import generate
from autotag.sim.faults import FaultInjector
from autotag.sim.handlers import OPERATIONS, Call, Operation
from autotag.sim.latency import LatencyModel
from autotag.sim.library import InvalidRequest, Library, UnknownId
from autotag.sim.replies import error_response
from autotag.sim.stats import ServerStats
from autotag.sim.validation import validate_body


class DroppedConnection(Exception):
    """Raised after the response headers went out: the server closes the connection."""


def _format_seconds(seconds: float) -> str:
    text = f"{seconds:.3f}".rstrip("0").rstrip(".")
    return text or "0"


class Simulator:
    """State, models and request pipeline of one simulated Immich server."""

    def __init__(self, config: SimConfig, library: Library | None = None) -> None:
        self.config = config
        self.library = library if library is not None else generate(config.dataset)
        self.stats = ServerStats()
        self.in_flight = 0
        self._apply_config()
        self.app = self._build_app()

    # ---- configuration ----

    def _apply_config(self) -> None:
        config = self.config
        self.latency = LatencyModel(
            costs=dict(config.costs),
            time_scale=config.time_scale,
            jitter=config.jitter,
            contention=config.contention,
            seed=config.latency_seed,
        )
        self.faults = FaultInjector(config.faults)
        self._workers = asyncio.Semaphore(config.workers) if config.workers > 0 else None

    def configure(self, **changes: Any) -> None:
        """Change latency, limits or faults of a running simulator (counters restart)."""
        self.config = attrs.evolve(self.config, **changes)
        self._apply_config()

    def reset(self) -> None:
        """Back to the freshly generated library; statistics and random streams restart."""
        self.library = generate(self.config.dataset)
        self.stats = ServerStats()
        self._apply_config()

    # ---- the request pipeline ----

    def endpoint(self, operation: Operation) -> Callable[[Request], Awaitable[Response]]:
        async def serve(request: Request) -> Response:
            return await self.serve(operation, request)

        serve.__name__ = f"serve_{operation.operation_id}"
        return serve

    async def serve(self, operation: Operation, request: Request) -> Response:
        started = time.perf_counter()
        status = 500
        if request.client is not None:
            self.stats.connections.add((request.client.host, request.client.port))
        try:
            response = await self._respond(operation, request)
            status = response.status_code
            return response
        finally:
            self.stats.record(operation.name, time.perf_counter() - started, status)

    async def _respond(self, operation: Operation, request: Request) -> Response:
        config = self.config
        if operation.auth:
            key = request.headers.get("x-api-key")
            if key is None:
                return error_response(401, "Authentication required")
            if key != config.api_key:
                return error_response(401, "Invalid API key")
        limit = config.max_in_flight
        if limit is not None and self.in_flight >= limit:
            self.stats.rejected_over_limit += 1
            return self._too_many_requests()
        self.in_flight += 1
        self.stats.peak_in_flight = max(self.stats.peak_in_flight, self.in_flight)
        try:
            return await self._handle(operation, request)
        finally:
            self.in_flight -= 1

    def _too_many_requests(self) -> Response:
        retry_after = _format_seconds(self.config.retry_after * self.config.time_scale)
        return error_response(429, "Too many requests", headers={"retry-after": retry_after})

    async def _handle(self, operation: Operation, request: Request) -> Response:
        started = time.perf_counter()
        raw = await request.body()
        fault = None
        if operation.auth:
            key = b"%s %s?%s|" % (
                request.method.encode(),
                request.url.path.encode(),
                request.url.query.encode(),
            )
            fault = self.faults.draw(key + raw)
            if fault == "429":
                return self._too_many_requests()
            if fault == "5xx":
                status = self.faults.server_error_status(key + raw)
                return error_response(status, "Injected server error")
        try:
            body = self._parse_body(operation, raw)
            call = Call(path=dict(request.path_params), query=dict(request.query_params), body=body)
            reply = operation.handler(self.library, call)
        except InvalidRequest as exc:
            return error_response(400, str(exc))
        except UnknownId as exc:
            return error_response(404, str(exc))
        response: Response
        if fault == "drop":
            response = _Dropped()
        elif reply.status == 204:
            response = Response(status_code=204)
        else:
            response = JSONResponse(reply.payload, status_code=reply.status)
        seconds = self.latency.service_seconds(operation.name, reply.items, self.in_flight)
        if fault == "slow":
            seconds *= self.config.faults.slow_factor
        if seconds > 0:
            # the modelled time includes the work just done (handler, JSON encoding) and the
            # expected time outside the server (transport, the client's decoding)
            config = self.config
            outside = (config.overhead_ms + config.overhead_per_item_ms * reply.items) / 1000.0
            await self._wait(seconds - (time.perf_counter() - started) - outside)
        return response

    def _parse_body(self, operation: Operation, raw: bytes) -> Any:
        if not operation.has_body:
            return None
        if not raw:
            body: Any = {}
        else:
            try:
                body = json.loads(raw)
            except ValueError:
                raise InvalidRequest("the request body is not valid JSON") from None
        validate_body(operation.operation_id, body)
        return body

    async def _wait(self, seconds: float) -> None:
        if seconds <= 0:
            return
        if self._workers is None:
            await asyncio.sleep(seconds)
            return
        async with self._workers:
            await asyncio.sleep(seconds)

    # ---- the ASGI app ----

    def _build_app(self) -> Starlette:
        routes = [
            Route(operation.path, self.endpoint(operation), methods=[operation.method])
            for operation in OPERATIONS
        ]
        routes.extend(control_routes(self))
        return Starlette(
            routes=routes,
            exception_handlers={HTTPException: _http_exception},  # type: ignore[dict-item]
        )


class _Dropped(Response):
    """A response that sends its headers, then breaks the connection."""

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", b"4096")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        raise DroppedConnection("fault injection: connection dropped")


async def _http_exception(request: Request, exc: HTTPException) -> Response:
    """Unknown routes and methods answer in Immich's error shape."""
    return error_response(exc.status_code, f"Cannot {request.method} {request.url.path}")
