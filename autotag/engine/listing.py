"""get_all_assets: the library, page by page (POST /search/metadata), as wrappers.

The eager strategy (the code before lazy loading) reads every hit's full asset as it lists it;
the lazy one leaves that to the first tag access.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from autotag.engine.context import EngineContext
from autotag.engine.wrapper import AssetResponseWrapper
from autotag.immich.dto import Asset


@attrs.define
class ListingPosition:
    """Where the listing is: assets handed out so far, and the page size seen."""

    handed_out: int = 0
    page_size: int | None = None
    page: int = 1


def iter_pages(
    ctx: EngineContext, position: ListingPosition
) -> Iterator[tuple[int, list[Asset], bool]]:
    """(page number, hits to process, last page?) from ``position`` on."""
    size = ctx.strategy.page_size or position.page_size
    page = 1
    offset = 0
    if position.handed_out and size:
        page, offset = divmod(position.handed_out, size)
        page += 1
    while True:
        fields = {"page": page}
        if ctx.strategy.page_size:
            fields["size"] = ctx.strategy.page_size
        result = ctx.client.search_assets(**fields)
        if result.next_page is not None and position.page_size is None:
            position.page_size = len(result.items)
        position.page = page
        yield page, result.items[offset:], result.next_page is None
        if result.next_page is None or not result.items:
            return
        page, offset = result.next_page, 0


def get_all_assets(
    ctx: EngineContext, position: ListingPosition, max_assets: int | None = None
) -> Iterator[AssetResponseWrapper]:
    """Every asset from ``position`` on (at most ``max_assets``), wrapped."""
    handed = 0
    for _page, hits, _last in iter_pages(ctx, position):
        for hit in hits:
            if max_assets is not None and handed >= max_assets:
                ctx.writer.flush()
                return
            if ctx.assets.tag_index is not None:
                hit = ctx.assets.with_known_tags(hit)
            else:
                ctx.assets.track(hit)
            wrapper = AssetResponseWrapper(asset_partial=hit, context=ctx)
            if ctx.strategy.eager_detail:
                wrapper._ensure_full_asset_loaded()
            handed += 1
            position.handed_out += 1
            yield wrapper
        # Batched writes of a page are sent before the next page is read.
        ctx.writer.flush()
