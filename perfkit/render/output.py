"""Write one report file: atomically, creating its folder, with one clear error line."""

from __future__ import annotations

import os
from pathlib import Path

from perfkit.errors import PerfkitError


def write_bytes(path: Path, data: bytes, what: str) -> Path:
    """Replace ``path`` with ``data``; a reader never sees half a file."""
    if path.is_dir():
        raise PerfkitError(f"{path}: is a folder; the {what} needs a file name")
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise PerfkitError(f"{path}: cannot write the {what} ({exc.strerror})") from None
    return path


def write_text(path: Path, text: str, what: str) -> Path:
    return write_bytes(path, text.encode("utf-8"), what)
