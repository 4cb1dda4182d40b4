"""Per-id results of bulk writes (BulkIdResponseDto)."""

from __future__ import annotations

from typing import Any

import attrs

from autotag.immich.unset import UNSET, Unset


@attrs.define(slots=True)
class BulkIdResult:
    """One id of a bulk write: success, or an error (duplicate, no_permission, not_found, ...)."""

    id: str
    success: bool
    error: str | Unset = UNSET
    error_message: str | Unset = UNSET

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BulkIdResult:
        return cls(
            id=data["id"],
            success=data["success"],
            error=data.get("error", UNSET),
            error_message=data.get("errorMessage", UNSET),
        )
