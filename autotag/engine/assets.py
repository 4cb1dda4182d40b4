"""Full assets: reading them (getAssetInfo), and keeping every copy we hold in step with our writes.

Whatever the strategy, a decision must see the library as it is after the engine's own earlier
writes: that is what makes every preset reach the same final state. A DTO read from the server
after a write already shows it; a DTO read before (the wrapper of the asset being processed, a
cached duplicate member, a read that raced a batched write) is patched here when the write is made.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import attrs

from autotag.immich.client import ImmichClient
from autotag.immich.dto import Asset, Tag
from autotag.immich.unset import UNSET


class AssetStore:
    """Reads full assets and tracks the live copies of each asset's DTO.

    ``cache=False`` (the baseline): every ``fetch`` is a getAssetInfo, and the copies are tracked
    only until ``end_asset`` closes the asset being processed. ``cache=True``: an asset is read at
    most once per run and its copy is kept (used for duplicate-group members).
    """

    def __init__(self, client: ImmichClient, *, cache: bool) -> None:
        self._client = client
        self._cache_enabled = cache
        self._cache: dict[str, Asset] = {}
        self._live: defaultdict[str, list[Asset]] = defaultdict(list)
        # Tag changes not yet confirmed by the server (batched writes), applied to fresh reads.
        self._pending: defaultdict[str, dict[str, Tag | None]] = defaultdict(dict)

    def fetch(self, asset_id: str) -> Asset:
        """The full asset: from the run cache when enabled, else one getAssetInfo."""
        if self._cache_enabled:
            cached = self._cache.get(asset_id)
            if cached is not None:
                return cached
        asset = self._client.get_asset_info(asset_id)
        self._overlay_pending(asset)
        if self._cache_enabled:
            self._cache[asset_id] = asset
        else:
            self._live[asset_id].append(asset)
        return asset

    def cached(self, asset_id: str) -> Asset | None:
        return self._cache.get(asset_id)

    def track(self, asset: Asset) -> None:
        """Keep ``asset`` (a DTO obtained outside ``fetch``) in step with later writes."""
        if self._cache_enabled and asset.id in self._cache:
            return
        self._live[asset.id].append(asset)

    def end_asset(self) -> None:
        """Forget the copies read while processing one asset (the cache stays)."""
        self._live.clear()

    def _copies(self, asset_id: str) -> list[Asset]:
        copies = list(self._live.get(asset_id, ()))
        cached = self._cache.get(asset_id)
        if cached is not None and all(c is not cached for c in copies):
            copies.append(cached)
        return copies

    def apply_tag(self, asset_id: str, tag: Tag, *, added: bool, pending: bool) -> None:
        """Record that ``tag`` was added to / removed from ``asset_id`` on every copy we hold."""
        if pending:
            self._pending[asset_id][tag.id] = tag if added else None
        for asset in self._copies(asset_id):
            if asset.tags is UNSET:
                continue
            present = any(t.id == tag.id for t in asset.tags)
            if added and not present:
                asset.tags.append(tag)
            elif not added and present:
                asset.tags[:] = [t for t in asset.tags if t.id != tag.id]

    def apply_date(self, asset_id: str, when: datetime) -> None:
        """Record a new dateTimeOriginal (Immich moves fileCreatedAt and localDateTime with it)."""
        for asset in self._copies(asset_id):
            asset.file_created_at = when
            asset.local_date_time = when.replace(tzinfo=asset.local_date_time.tzinfo)
            if asset.exif_info is not UNSET:
                asset.exif_info.date_time_original = when

    def confirm_pending(self, asset_id: str, tag_id: str) -> None:
        """A batched tag change reached the server: fresh reads show it from now on."""
        changes = self._pending.get(asset_id)
        if changes is not None:
            changes.pop(tag_id, None)
            if not changes:
                del self._pending[asset_id]

    def _overlay_pending(self, asset: Asset) -> None:
        changes = self._pending.get(asset.id)
        if not changes or asset.tags is UNSET:
            return
        kept = [t for t in asset.tags if t.id not in changes]
        kept.extend(tag for tag in changes.values() if tag is not None)
        asset.tags[:] = kept

    @property
    def cache_size(self) -> int:
        return len(self._cache)


def with_tags(asset: Asset, tags: list[Tag]) -> Asset:
    """A copy of a search hit that carries ``tags`` (read through tag searches)."""
    return attrs.evolve(asset, tags=list(tags))
