"""One engine run: startup, the asset loop, checkpoints, reports.

A run directory holds what a run leaves behind: ``modification_report.txt`` (one line per
change), ``run_statistics.json`` and ``checkpoint.json``. An interrupted run is resumed from its
checkpoint; every asset processed before the interruption keeps its changes and is not redone.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs

from autotag.engine import tag_index
from autotag.engine.checkpoint import Checkpoint, CheckpointStore
from autotag.engine.config import EngineConfig
from autotag.engine.context import EngineContext
from autotag.engine.listing import ListingPosition, get_all_assets
from autotag.engine.pipeline import process_single_asset
from autotag.engine.pool import ThreadHooks
from autotag.engine.presets import Strategy
from autotag.engine.report import ModificationReport
from autotag.engine.settle import settle_open_intents
from autotag.engine.statistics import RunStatistics
from autotag.engine.steps.album_assignment import is_temp_album
from autotag.errors import AutotagError
from autotag.immich.client import ImmichClient
from autotag.immich.errors import BadRequestError, NotFoundError, ServerError
from autotag.immich.unset import UNSET

log = logging.getLogger(__name__)

# Errors that cost one asset, not the run: it vanished, or the server refused or failed on it.
ASSET_ERRORS = (NotFoundError, BadRequestError, ServerError)


class RunDirError(AutotagError):
    """A run directory that cannot be used as asked (an unfinished run, a missing checkpoint)."""


@attrs.define
class RunOptions:
    run_dir: Path
    resume: bool = False
    max_assets: int | None = None
    # Called after every asset with (assets processed in this library pass, library size or None).
    progress: Callable[[int, int | None], None] | None = None
    # Called between assets; the harness uses it for periodic profile snapshots.
    between_assets: Callable[[], None] | None = None
    # Run in every worker thread of the request pool (the harness profiles them).
    thread_hooks: ThreadHooks | None = None


@attrs.define
class RunResult:
    run_dir: Path
    processed: int
    processed_this_session: int
    library_size: int | None
    finished: bool
    elapsed_seconds: float
    statistics: RunStatistics
    changes: dict[str, int]
    skipped_albums: list[str]

    def summary(self) -> dict[str, Any]:
        return {
            "run_dir": str(self.run_dir),
            "assets_processed": self.processed,
            "assets_processed_this_session": self.processed_this_session,
            "library_size": self.library_size,
            "finished": self.finished,
            "elapsed_seconds": round(self.elapsed_seconds, 3),
            "changes": self.changes,
            "skipped_albums": self.skipped_albums,
            **self.statistics.to_json(),
        }


def config_digest(config: EngineConfig) -> str:
    """A fingerprint of the rules and switches (a resumed run must use the same ones).

    Canonical across processes: sets are sorted and patterns written as their source.
    """

    def canonical(value: Any) -> Any:
        if isinstance(value, frozenset | set):
            return sorted(canonical(item) for item in value)
        if isinstance(value, tuple | list):
            return [canonical(item) for item in value]
        if isinstance(value, re.Pattern):
            return [value.pattern, value.flags]
        if attrs.has(type(value)):
            return {f.name: canonical(getattr(value, f.name)) for f in attrs.fields(type(value))}
        return value

    text = json.dumps(canonical(config), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class Engine:
    def __init__(
        self,
        client: ImmichClient,
        config: EngineConfig,
        strategy: Strategy,
        options: RunOptions,
    ) -> None:
        self.client = client
        self.config = config
        self.strategy = strategy
        self.options = options
        options.run_dir.mkdir(parents=True, exist_ok=True)
        self._store = CheckpointStore(options.run_dir / "checkpoint.json")
        self.checkpoint = self._open_checkpoint()
        self.report = ModificationReport(
            options.run_dir / "modification_report.txt", options.run_dir / "writes.journal"
        )
        self.stats = RunStatistics()
        self.ctx = EngineContext(
            client, config, strategy, self.report, self.stats, options.thread_hooks
        )

    def _open_checkpoint(self) -> Checkpoint:
        digest = config_digest(self.config)
        found = self._store.load()
        if self.options.resume:
            if found is None:
                raise RunDirError(f"{self.options.run_dir}: no checkpoint to resume from")
            if found.finished:
                raise RunDirError(f"{self.options.run_dir}: that run finished; nothing to resume")
            if found.config_digest != digest:
                raise RunDirError(
                    f"{self.options.run_dir}: the run was started with another config; "
                    "resume it with the same --config"
                )
            return found
        if found is not None and not found.finished:
            raise RunDirError(
                f"{self.options.run_dir}: holds an unfinished run ({found.processed} assets done); "
                "pass --resume to continue it, or choose another --run-dir"
            )
        if found is not None:
            raise RunDirError(
                f"{self.options.run_dir}: holds a finished run; choose another --run-dir"
            )
        return Checkpoint(preset=self.strategy.name, config_digest=digest)

    # -- startup --------------------------------------------------------------------------
    def _startup(self) -> int | None:
        client, ctx, strategy = self.client, self.ctx, self.strategy
        client.get_server_version()
        totals: list[int | None] = [None]

        def statistics() -> None:
            try:
                found = client.get_server_statistics()
                totals[0] = found.photos + found.videos
            except (NotFoundError, BadRequestError):
                pass

        # Independent reads: at once when the strategy allows concurrency.
        reads = [ctx.albums.load, statistics]
        if strategy.cache_duplicates:
            reads.append(ctx.duplicates.load)
        if strategy.tags_via_search:
            reads.append(ctx.tags.load)
        ctx.pool.map(lambda read: read(), reads)
        self._cleanup_temp_albums()
        if strategy.tags_via_search:
            self._build_tag_index()
        if strategy.album_reads == "search":
            ctx.albums.build_map()
        return totals[0]

    def _build_tag_index(self) -> None:
        ctx, config = self.ctx, self.config
        names = set(config.output_tags) | config.rule_tag_names
        for conversion in config.conversions:
            names |= conversion.source.tag_names | set(conversion.tag_names)
        prefixes = (
            config.duplicate_classification_conflict_tag + "_",
            config.duplicate_album_conflict_tag + "_",
        )
        index = tag_index.build(self.client, ctx.tags.all(), names, prefixes, ctx.pool.map)
        if index is None:
            log.warning("a tag the rules use has child tags: reading tags per asset instead")
            self.stats.event("tag_index_unavailable")
        ctx.assets.tag_index = index

    def _cleanup_temp_albums(self) -> None:
        """Delete temporary albums that are empty or span more days than a single event."""
        span_limit = timedelta(days=self.config.temp_album_max_span_days)
        for entry in self.ctx.albums.entries():
            if not is_temp_album(self.ctx, entry.name):
                continue
            album = entry.album
            unhealthy = (
                album.start_date is not UNSET
                and album.end_date is not UNSET
                and album.end_date - album.start_date > span_limit  # type: ignore[operator]
            )
            if entry.asset_count == 0 or unhealthy:
                self.ctx.albums.delete(entry)
                self.stats.event("temp_album_deleted")

    # -- the loop -------------------------------------------------------------------------
    def run(self) -> RunResult:
        started = time.monotonic()
        checkpoint = self.checkpoint
        skip = checkpoint.processed
        base_elapsed = checkpoint.elapsed_seconds
        processed_now = 0
        finished = False
        library_size = None

        last_id: list[str | None] = [checkpoint.last_asset_id]

        def save() -> None:
            """Checkpoint what is safely done: processed, and every write of it sent."""
            self.report.flush()
            checkpoint.processed = skip + processed_now
            checkpoint.last_asset_id = last_id[0]
            checkpoint.elapsed_seconds = base_elapsed + (time.monotonic() - started)
            self._store.save(checkpoint)

        # A batched writer says when a flush has sent everything held back so far.
        self.ctx.writer.on_flushed = save
        save()  # from now on the run directory can be resumed
        try:
            library_size = self._startup()
            # Writes a killed session left in flight: report those the server applied.
            settle_open_intents(self.ctx)
            position = ListingPosition(handed_out=skip, page_size=checkpoint.page_size)
            for wrapper in get_all_assets(self.ctx, position, self.options.max_assets):
                try:
                    process_single_asset(self.ctx, wrapper)
                except ASSET_ERRORS as exc:
                    log.warning("asset %s skipped: %s", wrapper.id, exc)
                    self.stats.error(wrapper.id, str(exc))
                processed_now += 1
                self.stats.assets_processed += 1
                last_id[0] = wrapper.id
                checkpoint.page_size = position.page_size
                if not self.ctx.writer.has_pending:
                    save()
                if self.options.progress is not None:
                    self.options.progress(skip + processed_now, library_size)
                if self.options.between_assets is not None:
                    self.options.between_assets()
            finished = self.options.max_assets is None or processed_now < self.options.max_assets
            # Requests that failed for good may still have been applied: ask the server.
            settle_open_intents(self.ctx)
            checkpoint.finished = finished
            save()
        finally:
            self.ctx.pool.close()
            # After a failure, the checkpoint keeps the last point whose writes were all sent.
            self.report.close()
            self.stats.write(
                self.options.run_dir / "run_statistics.json",
                {"preset": self.strategy.name, "processed_total": checkpoint.processed},
            )
        return RunResult(
            run_dir=self.options.run_dir,
            processed=checkpoint.processed,
            processed_this_session=processed_now,
            library_size=library_size,
            finished=finished,
            elapsed_seconds=checkpoint.elapsed_seconds,
            statistics=self.stats,
            changes={kind.value: n for kind, n in sorted(self.report.counts.items(), key=str)},
            skipped_albums=list(self.ctx.albums.skipped),
        )


def dump_summary(result: RunResult, path: Path, extra: dict[str, Any] | None = None) -> None:
    """``run_summary.json``: the run's figures, plus what the caller adds (requests, retries)."""
    path.write_text(json.dumps({**result.summary(), **(extra or {})}, indent=2), encoding="utf-8")
