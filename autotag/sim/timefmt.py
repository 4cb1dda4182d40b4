"""Timestamps as Immich writes them: ``2019-07-14T10:15:00.000Z``.

The simulator keeps every date as such a string (UTC, millisecond precision), so that dates
compare correctly as strings and need no formatting when a response is built.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def iso_utc(moment: datetime) -> str:
    """An aware datetime -> canonical UTC string."""
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def iso_local(wall_clock: datetime) -> str:
    """A naive local wall-clock time, labelled ``Z`` as Immich does for ``localDateTime``."""
    return f"{wall_clock:%Y-%m-%dT%H:%M:%S}.{wall_clock.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 timestamp; a missing offset means UTC. Raises ValueError."""
    value = text.strip()
    if value[-1:] in ("Z", "z"):
        value = value[:-1] + "+00:00"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def canonical(text: str) -> str:
    """Any ISO 8601 timestamp -> the canonical UTC string (for comparisons). Raises ValueError."""
    return iso_utc(parse_iso(text))


class LogicalClock:
    """Deterministic ``now`` for server-side timestamps: advances 1 ms per write.

    The same sequence of requests therefore yields the same responses, run after run.
    """

    def __init__(self, start: datetime) -> None:
        self._now = start

    def tick(self) -> str:
        self._now += timedelta(milliseconds=1)
        return iso_utc(self._now)
