"""Typed Immich client: ``ImmichClient``, attrs DTOs (``autotag.immich.dto``), typed errors."""

from autotag.immich.client import ImmichClient
from autotag.immich.errors import (
    AuthenticationError,
    BadRequestError,
    ImmichError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)
from autotag.immich.stats import OperationStats, RequestStats
from autotag.immich.unset import UNSET, Unset, is_set

__all__ = [
    "UNSET",
    "AuthenticationError",
    "BadRequestError",
    "ImmichClient",
    "ImmichError",
    "NetworkError",
    "NotFoundError",
    "OperationStats",
    "RateLimitedError",
    "RequestStats",
    "ServerError",
    "Unset",
    "is_set",
]
