"""Assets: AssetResponseDto and what it embeds, search pages, duplicate groups.

Fields absent from the JSON are UNSET (not None): search hits carry no ``tags``, so
``asset.tags is UNSET`` there, while getAssetInfo gives a list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from autotag.immich.dto.parsing import parse_datetime
from autotag.immich.dto.tags import Tag
from autotag.immich.dto.users import UserSummary
from autotag.immich.unset import UNSET, Unset


@attrs.define(slots=True)
class ExifInfo:
    """ExifResponseDto. Every field may be null or absent; absent ones are None here."""

    date_time_original: datetime | None = None
    time_zone: str | None = None
    modify_date: datetime | None = None
    make: str | None = None
    model: str | None = None
    lens_model: str | None = None
    description: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    exif_image_width: float | None = None
    exif_image_height: float | None = None
    file_size_in_byte: float | None = None
    orientation: str | None = None
    f_number: float | None = None
    focal_length: float | None = None
    iso: float | None = None
    exposure_time: str | None = None
    projection_type: str | None = None
    rating: float | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExifInfo:
        get = data.get
        dto = get("dateTimeOriginal")
        modify = get("modifyDate")
        return cls(
            date_time_original=parse_datetime(dto) if dto else None,
            time_zone=get("timeZone"),
            modify_date=parse_datetime(modify) if modify else None,
            make=get("make"),
            model=get("model"),
            lens_model=get("lensModel"),
            description=get("description"),
            city=get("city"),
            state=get("state"),
            country=get("country"),
            latitude=get("latitude"),
            longitude=get("longitude"),
            exif_image_width=get("exifImageWidth"),
            exif_image_height=get("exifImageHeight"),
            file_size_in_byte=get("fileSizeInByte"),
            orientation=get("orientation"),
            f_number=get("fNumber"),
            focal_length=get("focalLength"),
            iso=get("iso"),
            exposure_time=get("exposureTime"),
            projection_type=get("projectionType"),
            rating=get("rating"),
        )


@attrs.define(slots=True)
class Person:
    """PersonWithFacesResponseDto, without the face boxes."""

    id: str
    name: str
    is_hidden: bool
    birth_date: str | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Person:
        return cls(
            id=data["id"],
            name=data["name"],
            is_hidden=data["isHidden"],
            birth_date=data.get("birthDate"),
        )


@attrs.define(slots=True)
class AssetStack:
    """AssetStackResponseDto."""

    id: str
    primary_asset_id: str
    asset_count: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AssetStack:
        return cls(
            id=data["id"],
            primary_asset_id=data["primaryAssetId"],
            asset_count=data["assetCount"],
        )


def _tags(value: list[dict[str, Any]] | Unset) -> list[Tag] | Unset:
    if value is UNSET:
        return UNSET
    return [Tag.from_json(item) for item in value]  # type: ignore[union-attr]


@attrs.define(slots=True)
class Asset:
    """AssetResponseDto (the full asset from getAssetInfo, or a search/album/duplicate hit)."""

    id: str
    type: str
    original_path: str
    original_file_name: str
    checksum: str
    owner_id: str
    device_id: str
    device_asset_id: str
    file_created_at: datetime
    file_modified_at: datetime
    local_date_time: datetime
    created_at: datetime
    updated_at: datetime
    is_favorite: bool
    is_archived: bool
    is_trashed: bool
    is_offline: bool
    is_edited: bool
    has_metadata: bool
    visibility: str
    duration: str
    thumbhash: str | None
    width: float | None
    height: float | None
    original_mime_type: str | Unset = UNSET
    duplicate_id: str | Unset | None = UNSET
    library_id: str | Unset | None = UNSET
    live_photo_video_id: str | Unset | None = UNSET
    exif_info: ExifInfo | Unset = UNSET
    tags: list[Tag] | Unset = UNSET
    people: list[Person] | Unset = UNSET
    owner: UserSummary | Unset = UNSET
    stack: AssetStack | Unset | None = UNSET

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Asset:
        get = data.get
        exif = get("exifInfo", UNSET)
        people = get("people", UNSET)
        owner = get("owner", UNSET)
        stack = get("stack", UNSET)
        return cls(
            id=data["id"],
            type=data["type"],
            original_path=data["originalPath"],
            original_file_name=data["originalFileName"],
            checksum=data["checksum"],
            owner_id=data["ownerId"],
            device_id=data["deviceId"],
            device_asset_id=data["deviceAssetId"],
            file_created_at=parse_datetime(data["fileCreatedAt"]),
            file_modified_at=parse_datetime(data["fileModifiedAt"]),
            local_date_time=parse_datetime(data["localDateTime"]),
            created_at=parse_datetime(data["createdAt"]),
            updated_at=parse_datetime(data["updatedAt"]),
            is_favorite=data["isFavorite"],
            is_archived=data["isArchived"],
            is_trashed=data["isTrashed"],
            is_offline=data["isOffline"],
            is_edited=data["isEdited"],
            has_metadata=data["hasMetadata"],
            visibility=data["visibility"],
            duration=data["duration"],
            thumbhash=data["thumbhash"],
            width=data["width"],
            height=data["height"],
            original_mime_type=get("originalMimeType", UNSET),
            duplicate_id=get("duplicateId", UNSET),
            library_id=get("libraryId", UNSET),
            live_photo_video_id=get("livePhotoVideoId", UNSET),
            exif_info=UNSET if exif is UNSET else ExifInfo.from_json(exif),
            tags=_tags(get("tags", UNSET)),
            people=UNSET if people is UNSET else [Person.from_json(p) for p in people],
            owner=UNSET if owner is UNSET else UserSummary.from_json(owner),
            stack=stack if stack is UNSET or stack is None else AssetStack.from_json(stack),
        )

    @property
    def date_time_original(self) -> datetime | Unset | None:
        """EXIF dateTimeOriginal, UNSET when the asset came without exifInfo."""
        if self.exif_info is UNSET:
            return UNSET
        return self.exif_info.date_time_original  # type: ignore[union-attr]


@attrs.define(slots=True)
class SearchPage:
    """One page of searchAssets: the hits and the number of the next page (None on the last)."""

    items: list[Asset]
    count: int
    total: int
    next_page: int | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SearchPage:
        assets = data["assets"]
        next_page = assets["nextPage"]
        return cls(
            items=[Asset.from_json(item) for item in assets["items"]],
            count=assets["count"],
            total=assets["total"],
            next_page=int(next_page) if next_page is not None else None,
        )


@attrs.define(slots=True)
class DuplicateGroup:
    """DuplicateResponseDto: one Immich duplicate group."""

    duplicate_id: str
    assets: list[Asset]
    suggested_keep_asset_ids: list[str]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DuplicateGroup:
        return cls(
            duplicate_id=data["duplicateId"],
            assets=[Asset.from_json(item) for item in data["assets"]],
            suggested_keep_asset_ids=list(data["suggestedKeepAssetIds"]),
        )
