"""Presets reach the same state; an interrupted run resumes without losing or repeating changes."""

from collections import Counter

import pytest

from autotag.engine.report import read_changes
from autotag.engine.runner import RunDirError
from autotag.sim.dataset import preset as dataset
from tests.engine.builder import serve


def _run(tmp_path, preset_name, **options):
    with serve(dataset=dataset("ci")) as s:
        result = s.run(tmp_path / preset_name, preset_name, **options)
        return result, s.control.digest(), s.client.stats.operations()


def test_seed_baseline_and_lazy_reach_the_same_state(tmp_path):
    base, base_digest, base_ops = _run(tmp_path, "seed-baseline")
    lazy, lazy_digest, lazy_ops = _run(tmp_path, "lazy")
    assert base_digest == lazy_digest
    assert base.changes == lazy.changes
    # Lazy loading saves exactly the re-reads that followed every tag write: with rules that
    # read tags, every asset still needs its full asset once (research §3.2, §9.2).
    tag_writes = base_ops["tag_assets"].requests + base_ops["untag_assets"].requests
    saved = base_ops["get_asset_info"].requests - lazy_ops["get_asset_info"].requests
    assert saved == tag_writes > 0
    for name, entry in base_ops.items():
        if name != "get_asset_info":
            assert lazy_ops[name].requests == entry.requests, name


def _changes(run_dir):
    return Counter(read_changes(run_dir / "modification_report.txt"))


@pytest.mark.parametrize("stop_after", [1, 57, 150, 399])
def test_resume_after_stopping_early(tmp_path, stop_after):
    reference, reference_digest, _ = _run(tmp_path, "lazy")
    with serve(dataset=dataset("ci")) as s:
        run_dir = tmp_path / "split"
        first = s.run(run_dir, "lazy", max_assets=stop_after)
        assert not first.finished and first.processed == stop_after
        with pytest.raises(RunDirError, match="unfinished run"):
            s.run(run_dir, "lazy")
        second = s.run(run_dir, "lazy", resume=True)
        assert second.finished
        assert second.processed == reference.processed
        assert s.control.digest() == reference_digest
    assert _changes(run_dir) == _changes(tmp_path / "lazy")


class Crash(Exception):
    pass


@pytest.mark.parametrize(
    ("preset_name", "crash_at"),
    [
        ("seed-baseline", 3),
        ("seed-baseline", 20),
        ("seed-baseline", 33),
        ("optimized", 1),
        ("optimized", 3),
    ],
)
def test_resume_after_a_crash_inside_an_asset(tmp_path, preset_name, crash_at):
    """A failure between two writes (of one asset, or of one batched flush): what was sent stays,
    the rest is sent on resume, nothing is reported twice."""
    _, reference_digest, _ = _run(tmp_path, preset_name)
    with serve(dataset=dataset("ci")) as s:
        run_dir = tmp_path / "crashed"
        real = s.client.tag_assets
        calls = {"n": 0}

        def failing(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == crash_at:
                raise Crash("boom")
            return real(*args, **kwargs)

        s.client.tag_assets = failing
        with pytest.raises(Crash):
            s.run(run_dir, preset_name)
        s.client.tag_assets = real
        s.run(run_dir, preset_name, resume=True)
        assert s.control.digest() == reference_digest
    changes = _changes(run_dir)
    assert max(changes.values()) == 1, "no change is reported twice"
    if preset_name == "seed-baseline":
        # Unbatched, every change is reported as it is made: exactly the uninterrupted report.
        assert changes == _changes(tmp_path / preset_name)


def test_resume_refuses_another_config(tmp_path):
    config = tmp_path / "rules.yaml"
    config.write_text("album_date_consistency:\n  threshold_days: 30\n")
    with serve(dataset=dataset("ci")) as s:
        s.run(tmp_path / "r", "lazy", max_assets=10)
        with pytest.raises(RunDirError, match="another config"):
            s.run(tmp_path / "r", "lazy", resume=True, config=config)


def _digest_and_requests(dataset_name, preset_name, tmp_path):
    with serve(dataset=dataset(dataset_name)) as s:
        s.run(tmp_path / preset_name, preset_name)
        return s.control.digest(), s.client.stats.total_requests


def test_every_preset_reaches_the_seed_baseline_state(tmp_path):
    from autotag.engine.presets import PRESETS

    reference, baseline_requests = _digest_and_requests("ci", "seed-baseline", tmp_path)
    requests = {}
    for name in PRESETS:
        if name == "seed-baseline":
            continue
        digest, requests[name] = _digest_and_requests("ci", name, tmp_path)
        assert digest == reference, name
    assert requests["optimized"] < 0.2 * baseline_requests


@pytest.mark.slow
def test_optimized_reaches_the_seed_baseline_state_on_small(tmp_path):
    reference, _ = _digest_and_requests("small", "seed-baseline", tmp_path)
    digest, _ = _digest_and_requests("small", "optimized", tmp_path)
    assert digest == reference
