"""Run statistics: counts of what the run saw and did, written as ``run_statistics.json``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import attrs

from autotag.engine.rules import ClassificationStatus


@attrs.define
class RunStatistics:
    assets_processed: int = 0
    assets_skipped_on_error: int = 0
    statuses: Counter[str] = attrs.field(factory=Counter)
    events: Counter[str] = attrs.field(factory=Counter)
    output_tags: Counter[str] = attrs.field(factory=Counter)
    errors: list[str] = attrs.field(factory=list)

    def count_status(self, status: ClassificationStatus) -> None:
        self.statuses[status.value] += 1

    def event(self, name: str, count: int = 1) -> None:
        self.events[name] += count

    def process_asset_tags(self, tag_names: list[str], output_tags: tuple[str, ...]) -> None:
        """Count the output tags an asset carries once processed (the run's tag census)."""
        for name in tag_names:
            if name in output_tags:
                self.output_tags[name] += 1

    def error(self, asset_id: str, message: str) -> None:
        self.assets_skipped_on_error += 1
        if len(self.errors) < 1000:
            self.errors.append(f"{asset_id}: {message}")

    def to_json(self) -> dict[str, Any]:
        return {
            "assets_processed": self.assets_processed,
            "assets_skipped_on_error": self.assets_skipped_on_error,
            "statuses": dict(sorted(self.statuses.items())),
            "events": dict(sorted(self.events.items())),
            "output_tags": dict(sorted(self.output_tags.items())),
            "errors": self.errors,
        }

    def write(self, path: Path, extra: dict[str, Any]) -> None:
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({**extra, **self.to_json()}, indent=2), encoding="utf-8")
        temporary.replace(path)
