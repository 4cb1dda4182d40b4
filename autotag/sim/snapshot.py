"""The canonical dump of a library's state and its digest.

Two runs that leave the server in the same state have the same digest, whatever the order of
their writes: the dump holds what the API can change (asset dates, tags, descriptive fields;
album names, descriptions and members; the tag tree), sorted, without ids the server made up for
albums and tags or write timestamps (``updatedAt``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from autotag.sim.library import Library


def state_dump(library: Library) -> dict[str, Any]:
    tags = library.tags
    assets = [
        {
            "id": asset.id,
            "originalPath": asset.original_path,
            "fileCreatedAt": asset.file_created_at,
            "fileModifiedAt": asset.file_modified_at,
            "localDateTime": asset.local_date_time,
            "dateTimeOriginal": asset.date_time_original,
            "timeZone": asset.time_zone,
            "tags": sorted(tags[tag_id].value for tag_id in asset.tag_ids),
            "isFavorite": asset.is_favorite,
            "description": asset.description,
            "rating": asset.rating,
            "latitude": asset.latitude,
            "longitude": asset.longitude,
            "visibility": asset.visibility,
        }
        for asset in sorted(library.assets.values(), key=lambda record: record.id)
    ]
    albums = sorted(
        (
            {
                "name": album.name,
                "description": album.description,
                "assets": sorted(album.members),
            }
            for album in library.albums.values()
        ),
        key=lambda album: (album["name"], album["assets"]),
    )
    return {
        "assets": assets,
        "albums": albums,
        "tags": sorted(record.value for record in tags.values()),
    }


def _sha256(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def state_digest(library: Library) -> dict[str, Any]:
    """``{"digest": "sha256:...", "parts": {"assets": ..., "albums": ..., "tags": ...}}``."""
    dump = state_dump(library)
    return {"digest": _sha256(dump), "parts": {key: _sha256(value) for key, value in dump.items()}}
