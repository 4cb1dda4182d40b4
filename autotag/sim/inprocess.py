"""The simulator inside the test process, reached through httpx without sockets.

``ImmichClient`` is synchronous while ASGI apps are async, so ``SyncASGITransport`` runs the app
on an event loop in a background thread (an anyio blocking portal) and hands each request to
``httpx.ASGITransport`` there. Latency sleeps really happen, concurrently, in that loop.
"""

from __future__ import annotations

from typing import Any

import anyio.from_thread
import attrs
import httpx

from autotag.closing import Closing
from autotag.immich.client import ImmichClient
from autotag.sim.app import DroppedConnection, Simulator
from autotag.sim.config import SimConfig
from autotag.sim.control_client import SimControl

BASE_URL = "http://immich-sim.local"


class SyncASGITransport(httpx.BaseTransport):
    """A synchronous httpx transport in front of an ASGI app."""

    def __init__(self, app: Any) -> None:
        self._inner = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        self._portal_cm = anyio.from_thread.start_blocking_portal()
        self._portal = self._portal_cm.__enter__()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        status, headers, content = self._portal.call(self._exchange, request)
        return httpx.Response(status, headers=headers, content=content, request=request)

    async def _exchange(
        self, request: httpx.Request
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        try:
            response = await self._inner.handle_async_request(request)
            content = await response.aread()
        except DroppedConnection:
            raise httpx.RemoteProtocolError(
                "server closed the connection without sending a complete answer", request=request
            ) from None
        return response.status_code, response.headers.raw, content

    def close(self) -> None:
        self._portal_cm.__exit__(None, None, None)


class InProcessSimulator(Closing):
    """A Simulator plus a transport to it; ``client()`` gives ImmichClients bound to it.

    Use as a context manager (it owns a background event-loop thread).
    """

    def __init__(self, config: SimConfig | None = None, **settings: Any) -> None:
        config = config if config is not None else SimConfig(time_scale=0.0)
        if settings:
            config = attrs.evolve(config, **settings)
        self.simulator = Simulator(config)
        self.transport = SyncASGITransport(self.simulator.app)
        self.base_url = BASE_URL
        self.api_url = f"{BASE_URL}/api"
        self.control = SimControl(BASE_URL, config.api_key, transport=self.transport)

    @property
    def api_key(self) -> str:
        return self.simulator.config.api_key

    def client(self, **options: Any) -> ImmichClient:
        """An ImmichClient for this simulator (options as for ImmichClient)."""
        options.setdefault("transport", self.transport)
        api_key = options.pop("api_key", self.api_key)
        return ImmichClient(self.api_url, api_key, **options)

    def close(self) -> None:
        self.control.close()
        self.transport.close()
