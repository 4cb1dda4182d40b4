"""searchAssets' filters over the library (MetadataSearchDto), as Immich applies them.

``tagIds`` and ``albumIds`` require every listed tag/album (a tag also matches its descendants);
``tagIds: null`` finds assets without tags. Text filters are case-insensitive substrings; the
date ranges are inclusive. Filters the simulator cannot honour are refused (400), not ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autotag.sim.library import AssetRecord, InvalidRequest, Library
from autotag.sim.timefmt import canonical

UNSUPPORTED = ("ocr", "encodedVideoPath", "previewPath", "thumbnailPath")
_RANGES = {
    "takenAfter": ("file_created_at", True),
    "takenBefore": ("file_created_at", False),
    "createdAfter": ("created_at", True),
    "createdBefore": ("created_at", False),
    "updatedAfter": ("updated_at", True),
    "updatedBefore": ("updated_at", False),
}
_EXACT = {
    "checksum": "checksum",
    "deviceAssetId": "device_asset_id",
    "type": "type",
    "isFavorite": "is_favorite",
    "make": "make",
    "model": "model",
    "rating": "rating",
}
_SUBSTRING = {
    "originalPath": "original_path",
    "originalFileName": "original_file_name",
    "description": "description",
}
_NEVER = {
    # filter: value that matches every asset (any other value matches none); no simulated asset
    # is offline, a motion photo, in an external library or has a lens/place recorded.
    "isOffline": False,
    "isMotion": False,
    "libraryId": None,
    "lensModel": None,
    "city": None,
    "state": None,
    "country": None,
}

Predicate = Callable[[AssetRecord], bool]


def find_assets(library: Library, body: dict[str, Any]) -> list[AssetRecord]:
    """The assets matching ``body``, in listing order (``order: asc`` reverses it)."""
    for name in UNSUPPORTED:
        if name in body:
            raise InvalidRequest(f"the simulator does not support the {name} filter")
    candidates = _candidate_ids(library, body)
    predicates = _predicates(library, body)
    if candidates is None:
        pool: list[AssetRecord] = library.ordered
    else:
        pool = sorted((library.assets[asset_id] for asset_id in candidates), key=_seq)
    if predicates:
        pool = [asset for asset in pool if all(test(asset) for test in predicates)]
    # the plain listing is the library's own list: never changed here, only sliced by callers
    return pool[::-1] if body.get("order") == "asc" else pool


def _seq(asset: AssetRecord) -> int:
    return asset.seq


def _candidate_ids(library: Library, body: dict[str, Any]) -> set[str] | None:
    sets: list[set[str]] = []
    if "id" in body:
        sets.append({body["id"]} if body["id"] in library.assets else set())
    if body.get("tagIds"):
        for tag_id in body["tagIds"]:
            sets.append(library.assets_with_tag(tag_id) if tag_id in library.tags else set())
    if body.get("albumIds"):
        for album_id in body["albumIds"]:
            album = library.albums.get(album_id)
            sets.append(set(album.members) if album else set())
    if body.get("personIds"):
        sets.append(set())
    if "trashedAfter" in body or "trashedBefore" in body:
        sets.append(set())
    if not sets:
        return None
    sets.sort(key=len)
    return sets[0].intersection(*sets[1:])


def _predicates(library: Library, body: dict[str, Any]) -> list[Predicate]:
    tests: list[Predicate] = []
    if "tagIds" in body and body["tagIds"] is None:
        tests.append(lambda asset: not asset.tag_ids)
    if body.get("isNotInAlbum"):
        albums_of = library.asset_albums
        tests.append(lambda asset: not albums_of[asset.id])
    visibility = body.get("visibility")
    if visibility is None:
        if library.hidden_assets:
            tests.append(lambda asset: asset.visibility in ("timeline", "archive"))
    else:
        tests.append(lambda asset: asset.visibility == visibility)
    if "isEncoded" in body:
        wanted = "VIDEO" if body["isEncoded"] else "IMAGE"
        tests.append(lambda asset: asset.type == wanted)
    if "deviceId" in body:
        device = body["deviceId"]
        tests.append(lambda asset: device == "CLI")
    for field, attribute in _EXACT.items():
        if field in body:
            tests.append(_equals(attribute, body[field]))
    for field, attribute in _SUBSTRING.items():
        if field in body:
            tests.append(_contains(attribute, str(body[field]).lower()))
    for field, matching in _NEVER.items():
        if field in body and body[field] != matching:
            tests.append(lambda asset: False)
    for field, (attribute, after) in _RANGES.items():
        if field in body:
            tests.append(_in_range(attribute, _timestamp(field, body[field]), after=after))
    return tests


def _equals(attribute: str, value: Any) -> Predicate:
    return lambda asset: getattr(asset, attribute) == value


def _contains(attribute: str, needle: str) -> Predicate:
    return lambda asset: needle in getattr(asset, attribute).lower()


def _in_range(attribute: str, bound: str, *, after: bool) -> Predicate:
    if after:
        return lambda asset: getattr(asset, attribute) >= bound
    return lambda asset: getattr(asset, attribute) <= bound


def _timestamp(field: str, value: Any) -> str:
    try:
        return canonical(str(value))
    except ValueError:
        raise InvalidRequest(f"{field} must be an ISO 8601 date, got {value!r}") from None
