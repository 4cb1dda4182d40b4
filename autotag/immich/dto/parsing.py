"""Small, fast converters between wire values and Python values."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from autotag.immich.unset import UNSET, Unset

_CAMEL_BOUNDARY = re.compile(r"_([a-z])")


def camel(name: str) -> str:
    """snake_case attribute name -> camelCase wire name (``tag_ids`` -> ``tagIds``)."""
    return _CAMEL_BOUNDARY.sub(lambda match: match.group(1).upper(), name)


def parse_datetime(text: str) -> datetime:
    """Parse Immich's ISO 8601 timestamps (``2019-07-14T10:15:00.000Z``), on Python 3.10 too."""
    if text[-1:] == "Z":
        text = text[:-1] + "+00:00"
    return datetime.fromisoformat(text)


def optional_datetime(value: str | Unset | None) -> datetime | Unset | None:
    """Like parse_datetime, but None and UNSET pass through."""
    if value is None or value is UNSET:
        return value
    return parse_datetime(value)  # type: ignore[arg-type]


def format_datetime(value: datetime | str) -> str:
    """A request timestamp: strings pass unchanged; datetimes keep their UTC offset."""
    if isinstance(value, str):
        return value
    return value.isoformat(timespec="milliseconds")


def wire_value(value: Any) -> Any:
    """Convert a request field for JSON: datetimes to ISO strings, the rest unchanged."""
    if isinstance(value, datetime):
        return format_datetime(value)
    return value
