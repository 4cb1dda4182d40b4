"""Write-back: every change the engine makes to the library goes through the Writer.

Each write is one request for one asset (``BulkIdsDto`` with one id), as the real tool sends
them. The local view (the asset's DTOs, the album map) is updated at once, so the rest of the
pipeline sees the change; the modification report gets a line only for what the server confirmed.
"""

from __future__ import annotations

import functools
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from autotag.engine.albums import AlbumEntry
from autotag.engine.pool import WorkerPool
from autotag.engine.report import ChangeKind
from autotag.immich.dto import Tag

if TYPE_CHECKING:
    from autotag.engine.context import EngineContext
    from autotag.engine.wrapper import AssetResponseWrapper


class Writer:
    def __init__(self, context: EngineContext) -> None:
        self._ctx = context
        self.tag_added: Counter[str] = Counter()
        self.tag_removed: Counter[str] = Counter()
        # Called after a flush has sent every write held back (the runner checkpoints there).
        self.on_flushed: Callable[[], None] | None = None

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


@attrs.define
class _Change:
    """The net change of one (tag or album, asset) within a page."""

    before: bool  # membership before the page's first change
    after: bool  # membership after its last change


class BatchWriter(Writer):
    """Collects a page's writes and sends them at ``flush``: one call per tag or album.

    Changes take effect locally at once (the DTOs, the album map, the tag index), so the rest of
    the page decides on the state it would see after immediate writes; a change undone within
    the page is not sent at all. A flush creates the missing tags (one upsertTags), creates new
    albums with their first members (createAlbum with assetIds), then adds and removes per
    album and per tag, then the date corrections — the independent calls up to the pool's
    concurrency at once. Nothing is written twice: the server's per-id answers are reported,
    and a resumed run re-derives whatever a killed flush did not send.
    """

    def __init__(self, context: EngineContext, pool: WorkerPool) -> None:
        super().__init__(context)
        self._pool = pool
        self._count_lock = threading.Lock()
        self._tags: dict[str, dict[str, _Change]] = {}
        self._albums: dict[str, dict[str, _Change]] = {}
        self._dates: dict[str, tuple[datetime, datetime]] = {}

    @staticmethod
    def _note(
        changes: dict[str, _Change], asset_id: str, present_before: bool, wanted: bool
    ) -> None:
        change = changes.get(asset_id)
        if change is None:
            changes[asset_id] = _Change(present_before, wanted)
        else:
            change.after = wanted

    def add_tag(self, wrapper: AssetResponseWrapper, name: str) -> None:
        ctx = self._ctx
        tag = ctx.tags.find(name) or ctx.tags.placeholder(name)
        self._note(self._tags.setdefault(name, {}), wrapper.id, wrapper.has_tag(name), True)
        ctx.assets.apply_tag(wrapper.id, tag, added=True, pending=True)

    def remove_tag(self, wrapper: AssetResponseWrapper, name: str) -> None:
        ctx = self._ctx
        tag = ctx.tags.find(name)
        if tag is None:
            return
        self._note(self._tags.setdefault(name, {}), wrapper.id, wrapper.has_tag(name), False)
        ctx.assets.apply_tag(wrapper.id, tag, added=False, pending=True)

    def add_to_album(self, wrapper: AssetResponseWrapper, album_name: str) -> None:
        ctx = self._ctx
        entry = ctx.albums.find(album_name) or ctx.albums.create_pending(album_name)
        present = entry.id in ctx.albums.album_ids_for_asset(wrapper.id)
        self._note(self._albums.setdefault(entry.id, {}), wrapper.id, present, True)
        ctx.albums.note_added(entry.id, wrapper.id)

    def remove_from_album(self, wrapper: AssetResponseWrapper, album_id: str) -> None:
        ctx = self._ctx
        present = album_id in ctx.albums.album_ids_for_asset(wrapper.id)
        self._note(self._albums.setdefault(album_id, {}), wrapper.id, present, False)
        ctx.albums.note_removed(album_id, wrapper.id)

    def update_date(self, wrapper: AssetResponseWrapper, when: datetime) -> None:
        before = self._dates.get(wrapper.id, (when, wrapper.asset.file_created_at))[1]
        self._dates[wrapper.id] = (when, before)
        self._ctx.assets.apply_date(wrapper.id, when)

    @property
    def has_pending(self) -> bool:
        return bool(self._tags or self._albums or self._dates)

    # -- the flush ------------------------------------------------------------------------
    def flush(self) -> None:
        if not self.has_pending:
            return
        ctx = self._ctx
        tags, albums, dates = self._tags, self._albums, self._dates
        self._tags, self._albums, self._dates = {}, {}, {}
        ctx.tags.resolve_placeholders()
        calls: list[Callable[[], None]] = []
        creations = []
        for album_id, changes in albums.items():
            adds = sorted(a for a, c in changes.items() if c.after and not c.before)
            removes = sorted(a for a, c in changes.items() if c.before and not c.after)
            entry = ctx.albums.entry(album_id)
            if entry.pending:
                creations.append((entry, adds))
                continue
            if adds:
                calls.append(functools.partial(self._album_call, entry.id, entry.name, adds, True))
            if removes:
                calls.append(
                    functools.partial(self._album_call, entry.id, entry.name, removes, False)
                )
        self._pool.map(self._create_album, creations)
        for name, changes in tags.items():
            tag = ctx.tags.find(name)
            assert tag is not None
            adds = sorted(a for a, c in changes.items() if c.after and not c.before)
            removes = sorted(a for a, c in changes.items() if c.before and not c.after)
            if adds:
                calls.append(functools.partial(self._tag_call, tag, adds, True))
            if removes:
                calls.append(functools.partial(self._tag_call, tag, removes, False))
            for asset_id in changes:
                ctx.assets.confirm(asset_id, name)
        for asset_id, (when, before) in sorted(dates.items()):
            if when != before:
                calls.append(functools.partial(self._date_call, asset_id, when, before))
        self._pool.map(lambda call: call(), calls)
        if self.on_flushed is not None:
            self.on_flushed()

    def _create_album(self, work: tuple[AlbumEntry, list[str]]) -> None:
        entry, members = work
        ctx = self._ctx
        if not members:
            ctx.albums.forget(entry.id)
            return
        album = ctx.client.create_album(entry.name, asset_ids=members)
        ctx.report.record(ChangeKind.CREATE_ALBUM, "", entry.name)
        for asset_id in members:
            ctx.report.record(ChangeKind.ADD_TO_ALBUM, asset_id, entry.name)
        ctx.albums.resolve_pending(entry, album)

    def _album_call(self, album_id: str, name: str, ids: list[str], add: bool) -> None:
        ctx = self._ctx
        if add:
            results, kind = ctx.client.add_assets_to_album(album_id, ids), ChangeKind.ADD_TO_ALBUM
        else:
            results = ctx.client.remove_asset_from_album(album_id, ids)
            kind = ChangeKind.REMOVE_FROM_ALBUM
        for result in results:
            if result.success:
                ctx.report.record(kind, result.id, name)

    def _tag_call(self, tag: Tag, ids: list[str], add: bool) -> None:
        ctx = self._ctx
        if add:
            results, kind, counter = (
                ctx.client.tag_assets(tag.id, ids),
                ChangeKind.ADD_TAG,
                self.tag_added,
            )
        else:
            results = ctx.client.untag_assets(tag.id, ids)
            kind, counter = ChangeKind.REMOVE_TAG, self.tag_removed
        confirmed = [result.id for result in results if result.success]
        for asset_id in confirmed:
            ctx.report.record(kind, asset_id, tag.name)
        with self._count_lock:
            counter[tag.name] += len(confirmed)

    def _date_call(self, asset_id: str, when: datetime, before: datetime) -> None:
        self._ctx.client.update_asset(asset_id, date_time_original=when)
        self._ctx.report.record(
            ChangeKind.UPDATE_DATE, asset_id, when.isoformat(), f"was {before.isoformat()}"
        )
