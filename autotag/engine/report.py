"""The modification report: one line per change the engine made to the library.

A line is written only for a change the server confirmed (an id it reported as newly tagged,
say), so a repeated request or a resumed run never lists a change twice. Lines are appended and
flushed as they happen: a killed run keeps every line of the changes it made.
"""

from __future__ import annotations

import enum
import os
import threading
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO


class ChangeKind(enum.Enum):
    ADD_TAG = "ADD_TAG"
    REMOVE_TAG = "REMOVE_TAG"
    CREATE_TAG = "CREATE_TAG"
    ADD_TO_ALBUM = "ADD_TO_ALBUM"
    REMOVE_FROM_ALBUM = "REMOVE_FROM_ALBUM"
    CREATE_ALBUM = "CREATE_ALBUM"
    DELETE_ALBUM = "DELETE_ALBUM"
    UPDATE_DATE = "UPDATE_DATE"


HEADER = "# time\tkind\tasset\ttarget\tdetail\n"


class ModificationReport:
    """Appends change lines to ``path`` and counts them by kind."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.counts: Counter[ChangeKind] = Counter()
        self._file: TextIO | None = None
        self._lock = threading.Lock()  # batched writes report from worker threads
        if path is not None:
            fresh = not path.exists() or path.stat().st_size == 0
            self._file = path.open("a", encoding="utf-8")
            if fresh:
                self._file.write(HEADER)
                self._file.flush()

    def record(self, kind: ChangeKind, asset_id: str, target: str, detail: str = "") -> None:
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
        line = "\t".join((stamp, kind.value, asset_id, _clean(target), _clean(detail))) + "\n"
        with self._lock:
            self.counts[kind] += 1
            if self._file is not None:
                self._file.write(line)
                self._file.flush()

    def flush(self) -> None:
        """Hand every line so far to the OS (a killed process loses none of them)."""
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        """Flush, make the report durable on disk, and close it."""
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _clean(text: str) -> str:
    """Keep one change on one line whatever a name contains."""
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def read_changes(path: Path) -> list[tuple[str, str, str, str]]:
    """The (kind, asset, target, detail) of every line of a report, in order."""
    changes = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            _, kind, asset, target, detail = line.rstrip("\n").split("\t")
            changes.append((kind, asset, target, detail))
    return changes
