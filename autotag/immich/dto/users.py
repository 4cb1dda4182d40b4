"""Users: the album/asset owner summary and the current user."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from autotag.immich.dto.parsing import optional_datetime, parse_datetime
from autotag.immich.unset import UNSET, Unset


@attrs.define(slots=True)
class UserSummary:
    """UserResponseDto: a user as embedded in albums and assets."""

    id: str
    email: str
    name: str
    avatar_color: str
    profile_image_path: str
    profile_changed_at: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UserSummary:
        return cls(
            id=data["id"],
            email=data["email"],
            name=data["name"],
            avatar_color=data["avatarColor"],
            profile_image_path=data["profileImagePath"],
            profile_changed_at=data["profileChangedAt"],
        )


@attrs.define(slots=True)
class User:
    """UserAdminResponseDto: the current user (getMyUser)."""

    id: str
    email: str
    name: str
    is_admin: bool
    status: str
    avatar_color: str
    storage_label: str | None
    quota_size_in_bytes: float | None
    quota_usage_in_bytes: float | None
    should_change_password: bool
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | Unset | None = UNSET

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> User:
        return cls(
            id=data["id"],
            email=data["email"],
            name=data["name"],
            is_admin=data["isAdmin"],
            status=data["status"],
            avatar_color=data["avatarColor"],
            storage_label=data.get("storageLabel"),
            quota_size_in_bytes=data.get("quotaSizeInBytes"),
            quota_usage_in_bytes=data.get("quotaUsageInBytes"),
            should_change_password=data["shouldChangePassword"],
            created_at=parse_datetime(data["createdAt"]),
            updated_at=parse_datetime(data["updatedAt"]),
            deleted_at=optional_datetime(data.get("deletedAt", UNSET)),
        )
