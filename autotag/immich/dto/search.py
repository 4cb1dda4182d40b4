"""The request body of searchAssets (MetadataSearchDto): only the fields that are set are sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from autotag.immich.dto.parsing import camel, wire_value
from autotag.immich.unset import UNSET, Unset


@attrs.define(slots=True, kw_only=True)
class MetadataSearch:
    """Filters and paging for ``POST /api/search/metadata``.

    ``page`` starts at 1; ``size`` defaults to 250 on the server (max 1000). Fields left UNSET
    or None are not sent, except ``tag_ids=None``, sent as JSON null: assets without tags.
    """

    page: int | Unset | None = UNSET
    size: int | Unset | None = UNSET
    id: str | Unset = UNSET
    tag_ids: list[str] | Unset | None = UNSET
    album_ids: list[str] | Unset = UNSET
    person_ids: list[str] | Unset = UNSET
    original_path: str | Unset = UNSET
    original_file_name: str | Unset = UNSET
    checksum: str | Unset = UNSET
    device_id: str | Unset = UNSET
    type: str | Unset = UNSET
    visibility: str | Unset = UNSET
    is_favorite: bool | Unset = UNSET
    is_not_in_album: bool | Unset = UNSET
    is_offline: bool | Unset = UNSET
    taken_after: datetime | str | Unset = UNSET
    taken_before: datetime | str | Unset = UNSET
    created_after: datetime | str | Unset = UNSET
    created_before: datetime | str | Unset = UNSET
    updated_after: datetime | str | Unset = UNSET
    updated_before: datetime | str | Unset = UNSET
    order: str | Unset = UNSET
    with_exif: bool | Unset = UNSET
    with_people: bool | Unset = UNSET
    with_stacked: bool | Unset = UNSET
    with_deleted: bool | Unset = UNSET

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        for name, wire in _WIRE_NAMES:
            value = getattr(self, name)
            if value is UNSET or (value is None and name not in _NULLABLE):
                continue
            body[wire] = wire_value(value)
        return body


_NULLABLE = frozenset({"tag_ids"})
_WIRE_NAMES: tuple[tuple[str, str], ...] = tuple(
    (field.name, camel(field.name)) for field in attrs.fields(MetadataSearch)
)
