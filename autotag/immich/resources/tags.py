"""Tags: list, read, create, upsert, delete; tag and untag assets."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from autotag.immich.dto import BulkIdResult, Tag
from autotag.immich.resources.base import Resource, path_id


class TagsApi(Resource):
    def get_all_tags(self) -> list[Tag]:
        """GET /api/tags."""
        data = self._session.call("get_all_tags", "GET", "/tags")
        return [Tag.from_json(item) for item in data]

    def get_tag_by_id(self, tag_id: str) -> Tag:
        """GET /api/tags/{id}."""
        return Tag.from_json(self._session.call("get_tag_by_id", "GET", f"/tags/{path_id(tag_id)}"))

    def create_tag(
        self, name: str, *, parent_id: str | None = None, color: str | None = None
    ) -> Tag:
        """POST /api/tags (201). BadRequestError (400) if the tag already exists."""
        body: dict[str, Any] = {"name": name}
        if parent_id is not None:
            body["parentId"] = parent_id
        if color is not None:
            body["color"] = color
        data = self._session.call("create_tag", "POST", "/tags", body=body, expect=(201,))
        return Tag.from_json(data)

    def upsert_tags(self, names: Iterable[str]) -> list[Tag]:
        """PUT /api/tags — the tags with these values (paths ``a/b/c``), created when missing."""
        data = self._session.call("upsert_tags", "PUT", "/tags", body={"tags": list(names)})
        return [Tag.from_json(item) for item in data]

    def delete_tag(self, tag_id: str) -> None:
        """DELETE /api/tags/{id} (204); its child tags go with it."""
        self._session.call("delete_tag", "DELETE", f"/tags/{path_id(tag_id)}", expect=(200, 204))

    def tag_assets(self, tag_id: str, asset_ids: Iterable[str]) -> list[BulkIdResult]:
        """PUT /api/tags/{id}/assets — one result per id (error ``duplicate`` if already tagged)."""
        return self._bulk_ids("tag_assets", "PUT", f"/tags/{path_id(tag_id)}/assets", asset_ids)

    def untag_assets(self, tag_id: str, asset_ids: Iterable[str]) -> list[BulkIdResult]:
        """DELETE /api/tags/{id}/assets — one result per id (``not_found`` if not tagged)."""
        path = f"/tags/{path_id(tag_id)}/assets"
        return self._bulk_ids("untag_assets", "DELETE", path, asset_ids)

    def bulk_tag_assets(self, tag_ids: Iterable[str], asset_ids: Iterable[str]) -> int:
        """PUT /api/tags/assets — every tag onto every asset; returns Immich's ``count``."""
        body = {"tagIds": list(tag_ids), "assetIds": list(asset_ids)}
        data = self._session.call("bulk_tag_assets", "PUT", "/tags/assets", body=body)
        return int(data["count"])
