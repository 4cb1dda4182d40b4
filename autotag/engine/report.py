"""The modification report: one line per change the engine made to the library.

A line is written only for a change the server confirmed (an id it reported as newly tagged,
say), so a repeated request or a resumed run never lists a change twice. Lines are appended and
flushed as they happen.

A process killed while a write is in flight cannot know whether the server applied it. So every
write is first written to a journal (``writes.journal``, one JSON line per intent) and marked
done once its answer is reported; a resumed run asks the server about every intent that was
never marked done and reports what was applied. A killed run therefore loses no line either.
A kill can also land after an intent's lines were written but before it was marked done; the
settlement skips what the report already lists, so no line is written twice.
"""

from __future__ import annotations

import contextlib
import enum
import json
import os
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import attrs


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

    def __init__(self, path: Path | None, journal: Path | None = None) -> None:
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
        self.journal_path = journal
        self._journal: TextIO | None = journal.open("a", encoding="utf-8") if journal else None
        self._next_intent = _last_intent(journal) + 1 if journal else 0
        self._listed_changes: set[tuple[str, str, str, str]] | None = None

    @contextlib.contextmanager
    def intent(
        self, kind: ChangeKind, target: str, ids: Sequence[str], detail: str = ""
    ) -> Iterator[Intent]:
        """Journal a write before it is sent; it is marked done when the block ends normally.

        The block reports what the server confirmed with ``Intent.confirm``. If it raises, the
        intent stays open, to be checked against the server later (``settle``).
        """
        with self._lock:
            token = self._next_intent
            self._next_intent += 1
            self._journal_line(
                {
                    "intent": token,
                    "kind": kind.value,
                    "target": target,
                    "ids": list(ids),
                    "detail": detail,
                }
            )
        yield Intent(self, kind, target, detail)
        with self._lock:
            self._journal_line({"done": token})

    def _journal_line(self, entry: dict[str, Any]) -> None:
        if self._journal is not None:
            self._journal.write(json.dumps(entry) + "\n")
            self._journal.flush()

    def open_intents(self) -> list[dict[str, Any]]:
        """Intents journaled but never marked done (their request's fate is unknown)."""
        if self.journal_path is None or not self.journal_path.exists():
            return []
        opened: dict[int, dict[str, Any]] = {}
        with self.journal_path.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue  # a line torn by a kill: its write was never sent
                if "intent" in entry:
                    opened[entry["intent"]] = entry
                elif "done" in entry:
                    opened.pop(entry["done"], None)
        return list(opened.values())

    def settle(self, intent: dict[str, Any], applied: Sequence[tuple[ChangeKind, str]]) -> None:
        """Report what the server shows of an open intent (kind, asset); close the intent.

        A change the report already lists was confirmed before the kill: it is not repeated.
        """
        listed = self._listed()
        target, detail = intent["target"], intent.get("detail", "")
        for kind, asset_id in applied:
            change = (kind.value, asset_id, _clean(target), _clean(detail))
            if change not in listed:
                listed.add(change)
                self.record(kind, asset_id, target, detail)
        with self._lock:
            self._journal_line({"done": intent["intent"], "settled": True})

    def _listed(self) -> set[tuple[str, str, str, str]]:
        """The changes the report lists so far (read once, on the first settlement)."""
        if self._listed_changes is None:
            self.flush()
            path = self.path
            self._listed_changes = set(read_changes(path)) if path and path.exists() else set()
        return self._listed_changes

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
        if self._journal is not None:
            self._journal.close()
            self._journal = None


@attrs.define
class Intent:
    """An open write: ``confirm`` reports the ids the server changed."""

    report: ModificationReport
    kind: ChangeKind
    target: str
    detail: str

    def confirm(self, ids: Sequence[str], kind: ChangeKind | None = None) -> None:
        """Report ``kind`` (default: the intent's) for each asset id."""
        for asset_id in ids:
            self.report.record(kind or self.kind, asset_id, self.target, self.detail)

    def confirm_target(self) -> None:
        """Report a change of the target itself (a tag or album created or deleted)."""
        self.report.record(self.kind, "", self.target, self.detail)


def _last_intent(journal: Path) -> int:
    last = -1
    if journal.exists():
        with journal.open(encoding="utf-8") as handle:
            for line in handle:
                with contextlib.suppress(ValueError, AttributeError):
                    last = max(last, int(json.loads(line).get("intent", -1)))
    return last


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
