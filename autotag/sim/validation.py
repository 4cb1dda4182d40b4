"""Request checks the real server makes: bodies against the contract, UUIDs, paging bounds."""

from __future__ import annotations

import re
from typing import Any

from jsonschema.exceptions import best_match

from autotag.immich.contract import validator
from autotag.sim.library import InvalidRequest

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def validate_body(operation_id: str, body: Any) -> None:
    """Raise InvalidRequest (-> 400) when ``body`` does not follow the operation's schema."""
    compiled = validator(operation_id, "body")
    if compiled is None:
        return
    error = best_match(compiled.iter_errors(body))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "body"
        raise InvalidRequest(f"{where}: {error.message}")


def require_uuid(name: str, value: str) -> str:
    if not _UUID.match(value):
        raise InvalidRequest(f"{name} must be a UUID")
    return value


def require_uuids(name: str, values: list[str]) -> list[str]:
    for value in values:
        if not isinstance(value, str) or not _UUID.match(value):
            raise InvalidRequest(f"each value in {name} must be a UUID")
    return values


def page_and_size(body: dict[str, Any]) -> tuple[int, int]:
    """Immich: page >= 1, 1 <= size <= 1000 (default 250)."""
    page = body.get("page", 1)
    size = body.get("size", 250)
    if not _whole(page) or page < 1:
        raise InvalidRequest("page must be an integer not less than 1")
    if not _whole(size) or not 1 <= size <= 1000:
        raise InvalidRequest("size must be an integer between 1 and 1000")
    return int(page), int(size)


def _whole(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == int(value)
