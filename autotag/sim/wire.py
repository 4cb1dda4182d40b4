"""Library records -> Immich JSON, exactly the fields the 2.7.5 contract allows.

Which fields appear follows Immich: search hits have no ``tags`` (and ``exifInfo`` only with
``withExif``); getAssetInfo has ``tags``, ``exifInfo``, ``owner`` and ``people``; album and
duplicate members have ``exifInfo`` but no ``tags``.
"""

from __future__ import annotations

from typing import Any

from autotag.sim.library import AlbumRecord, AssetRecord, BulkResult, Library, TagRecord, User

SERVER_VERSION = {"major": 2, "minor": 7, "patch": 5}


def user_summary(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "avatarColor": "primary",
        "profileImagePath": "",
        "profileChangedAt": user.created_at,
    }


def user_admin(user: User) -> dict[str, Any]:
    return {
        **user_summary(user),
        "isAdmin": True,
        "status": "active",
        "storageLabel": "admin",
        "oauthId": "",
        "quotaSizeInBytes": None,
        "quotaUsageInBytes": None,
        "shouldChangePassword": False,
        "license": None,
        "createdAt": user.created_at,
        "updatedAt": user.created_at,
        "deletedAt": None,
    }


def tag(record: TagRecord) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": record.id,
        "name": record.name,
        "value": record.value,
        "createdAt": record.created_at,
        "updatedAt": record.updated_at,
    }
    if record.parent_id is not None:
        data["parentId"] = record.parent_id
    if record.color is not None:
        data["color"] = record.color
    return data


def exif(asset: AssetRecord) -> dict[str, Any]:
    return {
        "dateTimeOriginal": asset.date_time_original,
        "timeZone": asset.time_zone,
        "modifyDate": asset.file_modified_at,
        "make": asset.make,
        "model": asset.model,
        "lensModel": None,
        "exifImageWidth": asset.width,
        "exifImageHeight": asset.height,
        "fileSizeInByte": asset.file_size,
        "orientation": None,
        "description": asset.description,
        "rating": asset.rating,
        "latitude": asset.latitude,
        "longitude": asset.longitude,
        "city": None,
        "state": None,
        "country": None,
        "fNumber": None,
        "focalLength": None,
        "iso": None,
        "exposureTime": None,
        "projectionType": None,
    }


def asset_base(asset: AssetRecord, owner_id: str) -> dict[str, Any]:
    """The fields every AssetResponseDto carries (no tags, no EXIF)."""
    return {
        "id": asset.id,
        "type": asset.type,
        "originalPath": asset.original_path,
        "originalFileName": asset.original_file_name,
        "originalMimeType": asset.mime_type,
        "checksum": asset.checksum,
        "ownerId": owner_id,
        "deviceId": "CLI",
        "deviceAssetId": asset.device_asset_id,
        "libraryId": None,
        "fileCreatedAt": asset.file_created_at,
        "fileModifiedAt": asset.file_modified_at,
        "localDateTime": asset.local_date_time,
        "createdAt": asset.created_at,
        "updatedAt": asset.updated_at,
        "isFavorite": asset.is_favorite,
        "isArchived": asset.visibility == "archive",
        "isTrashed": False,
        "isOffline": False,
        "isEdited": False,
        "hasMetadata": True,
        "visibility": asset.visibility,
        "duration": asset.duration,
        "thumbhash": None,
        "width": asset.width,
        "height": asset.height,
        "resized": True,
        "livePhotoVideoId": None,
        "duplicateId": asset.duplicate_id,
    }


def asset_search_hit(
    asset: AssetRecord, library: Library, *, with_exif: bool, with_people: bool
) -> dict[str, Any]:
    data = asset_base(asset, library.user.id)
    if with_exif:
        data["exifInfo"] = exif(asset)
    if with_people:
        data["people"] = []
    return data


def asset_member(asset: AssetRecord, library: Library) -> dict[str, Any]:
    """An asset inside an album or a duplicate group: EXIF, no tags."""
    data = asset_base(asset, library.user.id)
    data["exifInfo"] = exif(asset)
    return data


def asset_full(asset: AssetRecord, library: Library) -> dict[str, Any]:
    """getAssetInfo: everything, tags sorted by value."""
    data = asset_base(asset, library.user.id)
    tags = sorted((library.tags[tag_id] for tag_id in asset.tag_ids), key=lambda t: t.value)
    data["owner"] = user_summary(library.user)
    data["exifInfo"] = exif(asset)
    data["tags"] = [tag(record) for record in tags]
    data["people"] = []
    data["unassignedFaces"] = []
    data["stack"] = None
    return data


def album(record: AlbumRecord, library: Library, *, with_assets: bool) -> dict[str, Any]:
    members = record.members
    data: dict[str, Any] = {
        "id": record.id,
        "albumName": record.name,
        "description": record.description,
        "albumThumbnailAssetId": next(iter(members), None),
        "assetCount": len(members),
        "assets": (
            [asset_member(library.assets[asset_id], library) for asset_id in members]
            if with_assets
            else []
        ),
        "ownerId": library.user.id,
        "owner": user_summary(library.user),
        "albumUsers": [],
        "shared": False,
        "hasSharedLink": False,
        "isActivityEnabled": True,
        "order": "desc",
        "createdAt": record.created_at,
        "updatedAt": record.updated_at,
    }
    dates = library.album_dates(record)
    if dates is not None:
        data["startDate"], data["endDate"], data["lastModifiedAssetTimestamp"] = dates
    return data


def bulk_results(results: list[BulkResult]) -> list[dict[str, Any]]:
    out = []
    for result in results:
        item: dict[str, Any] = {"id": result.id, "success": result.success}
        if result.error is not None:
            item["error"] = result.error
        out.append(item)
    return out


def duplicate_group(
    duplicate_id: str, members: list[AssetRecord], library: Library
) -> dict[str, Any]:
    keep = max(members, key=lambda asset: (asset.file_size, asset.id))
    return {
        "duplicateId": duplicate_id,
        "assets": [asset_member(asset, library) for asset in members],
        "suggestedKeepAssetIds": [keep.id],
    }


def search_response(items: list[dict[str, Any]], next_page: int | None) -> dict[str, Any]:
    """Immich fills ``total`` with the page's count too (it is not a grand total)."""
    return {
        "albums": {"total": 0, "count": 0, "items": [], "facets": []},
        "assets": {
            "total": len(items),
            "count": len(items),
            "items": items,
            "facets": [],
            "nextPage": str(next_page) if next_page is not None else None,
        },
    }


def server_statistics(library: Library) -> dict[str, Any]:
    """ServerStatsResponseDto (outside the contract file; Immich's shape)."""
    photos = videos = usage_photos = usage_videos = 0
    for asset in library.assets.values():
        if asset.type == "VIDEO":
            videos += 1
            usage_videos += asset.file_size
        else:
            photos += 1
            usage_photos += asset.file_size
    usage = usage_photos + usage_videos
    return {
        "photos": photos,
        "videos": videos,
        "usage": usage,
        "usagePhotos": usage_photos,
        "usageVideos": usage_videos,
        "usageByUser": [
            {
                "userId": library.user.id,
                "userName": library.user.name,
                "photos": photos,
                "videos": videos,
                "usage": usage,
                "usagePhotos": usage_photos,
                "usageVideos": usage_videos,
                "quotaSizeInBytes": None,
            }
        ],
    }
