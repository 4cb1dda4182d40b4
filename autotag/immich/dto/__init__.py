"""attrs DTOs for the Immich API: snake_case attributes, camelCase on the wire, UNSET for absent."""

from autotag.immich.dto.albums import Album, AlbumUser
from autotag.immich.dto.assets import (
    Asset,
    AssetStack,
    DuplicateGroup,
    ExifInfo,
    Person,
    SearchPage,
)
from autotag.immich.dto.results import BulkIdResult
from autotag.immich.dto.search import MetadataSearch
from autotag.immich.dto.server import ServerStatistics, ServerVersion
from autotag.immich.dto.tags import Tag
from autotag.immich.dto.users import User, UserSummary

__all__ = [
    "Album",
    "AlbumUser",
    "Asset",
    "AssetStack",
    "BulkIdResult",
    "DuplicateGroup",
    "ExifInfo",
    "MetadataSearch",
    "Person",
    "SearchPage",
    "ServerStatistics",
    "ServerVersion",
    "Tag",
    "User",
    "UserSummary",
]
