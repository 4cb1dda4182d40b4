"""The Immich 2.7.5 API contract (JSON Schema per operation) shipped with the package.

The client and the simulator are written against this file; the simulator validates request
bodies with it and the tests validate every body and response with it.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

CONTRACT_FILE = Path(__file__).with_name("immich-2.7.5-contract.json")

#: Client method name -> Immich operationId. The last two are outside the contract file; their
#: shapes are Immich's (see docs/simulator.md).
OPERATIONS: dict[str, str] = {
    "search_assets": "searchAssets",
    "get_asset_info": "getAssetInfo",
    "update_asset": "updateAsset",
    "get_all_albums": "getAllAlbums",
    "get_album_info": "getAlbumInfo",
    "create_album": "createAlbum",
    "add_assets_to_album": "addAssetsToAlbum",
    "remove_asset_from_album": "removeAssetFromAlbum",
    "get_all_tags": "getAllTags",
    "create_tag": "createTag",
    "upsert_tags": "upsertTags",
    "get_tag_by_id": "getTagById",
    "tag_assets": "tagAssets",
    "untag_assets": "untagAssets",
    "bulk_tag_assets": "bulkTagAssets",
    "delete_tag": "deleteTag",
    "get_asset_duplicates": "getAssetDuplicates",
    "get_server_version": "getServerVersion",
    "ping_server": "pingServer",
    "get_my_user": "getMyUser",
    "delete_album": "deleteAlbum",
    "get_server_statistics": "getServerStatistics",
}

#: Operations implemented by client and simulator that the contract file does not describe.
OUTSIDE_CONTRACT = frozenset({"delete_album", "get_server_statistics"})


@functools.cache
def load_contract() -> dict[str, Any]:
    """The parsed contract file."""
    with CONTRACT_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)


def operation_schema(operation_id: str, part: str) -> dict[str, Any] | None:
    """A self-contained JSON Schema for the ``body`` or ``response`` of one operation.

    Returns None when the operation has no such part (e.g. no request body).
    """
    contract = load_contract()
    schema = contract["operations"][operation_id].get(part)
    if schema is None:
        return None
    return {**schema, "definitions": contract["definitions"]}
