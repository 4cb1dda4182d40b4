"""AssetResponseWrapper defers getAssetInfo until tags are read, and reads it once."""

import pytest

from autotag.engine.config import load_config
from autotag.engine.context import EngineContext
from autotag.engine.listing import ListingPosition, get_all_assets
from autotag.engine.presets import get_preset
from autotag.engine.report import ModificationReport
from autotag.engine.statistics import RunStatistics
from autotag.engine.wrapper import AssetResponseWrapper
from autotag.immich.unset import UNSET
from tests.engine.builder import LibraryBuilder, serve


@pytest.fixture
def served():
    builder = LibraryBuilder()
    for i in range(5):
        builder.asset(f"IMG_{i}.jpg", tags=["holiday"], albums=["2019-07-14 Trip"])
    with serve(builder.build()) as served:
        yield served


def _context(served, preset):
    ctx = EngineContext(
        served.client,
        load_config(),
        get_preset(preset),
        ModificationReport(None),
        RunStatistics(),
    )
    ctx.albums.load()
    return ctx


def _asset_reads(served):
    return served.client.stats.requests("get_asset_info")


def test_lazy_listing_defers_and_caches(served):
    ctx = _context(served, "lazy")
    wrappers = list(get_all_assets(ctx, ListingPosition()))
    assert len(wrappers) == 5
    assert _asset_reads(served) == 0, "listing must not read any full asset"
    first = wrappers[0]
    assert first.asset_partial.tags is UNSET
    assert first.asset is first.asset_partial
    assert not first.is_full_loaded
    assert first.get_album_names() == ["2019-07-14 Trip"]
    assert _asset_reads(served) == 0, "album names do not need the full asset"
    for _ in range(10):
        assert first.get_tag_names() == ["holiday"]
        assert first.has_tag("holiday")
    assert _asset_reads(served) == 1, "tags load the full asset once, then come from the cache"
    assert first.is_full_loaded
    assert first.asset is not first.asset_partial
    assert first.asset.tags != UNSET


def test_eager_listing_reads_every_asset(served):
    ctx = _context(served, "seed-baseline")
    wrappers = list(get_all_assets(ctx, ListingPosition()))
    assert _asset_reads(served) == 5
    assert all(w.is_full_loaded for w in wrappers)
    wrappers[0].get_tag_names()
    assert _asset_reads(served) == 5


def test_partial_with_tags_needs_no_read(served):
    ctx = _context(served, "lazy")
    hit = served.client.search_assets(page=1).items[0]
    hit.tags = []
    wrapper = AssetResponseWrapper(asset_partial=hit, context=ctx)
    assert wrapper.tags == []
    assert _asset_reads(served) == 0
