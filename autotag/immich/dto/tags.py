"""Tags: hierarchical, ``value`` is the full path (``places/Spain/Madrid``), ``name`` the leaf."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from autotag.immich.dto.parsing import parse_datetime
from autotag.immich.unset import UNSET, Unset


@attrs.define(slots=True)
class Tag:
    """TagResponseDto."""

    id: str
    name: str
    value: str
    created_at: datetime
    updated_at: datetime
    parent_id: str | Unset = UNSET
    color: str | Unset = UNSET

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Tag:
        return cls(
            id=data["id"],
            name=data["name"],
            value=data["value"],
            created_at=parse_datetime(data["createdAt"]),
            updated_at=parse_datetime(data["updatedAt"]),
            parent_id=data.get("parentId", UNSET),
            color=data.get("color", UNSET),
        )
