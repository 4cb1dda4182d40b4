"""The HTTP layer under the client: one httpx.Client, error mapping, instrumentation.

Every request goes through ``ApiSession.call``, which turns transport failures and error statuses
into the typed errors of ``autotag.immich.errors`` and records requests and seconds per operation.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Collection
from typing import Any

import httpx

from autotag.immich.errors import (
    AuthenticationError,
    BadRequestError,
    ImmichError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)
from autotag.immich.limit import AdaptiveLimit
from autotag.immich.retry import RetryPolicy
from autotag.immich.stats import RequestStats

DEFAULT_CONNECT_TIMEOUT = 5.0
#: Immich answers most calls in well under a second, but an album with 100k assets took 12.5 s.
DEFAULT_READ_TIMEOUT = 60.0
_MESSAGE_LIMIT = 300


def api_base_url(url: str) -> str:
    """``http://host:port`` or ``http://host:port/api`` (with or without ``/``) -> ``.../api``."""
    url = url.rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"the server URL must start with http:// or https://, got {url!r}")
    return url if url.endswith("/api") else url + "/api"


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (numeric form; the simulator may send fractions), or None."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(seconds, 0.0)


class ApiSession:
    """One keep-alive httpx.Client bound to an Immich server and an API key."""

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
        self.base_url = api_base_url(base_url)
        self.retry = retry
        # Several threads share this session: at most this many requests at once, fewer while
        # the server answers 429 (None: no limit, as for one thread).
        self.limit = AdaptiveLimit(max_in_flight) if max_in_flight else None
        self._local = threading.local()
        # After a 429, nobody sends before this moment (monotonic clock): backpressure for every
        # thread sharing the client, not just the one that was refused.
        self._hold_until = 0.0
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.keep_alive = keep_alive
        self.stats = stats if stats is not None else RequestStats()
        self._api_key = api_key
        headers = {"x-api-key": api_key, "accept": "application/json"}
        if not keep_alive:
            headers["connection"] = "close"
        self._http = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(
                connect=connect_timeout, read=read_timeout, write=read_timeout, pool=read_timeout
            ),
            limits=httpx.Limits(max_keepalive_connections=20 if keep_alive else 0),
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: dict[str, Any] | None = None,
        expect: Collection[int] = (200,),
    ) -> Any:
        """Send one request (again, per the retry policy); return the decoded JSON or raise.

        ``last_call_retried`` tells the caller (in its thread) whether the answer came from a
        repeated request — a write that was applied before its answer got lost then reports its
        ids as already done.
        """
        self._local.retried = False
        attempt = 1
        while True:
            try:
                return self._send(operation, method, path, body, params, expect)
            except ImmichError as error:
                policy = self.retry
                if policy is None or not policy.retryable(operation, error):
                    raise
                if attempt >= policy.attempts:
                    raise _exhausted(error, f"gave up after {attempt} attempts") from error
                if not policy.take():
                    raise _exhausted(error, "the run's retry budget is exhausted") from error
                wait = policy.delay(attempt, error)
                if isinstance(error, RateLimitedError):
                    self._hold_until = max(self._hold_until, time.monotonic() + wait)
                self.stats.record_retry(operation)
                self._local.retried = True
                time.sleep(wait)
                attempt += 1

    @property
    def last_call_retried(self) -> bool:
        return getattr(self._local, "retried", False)

    def _send(
        self,
        operation: str,
        method: str,
        path: str,
        body: Any,
        params: dict[str, Any] | None,
        expect: Collection[int],
    ) -> Any:
        hold = self._hold_until - time.monotonic()
        if hold > 0:
            time.sleep(hold)
        limit = self.limit
        if limit is not None:
            limit.acquire()
        started = time.perf_counter()
        ok = throttled = False
        try:
            try:
                response = self._http.request(method, path, json=body, params=params)
            except httpx.TimeoutException as exc:
                raise NetworkError(operation, self._timeout_message(method, path, exc)) from exc
            except httpx.TransportError as exc:
                raise NetworkError(operation, self._transport_message(method, path, exc)) from exc
            if response.status_code not in expect:
                throttled = response.status_code == 429
                raise self._status_error(operation, method, path, response)
            result = self._decode(operation, method, path, response)
            ok = True
            return result
        finally:
            self.stats.record(operation, time.perf_counter() - started, ok=ok)
            if limit is not None:
                limit.release(throttled=throttled)

    def _where(self, method: str, path: str) -> str:
        return f"{method} {self.base_url}{path}"

    def _timeout_message(self, method: str, path: str, exc: httpx.TimeoutException) -> str:
        if isinstance(exc, httpx.ConnectTimeout):
            return (
                f"cannot connect for {self._where(method, path)} within {self.connect_timeout:g} s"
            )
        return f"no answer to {self._where(method, path)} within {self.read_timeout:g} s"

    def _transport_message(self, method: str, path: str, exc: httpx.TransportError) -> str:
        if isinstance(exc, httpx.ConnectError):
            return f"cannot connect for {self._where(method, path)}: {self._clean(str(exc))}"
        reason = self._clean(str(exc)) or type(exc).__name__
        return f"connection lost during {self._where(method, path)}: {reason}"

    def _status_error(
        self, operation: str, method: str, path: str, response: httpx.Response
    ) -> ImmichError:
        status = response.status_code
        detail = self._server_message(response)
        where = self._where(method, path)
        suffix = f": {detail}" if detail else ""
        if status in (401, 403):
            return AuthenticationError(
                operation,
                f"the server rejected the API key (HTTP {status} on {where}){suffix}",
                status=status,
            )
        if status == 404:
            return NotFoundError(operation, f"not found (HTTP 404 on {where}){suffix}", status=404)
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            wait = f"; retry after {retry_after:g} s" if retry_after is not None else ""
            return RateLimitedError(
                operation, f"rate limited (HTTP 429 on {where}){wait}", retry_after=retry_after
            )
        if status >= 500:
            return ServerError(
                operation, f"server error HTTP {status} on {where}{suffix}", status=status
            )
        return BadRequestError(operation, f"HTTP {status} on {where}{suffix}", status=status)

    def _decode(self, operation: str, method: str, path: str, response: httpx.Response) -> Any:
        content = response.content
        if not content:
            return None
        try:
            return json.loads(content)
        except ValueError:
            raise ServerError(
                operation,
                f"the answer to {self._where(method, path)} is not JSON",
                status=response.status_code,
            ) from None

    def _server_message(self, response: httpx.Response) -> str:
        """Immich's error body is ``{"message": ..., "error": ..., "statusCode": ...}``."""
        try:
            payload = json.loads(response.content)
            message = payload.get("message", "") if isinstance(payload, dict) else ""
        except ValueError:
            message = response.text
        if isinstance(message, list):
            message = "; ".join(str(item) for item in message)
        return self._clean(str(message))

    def _clean(self, text: str) -> str:
        """One line, bounded length, and never the API key."""
        text = " ".join(text.split())
        if self._api_key:
            text = text.replace(self._api_key, "***")
        if len(text) > _MESSAGE_LIMIT:
            text = text[: _MESSAGE_LIMIT - 3] + "..."
        return text


def _exhausted(error: ImmichError, why: str) -> ImmichError:
    """``error`` again, saying why it is not retried any more."""
    message = f"{str(error).split(': ', 1)[1]} ({why})"
    if isinstance(error, RateLimitedError):
        return RateLimitedError(error.operation, message, retry_after=error.retry_after)
    return type(error)(error.operation, message, status=error.status)
