"""The Immich 2.7.5 API contract (JSON Schema per operation) shipped with the package.

The client and the simulator are written against this file; the simulator validates request
bodies with it, and ``ContractRecorder`` checks recorded traffic (every request body and every
answer) against it.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import attrs
import httpx
import jsonschema

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


def _path_pattern(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")


@functools.cache
def _routes() -> list[tuple[str, re.Pattern[str], str]]:
    routes = [
        (spec["method"], _path_pattern(spec["path"]), operation_id)
        for operation_id, spec in load_contract()["operations"].items()
    ]
    # literal routes first, so that PUT /api/tags/assets is not read as PUT /api/tags/{id}
    routes.sort(key=lambda route: route[1].pattern.count("[^/]+"))
    return routes


def match_operation(method: str, path: str) -> str | None:
    """The contract's operationId for a request, or None if the contract has no such route."""
    for route_method, pattern, operation_id in _routes():
        if route_method == method and pattern.match(path):
            return operation_id
    return None


@functools.cache
def validator(operation_id: str, part: str) -> jsonschema.Draft7Validator | None:
    """A compiled validator for an operation's ``body`` or ``response`` (None if it has none)."""
    schema = operation_schema(operation_id, part)
    return jsonschema.Draft7Validator(schema) if schema is not None else None


def schema_errors(operation_id: str, part: str, document: Any) -> list[str]:
    """Where ``document`` breaks the operation's ``body`` or ``response`` schema (empty: fine)."""
    compiled = validator(operation_id, part)
    if compiled is None:
        return [] if document is None else [f"{operation_id} has no {part} in the contract"]
    return [
        f"{operation_id} {part} /{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in compiled.iter_errors(document)
    ]


@attrs.define
class Exchange:
    """One request/answer pair seen by a ContractRecorder."""

    method: str
    path: str
    operation_id: str | None
    request_body: Any
    status: int
    response_body: Any

    def errors(self) -> list[str]:
        """Contract violations: unknown route, request body, or (2xx) response body."""
        if self.operation_id is None:
            return [f"{self.method} {self.path} is not in the contract"]
        found = schema_errors(self.operation_id, "body", self.request_body)
        expected = load_contract()["operations"][self.operation_id].get("status", 200)
        if self.status == expected:
            if self.status != 204:
                found += schema_errors(self.operation_id, "response", self.response_body)
            elif self.response_body is not None:
                found.append(f"{self.operation_id} answered 204 with a body")
        return found


class ContractRecorder(httpx.BaseTransport):
    """Wraps a transport; records every exchange so it can be checked against the contract."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.exchanges: list[Exchange] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        content = response.read()
        request_body = json.loads(request.content) if request.content else None
        self.exchanges.append(
            Exchange(
                method=request.method,
                path=request.url.path,
                operation_id=match_operation(request.method, request.url.path),
                request_body=request_body,
                status=response.status_code,
                response_body=json.loads(content) if content else None,
            )
        )
        return httpx.Response(
            response.status_code, headers=response.headers, content=content, request=request
        )

    def close(self) -> None:
        self.inner.close()
