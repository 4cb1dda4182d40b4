"""The simulator's in-memory Immich library: assets, albums, tags, duplicate groups, one user.

Writes really change the state and answer per id as Immich does. Nothing here knows HTTP: the
handlers translate requests into these calls, and ``LibraryError`` subclasses into statuses.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Iterator
from datetime import timedelta

import attrs

from autotag.sim.timefmt import LogicalClock, iso_local, iso_utc, parse_iso


class LibraryError(Exception):
    """A request the library refuses; the message is meant for the client."""


class UnknownId(LibraryError):
    """An id that names nothing (HTTP 404)."""

    def __init__(self, kind: str, item_id: str) -> None:
        super().__init__(f"{kind} not found: {item_id}")


class InvalidRequest(LibraryError):
    """A well-formed body the library cannot apply (HTTP 400)."""


@attrs.define(slots=True, eq=False)
class User:
    id: str
    email: str
    name: str
    created_at: str


@attrs.define(slots=True, eq=False)
class AssetRecord:
    """One asset. Dates are canonical UTC strings (``localDateTime``: local wall clock + Z)."""

    id: str
    seq: int
    original_path: str
    original_file_name: str
    mime_type: str
    type: str
    checksum: str
    device_asset_id: str
    file_created_at: str
    file_modified_at: str
    local_date_time: str
    date_time_original: str | None
    time_zone: str | None
    created_at: str
    updated_at: str
    width: int
    height: int
    file_size: int
    make: str | None
    model: str | None
    duration: str
    duplicate_id: str | None = None
    tag_ids: set[str] = attrs.field(factory=set)
    is_favorite: bool = False
    description: str = ""
    rating: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    visibility: str = "timeline"


@attrs.define(slots=True, eq=False)
class AlbumRecord:
    id: str
    name: str
    description: str
    created_at: str
    updated_at: str
    #: Member asset ids in insertion order (a dict used as an ordered set).
    members: dict[str, None] = attrs.field(factory=dict)


@attrs.define(slots=True, eq=False)
class TagRecord:
    id: str
    value: str
    name: str
    parent_id: str | None
    created_at: str
    updated_at: str
    color: str | None = None


@attrs.define(slots=True, eq=False)
class BulkResult:
    """One id of a bulk write. ``error``: duplicate | not_found (Immich's BulkIdErrorReason)."""

    id: str
    success: bool
    error: str | None = None


class Library:
    """All state of the simulated server, with the indexes the API needs."""

    def __init__(self, *, user: User, clock: LogicalClock, id_seed: int) -> None:
        self.user = user
        self.clock = clock
        self._ids = random.Random(id_seed)
        self.assets: dict[str, AssetRecord] = {}
        self.ordered: list[AssetRecord] = []
        self.albums: dict[str, AlbumRecord] = {}
        self.tags: dict[str, TagRecord] = {}
        self.tag_by_value: dict[str, str] = {}
        self.tag_children: dict[str, set[str]] = {}
        self.tag_members: dict[str, set[str]] = {}
        self.asset_albums: dict[str, set[str]] = {}
        #: Assets whose visibility hides them from a default search (hidden, locked).
        self.hidden_assets = 0

    # ---- construction (used by the dataset generator) ----

    def new_id(self) -> str:
        return str(uuid.UUID(int=self._ids.getrandbits(128), version=4))

    def add_asset(self, asset: AssetRecord) -> None:
        self.assets[asset.id] = asset
        self.asset_albums[asset.id] = set()
        for tag_id in asset.tag_ids:
            self.tag_members[tag_id].add(asset.id)

    def finish_loading(self) -> None:
        """Fix the listing order: newest first by the generated fileCreatedAt, then id.

        The order never changes afterwards (not even when a date is corrected), so paging through
        a search is stable while the engine writes. Real Immich orders by the current date.
        """
        self.ordered = sorted(self.assets.values(), key=lambda a: (a.file_created_at, a.id))
        self.ordered.reverse()
        for seq, asset in enumerate(self.ordered):
            asset.seq = seq

    def new_album(self, name: str, created_at: str, description: str = "") -> AlbumRecord:
        album = AlbumRecord(
            id=self.new_id(),
            name=name,
            description=description,
            created_at=created_at,
            updated_at=created_at,
        )
        self.albums[album.id] = album
        return album

    def put_in_album(self, album: AlbumRecord, asset_id: str) -> bool:
        if asset_id in album.members:
            return False
        album.members[asset_id] = None
        self.asset_albums[asset_id].add(album.id)
        return True

    def ensure_tag(self, value: str, created_at: str) -> TagRecord:
        """The tag with this full path, creating it and its missing parents."""
        parts = _tag_path(value)
        parent: TagRecord | None = None
        for depth in range(1, len(parts) + 1):
            path = "/".join(parts[:depth])
            tag_id = self.tag_by_value.get(path)
            if tag_id is None:
                tag = self._insert_tag(path, parts[depth - 1], parent, created_at)
            else:
                tag = self.tags[tag_id]
            parent = tag
        assert parent is not None
        return parent

    def _insert_tag(
        self, value: str, name: str, parent: TagRecord | None, created_at: str
    ) -> TagRecord:
        tag = TagRecord(
            id=self.new_id(),
            value=value,
            name=name,
            parent_id=parent.id if parent else None,
            created_at=created_at,
            updated_at=created_at,
        )
        self.tags[tag.id] = tag
        self.tag_by_value[value] = tag.id
        self.tag_members[tag.id] = set()
        self.tag_children[tag.id] = set()
        if parent is not None:
            self.tag_children[parent.id].add(tag.id)
        return tag

    # ---- reads ----

    def asset(self, asset_id: str) -> AssetRecord:
        asset = self.assets.get(asset_id)
        if asset is None:
            raise UnknownId("asset", asset_id)
        return asset

    def album(self, album_id: str) -> AlbumRecord:
        album = self.albums.get(album_id)
        if album is None:
            raise UnknownId("album", album_id)
        return album

    def tag(self, tag_id: str) -> TagRecord:
        tag = self.tags.get(tag_id)
        if tag is None:
            raise UnknownId("tag", tag_id)
        return tag

    def tag_subtree(self, tag_id: str) -> Iterator[str]:
        """The tag and all its descendants."""
        stack = [tag_id]
        while stack:
            current = stack.pop()
            yield current
            stack.extend(self.tag_children.get(current, ()))

    def assets_with_tag(self, tag_id: str) -> set[str]:
        """Assets tagged with the tag or one of its descendants (as Immich's tagIds filter)."""
        found: set[str] = set()
        for current in self.tag_subtree(tag_id):
            found |= self.tag_members[current]
        return found

    def duplicate_groups(self) -> dict[str, list[AssetRecord]]:
        groups: dict[str, list[AssetRecord]] = {}
        for asset in self.ordered:
            if asset.duplicate_id is not None:
                groups.setdefault(asset.duplicate_id, []).append(asset)
        return {key: members for key, members in groups.items() if len(members) > 1}

    # ---- tag writes ----

    def attach_tag(self, tag_id: str, asset_ids: Iterable[str]) -> list[BulkResult]:
        members = self.tag_members[self.tag(tag_id).id]
        results = []
        for asset_id in asset_ids:
            asset = self.assets.get(asset_id)
            if asset is None:
                results.append(BulkResult(asset_id, False, "not_found"))
            elif tag_id in asset.tag_ids:
                results.append(BulkResult(asset_id, False, "duplicate"))
            else:
                asset.tag_ids.add(tag_id)
                members.add(asset_id)
                results.append(BulkResult(asset_id, True))
        return results

    def detach_tag(self, tag_id: str, asset_ids: Iterable[str]) -> list[BulkResult]:
        members = self.tag_members[self.tag(tag_id).id]
        results = []
        for asset_id in asset_ids:
            asset = self.assets.get(asset_id)
            if asset is None or tag_id not in asset.tag_ids:
                results.append(BulkResult(asset_id, False, "not_found"))
            else:
                asset.tag_ids.discard(tag_id)
                members.discard(asset_id)
                results.append(BulkResult(asset_id, True))
        return results

    def attach_tags(self, tag_ids: list[str], asset_ids: list[str]) -> int:
        """Every tag onto every asset; returns the number of new (asset, tag) pairs."""
        for tag_id in tag_ids:
            self.tag(tag_id)
        for asset_id in asset_ids:
            self.asset(asset_id)
        count = 0
        for tag_id in tag_ids:
            members = self.tag_members[tag_id]
            for asset_id in asset_ids:
                asset = self.assets[asset_id]
                if tag_id not in asset.tag_ids:
                    asset.tag_ids.add(tag_id)
                    members.add(asset_id)
                    count += 1
        return count

    def make_tag(self, name: str, parent_id: str | None, color: str | None) -> TagRecord:
        name = name.strip()
        if not name:
            raise InvalidRequest("name must not be empty")
        parent = self.tag(parent_id) if parent_id else None
        value = f"{parent.value}/{name}" if parent else name
        if value in self.tag_by_value:
            raise InvalidRequest("A tag with that name already exists")
        tag = self._insert_tag(value, name, parent, self.clock.tick())
        tag.color = color
        return tag

    def make_tags(self, values: list[str]) -> list[TagRecord]:
        for value in values:
            if not _tag_path(value):
                raise InvalidRequest(f"invalid tag name: {value!r}")
        now = self.clock.tick()
        return [self.ensure_tag(value, now) for value in values]

    def remove_tag(self, tag_id: str) -> None:
        tag = self.tag(tag_id)
        for current in list(self.tag_subtree(tag_id)):
            for asset_id in self.tag_members.pop(current):
                self.assets[asset_id].tag_ids.discard(current)
            record = self.tags.pop(current)
            del self.tag_by_value[record.value]
            self.tag_children.pop(current, None)
        if tag.parent_id is not None and tag.parent_id in self.tag_children:
            self.tag_children[tag.parent_id].discard(tag_id)

    # ---- album writes ----

    def make_album(self, name: str, description: str, asset_ids: list[str]) -> AlbumRecord:
        for asset_id in asset_ids:
            self.asset(asset_id)
        album = self.new_album(name, self.clock.tick(), description)
        for asset_id in asset_ids:
            self.put_in_album(album, asset_id)
        return album

    def remove_album(self, album_id: str) -> None:
        album = self.album(album_id)
        for asset_id in album.members:
            self.asset_albums[asset_id].discard(album_id)
        del self.albums[album_id]

    def add_to_album(self, album_id: str, asset_ids: Iterable[str]) -> list[BulkResult]:
        album = self.album(album_id)
        results = []
        for asset_id in asset_ids:
            if asset_id not in self.assets:
                results.append(BulkResult(asset_id, False, "not_found"))
            elif self.put_in_album(album, asset_id):
                results.append(BulkResult(asset_id, True))
            else:
                results.append(BulkResult(asset_id, False, "duplicate"))
        if any(result.success for result in results):
            album.updated_at = self.clock.tick()
        return results

    def remove_from_album(self, album_id: str, asset_ids: Iterable[str]) -> list[BulkResult]:
        album = self.album(album_id)
        results = []
        for asset_id in asset_ids:
            if asset_id in album.members:
                del album.members[asset_id]
                self.asset_albums[asset_id].discard(album_id)
                results.append(BulkResult(asset_id, True))
            else:
                results.append(BulkResult(asset_id, False, "not_found"))
        if any(result.success for result in results):
            album.updated_at = self.clock.tick()
        return results

    def album_dates(self, album: AlbumRecord) -> tuple[str, str, str] | None:
        """(startDate, endDate, lastModifiedAssetTimestamp) of the members, None when empty."""
        if not album.members:
            return None
        assets = self.assets
        created = [assets[asset_id].file_created_at for asset_id in album.members]
        modified = max(assets[asset_id].updated_at for asset_id in album.members)
        return min(created), max(created), modified

    # ---- asset writes ----

    def modify_asset(self, asset_id: str, changes: dict[str, object]) -> AssetRecord:
        """Apply an UpdateAssetDto. A new dateTimeOriginal moves fileCreatedAt and localDateTime
        at once (Immich does it in its metadata job, moments later)."""
        asset = self.asset(asset_id)
        if "livePhotoVideoId" in changes:
            raise InvalidRequest("the simulator does not support livePhotoVideoId")
        if "dateTimeOriginal" in changes:
            _set_date_time_original(asset, str(changes["dateTimeOriginal"]))
        if "description" in changes:
            asset.description = str(changes["description"])
        if "isFavorite" in changes:
            asset.is_favorite = bool(changes["isFavorite"])
        if "rating" in changes:
            rating = changes["rating"]
            if rating is not None and not (isinstance(rating, int | float) and -1 <= rating <= 5):
                raise InvalidRequest("rating must be between -1 and 5, or null")
            asset.rating = None if rating is None else int(rating)  # type: ignore[arg-type]
        if "latitude" in changes:
            asset.latitude = float(changes["latitude"])  # type: ignore[arg-type]
        if "longitude" in changes:
            asset.longitude = float(changes["longitude"])  # type: ignore[arg-type]
        if "visibility" in changes:
            hidden_before = asset.visibility in _HIDDEN
            asset.visibility = str(changes["visibility"])
            self.hidden_assets += (asset.visibility in _HIDDEN) - hidden_before
        asset.updated_at = self.clock.tick()
        return asset


_HIDDEN = ("hidden", "locked")


def _tag_path(value: str) -> list[str]:
    return [part.strip() for part in value.strip().strip("/").split("/") if part.strip()]


def _set_date_time_original(asset: AssetRecord, text: str) -> None:
    try:
        moment = parse_iso(text)
    except ValueError:
        raise InvalidRequest(f"dateTimeOriginal is not an ISO 8601 date: {text!r}") from None
    offset = moment.utcoffset() or timedelta(0)
    asset.date_time_original = iso_utc(moment)
    asset.file_created_at = asset.date_time_original
    asset.local_date_time = iso_local(moment.replace(tzinfo=None))
    asset.time_zone = _offset_name(offset)


def _offset_name(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" if rest == 0 else f"UTC{sign}{hours}:{rest:02d}"
