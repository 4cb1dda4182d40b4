"""Server information: version and library statistics."""

from __future__ import annotations

from typing import Any

import attrs


@attrs.define(slots=True)
class ServerVersion:
    """ServerVersionResponseDto."""

    major: int
    minor: int
    patch: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ServerVersion:
        return cls(major=data["major"], minor=data["minor"], patch=data["patch"])

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


@attrs.define(slots=True)
class ServerStatistics:
    """ServerStatsResponseDto (``GET /api/server/statistics``, admin), without per-user rows."""

    photos: int
    videos: int
    usage: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ServerStatistics:
        return cls(photos=data["photos"], videos=data["videos"], usage=data["usage"])

    @property
    def total_assets(self) -> int:
        return self.photos + self.videos
