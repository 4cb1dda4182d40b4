"""Step 2: date correction — when the file name states a clearly earlier date than Immich holds.

Every member of the asset's duplicate group is a witness: a copy may keep the original name.
"""

from __future__ import annotations

from datetime import datetime

from autotag.engine import dates
from autotag.engine.context import EngineContext
from autotag.engine.wrapper import AssetResponseWrapper
from autotag.immich.dto import Asset


def immich_date(asset: Asset) -> datetime:
    """The earliest date Immich holds for the asset (file, local and upload dates)."""
    return min(
        asset.file_created_at, asset.file_modified_at, asset.local_date_time, asset.created_at
    )


def group_wrappers(ctx: EngineContext, wrapper: AssetResponseWrapper) -> list[AssetResponseWrapper]:
    """The asset's duplicate group, each member read afresh (or from the run cache)."""
    duplicate_id = ctx.duplicate_id(wrapper)
    if duplicate_id is None:
        return []
    return [ctx.wrapper_for(asset_id) for asset_id in ctx.duplicates.members(duplicate_id)]


def _correct_date_if_enabled(ctx: EngineContext, wrapper: AssetResponseWrapper) -> None:
    if not ctx.config.date_correction_enabled:
        return
    witnesses = group_wrappers(ctx, wrapper) or [wrapper]
    candidates = []
    for witness in witnesses:
        asset = witness.asset
        candidates.extend(
            dates.candidates_from_name(asset.original_file_name, asset.original_path, ctx.timezone)
        )
    decision = dates.decide(immich_date(wrapper.asset), candidates)
    if decision.needs_fix:
        ctx.writer.update_date(wrapper, decision.fix_to)  # type: ignore[arg-type]
        ctx.stats.event("date_fixed")
