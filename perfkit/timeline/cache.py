"""A per-run cache of the numbers ``perfkit history`` extracts from each profile.

Decoding a profile costs milliseconds; a history of thousands of runs is read again every time
a build adds one.  The cache keeps, per profile file, its totals and the calls and times of
each selector, keyed by the file's path and checked against its size and modification time
(and, for selectors, the working directory, which module names can depend on).  It is an
SQLite file (default ``$XDG_CACHE_HOME/perfkit/history.sqlite3``) holding only JSON numbers:
a damaged or foreign cache is ignored with a warning, never trusted.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: Bump when what is stored (or how it is computed) changes: older entries are then dropped.
VERSION = "perfkit.history-cache/1"
RUN = ""  # the entry name of a run's totals; selectors use their own text


def default_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "perfkit" / "history.sqlite3"


def stamp(path: Path) -> str:
    """What must not change for a cached entry to stay valid: size and mtime of the file."""
    info = path.stat()
    return f"{info.st_size}:{info.st_mtime_ns}"


class MetricCache:
    """``get`` and ``put`` JSON values per (file, context, name); a no-op without a file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.warnings: list[str] = []
        self._db: sqlite3.Connection | None = None
        if path is not None:
            self._open(path)

    def _open(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=10)
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            found = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if found is None or found[0] != VERSION:
                db.execute("DROP TABLE IF EXISTS entries")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (VERSION,))
            db.execute(
                "CREATE TABLE IF NOT EXISTS entries (path TEXT, context TEXT, name TEXT, "
                "stamp TEXT, value TEXT, PRIMARY KEY (path, context, name))"
            )
            db.commit()
            self._db = db
        except (sqlite3.Error, OSError) as exc:
            self._fail(exc)

    def _fail(self, exc: Exception) -> None:
        self.warnings.append(f"{self.path}: history cache not used ({exc})")
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None

    def get(self, paths: Iterable[str], contexts: Iterable[str]) -> dict[tuple, tuple]:
        """{(path, context, name): (stamp, value)} for the given files and contexts."""
        if self._db is None:
            return {}
        wanted_paths, wanted_contexts = set(paths), set(contexts)
        found: dict[tuple, tuple] = {}
        try:
            rows = self._db.execute("SELECT path, context, name, stamp, value FROM entries")
            for path, context, name, entry_stamp, value in rows:
                if path in wanted_paths and context in wanted_contexts:
                    found[(path, context, name)] = (entry_stamp, json.loads(value))
        except (sqlite3.Error, ValueError) as exc:
            self._fail(exc)
            return {}
        return found

    def put(self, entries: Iterable[tuple[str, str, str, str, Any]]) -> None:
        """Store (path, context, name, stamp, value) rows, replacing older ones."""
        if self._db is None:
            return
        rows = [(p, c, n, s, json.dumps(v, allow_nan=True)) for p, c, n, s, v in entries]
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)", rows)
        except sqlite3.Error as exc:
            self._fail(exc)

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
