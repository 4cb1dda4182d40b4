"""Named sets of saved call counts: ``DIR/NAME.json``, schema ``perfkit.calls/1``.

One file holds the counts of several pieces of code (pytest node ids, say), each a list of
``{module, name, function, builtin, file, line, ncalls, pcalls}`` records.  A file that exists
but is not such a document is never replaced: it was not written by perfkit.
"""

from __future__ import annotations

import json
import platform
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from perfkit.callgate.counts import COLUMNS, aggregate
from perfkit.common.jsonable import json_records
from perfkit.common.output import write_text
from perfkit.errors import PerfkitError

SCHEMA = "perfkit.calls/1"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def counts_path(folder: Path, name: str) -> Path:
    """Where the counts called ``name`` live; the name must be a plain file name."""
    if not _NAME.match(name) or name.endswith(".json"):
        raise PerfkitError(
            f"bad name {name!r}: use letters, digits, '.', '_' or '-' (no folder, no .json)"
        )
    return folder / f"{name}.json"


def _document(path: Path) -> dict[str, Any] | None:
    """The parsed file if it is a ``perfkit.calls/1`` document, else None."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if isinstance(document, dict) and document.get("schema") == SCHEMA:
        return document
    return None


def check_writable(path: Path) -> None:
    """Refuse a target that exists and is not saved call counts (perfkit did not write it)."""
    if path.exists() and _document(path) is None:
        raise PerfkitError(f"{path}: exists and is not saved call counts ({SCHEMA}); not replaced")


def save_counts(path: Path, name: str, counts: dict[str, pd.DataFrame]) -> Path:
    """Write ``counts`` (id -> call-count table) as the set ``name``; returns the path."""
    check_writable(path)
    document = {
        "schema": SCHEMA,
        "name": name,
        "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "tests": {key: json_records(table) for key, table in sorted(counts.items())},
    }
    write_text(path, json.dumps(document, indent=1, allow_nan=False) + "\n", "call counts")
    return path


def load_counts(path: Path) -> dict[str, pd.DataFrame]:
    """The saved set at ``path``: id -> call-count table.  Raises ``PerfkitError``."""
    if not path.is_file():
        raise PerfkitError(f"{path}: no saved call counts there")
    document = _document(path)
    if document is None or not isinstance(document.get("tests"), dict):
        raise PerfkitError(f"{path}: not saved call counts ({SCHEMA})")
    tables = {}
    for key, records in document["tests"].items():
        try:
            table = pd.DataFrame.from_records(records, columns=list(COLUMNS))
            tables[key] = aggregate(table.astype({"builtin": bool}))
        except (TypeError, ValueError, KeyError) as exc:
            raise PerfkitError(f"{path}: bad counts for {key!r} ({exc})") from None
    return tables
