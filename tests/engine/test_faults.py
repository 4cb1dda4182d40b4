"""Faults: every preset ends in the fault-free state; retries are counted; nothing is lost."""

from collections import Counter

import pytest

from autotag.engine.presets import PRESETS
from autotag.engine.report import read_changes
from autotag.immich.errors import ServerError
from autotag.immich.retry import RetryPolicy
from autotag.sim.dataset import preset as dataset
from autotag.sim.faults import FaultSpec
from tests.engine.builder import LibraryBuilder, serve

FAULTS = "5xx=0.05,429=0.02,drop=0.01,slow=0.02"


def _quick_retries(**overrides):
    return RetryPolicy(base_delay=0.001, max_delay=0.01, seed=1, **overrides)


@pytest.fixture(scope="module")
def fault_free_digest(tmp_path_factory):
    with serve(dataset=dataset("ci")) as s:
        s.run(tmp_path_factory.mktemp("clean"), "seed-baseline")
        return s.control.digest()


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_survives_faults(tmp_path, fault_free_digest, name):
    faults = FaultSpec.parse(f"{FAULTS},seed={len(name)}")
    with serve(dataset=dataset("ci"), faults=faults, retry=_quick_retries()) as s:
        result = s.run(tmp_path, name)
        assert s.control.digest() == fault_free_digest
        retries = s.client.stats.total_retries
        injected = s.control.stats()["faults_injected"]
    assert retries > 0 and sum(injected.values()) > 0
    assert result.finished and result.statistics.assets_skipped_on_error == 0
    changes = Counter(read_changes(tmp_path / "modification_report.txt"))
    assert changes and max(changes.values()) == 1, "no change reported twice"


def test_dropped_answers_are_still_reported(tmp_path):
    """A write applied before its connection dropped is confirmed by the repeat ("duplicate")."""
    b = LibraryBuilder()
    ids = [b.asset(f"x{i}.jpg", albums=["2019-07-14 Trip", "2019-08-01 Beach"]) for i in range(30)]
    library = b.build()
    faults = FaultSpec.parse("drop=0.3,seed=3")
    with serve(library, faults=faults, retry=_quick_retries(attempts=12)) as s:
        s.run(tmp_path, "lazy")
        assert all("autotag_output_conflict" in s.tag_names(i) for i in ids)
    added = [c for c in read_changes(tmp_path / "modification_report.txt") if c[0] == "ADD_TAG"]
    assert sorted(c[1] for c in added) == sorted(ids)


def test_exhausted_budget_fails_clearly(tmp_path):
    with (
        serve(
            dataset=dataset("ci"),
            faults=FaultSpec.parse("5xx=1.0"),
            retry=_quick_retries(budget=3),
        ) as s,
        pytest.raises(ServerError, match="retry budget is exhausted"),
    ):
        s.run(tmp_path, "lazy")


def test_vanished_album_and_tag_do_not_stop_the_run(tmp_path):
    b = LibraryBuilder()
    lonely = b.asset("IMG_0001.jpg")
    b.asset("a.jpg", albums=["2019-07-14 Trip", "2019-08-01 Beach"])
    with serve(b.build()) as s:
        # Delete the conflict tag and an album between startup and the first write.
        real = s.client.get_server_statistics

        def sabotage():
            for album in s.client.get_all_albums():
                if album.album_name == "2019-08-01 Beach":
                    s.client.delete_album(album.id)
            for tag in s.client.get_all_tags():
                if tag.name == "autotag_output_conflict":
                    s.client.delete_tag(tag.id)
            return real()

        s.client.get_server_statistics = sabotage
        result = s.run(tmp_path, "seed-baseline")
        assert result.finished
        assert s.album_names(lonely)


def test_bounded_concurrency_follows_a_rate_limit(tmp_path, fault_free_digest):
    """32 threads against a server that refuses more than 4 at once: the client's limit halves
    on 429 until the server accepts it, the run completes, the state is the same."""
    import attrs

    from autotag.engine.config import load_config
    from autotag.engine.presets import get_preset
    from autotag.engine.runner import Engine, RunOptions

    strategy = attrs.evolve(get_preset("optimized"), concurrency=32)
    with serve(
        dataset=dataset("ci"),
        time_scale=0.05,
        max_in_flight=4,
        retry=_quick_retries(attempts=10),
        client_limit=32,
    ) as s:
        Engine(s.client, load_config(), strategy, RunOptions(run_dir=tmp_path)).run()
        assert s.control.digest() == fault_free_digest
        refused = s.control.stats()["rejected_over_limit"]
        limit = s.client._session.limit
    assert refused > 0
    assert limit.lowest <= 4


def test_adaptive_limit_halves_and_recovers():
    from autotag.immich.limit import AdaptiveLimit

    limit = AdaptiveLimit(8)
    limit.acquire()
    limit.release(throttled=True)
    assert limit.current == 4
    for _ in range(4):
        limit.acquire()
        limit.release(throttled=False)
    assert limit.current == 5
    for _ in range(100):
        limit.acquire()
        limit.release(throttled=False)
    assert limit.current == 8
