"""Step 6: album-date consistency — an asset far from its dated album's date gets a tag."""

from __future__ import annotations

from datetime import timedelta

from autotag.engine import dates
from autotag.engine.context import EngineContext
from autotag.engine.steps.date_correction import immich_date
from autotag.engine.wrapper import AssetResponseWrapper


def _check_album_date_consistency_if_enabled(
    ctx: EngineContext, wrapper: AssetResponseWrapper
) -> None:
    if not ctx.config.album_date_consistency_enabled:
        return
    threshold = timedelta(days=ctx.config.album_date_threshold_days)
    tag = ctx.config.album_date_mismatch_tag
    when = immich_date(wrapper.asset)
    mismatch = False
    for name in wrapper.get_album_names():
        album_day = dates.album_date(name, ctx.timezone)
        if album_day is not None and abs(when - album_day) > threshold:
            mismatch = True
            ctx.stats.event("album_date_mismatch")
            if not wrapper.has_tag(tag):
                ctx.writer.add_tag(wrapper, tag)
    if not mismatch and wrapper.has_tag(tag):
        ctx.writer.remove_tag(wrapper, tag)
