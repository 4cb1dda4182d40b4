"""One handler per Immich operation: parsed request in, (status, JSON, items) out.

Handlers are plain synchronous functions over the library; the app (``autotag.sim.app``) does
auth, limits, faults, latency and JSON. ``items`` is what the latency model scales with.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from autotag.immich.contract import OPERATIONS as CONTRACT_NAMES
from autotag.immich.contract import load_contract
from autotag.sim import wire
from autotag.sim.library import BulkResult, Library
from autotag.sim.search import find_assets
from autotag.sim.validation import page_and_size, require_uuid, require_uuids


@attrs.frozen
class Call:
    path: dict[str, str]
    query: dict[str, str]
    body: Any


@attrs.frozen
class Reply:
    status: int
    payload: Any = None
    items: int = 0


Handler = Callable[[Library, Call], Reply]


def _id(call: Call) -> str:
    return require_uuid("id", call.path["id"])


def _flag(call: Call, name: str) -> bool:
    return call.query.get(name, "").lower() in ("true", "1")


# ---- assets ----


def on_search_assets(library: Library, call: Call) -> Reply:
    body = call.body if call.body is not None else {}
    page, size = page_and_size(body)
    found = find_assets(library, body)
    start = (page - 1) * size
    hits = found[start : start + size]
    with_exif = bool(body.get("withExif"))
    with_people = bool(body.get("withPeople"))
    items = [
        wire.asset_search_hit(asset, library, with_exif=with_exif, with_people=with_people)
        for asset in hits
    ]
    next_page = page + 1 if start + size < len(found) else None
    return Reply(200, wire.search_response(items, next_page), len(items))


def on_get_asset_info(library: Library, call: Call) -> Reply:
    return Reply(200, wire.asset_full(library.asset(_id(call)), library), 1)


def on_update_asset(library: Library, call: Call) -> Reply:
    asset = library.modify_asset(_id(call), call.body)
    return Reply(200, wire.asset_full(asset, library), 1)


def on_get_asset_duplicates(library: Library, call: Call) -> Reply:
    groups = library.duplicate_groups()
    payload = [wire.duplicate_group(key, members, library) for key, members in groups.items()]
    return Reply(200, payload, sum(len(members) for members in groups.values()))


# ---- albums ----


def on_get_all_albums(library: Library, call: Call) -> Reply:
    albums = list(library.albums.values())
    asset_id = call.query.get("assetId")
    if asset_id is not None:
        require_uuid("assetId", asset_id)
        containing = library.asset_albums.get(asset_id, set())
        albums = [album for album in albums if album.id in containing]
    elif _flag(call, "shared"):
        albums = []
    payload = [wire.album(album, library, with_assets=False) for album in albums]
    return Reply(200, payload, len(payload))


def on_get_album_info(library: Library, call: Call) -> Reply:
    album = library.album(_id(call))
    with_assets = not _flag(call, "withoutAssets")
    payload = wire.album(album, library, with_assets=with_assets)
    return Reply(200, payload, len(album.members) if with_assets else 0)


def on_create_album(library: Library, call: Call) -> Reply:
    body = call.body
    asset_ids = require_uuids("assetIds", body.get("assetIds", []))
    album = library.make_album(body["albumName"], body.get("description", ""), asset_ids)
    return Reply(201, wire.album(album, library, with_assets=True), len(asset_ids))


def _bulk_ids(call: Call, apply: Callable[[str, list[str]], list[BulkResult]]) -> Reply:
    """A BulkIdsDto write on the resource in the path: one result per id."""
    ids = require_uuids("ids", call.body["ids"])
    return Reply(200, wire.bulk_results(apply(_id(call), ids)), len(ids))


def on_delete_album(library: Library, call: Call) -> Reply:
    library.remove_album(_id(call))
    return Reply(204)


def on_add_assets_to_album(library: Library, call: Call) -> Reply:
    return _bulk_ids(call, library.add_to_album)


def on_remove_asset_from_album(library: Library, call: Call) -> Reply:
    return _bulk_ids(call, library.remove_from_album)


# ---- tags ----


def on_get_all_tags(library: Library, call: Call) -> Reply:
    tags = sorted(library.tags.values(), key=lambda tag: tag.value)
    return Reply(200, [wire.tag(tag) for tag in tags], len(tags))


def on_get_tag_by_id(library: Library, call: Call) -> Reply:
    return Reply(200, wire.tag(library.tag(_id(call))))


def on_create_tag(library: Library, call: Call) -> Reply:
    body = call.body
    parent_id = body.get("parentId")
    if parent_id is not None:
        require_uuid("parentId", parent_id)
    tag = library.make_tag(body["name"], parent_id, body.get("color"))
    return Reply(201, wire.tag(tag))


def on_upsert_tags(library: Library, call: Call) -> Reply:
    tags = library.make_tags(call.body["tags"])
    return Reply(200, [wire.tag(tag) for tag in tags], len(tags))


def on_delete_tag(library: Library, call: Call) -> Reply:
    library.remove_tag(_id(call))
    return Reply(204)


def on_tag_assets(library: Library, call: Call) -> Reply:
    return _bulk_ids(call, library.attach_tag)


def on_untag_assets(library: Library, call: Call) -> Reply:
    return _bulk_ids(call, library.detach_tag)


def on_bulk_tag_assets(library: Library, call: Call) -> Reply:
    tag_ids = require_uuids("tagIds", call.body["tagIds"])
    asset_ids = require_uuids("assetIds", call.body["assetIds"])
    count = library.attach_tags(tag_ids, asset_ids)
    return Reply(200, {"count": count}, len(tag_ids) * len(asset_ids))


# ---- server and user ----


def on_get_server_version(library: Library, call: Call) -> Reply:
    return Reply(200, dict(wire.SERVER_VERSION))


def on_ping_server(library: Library, call: Call) -> Reply:
    return Reply(200, {"res": "pong"})


def on_get_server_statistics(library: Library, call: Call) -> Reply:
    return Reply(200, wire.server_statistics(library))


def on_get_my_user(library: Library, call: Call) -> Reply:
    return Reply(200, wire.user_admin(library.user))


@attrs.frozen
class Operation:
    """One API operation: client method name, Immich operationId, route, handler."""

    name: str
    operation_id: str
    method: str
    path: str
    handler: Handler
    auth: bool = True
    has_body: bool = False


def _operation(name: str, method: str, path: str, handler: Handler) -> Operation:
    """Operation id, auth and whether a body comes from the contract (Immich's for the rest)."""
    operation_id = CONTRACT_NAMES[name]
    spec = load_contract()["operations"].get(operation_id, {})
    return Operation(
        name, operation_id, method, path, handler, spec.get("auth", True), "body" in spec
    )


OPERATIONS: tuple[Operation, ...] = (
    _operation("search_assets", "POST", "/api/search/metadata", on_search_assets),
    _operation("get_asset_info", "GET", "/api/assets/{id}", on_get_asset_info),
    _operation("update_asset", "PUT", "/api/assets/{id}", on_update_asset),
    _operation("get_all_albums", "GET", "/api/albums", on_get_all_albums),
    _operation("get_album_info", "GET", "/api/albums/{id}", on_get_album_info),
    _operation("create_album", "POST", "/api/albums", on_create_album),
    _operation("delete_album", "DELETE", "/api/albums/{id}", on_delete_album),
    _operation("add_assets_to_album", "PUT", "/api/albums/{id}/assets", on_add_assets_to_album),
    _operation(
        "remove_asset_from_album", "DELETE", "/api/albums/{id}/assets", on_remove_asset_from_album
    ),
    _operation("get_all_tags", "GET", "/api/tags", on_get_all_tags),
    _operation("create_tag", "POST", "/api/tags", on_create_tag),
    _operation("upsert_tags", "PUT", "/api/tags", on_upsert_tags),
    _operation("bulk_tag_assets", "PUT", "/api/tags/assets", on_bulk_tag_assets),
    _operation("get_tag_by_id", "GET", "/api/tags/{id}", on_get_tag_by_id),
    _operation("delete_tag", "DELETE", "/api/tags/{id}", on_delete_tag),
    _operation("tag_assets", "PUT", "/api/tags/{id}/assets", on_tag_assets),
    _operation("untag_assets", "DELETE", "/api/tags/{id}/assets", on_untag_assets),
    _operation("get_asset_duplicates", "GET", "/api/duplicates", on_get_asset_duplicates),
    _operation("get_server_version", "GET", "/api/server/version", on_get_server_version),
    _operation("ping_server", "GET", "/api/server/ping", on_ping_server),
    _operation("get_server_statistics", "GET", "/api/server/statistics", on_get_server_statistics),
    _operation("get_my_user", "GET", "/api/users/me", on_get_my_user),
)
