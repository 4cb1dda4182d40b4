"""Error answers in Immich's shape: ``{"message", "error", "statusCode"}``."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """Immich's error body: ``{"message", "error", "statusCode"}``."""
    body = {"message": message, "error": _REASONS.get(status, "Error"), "statusCode": status}
    return JSONResponse(body, status_code=status, headers=headers)
