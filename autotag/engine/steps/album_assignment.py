"""Step 4: album assignment.

Candidate albums are the rule albums the asset or its duplicates sit in, plus the album a dated
folder proposes. An UNCLASSIFIED asset goes into its single candidate, or else into a temporary
``YYYY-MM-DD-autotag-temp-unclassified`` album of its date (which the event rule then classifies);
a CONFLICT asset, or one that stays classified without them, leaves its temporary albums.
"""

from __future__ import annotations

from autotag.engine.context import EngineContext
from autotag.engine.folders import FolderOutcome, detect_album
from autotag.engine.rules import ClassificationStatus, classify
from autotag.engine.steps.classification import _ensure_tag, validate_and_update_classification
from autotag.engine.steps.date_correction import group_wrappers, immich_date
from autotag.engine.wrapper import AssetResponseWrapper


def is_temp_album(ctx: EngineContext, name: str) -> bool:
    return name.endswith("-" + ctx.config.temp_album_suffix)


def temp_album_name(ctx: EngineContext, wrapper: AssetResponseWrapper) -> str:
    day = immich_date(wrapper.asset).astimezone(ctx.timezone)
    return f"{day:%Y-%m-%d}-{ctx.config.temp_album_suffix}"


def _rule_albums(ctx: EngineContext, names: list[str]) -> set[str]:
    return {
        name
        for name in names
        if any(p.match(name) for rule in ctx.config.rules for p in rule.album_name_patterns)
    }


def _leave_temp_albums(ctx: EngineContext, wrapper: AssetResponseWrapper) -> None:
    for album_id in list(ctx.albums.album_ids_for_asset(wrapper.id)):
        if is_temp_album(ctx, ctx.albums.name_of(album_id)):
            ctx.writer.remove_from_album(wrapper, album_id)


def _classified_without_temp_albums(ctx: EngineContext, wrapper: AssetResponseWrapper) -> bool:
    """Would the asset stay classified if it left its temporary albums?"""
    albums = [n for n in wrapper.get_album_names() if not is_temp_album(ctx, n)]
    result = classify(ctx.config.rules, wrapper.get_tag_names, lambda: albums, wrapper.id)
    return result.status is ClassificationStatus.CLASSIFIED


def _assign_album_if_enabled(ctx: EngineContext, wrapper: AssetResponseWrapper) -> None:
    if not ctx.config.album_assignment_enabled:
        return
    status = ctx.classification(wrapper).status
    own_albums = wrapper.get_album_names()
    candidates = _rule_albums(ctx, own_albums)
    duplicate_id = ctx.duplicate_id(wrapper)
    members = group_wrappers(ctx, wrapper) if duplicate_id else []
    for member in members:
        if member.id != wrapper.id:
            candidates |= _rule_albums(ctx, member.get_album_names())

    if ctx.config.folder_detection_enabled and status is ClassificationStatus.UNCLASSIFIED:
        found = detect_album(wrapper.asset.original_path, ctx.config.folder_excluded_paths)
        if found.outcome is FolderOutcome.ALBUM and _rule_albums(ctx, [found.album_name]):
            candidates.add(found.album_name)  # type: ignore[arg-type]
        elif found.outcome is FolderOutcome.AMBIGUOUS:
            _ensure_tag(ctx, wrapper, ctx.config.folder_conflict_tag, True)
            ctx.stats.event("album_detection_conflict")

    if members:
        conflict = len(candidates) > 1
        generic = ctx.config.duplicate_album_conflict_tag
        for member in members:
            for name in (generic, f"{generic}_{duplicate_id}"):
                _ensure_tag(ctx, member, name, conflict)

    if status is ClassificationStatus.CLASSIFIED:
        if len(own_albums) >= 2 and _classified_without_temp_albums(ctx, wrapper):
            _leave_temp_albums(ctx, wrapper)
            validate_and_update_classification(ctx, wrapper)
    elif status is ClassificationStatus.CONFLICT:
        ctx.stats.event("classification_conflict")
        if _classified_without_temp_albums(ctx, wrapper):
            _leave_temp_albums(ctx, wrapper)
    else:
        outside = candidates - set(own_albums)
        if len(candidates) == 1 and outside:
            ctx.writer.add_to_album(wrapper, outside.pop())
            ctx.stats.event("album_assigned")
        elif ctx.config.create_album_from_date_if_missing:
            ctx.writer.add_to_album(wrapper, temp_album_name(ctx, wrapper))
            ctx.stats.event("temp_album_assigned")
