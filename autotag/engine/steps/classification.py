"""Step 5: classification validation — output tags that say UNCLASSIFIED or CONFLICT."""

from __future__ import annotations

from autotag.engine.context import EngineContext
from autotag.engine.rules import ClassificationStatus
from autotag.engine.wrapper import AssetResponseWrapper


def _ensure_tag(ctx: EngineContext, wrapper: AssetResponseWrapper, name: str, wanted: bool) -> None:
    present = wrapper.has_tag(name)
    if wanted and not present:
        ctx.writer.add_tag(wrapper, name)
    elif present and not wanted:
        ctx.writer.remove_tag(wrapper, name)


def validate_and_update_classification(ctx: EngineContext, wrapper: AssetResponseWrapper) -> None:
    """Unknown tag iff UNCLASSIFIED, conflict tag iff CONFLICT (each status is asked afresh)."""
    unclassified = ctx.classification(wrapper).status is ClassificationStatus.UNCLASSIFIED
    _ensure_tag(ctx, wrapper, ctx.config.unknown_tag, unclassified)
    conflict = ctx.classification(wrapper).status is ClassificationStatus.CONFLICT
    _ensure_tag(ctx, wrapper, ctx.config.conflict_tag, conflict)


def _validate_classification_if_enabled(ctx: EngineContext, wrapper: AssetResponseWrapper) -> None:
    validate_and_update_classification(ctx, wrapper)
    ctx.stats.count_status(ctx.classification(wrapper).status)
