"""Immich duplicate groups: read once per run (getAssetDuplicates), when first needed."""

from __future__ import annotations

from autotag.immich.client import ImmichClient


class DuplicateCollection:
    def __init__(self, client: ImmichClient) -> None:
        self._client = client
        self._groups: dict[str, list[str]] | None = None

    def _load(self) -> dict[str, list[str]]:
        if self._groups is None:
            self._groups = {
                group.duplicate_id: [asset.id for asset in group.assets]
                for group in self._client.get_asset_duplicates()
            }
        return self._groups

    def members(self, duplicate_id: str) -> list[str]:
        """Asset ids of the group, the asset itself included (empty for an unknown group)."""
        return list(self._load().get(duplicate_id, ()))

    @property
    def loaded(self) -> bool:
        return self._groups is not None

    def group_count(self) -> int:
        return len(self._load())
