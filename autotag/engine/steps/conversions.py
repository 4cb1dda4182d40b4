"""Step 1: tag conversions (e.g. the ``meme`` tag becomes membership of the meme album)."""

from __future__ import annotations

from autotag.engine.context import EngineContext
from autotag.engine.rules import match_rule
from autotag.engine.wrapper import AssetResponseWrapper


def _apply_tag_conversions(ctx: EngineContext, wrapper: AssetResponseWrapper) -> None:
    if not ctx.config.conversions_enabled:
        return
    for conversion in ctx.config.conversions:
        match = match_rule(
            conversion.source, wrapper.get_tag_names(), wrapper.get_album_names(), wrapper.id
        )
        if match is None:
            continue
        for album_name in conversion.album_names:
            if album_name not in wrapper.get_album_names():
                ctx.writer.add_to_album(wrapper, album_name)
        for tag_name in conversion.tag_names:
            if not wrapper.has_tag(tag_name):
                ctx.writer.add_tag(wrapper, tag_name)
        if not conversion.move:
            continue
        # Move: drop the source tags, but only once every destination album holds the asset.
        albums = wrapper.get_album_names()
        if all(name in albums for name in conversion.album_names):
            for tag_name in match.tags:
                if tag_name not in conversion.tag_names and wrapper.has_tag(tag_name):
                    ctx.writer.remove_tag(wrapper, tag_name)
        ctx.stats.event(f"conversion:{conversion.name}")
