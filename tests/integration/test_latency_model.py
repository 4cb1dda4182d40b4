"""Model check: at time scale 1 the client measures the configured per-call latency.

Five operations run side by side (one thread each, contention off so that they do not slow
each other down), each timed client-side over 50 to 300 calls (about 600 in all, ~14 s) and
compared with its configured mean, and with that mean times the jitter the server drew for those
calls (exact: each operation has its own seeded jitter stream).
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable

import pytest

from autotag.immich import ImmichClient
from autotag.sim.config import SimConfig
from autotag.sim.dataset import preset
from autotag.sim.latency import LatencyModel
from autotag.sim.server import running_simulator

pytestmark = pytest.mark.slow


def _timed(client: ImmichClient, calls: list[Callable[[ImmichClient], object]]) -> list[float]:
    durations = []
    for call in calls:
        started = time.perf_counter()
        call(client)
        durations.append(time.perf_counter() - started)
    return durations


def _jitter_mean(config: SimConfig, operation: str, items: int, calls: int) -> float:
    """The mean jitter factor the server draws for the first ``calls`` calls of an operation
    (each operation has its own seeded stream, so this is exact)."""
    model = LatencyModel(costs=config.costs, jitter=config.jitter, seed=config.latency_seed)
    draws = [model.service_seconds(operation, items, 1) for _ in range(calls)]
    return statistics.fmean(draws) / model.mean_seconds(operation, items)


def test_measured_means_match_the_configured_latencies() -> None:
    config = SimConfig(dataset=preset("small"), time_scale=1.0, contention=0.0, port=0)
    model = LatencyModel(costs=config.costs, jitter=0.0)
    with running_simulator(config) as sim, sim.client() as setup:
        ids = [hit.id for hit in setup.search_assets(size=1000).items]
        album = max(setup.get_all_albums(), key=lambda a: a.asset_count)
        sim.control.reset()
        tag = setup.upsert_tags(["latency/check"])[0]
        plans: dict[str, tuple[int, list[Callable[[ImmichClient], object]]]] = {
            "get_asset_info": (1, [lambda c, i=i: c.get_asset_info(i) for i in ids[:300]]),
            "search_assets": (
                250,
                [lambda c, p=p: c.search_assets(page=p % 10 + 1) for p in range(150)],
            ),
            "get_album_info": (
                album.asset_count,
                [lambda c: c.get_album_info(album.id) for _ in range(50)],
            ),
            "tag_assets": (1, [lambda c, i=i: c.tag_assets(tag.id, [i]) for i in ids[:70]]),
            "untag_assets": (1, [lambda c, i=i: c.untag_assets(tag.id, [i]) for i in ids[:55]]),
        }
        measured: dict[str, float] = {}

        def run(name: str) -> None:
            with sim.client() as client:
                measured[name] = statistics.fmean(_timed(client, plans[name][1]))

        threads = [threading.Thread(target=run, args=(name,)) for name in plans]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        served = sim.control.stats()["operations"]
    for name, (items, calls) in plans.items():
        outside = (config.overhead_ms + config.overhead_per_item_ms * items) / 1000.0
        configured = model.mean_seconds(name, items)
        drawn = configured * _jitter_mean(config, name, items, len(calls))
        # The server measures its side of each call; it leaves the expected client share out.
        server = served[name]["seconds"] / served[name]["requests"] + outside
        report = f"{name}: client {measured[name] * 1000:.1f} ms, server {server * 1000:.1f} ms, "
        report += f"configured {configured * 1000:.1f} ms, jitter drawn {drawn * 1000:.1f} ms"
        # The model, as the server applies it: within 10 % of the configured figure, allowing
        # for how far this sample's jitter drifted from its mean (known exactly, see above).
        drift = abs(drawn - configured)
        assert server == pytest.approx(drawn, rel=0.10), report
        assert abs(server - configured) <= 0.10 * configured + drift, report
        # What the client sees adds its own share, which grows when the machine is busy (five
        # client threads share one interpreter here): a sanity bound, not the model check.
        assert measured[name] == pytest.approx(drawn, rel=0.25), report
