"""ImmichClient: the typed client the engine uses, against a real Immich or the simulator."""

from __future__ import annotations

import httpx

from autotag.closing import Closing
from autotag.immich.resources.albums import AlbumsApi
from autotag.immich.resources.assets import AssetsApi
from autotag.immich.resources.server import ServerApi
from autotag.immich.resources.tags import TagsApi
from autotag.immich.retry import RetryPolicy
from autotag.immich.session import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    ApiSession,
)
from autotag.immich.stats import RequestStats


class ImmichClient(Closing, AssetsApi, AlbumsApi, TagsApi, ServerApi):
    """One client per run: one httpx.Client (keep-alive), header ``x-api-key``, typed errors.

    ``base_url`` is ``http://host:port`` or ``http://host:port/api``. ``keep_alive=False`` opens a
    new connection for every request. ``stats`` counts requests and seconds per operation.
    ``retry`` (a RetryPolicy) re-sends failed requests that are safe to repeat; None: never.
    ``max_in_flight`` bounds the requests threads sharing the client send at once, adapting
    down on 429 answers (None: no bound).
    ``transport`` replaces the network (e.g. the in-process simulator transport in tests).
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        keep_alive: bool = True,
        transport: httpx.BaseTransport | None = None,
        stats: RequestStats | None = None,
        retry: RetryPolicy | None = None,
        max_in_flight: int | None = None,
    ) -> None:
        self._session = ApiSession(
            base_url,
            api_key,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            keep_alive=keep_alive,
            transport=transport,
            stats=stats,
            retry=retry,
            max_in_flight=max_in_flight,
        )

    @property
    def base_url(self) -> str:
        """The API base URL, ending in ``/api``."""
        return self._session.base_url

    @property
    def stats(self) -> RequestStats:
        return self._session.stats

    @property
    def last_call_retried(self) -> bool:
        """Whether this thread's last request had to be sent more than once."""
        return self._session.last_call_retried

    @property
    def keep_alive(self) -> bool:
        return self._session.keep_alive

    def close(self) -> None:
        self._session.close()

    def __repr__(self) -> str:
        return f"ImmichClient({self.base_url!r}, keep_alive={self.keep_alive})"
