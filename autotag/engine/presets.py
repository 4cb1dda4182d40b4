"""Strategies: the call pattern of a run, chosen by a preset name.

Every strategy computes the same changes for the same library and rules; they differ only in how
many requests they make to get there, in which order, and how many are in flight at once. That
is what makes each optimisation measurable on its own.
"""

from __future__ import annotations

import attrs

from autotag.errors import ConfigError


@attrs.frozen
class Strategy:
    name: str
    description: str
    # Listing: fetch every search hit's full asset at once (True) or lazily on first tag access.
    eager_detail: bool = False
    # Re-read the asset after every tag write (the pre-lazy code did; it kept tags fresh).
    refetch_after_write: bool = False
    # Keep an asset's tags in step with our own writes, so a repeated check writes nothing.
    track_local_tags: bool = False
    # Fetch each duplicate-group member once per run instead of on every use.
    cache_duplicates: bool = False
    # Build the asset->albums map before the first asset (True) or on first use (False).
    preload_album_map: bool = False
    # Evaluate the rules once per asset state instead of on every status query.
    memo_rules: bool = False
    # Collect tag/album writes and flush them with one call per tag or album per page.
    batch_writes: bool = False
    # Read tags through `tagIds` searches instead of one getAssetInfo per asset.
    tags_via_search: bool = False
    # Search page size; None leaves it to the server (250).
    page_size: int | None = None
    # Requests in flight at once for reads (1 = sequential).
    concurrency: int = 1
    # Reuse one keep-alive connection (True) or open a new connection per request.
    keep_alive: bool = True


SEED_BASELINE = Strategy(
    name="seed-baseline",
    description=(
        "the behaviour behind the seed's baseline profile: eager getAssetInfo at listing, "
        "re-fetch after every tag write, duplicates re-fetched on every use, album details "
        "loaded on first use, one asset per write call, sequential, server page size"
    ),
    eager_detail=True,
    refetch_after_write=True,
)

LAZY = Strategy(
    name="lazy",
    description="the seed's change: lazy AssetResponseWrapper, no re-fetch after writes",
)

PRESETS: dict[str, Strategy] = {s.name: s for s in (SEED_BASELINE, LAZY)}


def get_preset(name: str) -> Strategy:
    try:
        return PRESETS[name]
    except KeyError:
        known = ", ".join(PRESETS)
        raise ConfigError(f"unknown preset {name!r} (known: {known})") from None
