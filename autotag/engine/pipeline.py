"""process_single_asset: the six steps, in the real tool's order, for one asset."""

from __future__ import annotations

from autotag.engine.context import EngineContext
from autotag.engine.steps.album_assignment import _assign_album_if_enabled
from autotag.engine.steps.album_date_consistency import _check_album_date_consistency_if_enabled
from autotag.engine.steps.classification import _validate_classification_if_enabled
from autotag.engine.steps.conversions import _apply_tag_conversions
from autotag.engine.steps.date_correction import _correct_date_if_enabled
from autotag.engine.steps.duplicate_tags import _analyze_duplicate_tags
from autotag.engine.wrapper import AssetResponseWrapper

STEPS = (
    _apply_tag_conversions,
    _correct_date_if_enabled,
    _analyze_duplicate_tags,
    _assign_album_if_enabled,
    _validate_classification_if_enabled,
    _check_album_date_consistency_if_enabled,
)


def process_single_asset(ctx: EngineContext, wrapper: AssetResponseWrapper) -> None:
    try:
        for step in STEPS:
            step(ctx, wrapper)
        ctx.stats.process_asset_tags(wrapper.get_tag_names(), ctx.config.output_tags)
    finally:
        ctx.end_asset()
