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
    # The asset->albums map: read every album with getAlbumInfo on first use and re-read each album
    # created ("details", the real tool), or, before the first asset, read only the albums whose
    # members can change a decision, through album-filtered searches ("search").
    album_reads: str = "details"
    # Evaluate the rules once per asset state instead of on every status query.
    memo_rules: bool = False
    # Collect tag/album writes and flush them with one call per tag or album per page.
    batch_writes: bool = False
    # Read tags through `tagIds` searches instead of one getAssetInfo per asset.
    tags_via_search: bool = False
    # Search page size; None leaves it to the server (250).
    page_size: int | None = None
    # Requests in flight at once for independent reads and a flush's writes (1 = sequential).
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


def _step(previous: Strategy, name: str, description: str, **switches: object) -> Strategy:
    return attrs.evolve(previous, name=name, description=description, **switches)


# Each optimisation adds one switch to the step before it, so that each is validated on its own
# against the previous step (and all of them against seed-baseline).
DUP_CACHE = _step(
    LAZY,
    "dup-cache",
    "duplicate-group members read once per run (their DTOs come with the duplicates listing)",
    cache_duplicates=True,
)
ALBUM_SEARCH = _step(
    DUP_CACHE,
    "album-search",
    "album map built before the first asset from album-filtered searches, only for albums that "
    "can change a decision; albums we create are not re-read",
    album_reads="search",
)
MEMO = _step(ALBUM_SEARCH, "memo", "rules evaluated once per asset state", memo_rules=True)
BATCH = _step(
    MEMO,
    "batch",
    "writes collected per page and sent as one call per tag or album (new albums created with "
    "their members, missing tags upserted at once)",
    batch_writes=True,
)
TAG_SEARCH = _step(
    BATCH,
    "tag-search",
    "tags read through one search per relevant tag instead of one getAssetInfo per asset",
    tags_via_search=True,
)
PAGE_1000 = _step(TAG_SEARCH, "page-1000", "listing pages of 1,000 assets", page_size=1000)
OPTIMIZED = _step(
    PAGE_1000,
    "optimized",
    "everything above, with up to 8 independent requests in flight",
    concurrency=8,
)
# The seed's "connection pooling" question, measured: the lazy engine with a new connection for
# every request, to compare with lazy (one keep-alive connection).
NO_KEEPALIVE = _step(
    LAZY, "lazy-no-keepalive", "lazy, with a new connection for every request", keep_alive=False
)

#: The optimisation chain, in order.
CHAIN = (
    SEED_BASELINE,
    LAZY,
    DUP_CACHE,
    ALBUM_SEARCH,
    MEMO,
    BATCH,
    TAG_SEARCH,
    PAGE_1000,
    OPTIMIZED,
)
PRESETS: dict[str, Strategy] = {s.name: s for s in (*CHAIN, NO_KEEPALIVE)}


def get_preset(name: str) -> Strategy:
    try:
        return PRESETS[name]
    except KeyError:
        known = ", ".join(PRESETS)
        raise ConfigError(f"unknown preset {name!r} (known: {known})") from None
