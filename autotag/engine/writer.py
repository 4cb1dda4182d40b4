"""Write-back: every change the engine makes to the library goes through a Writer.

``Writer`` sends each write at once, one request per asset (``BulkIdsDto`` with one id), as the
real tool does; ``BatchWriter`` holds a page's writes back and sends one request per tag or album.
Both update the local view (the asset's DTOs, the album map, the tag index) at once, so the rest
of the pipeline decides on the library as it is after the write, and both report only what the
server confirmed — counting an id the server calls "already done" when our own request had to be
repeated (the first attempt was applied, its answer lost). An album or tag that vanished
meanwhile (404) is forgotten and, when the write needs it, made again: never a reason to stop.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from autotag.engine.albums import AlbumEntry
from autotag.engine.pool import WorkerPool
from autotag.engine.ports import WriterContext
from autotag.engine.report import ChangeKind
from autotag.immich.dto import BulkIdResult, Tag
from autotag.immich.errors import NotFoundError

if TYPE_CHECKING:
    from autotag.engine.wrapper import AssetResponseWrapper

log = logging.getLogger(__name__)


class Writer:
    def __init__(self, context: WriterContext) -> None:
        self._ctx = context
        self.tag_added: Counter[str] = Counter()
        self.tag_removed: Counter[str] = Counter()
        self._count_lock = threading.Lock()
        # Called after a flush has sent every write held back (the runner checkpoints there).
        self.on_flushed: Callable[[], None] | None = None

    # -- what both modes send -------------------------------------------------------------
    def _confirmed(self, results: list[BulkIdResult], already: str) -> list[str]:
        """Ids the server changed, plus those it calls ``already`` done after a repeat."""
        retried = self._ctx.client.last_call_retried
        return [r.id for r in results if r.success or (retried and r.error == already)]

    def _send_bulk(
        self,
        kind: ChangeKind,
        name: str,
        target_id: str,
        ids: Sequence[str],
        call: Callable[[str, list[str]], list[BulkIdResult]],
    ) -> list[str] | None:
        """One journaled bulk write: the ids confirmed, or None when the target vanished (404)."""
        ctx = self._ctx
        add = kind in (ChangeKind.ADD_TAG, ChangeKind.ADD_TO_ALBUM)
        with ctx.report.intent(kind, name, ids) as intent:
            try:
                results = call(target_id, list(ids))
            except NotFoundError:
                ctx.stats.event("target_vanished")
                log.warning("%r vanished during the run", name)
                return None
            confirmed = self._confirmed(results, "duplicate" if add else "not_found")
            intent.confirm(confirmed)
        return confirmed

    def _send_tag(self, tag: Tag, ids: Sequence[str], add: bool) -> None:
        ctx = self._ctx
        call = ctx.client.tag_assets if add else ctx.client.untag_assets
        kind = ChangeKind.ADD_TAG if add else ChangeKind.REMOVE_TAG
        confirmed = self._send_bulk(kind, tag.name, tag.id, ids, call)
        if confirmed is None:
            ctx.tags.forget(tag.name)
            if not add:
                return  # gone with the tag
            tag = ctx.tags.ensure([tag.name])[tag.name]
            confirmed = self._send_bulk(kind, tag.name, tag.id, ids, call) or []
        with self._count_lock:
            (self.tag_added if add else self.tag_removed)[tag.name] += len(confirmed)

    def _send_album(self, entry: AlbumEntry, ids: Sequence[str], add: bool) -> None:
        ctx = self._ctx
        call = ctx.client.add_assets_to_album if add else ctx.client.remove_asset_from_album
        kind = ChangeKind.ADD_TO_ALBUM if add else ChangeKind.REMOVE_FROM_ALBUM
        if self._send_bulk(kind, entry.name, entry.id, ids, call) is None:
            ctx.albums.forget(entry.id)
            if add:
                self._create_album(entry.name, ids)

    def _create_album(self, name: str, ids: Sequence[str]) -> AlbumEntry:
        """A new album holding ``ids`` from the start (createAlbum with assetIds)."""
        albums = self._ctx.albums
        entry = albums.create(name, list(ids))
        for asset_id in ids:
            albums.note_added(entry.id, asset_id)
        return entry

    def _send_date(self, asset_id: str, when: datetime, before: datetime) -> None:
        detail = f"was {before.isoformat()}"
        report = self._ctx.report
        with report.intent(ChangeKind.UPDATE_DATE, when.isoformat(), [asset_id], detail) as intent:
            self._ctx.client.update_asset(asset_id, date_time_original=when)
            intent.confirm([asset_id])

    # -- the pipeline's writes, sent at once -----------------------------------------------
    def add_tag(self, wrapper: AssetResponseWrapper, name: str) -> None:
        ctx = self._ctx
        tag = ctx.tags.get_or_create(name)
        self._send_tag(tag, [wrapper.id], add=True)
        ctx.assets.apply_tag(wrapper.id, ctx.tags.find(name) or tag, added=True, pending=False)
        self._after_tag_write(wrapper)

    def remove_tag(self, wrapper: AssetResponseWrapper, name: str) -> None:
        ctx = self._ctx
        tag = ctx.tags.find(name)
        if tag is None:
            return
        self._send_tag(tag, [wrapper.id], add=False)
        ctx.assets.apply_tag(wrapper.id, tag, added=False, pending=False)
        self._after_tag_write(wrapper)

    def _after_tag_write(self, wrapper: AssetResponseWrapper) -> None:
        """The pre-lazy code re-read the asset after every tag write."""
        if self._ctx.strategy.refetch_after_write:
            wrapper.set_full_asset(self._ctx.assets.fetch(wrapper.id))

    def add_to_album(self, wrapper: AssetResponseWrapper, album_name: str) -> None:
        """Put the asset into the named album, creating the album when it does not exist."""
        ctx = self._ctx
        entry = ctx.albums.find(album_name)
        if entry is None:
            entry = ctx.albums.create(album_name)
        self._send_album(entry, [wrapper.id], add=True)
        entry = ctx.albums.find(album_name) or entry
        ctx.albums.note_added(entry.id, wrapper.id)

    def remove_from_album(self, wrapper: AssetResponseWrapper, album_id: str) -> None:
        ctx = self._ctx
        self._send_album(ctx.albums.entry(album_id), [wrapper.id], add=False)
        ctx.albums.note_removed(album_id, wrapper.id)

    def update_date(self, wrapper: AssetResponseWrapper, when: datetime) -> None:
        self._send_date(wrapper.id, when, wrapper.asset.file_created_at)
        self._ctx.assets.apply_date(wrapper.id, when)

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


def _net(changes: dict[str, _Change]) -> tuple[list[str], list[str]]:
    """(ids to add, ids to remove): changes undone within the page cancel out."""
    adds = sorted(a for a, c in changes.items() if c.after and not c.before)
    removes = sorted(a for a, c in changes.items() if c.before and not c.after)
    return adds, removes


class BatchWriter(Writer):
    """Collects a page's writes and sends them at ``flush``: one call per tag or album.

    A flush creates the missing tags (one upsertTags), creates new albums with their first
    members (createAlbum with assetIds), then adds and removes per album and per tag and the date
    corrections, the independent calls up to the pool's concurrency at once. A resumed run
    re-derives whatever a killed flush did not send.
    """

    def __init__(self, context: WriterContext, pool: WorkerPool) -> None:
        super().__init__(context)
        self._pool = pool
        self._tags: dict[str, dict[str, _Change]] = {}
        self._albums: dict[str, dict[str, _Change]] = {}
        self._dates: dict[str, tuple[datetime, datetime]] = {}

    @staticmethod
    def _note(changes: dict[str, _Change], asset_id: str, before: bool, wanted: bool) -> None:
        change = changes.get(asset_id)
        if change is None:
            changes[asset_id] = _Change(before, wanted)
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

    def flush(self) -> None:
        """Send the page's writes in the pipeline's order of dependence, each phase at once.

        Dates first (temp albums are chosen by the corrected date), then albums (creations, adds,
        removes: classification reads them), then tags. A run killed inside a flush thus leaves
        a state that the resumed run re-derives to the same end: never an album chosen for a
        date that was not written.
        """
        if not self.has_pending:
            return
        ctx = self._ctx
        tags, albums, dates = self._tags, self._albums, self._dates
        self._tags, self._albums, self._dates = {}, {}, {}
        run_all = functools.partial(self._pool.map, lambda call: call())
        ctx.tags.resolve_placeholders()
        run_all(
            [
                functools.partial(self._send_date, asset_id, when, before)
                for asset_id, (when, before) in sorted(dates.items())
                if when != before
            ]
        )
        album_calls: list[Callable[[], object]] = []
        for album_id, changes in albums.items():
            entry = ctx.albums.entry(album_id)
            adds, removes = _net(changes)
            if entry.pending:
                album_calls.append(functools.partial(self._create_pending, entry, adds))
                continue
            if adds:
                album_calls.append(functools.partial(self._send_album, entry, adds, True))
            if removes:
                album_calls.append(functools.partial(self._send_album, entry, removes, False))
        run_all(album_calls)
        tag_calls: list[Callable[[], object]] = []
        for name, changes in tags.items():
            tag = ctx.tags.find(name)
            assert tag is not None, name
            adds, removes = _net(changes)
            if adds:
                tag_calls.append(functools.partial(self._send_tag, tag, adds, True))
            if removes:
                tag_calls.append(functools.partial(self._send_tag, tag, removes, False))
            for asset_id in changes:
                ctx.assets.confirm(asset_id, name)
        run_all(tag_calls)
        if self.on_flushed is not None:
            self.on_flushed()

    def _create_pending(self, entry: AlbumEntry, members: list[str]) -> None:
        if not members:
            self._ctx.albums.forget(entry.id)
            return
        self._create_album(entry.name, members)
