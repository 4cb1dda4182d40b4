"""Settling writes whose fate is unknown: a run was killed while they were in flight.

The journal (see ``report``) lists every write sent but never answered. The server knows whether
each was applied; what it shows applied is reported, so that the modification report of a
resumed run lists every change exactly once.
"""

from __future__ import annotations

from typing import Any

from autotag.engine.context import EngineContext
from autotag.engine.dates import parse_timestamp
from autotag.engine.report import ChangeKind
from autotag.immich.errors import NotFoundError


class _Server:
    """What the settlement needs to know, read once each."""

    def __init__(self, ctx: EngineContext) -> None:
        self.client = ctx.client
        self._albums: dict[str, str] | None = None
        self._tags: set[str] | None = None

    def album_id(self, name: str) -> str | None:
        if self._albums is None:
            self._albums = {a.album_name: a.id for a in self.client.get_all_albums()}
        return self._albums.get(name)

    def tag_exists(self, name: str) -> bool:
        if self._tags is None:
            self._tags = {t.name for t in self.client.get_all_tags()}
        return name in self._tags

    def has_tag(self, asset_id: str, name: str) -> bool | None:
        try:
            asset = self.client.get_asset_info(asset_id)
        except NotFoundError:
            return None
        return any(t.name == name for t in asset.tags)  # type: ignore[union-attr]

    def in_album(self, album_id: str, asset_id: str) -> bool:
        return bool(self.client.search_assets(album_ids=[album_id], id=asset_id).items)


def applied(server: _Server, intent: dict[str, Any]) -> list[tuple[ChangeKind, str]]:
    """The (kind, asset) changes of an open intent that the server shows in place."""
    kind = ChangeKind(intent["kind"])
    target, ids = intent["target"], intent["ids"]
    if kind in (ChangeKind.ADD_TAG, ChangeKind.REMOVE_TAG):
        wanted = kind is ChangeKind.ADD_TAG
        return [(kind, i) for i in ids if server.has_tag(i, target) is wanted]
    if kind in (ChangeKind.ADD_TO_ALBUM, ChangeKind.REMOVE_FROM_ALBUM):
        album_id = server.album_id(target)
        if album_id is None:
            return []
        wanted = kind is ChangeKind.ADD_TO_ALBUM
        return [(kind, i) for i in ids if server.in_album(album_id, i) is wanted]
    if kind is ChangeKind.CREATE_ALBUM:
        album_id = server.album_id(target)
        if album_id is None:
            return []
        members = [(ChangeKind.ADD_TO_ALBUM, i) for i in ids if server.in_album(album_id, i)]
        return [(kind, ""), *members]
    if kind is ChangeKind.DELETE_ALBUM:
        return [(kind, "")] if server.album_id(target) is None else []
    if kind is ChangeKind.CREATE_TAG:
        return [(kind, "")] if server.tag_exists(target) else []
    if kind is ChangeKind.UPDATE_DATE:
        when = parse_timestamp(target)
        done = []
        for asset_id in ids:
            try:
                asset = server.client.get_asset_info(asset_id)
            except NotFoundError:
                continue
            if asset.file_created_at == when:
                done.append((kind, asset_id))
        return done
    return []


def settle_open_intents(ctx: EngineContext) -> int:
    """Report what the server shows of every open intent; returns how many were settled."""
    report = ctx.report
    intents = report.open_intents()
    if not intents:
        return 0
    server = _Server(ctx)
    for intent in intents:
        report.settle(intent, applied(server, intent))
    ctx.stats.event("writes_settled", len(intents))
    return len(intents)
