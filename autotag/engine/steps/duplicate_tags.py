"""Step 3: classification tags across an Immich duplicate group.

Members must agree on their classification tags (the tags some rule matches). When one member
has none and another exactly one, the empty side gets it (autofix); any other disagreement tags
every member as a conflict, with a group-wide and a per-group tag.
"""

from __future__ import annotations

from autotag.engine.context import EngineContext
from autotag.engine.steps.date_correction import group_wrappers
from autotag.engine.wrapper import AssetResponseWrapper


def classification_tags(ctx: EngineContext, wrapper: AssetResponseWrapper) -> set[str]:
    rule_tags = ctx.config.rule_tag_names
    return {name for name in wrapper.get_tag_names() if name in rule_tags}


def _analyze_duplicate_tags(ctx: EngineContext, wrapper: AssetResponseWrapper) -> None:
    if not ctx.config.duplicates_enabled:
        return
    duplicate_id = ctx.duplicate_id(wrapper)
    if duplicate_id is None:
        return
    members = group_wrappers(ctx, wrapper)
    mine = classification_tags(ctx, wrapper)
    conflict = False
    for other in members:
        if other.id == wrapper.id:
            continue
        theirs = classification_tags(ctx, other)
        if mine == theirs:
            continue
        if not mine and len(theirs) == 1:
            (name,) = theirs
            ctx.writer.add_tag(wrapper, name)
            mine = {name}
            ctx.stats.event("duplicate_autofix")
        elif not theirs and len(mine) == 1:
            (name,) = mine
            ctx.writer.add_tag(other, name)
            ctx.stats.event("duplicate_autofix")
        else:
            conflict = True
    if not conflict:
        return
    ctx.stats.event("duplicate_classification_conflict")
    generic = ctx.config.duplicate_classification_conflict_tag
    per_group = f"{generic}_{duplicate_id}"
    for member in group_wrappers(ctx, wrapper):
        for name in (generic, per_group):
            if not member.has_tag(name):
                ctx.writer.add_tag(member, name)
