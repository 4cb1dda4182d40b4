"""Albums: list, read, create, delete, add and remove assets."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from autotag.immich.dto import Album, BulkIdResult
from autotag.immich.resources.base import Resource, path_id


class AlbumsApi(Resource):
    def get_all_albums(
        self, *, asset_id: str | None = None, shared: bool | None = None
    ) -> list[Album]:
        """GET /api/albums — every album (``assets`` empty, ``asset_count`` set).

        With ``asset_id`` only the albums that contain that asset.
        """
        params: dict[str, Any] = {}
        if asset_id is not None:
            params["assetId"] = asset_id
        if shared is not None:
            params["shared"] = "true" if shared else "false"
        data = self._session.call("get_all_albums", "GET", "/albums", params=params or None)
        return [Album.from_json(item) for item in data]

    def get_album_info(self, album_id: str, *, without_assets: bool = False) -> Album:
        """GET /api/albums/{id} — one album with its full asset list (unless without_assets)."""
        params = {"withoutAssets": "true"} if without_assets else None
        data = self._session.call(
            "get_album_info", "GET", f"/albums/{path_id(album_id)}", params=params
        )
        return Album.from_json(data)

    def create_album(
        self,
        album_name: str,
        *,
        description: str | None = None,
        asset_ids: Iterable[str] | None = None,
    ) -> Album:
        """POST /api/albums (201)."""
        body: dict[str, Any] = {"albumName": album_name}
        if description is not None:
            body["description"] = description
        if asset_ids is not None:
            body["assetIds"] = list(asset_ids)
        data = self._session.call("create_album", "POST", "/albums", body=body, expect=(201,))
        return Album.from_json(data)

    def delete_album(self, album_id: str) -> None:
        """DELETE /api/albums/{id} (204). Outside the contract file; Immich's shape."""
        self._session.call(
            "delete_album", "DELETE", f"/albums/{path_id(album_id)}", expect=(200, 204)
        )

    def add_assets_to_album(self, album_id: str, asset_ids: Iterable[str]) -> list[BulkIdResult]:
        """PUT /api/albums/{id}/assets — one result per id (error ``duplicate`` if already in)."""
        path = f"/albums/{path_id(album_id)}/assets"
        return self._bulk_ids("add_assets_to_album", "PUT", path, asset_ids)

    def remove_asset_from_album(
        self, album_id: str, asset_ids: Iterable[str]
    ) -> list[BulkIdResult]:
        """DELETE /api/albums/{id}/assets — one result per id (``not_found`` if not in it)."""
        path = f"/albums/{path_id(album_id)}/assets"
        return self._bulk_ids("remove_asset_from_album", "DELETE", path, asset_ids)
