"""AssetResponseWrapper: one asset as the pipeline sees it, with a lazily loaded full DTO.

This is the seed's dual-DTO design: ``asset_partial`` is the search hit (its ``tags`` are UNSET:
search results carry none), ``_asset_full`` is loaded with getAssetInfo the first time ``tags``
is read, and cached. ``asset`` returns the most complete DTO available.
"""

from __future__ import annotations

import attrs

from autotag.engine.ports import WrapperContext
from autotag.immich.dto import Asset, Tag
from autotag.immich.unset import UNSET


@attrs.define(slots=True)
class AssetResponseWrapper:
    asset_partial: Asset
    context: WrapperContext
    _asset_full: Asset | None = attrs.field(default=None, init=False)

    @property
    def asset(self) -> Asset:
        """The most complete version available: the full asset once loaded, else the partial."""
        return self._asset_full if self._asset_full is not None else self.asset_partial

    @property
    def id(self) -> str:
        return self.asset_partial.id

    @property
    def is_full_loaded(self) -> bool:
        return self._asset_full is not None

    def _ensure_full_asset_loaded(self) -> None:
        """Load the full asset on first need (one getAssetInfo per wrapper, at most)."""
        if self._asset_full is not None:
            return
        self._asset_full = self.context.assets.fetch(self.asset_partial.id)

    def set_full_asset(self, asset: Asset) -> None:
        """Adopt a full asset obtained elsewhere (a re-read, or a cached duplicate member)."""
        self._asset_full = asset

    @property
    def tags(self) -> list[Tag]:
        """The asset's tags, loading the full asset on first access when the partial has none."""
        current = self.asset.tags
        if current is UNSET:
            self._ensure_full_asset_loaded()
            return self.asset.tags  # type: ignore[return-value]
        return current  # type: ignore[return-value]

    def get_tag_names(self) -> list[str]:
        """Tag names, rebuilt on every call (the baseline asks ~35 times per asset)."""
        return [tag.name for tag in self.tags]

    def has_tag(self, name: str) -> bool:
        return any(tag.name == name for tag in self.tags)

    def get_album_names(self) -> list[str]:
        return self.context.albums.album_names_for_asset(self.id)
