"""Albums: the list, the asset->albums map, creation, membership writes' local effects.

The map is built from every album's members (getAlbumInfo per album, as the real tool does) the
first time an album lookup needs it — or before the first asset when the strategy preloads it —
and is then kept up to date by our own writes; it is never rebuilt during a run. An album that
vanished meanwhile (404) is skipped and reported, never a reason to abort or rebuild.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable

import attrs

from autotag.engine.report import ChangeKind, ModificationReport
from autotag.immich.client import ImmichClient
from autotag.immich.dto import Album
from autotag.immich.errors import NetworkError, NotFoundError, ServerError

log = logging.getLogger(__name__)

# Reads the member ids of one album; the strategy chooses how (getAlbumInfo, or searches).
MemberLoader = Callable[[ImmichClient, Album], list[str]]


def members_from_album_info(client: ImmichClient, album: Album) -> list[str]:
    """The real tool's way: getAlbumInfo, whose answer carries every member in full."""
    return [asset.id for asset in client.get_album_info(album.id).assets]


def members_from_search(client: ImmichClient, album: Album) -> list[str]:
    """searchAssets filtered by the album, 1,000 hits a page; nothing to read for an empty one."""
    if album.asset_count == 0:
        return []
    return [hit.id for hit in client.iter_search_results(album_ids=[album.id], size=1000)]


PENDING = "pending:"


@attrs.define
class AlbumEntry:
    id: str
    name: str
    asset_count: int
    album: Album | None  # None while a batched creation is waiting to be sent

    @property
    def pending(self) -> bool:
        return self.id.startswith(PENDING)


class AlbumCollection:
    def __init__(
        self,
        client: ImmichClient,
        report: ModificationReport,
        *,
        member_loader: MemberLoader = members_from_album_info,
        read_created_albums: bool = True,
        relevant: Callable[[str], bool] | None = None,
        map_reader: Callable[[Callable[[AlbumEntry], list[str]], list[AlbumEntry]], list[list[str]]]
        | None = None,
    ) -> None:
        self._client = client
        self._report = report
        self._member_loader = member_loader
        self._read_created = read_created_albums
        # Albums whose members can change no decision are not read (None: read every album).
        self._relevant = relevant
        # Runs the member reads (maybe concurrently); default: one after the other.
        self._map_reader = map_reader or (lambda read, entries: [read(e) for e in entries])
        self._by_id: dict[str, AlbumEntry] = {}
        self._by_name: dict[str, AlbumEntry] = {}
        self._map: defaultdict[str, list[str]] | None = None
        self._pending_members: defaultdict[str, list[str]] = defaultdict(list)
        self.skipped: list[str] = []

    # -- the list -------------------------------------------------------------------------
    def load(self) -> None:
        """getAllAlbums: names, ids and asset counts (no members)."""
        for album in self._client.get_all_albums():
            self._add_entry(AlbumEntry(album.id, album.album_name, album.asset_count, album))

    def _add_entry(self, entry: AlbumEntry) -> None:
        self._by_id[entry.id] = entry
        if entry.name in self._by_name:
            log.warning("two albums are named %r; using the first", entry.name)
        else:
            self._by_name[entry.name] = entry

    def entries(self) -> list[AlbumEntry]:
        return list(self._by_id.values())

    def entry(self, album_id: str) -> AlbumEntry:
        return self._by_id[album_id]

    def find(self, name: str) -> AlbumEntry | None:
        return self._by_name.get(name)

    def forget(self, album_id: str) -> None:
        entry = self._by_id.pop(album_id, None)
        if entry is not None and self._by_name.get(entry.name) is entry:
            del self._by_name[entry.name]
        if self._map is not None:
            for albums in self._map.values():
                if album_id in albums:
                    albums.remove(album_id)

    # -- the asset -> albums map ----------------------------------------------------------
    def build_map(self) -> None:
        """Read every album's members once (skipping albums that vanished meanwhile)."""
        if self._map is not None:
            return
        mapping: defaultdict[str, list[str]] = defaultdict(list)
        entries = [
            entry
            for entry in self._by_id.values()
            if self._relevant is None or self._relevant(entry.name)
        ]

        def read(entry: AlbumEntry) -> list[str] | None:
            try:
                return self._member_loader(self._client, entry.album)  # type: ignore[arg-type]
            except NotFoundError:
                return None

        for entry, members in zip(entries, self._map_reader(read, entries), strict=True):
            if members is None:
                self.skipped.append(entry.name)
                log.warning("album %r vanished while the map was built; skipped", entry.name)
                self.forget(entry.id)
                continue
            for asset_id in members:
                mapping[asset_id].append(entry.id)
        self._map = mapping

    def album_ids_for_asset(self, asset_id: str) -> list[str]:
        if self._map is None:
            self.build_map()
        return self._map.get(asset_id, [])  # type: ignore[union-attr]

    def album_names_for_asset(self, asset_id: str) -> list[str]:
        """Names of the albums holding the asset (a fresh list on every call)."""
        by_id = self._by_id
        return [by_id[album_id].name for album_id in self.album_ids_for_asset(asset_id)]

    # -- changes --------------------------------------------------------------------------
    def create(self, name: str, asset_ids: list[str] | None = None) -> AlbumEntry:
        """createAlbum (optionally with its first assets), then, like the real tool, read it.

        A creation is not repeated blindly: when its answer is lost, the album list says whether
        it happened. A batched album waiting under this name becomes the created one.
        """
        client = self._client
        members = list(asset_ids or ())
        with self._report.intent(ChangeKind.CREATE_ALBUM, name, members) as intent:
            try:
                album = client.create_album(name, asset_ids=members or None)
            except (NetworkError, ServerError):
                album = next((a for a in client.get_all_albums() if a.album_name == name), None)
                if album is None:
                    album = client.create_album(name, asset_ids=members or None)
                elif members:
                    client.add_assets_to_album(album.id, members)
            intent.confirm_target()
            intent.confirm(members, ChangeKind.ADD_TO_ALBUM)
        if self._read_created:
            album = client.get_album_info(album.id)
        waiting = self._by_name.get(name)
        if waiting is not None and waiting.pending:
            self.resolve_pending(waiting, album)
            return waiting
        entry = AlbumEntry(album.id, album.album_name, album.asset_count, album)
        self._add_entry(entry)
        return entry

    def create_pending(self, name: str) -> AlbumEntry:
        """An album that a batched write will create: usable at once, created at the flush."""
        entry = AlbumEntry(PENDING + name, name, 0, None)
        self._add_entry(entry)
        return entry

    def resolve_pending(self, entry: AlbumEntry, album: Album) -> None:
        """The batched creation happened: the entry takes the real id everywhere."""
        placeholder = entry.id
        del self._by_id[placeholder]
        entry.id, entry.album = album.id, album
        self._by_id[album.id] = entry
        for asset_id in self._pending_members.pop(placeholder, ()):
            albums = self.album_ids_for_asset(asset_id)
            for index, album_id in enumerate(albums):
                if album_id == placeholder:
                    albums[index] = album.id

    def delete(self, entry: AlbumEntry) -> bool:
        """deleteAlbum; False when it was already gone."""
        with self._report.intent(ChangeKind.DELETE_ALBUM, entry.name, []) as intent:
            try:
                self._client.delete_album(entry.id)
            except NotFoundError:
                self.forget(entry.id)
                return False
            intent.confirm_target()
        self.forget(entry.id)
        return True

    def note_added(self, album_id: str, asset_id: str) -> None:
        if self._map is None:
            self.build_map()
        albums = self._map[asset_id]  # type: ignore[index]
        if album_id not in albums:
            albums.append(album_id)
            self._by_id[album_id].asset_count += 1
            if album_id.startswith(PENDING):
                self._pending_members[album_id].append(asset_id)

    def note_removed(self, album_id: str, asset_id: str) -> None:
        if self._map is None:
            self.build_map()
        albums = self._map.get(asset_id)  # type: ignore[union-attr]
        if albums and album_id in albums:
            albums.remove(album_id)
            self._by_id[album_id].asset_count -= 1

    def name_of(self, album_id: str) -> str:
        return self._by_id[album_id].name
