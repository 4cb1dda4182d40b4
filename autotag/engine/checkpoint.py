"""Checkpoints: where a run stopped, so that ``--resume`` continues exactly there.

The checkpoint records how many assets of the listing were fully processed (their writes done
and reported). It is replaced atomically (write to a temporary file, then rename), so a kill at
any moment leaves either the old or the new checkpoint, never a torn one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import attrs

from autotag.errors import AutotagError

FORMAT = "autotag.checkpoint/1"


class CheckpointError(AutotagError):
    """A checkpoint that cannot be used for this run."""


@attrs.define
class Checkpoint:
    preset: str
    config_digest: str
    processed: int = 0
    last_asset_id: str | None = None
    page_size: int | None = None
    finished: bool = False
    elapsed_seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, **attrs.asdict(self)}


class CheckpointStore:
    """Reads and atomically replaces ``checkpoint.json`` in a run directory."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Checkpoint | None:
        if not self.path.exists():
            return None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.pop("format", None) != FORMAT:
                raise ValueError("unknown format")
            return Checkpoint(**data)
        except (ValueError, TypeError, OSError) as exc:
            raise CheckpointError(f"{self.path}: unreadable checkpoint ({exc})") from None

    def save(self, checkpoint: Checkpoint) -> None:
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(checkpoint.to_json(), indent=1), encoding="utf-8")
        os.replace(temporary, self.path)
