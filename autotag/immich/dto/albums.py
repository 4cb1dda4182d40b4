"""Albums (AlbumResponseDto). ``assets`` is empty in getAllAlbums and in getAlbumInfo with
``without_assets``; ``asset_count`` is always right."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from autotag.immich.dto.assets import Asset
from autotag.immich.dto.parsing import optional_datetime, parse_datetime
from autotag.immich.dto.users import UserSummary
from autotag.immich.unset import UNSET, Unset


@attrs.define(slots=True)
class AlbumUser:
    """AlbumUserResponseDto: a user the album is shared with, and their role."""

    user: UserSummary
    role: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AlbumUser:
        return cls(user=UserSummary.from_json(data["user"]), role=data["role"])


@attrs.define(slots=True)
class Album:
    """AlbumResponseDto. ``start_date``/``end_date`` are UNSET for an empty album."""

    id: str
    album_name: str
    description: str
    asset_count: int
    assets: list[Asset]
    album_thumbnail_asset_id: str | None
    owner_id: str
    owner: UserSummary
    album_users: list[AlbumUser]
    shared: bool
    has_shared_link: bool
    is_activity_enabled: bool
    created_at: datetime
    updated_at: datetime
    order: str | Unset = UNSET
    start_date: datetime | Unset = UNSET
    end_date: datetime | Unset = UNSET
    last_modified_asset_timestamp: datetime | Unset = UNSET

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Album:
        get = data.get
        return cls(
            id=data["id"],
            album_name=data["albumName"],
            description=data["description"],
            asset_count=data["assetCount"],
            assets=[Asset.from_json(item) for item in data["assets"]],
            album_thumbnail_asset_id=data["albumThumbnailAssetId"],
            owner_id=data["ownerId"],
            owner=UserSummary.from_json(data["owner"]),
            album_users=[AlbumUser.from_json(item) for item in data["albumUsers"]],
            shared=data["shared"],
            has_shared_link=data["hasSharedLink"],
            is_activity_enabled=data["isActivityEnabled"],
            created_at=parse_datetime(data["createdAt"]),
            updated_at=parse_datetime(data["updatedAt"]),
            order=get("order", UNSET),
            start_date=optional_datetime(get("startDate", UNSET)),  # type: ignore[arg-type]
            end_date=optional_datetime(get("endDate", UNSET)),  # type: ignore[arg-type]
            last_modified_asset_timestamp=optional_datetime(  # type: ignore[arg-type]
                get("lastModifiedAssetTimestamp", UNSET)
            ),
        )
