"""Immich duplicate groups: read once per run (getAssetDuplicates), when first needed."""

from __future__ import annotations

from collections.abc import Callable

from autotag.immich.client import ImmichClient
from autotag.immich.dto import Asset


class DuplicateCollection:
    def __init__(self, client: ImmichClient) -> None:
        self._client = client
        self._groups: dict[str, list[str]] | None = None
        # Called with every member's DTO when the groups are read (the run cache keeps them).
        self.on_members: Callable[[list[Asset]], None] | None = None

    def _load(self) -> dict[str, list[str]]:
        if self._groups is None:
            groups = self._client.get_asset_duplicates()
            self._groups = {
                group.duplicate_id: [asset.id for asset in group.assets] for group in groups
            }
            if self.on_members is not None:
                self.on_members([asset for group in groups for asset in group.assets])
        return self._groups

    def load(self) -> None:
        self._load()

    def members(self, duplicate_id: str) -> list[str]:
        """Asset ids of the group, the asset itself included (empty for an unknown group)."""
        return list(self._load().get(duplicate_id, ()))
