"""Full assets: reading them, and keeping every copy we hold in step with our own writes.

Whatever the strategy, a decision must see the library as it is after the engine's earlier
writes: that is what makes every preset reach the same final state. A DTO read from the server
after a write already shows it; a DTO read before (the wrapper of the asset being processed, a
cached duplicate member) is patched here when the write is made, and a write still waiting in a
batch is laid over any DTO read from the server until it is sent. Tags are identified by name,
as the rules see them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from autotag.immich.client import ImmichClient
from autotag.immich.dto import Asset, Tag
from autotag.immich.unset import UNSET

if TYPE_CHECKING:
    from autotag.engine.tag_index import TagIndex


class AssetStore:
    """Hands out full assets (with their tags) and tracks the copies of each asset's DTO.

    ``cache=False`` (the baseline): every ``fetch`` is a getAssetInfo; copies are tracked only
    until ``end_asset`` closes the asset being processed. ``cache=True``: the duplicate-group
    members (seeded from the duplicates listing) are kept for the run, so each is read at most
    once; other assets are still forgotten after their turn.
    With a tag index (tags read through tag searches) a DTO without tags gets them from the index
    instead of from a getAssetInfo.
    """

    def __init__(self, client: ImmichClient, *, cache: bool) -> None:
        self._client = client
        self._cache_enabled = cache
        self._cache: dict[str, Asset] = {}
        self._live: defaultdict[str, list[Asset]] = defaultdict(list)
        # Tag changes made but not yet sent (batched writes): name -> Tag to add, None to remove.
        self._pending: defaultdict[str, dict[str, Tag | None]] = defaultdict(dict)
        self.tag_index: TagIndex | None = None

    # -- reading --------------------------------------------------------------------------
    def fetch(self, asset_id: str) -> Asset:
        """The asset with its tags: from the run cache, the tag index, or one getAssetInfo."""
        cached = self._cache.get(asset_id)
        if cached is not None:
            if cached.tags is UNSET:
                self._complete(cached)
            return cached
        asset = self._client.get_asset_info(asset_id)
        self._overlay_pending(asset)
        self._keep(asset)
        return asset

    def _complete(self, asset: Asset) -> None:
        """Give a tag-less cached DTO its tags (from the index, else one getAssetInfo)."""
        if self.tag_index is not None:
            asset.tags = self.tag_index.tags_of(asset.id)
            return
        full = self._client.get_asset_info(asset.id)
        self._overlay_pending(full)
        asset.tags = full.tags
        if asset.exif_info is UNSET:
            asset.exif_info = full.exif_info

    def with_known_tags(self, hit: Asset) -> Asset:
        """A search hit carrying the tags the index knows (tags read through tag searches)."""
        assert self.tag_index is not None
        cached = self._cache.get(hit.id)
        if cached is not None:
            if cached.tags is UNSET:
                cached.tags = self.tag_index.tags_of(hit.id)
            return cached
        asset = attrs.evolve(hit, tags=self.tag_index.tags_of(hit.id))
        self._live[asset.id].append(asset)
        return asset

    def seed(self, assets: Iterable[Asset]) -> None:
        """Cache DTOs obtained in bulk (duplicate-group members); tags are filled when needed."""
        if not self._cache_enabled:
            return
        for asset in assets:
            self._cache.setdefault(asset.id, asset)

    def _keep(self, asset: Asset) -> None:
        """Cache the duplicate members (read again and again); track any other asset only
        while it is being processed, so memory does not grow with the assets processed."""
        if self._cache_enabled and asset.id in self._cache:
            self._cache[asset.id] = asset
        else:
            self._live[asset.id].append(asset)

    def track(self, asset: Asset) -> None:
        """Keep ``asset`` (a DTO obtained outside ``fetch``) in step with later writes."""
        if self._cache.get(asset.id) is asset:
            return
        self._live[asset.id].append(asset)

    def end_asset(self) -> None:
        """Forget the copies read while processing one asset (the cache stays)."""
        self._live.clear()

    # -- writes ---------------------------------------------------------------------------
    def _copies(self, asset_id: str) -> list[Asset]:
        copies = list(self._live.get(asset_id, ()))
        cached = self._cache.get(asset_id)
        if cached is not None and all(c is not cached for c in copies):
            copies.append(cached)
        return copies

    def apply_tag(self, asset_id: str, tag: Tag, *, added: bool, pending: bool) -> None:
        """Record that ``tag`` was added to / removed from ``asset_id`` on every copy we hold."""
        if pending:
            self._pending[asset_id][tag.name] = tag if added else None
        if self.tag_index is not None:
            self.tag_index.apply(asset_id, tag, added=added)
        for asset in self._copies(asset_id):
            if asset.tags is not UNSET:
                _set_tag(asset.tags, tag, added)  # type: ignore[arg-type]

    def confirm(self, asset_id: str, tag_name: str) -> None:
        """A batched tag change reached the server: fresh reads show it from now on."""
        changes = self._pending.get(asset_id)
        if changes is not None:
            changes.pop(tag_name, None)
            if not changes:
                del self._pending[asset_id]

    def apply_date(self, asset_id: str, when: datetime) -> None:
        """Record a new dateTimeOriginal (Immich moves fileCreatedAt and localDateTime with it)."""
        for asset in self._copies(asset_id):
            asset.file_created_at = when
            asset.local_date_time = when.replace(tzinfo=asset.local_date_time.tzinfo)
            if asset.exif_info is not UNSET:
                asset.exif_info.date_time_original = when  # type: ignore[union-attr]

    def _overlay_pending(self, asset: Asset) -> None:
        changes = self._pending.get(asset.id)
        if not changes or asset.tags is UNSET:
            return
        for name, tag in changes.items():
            if tag is None:
                asset.tags[:] = [t for t in asset.tags if t.name != name]  # type: ignore[union-attr]
            else:
                _set_tag(asset.tags, tag, True)  # type: ignore[arg-type]


def _set_tag(tags: list[Tag], tag: Tag, added: bool) -> None:
    present = any(t.name == tag.name for t in tags)
    if added and not present:
        tags.append(tag)
    elif not added and present:
        tags[:] = [t for t in tags if t.name != tag.name]
