"""Assets: search, read, update; duplicate groups."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import attrs

from autotag.immich.dto import Asset, DuplicateGroup, MetadataSearch, SearchPage
from autotag.immich.dto.parsing import wire_value
from autotag.immich.resources.base import Resource, path_id
from autotag.immich.unset import UNSET, Unset


def _search_query(query: MetadataSearch | None, fields: dict[str, Any]) -> MetadataSearch:
    if query is None:
        return MetadataSearch(**fields)
    return attrs.evolve(query, **fields) if fields else query


class AssetsApi(Resource):
    def search_assets(self, query: MetadataSearch | None = None, **fields: Any) -> SearchPage:
        """POST /api/search/metadata — one page. Keyword arguments are MetadataSearch fields.

        Search hits carry no tags (``hit.tags is UNSET``) and no EXIF unless ``with_exif=True``.
        """
        query = _search_query(query, fields)
        data = self._session.call("search_assets", "POST", "/search/metadata", body=query.to_json())
        return SearchPage.from_json(data)

    def iter_search_results(
        self, query: MetadataSearch | None = None, **fields: Any
    ) -> Iterator[Asset]:
        """Every hit of a search, page after page (one search_assets call per page)."""
        query = _search_query(query, fields)
        page: int | None = query.page if isinstance(query.page, int) else 1
        while page is not None:
            result = self.search_assets(query, page=page)
            yield from result.items
            page = result.next_page if result.items else None

    def get_asset_info(self, asset_id: str) -> Asset:
        """GET /api/assets/{id} — the full asset, with tags, EXIF and duplicateId."""
        data = self._session.call("get_asset_info", "GET", f"/assets/{path_id(asset_id)}")
        return Asset.from_json(data)

    def update_asset(
        self,
        asset_id: str,
        *,
        date_time_original: datetime | str | Unset = UNSET,
        description: str | Unset = UNSET,
        is_favorite: bool | Unset = UNSET,
        rating: int | Unset | None = UNSET,
        latitude: float | Unset = UNSET,
        longitude: float | Unset = UNSET,
        visibility: str | Unset = UNSET,
    ) -> Asset:
        """PUT /api/assets/{id} — change dateTimeOriginal (keep its UTC offset) and other fields."""
        changes = {
            "dateTimeOriginal": date_time_original,
            "description": description,
            "isFavorite": is_favorite,
            "rating": rating,
            "latitude": latitude,
            "longitude": longitude,
            "visibility": visibility,
        }
        body = {key: wire_value(value) for key, value in changes.items() if value is not UNSET}
        data = self._session.call("update_asset", "PUT", f"/assets/{path_id(asset_id)}", body=body)
        return Asset.from_json(data)

    def get_asset_duplicates(self) -> list[DuplicateGroup]:
        """GET /api/duplicates — every duplicate group with its assets."""
        data = self._session.call("get_asset_duplicates", "GET", "/duplicates")
        return [DuplicateGroup.from_json(item) for item in data]
