"""Typed errors of the Immich client.

Every message names the client operation (``get_asset_info: ...``) and never contains the API key.
"""

from __future__ import annotations

from autotag.errors import AutotagError


class ImmichError(AutotagError):
    """Base class: a request to the Immich server failed."""

    def __init__(self, operation: str, message: str, *, status: int | None = None) -> None:
        super().__init__(f"{operation}: {message}")
        self.operation = operation
        self.status = status


class NetworkError(ImmichError):
    """No usable answer: connection refused, timeout, dropped connection, unreadable body."""


class AuthenticationError(ImmichError):
    """The server rejected the API key (HTTP 401 or 403)."""


class NotFoundError(ImmichError):
    """The asset, album or tag does not exist (HTTP 404)."""


class BadRequestError(ImmichError):
    """The server refused the request as malformed or not allowed (HTTP 400 and other 4xx)."""


class RateLimitedError(ImmichError):
    """HTTP 429. ``retry_after`` is the server's Retry-After in seconds, or None if it sent none."""

    def __init__(self, operation: str, message: str, *, retry_after: float | None) -> None:
        super().__init__(operation, message, status=429)
        self.retry_after = retry_after


class ServerError(ImmichError):
    """HTTP 5xx, or a 2xx answer whose body is not the JSON the operation returns."""
