"""How long the simulated server takes: per-operation cost, jitter, time scale, contention.

Service time of one request = (base + per_item x items) x jitter x contention x time_scale, where
``items`` is what makes the call heavier (hits on a search page, assets of an album, ids in a bulk
write), jitter is log-normal with mean 1, and contention = 1 + factor x (requests in flight - 1).
At most ``workers`` requests are served at once; the rest wait their turn (the wait is part of
their latency). Figures are the seed's measured per-call costs; see docs/simulator.md.
"""

from __future__ import annotations

import random

import attrs


@attrs.frozen
class Cost:
    """Mean service time of one call: ``base_ms + per_item_ms * items`` (at time scale 1)."""

    base_ms: float
    per_item_ms: float = 0.0

    def mean_ms(self, items: int) -> float:
        return self.base_ms + self.per_item_ms * items


#: getAlbumInfo: the real server's cost grows about 0.12 ms per asset in the album (546 assets
#: 0.3 s, 7.4k 1.3 s, 101k 12.5 s); the base makes the mean over the seed preset's albums 241 ms.
ALBUM_PER_ASSET_MS = 0.12

DEFAULT_COSTS: dict[str, Cost] = {
    # measured in the seed's baseline profile
    "search_assets": Cost(30.0, 0.1476),  # per hit: a page of 250 -> 66.9 ms
    "get_asset_info": Cost(36.8),
    "get_album_info": Cost(239.8, ALBUM_PER_ASSET_MS),  # per asset in the album
    "tag_assets": Cost(145.0, 4.0),  # per id: 1 id -> 149 ms
    "untag_assets": Cost(196.0, 4.0),  # per id: 1 id -> 200 ms
    # not measured by the seed: chosen to be plausible next to those
    "update_asset": Cost(80.0),
    "get_all_albums": Cost(50.0, 0.05),  # per album
    "create_album": Cost(60.0, 4.0),  # per initial asset
    "delete_album": Cost(60.0),
    "add_assets_to_album": Cost(100.0, 4.0),  # per id
    "remove_asset_from_album": Cost(100.0, 4.0),  # per id
    "get_all_tags": Cost(20.0, 0.02),  # per tag
    "create_tag": Cost(40.0),
    "upsert_tags": Cost(40.0, 5.0),  # per tag name
    "get_tag_by_id": Cost(15.0),
    "bulk_tag_assets": Cost(150.0, 2.0),  # per (asset, tag) pair
    "delete_tag": Cost(40.0),
    "get_asset_duplicates": Cost(100.0, 0.1),  # per asset in a group
    "get_server_version": Cost(5.0),
    "ping_server": Cost(2.0),
    "get_my_user": Cost(10.0),
    "get_server_statistics": Cost(150.0),
}


@attrs.define
class LatencyModel:
    """Draws service times. Deterministic for a given seed and each operation's call order."""

    costs: dict[str, Cost] = attrs.field(factory=lambda: dict(DEFAULT_COSTS))
    time_scale: float = 1.0
    jitter: float = 0.25
    contention: float = 0.02
    seed: int = 1
    _streams: dict[str, random.Random] = attrs.field(init=False, factory=dict)

    def mean_seconds(self, operation: str, items: int = 0) -> float:
        """The configured mean (time scale applied), without jitter or contention."""
        return self.costs[operation].mean_ms(items) / 1000.0 * self.time_scale

    def service_seconds(self, operation: str, items: int, in_flight: int) -> float:
        mean = self.mean_seconds(operation, items)
        if mean <= 0.0:
            return 0.0
        if self.jitter > 0.0:
            sigma = self.jitter
            mean *= self._stream(operation).lognormvariate(-0.5 * sigma * sigma, sigma)
        return mean * (1.0 + self.contention * max(0, in_flight - 1))

    def _stream(self, operation: str) -> random.Random:
        """One random stream per operation: the n-th call of an operation always gets the same
        jitter, however calls of different operations interleave."""
        stream = self._streams.get(operation)
        if stream is None:
            stream = self._streams[operation] = random.Random(f"{self.seed}:{operation}")
        return stream

    def throughput_factor(self, concurrency: int, workers: int) -> float:
        """Steady-state speed-up of ``concurrency`` clients over one (documentation aid)."""
        served = min(concurrency, workers) if workers > 0 else concurrency
        return served / (1.0 + self.contention * max(0, concurrency - 1))
