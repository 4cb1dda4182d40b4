"""Write-back: every change the engine makes to the library goes through the Writer.

Each write is one request for one asset (``BulkIdsDto`` with one id), as the real tool sends
them. The local view (the asset's DTOs, the album map) is updated at once, so the rest of the
pipeline sees the change; the modification report gets a line only for what the server confirmed.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING

from autotag.engine.report import ChangeKind

if TYPE_CHECKING:
    from autotag.engine.context import EngineContext
    from autotag.engine.wrapper import AssetResponseWrapper


class Writer:
    def __init__(self, context: EngineContext) -> None:
        self._ctx = context
        self.tag_added: Counter[str] = Counter()
        self.tag_removed: Counter[str] = Counter()

    # -- tags -----------------------------------------------------------------------------
    def add_tag(self, wrapper: AssetResponseWrapper, name: str) -> None:
        ctx = self._ctx
        tag = ctx.tags.get_or_create(name)
        for result in ctx.client.tag_assets(tag.id, [wrapper.id]):
            if result.success:
                ctx.report.record(ChangeKind.ADD_TAG, result.id, name)
                self.tag_added[name] += 1
        ctx.assets.apply_tag(wrapper.id, tag, added=True, pending=False)
        self._after_tag_write(wrapper)

    def remove_tag(self, wrapper: AssetResponseWrapper, name: str) -> None:
        ctx = self._ctx
        tag = ctx.tags.find(name)
        if tag is None:
            return
        for result in ctx.client.untag_assets(tag.id, [wrapper.id]):
            if result.success:
                ctx.report.record(ChangeKind.REMOVE_TAG, result.id, name)
                self.tag_removed[name] += 1
        ctx.assets.apply_tag(wrapper.id, tag, added=False, pending=False)
        self._after_tag_write(wrapper)

    def _after_tag_write(self, wrapper: AssetResponseWrapper) -> None:
        """The pre-lazy code re-read the asset after every tag write."""
        if self._ctx.strategy.refetch_after_write:
            wrapper.set_full_asset(self._ctx.assets.fetch(wrapper.id))

    # -- albums ---------------------------------------------------------------------------
    def add_to_album(self, wrapper: AssetResponseWrapper, album_name: str) -> None:
        """Put the asset into the named album, creating the album when it does not exist."""
        ctx = self._ctx
        entry = ctx.albums.find(album_name)
        if entry is None:
            entry = ctx.albums.create(album_name)
        for result in ctx.client.add_assets_to_album(entry.id, [wrapper.id]):
            if result.success:
                ctx.report.record(ChangeKind.ADD_TO_ALBUM, result.id, album_name)
        ctx.albums.note_added(entry.id, wrapper.id)

    def remove_from_album(self, wrapper: AssetResponseWrapper, album_id: str) -> None:
        ctx = self._ctx
        name = ctx.albums.name_of(album_id)
        for result in ctx.client.remove_asset_from_album(album_id, [wrapper.id]):
            if result.success:
                ctx.report.record(ChangeKind.REMOVE_FROM_ALBUM, result.id, name)
        ctx.albums.note_removed(album_id, wrapper.id)

    # -- dates ----------------------------------------------------------------------------
    def update_date(self, wrapper: AssetResponseWrapper, when: datetime) -> None:
        ctx = self._ctx
        before = wrapper.asset.file_created_at
        ctx.client.update_asset(wrapper.id, date_time_original=when)
        ctx.report.record(
            ChangeKind.UPDATE_DATE, wrapper.id, when.isoformat(), f"was {before.isoformat()}"
        )
        ctx.assets.apply_date(wrapper.id, when)

    @property
    def has_pending(self) -> bool:
        """Writes made but not yet sent (never, in this mode)."""
        return False

    def flush(self) -> None:
        """Nothing is held back in this mode: every write was sent when it was made."""
