"""The engine context: what every step needs, built once per run."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import attrs

from autotag.engine import dates
from autotag.engine.albums import AlbumCollection, members_from_album_info, members_from_search
from autotag.engine.assets import AssetStore
from autotag.engine.config import EngineConfig
from autotag.engine.duplicates import DuplicateCollection
from autotag.engine.pool import ThreadHooks, WorkerPool
from autotag.engine.presets import Strategy
from autotag.engine.report import ModificationReport
from autotag.engine.rules import Classification, classify
from autotag.engine.statistics import RunStatistics
from autotag.engine.tags import TagCollection
from autotag.engine.wrapper import AssetResponseWrapper
from autotag.engine.writer import BatchWriter, Writer
from autotag.immich.client import ImmichClient
from autotag.immich.unset import UNSET


@attrs.define(eq=False)
class EngineContext:
    client: ImmichClient
    config: EngineConfig
    strategy: Strategy
    report: ModificationReport
    stats: RunStatistics
    thread_hooks: ThreadHooks | None = None
    pool: WorkerPool = attrs.field(init=False)
    tags: TagCollection = attrs.field(init=False)
    albums: AlbumCollection = attrs.field(init=False)
    duplicates: DuplicateCollection = attrs.field(init=False)
    assets: AssetStore = attrs.field(init=False)
    writer: Writer = attrs.field(init=False)
    timezone: ZoneInfo = attrs.field(init=False)
    # Per-asset memo of rule results, keyed by the names the rules saw (memo_rules strategy).
    _memo: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Classification] = attrs.field(
        init=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        strategy = self.strategy
        self.timezone = ZoneInfo(self.config.extraction_timezone)
        self.pool = WorkerPool(strategy.concurrency, self.thread_hooks)
        self.tags = TagCollection(self.client, self.report)
        if strategy.album_reads == "search":
            self.albums = AlbumCollection(
                self.client,
                self.report,
                member_loader=members_from_search,
                read_created_albums=False,
                relevant=self.album_matters,
                map_reader=self.pool.map,
            )
        else:
            self.albums = AlbumCollection(
                self.client, self.report, member_loader=members_from_album_info
            )
        self.duplicates = DuplicateCollection(self.client)
        self.assets = AssetStore(self.client, cache=strategy.cache_duplicates)
        if strategy.cache_duplicates:
            self.duplicates.on_members = self.assets.seed
        self.writer = BatchWriter(self, self.pool) if strategy.batch_writes else Writer(self)

    def album_matters(self, name: str) -> bool:
        """Can the members of an album called ``name`` change any decision of the pipeline?

        Rule albums (classification, conflicts), dated albums (album-date consistency, temp
        albums) and conversion destinations do; an album like "Family" never does.
        """
        config = self.config
        rules = (*config.rules, *(conversion.source for conversion in config.conversions))
        return (
            any(p.match(name) for rule in rules for p in rule.album_name_patterns)
            or dates.album_date(name, self.timezone) is not None
            or any(name in conversion.album_names for conversion in config.conversions)
        )

    def classification(self, wrapper: AssetResponseWrapper) -> Classification:
        """The asset's status under the rules, as of now.

        The baseline re-evaluates every rule on every query (asking the asset for its tag and
        album names each time); ``memo_rules`` evaluates once per distinct set of names.
        """
        if not self.strategy.memo_rules:
            return classify(
                self.config.rules, wrapper.get_tag_names, wrapper.get_album_names, wrapper.id
            )
        tags = tuple(wrapper.get_tag_names())
        albums = tuple(wrapper.get_album_names())
        key = (wrapper.id, tags, albums)
        found = self._memo.get(key)
        if found is None:
            found = classify(self.config.rules, lambda: tags, lambda: albums, wrapper.id)  # type: ignore[arg-type,return-value]
            self._memo[key] = found
        return found

    def end_asset(self) -> None:
        self._memo.clear()
        self.assets.end_asset()

    def wrapper_for(self, asset_id: str) -> AssetResponseWrapper:
        """A wrapper around the full asset ``asset_id`` (a duplicate-group member, say)."""
        return AssetResponseWrapper(asset_partial=self.assets.fetch(asset_id), context=self)

    def duplicate_id(self, wrapper: AssetResponseWrapper) -> str | None:
        """The asset's duplicate group; search hits normally carry it (possibly null)."""
        value = wrapper.asset.duplicate_id
        if value is UNSET:
            wrapper._ensure_full_asset_loaded()
            value = wrapper.asset.duplicate_id
        return value if isinstance(value, str) and value else None
