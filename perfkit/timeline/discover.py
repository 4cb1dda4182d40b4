"""Find the profiles of many runs: directories (searched recursively), globs, or files."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path

from perfkit.errors import PerfkitError

#: File names taken from a directory: what cProfile users call their output.
PATTERNS = ("*.stats", "*.stats.gz", "*.prof", "*.pstats")
_GLOB_CHARACTERS = frozenset("*?[")


def _from_directory(folder: Path) -> list[Path]:
    found: set[Path] = set()
    for pattern in PATTERNS:
        found.update(path for path in folder.rglob(pattern) if path.is_file())
    return sorted(found)


def discover(sources: Sequence[str | Path]) -> list[Path]:
    """Every profile named by ``sources``, each once, in the order found.

    A directory contributes the files below it matching ``PATTERNS``; a text with ``*``, ``?``
    or ``[`` is a glob (``**`` crosses directories); anything else must be a file."""
    seen: dict[Path, None] = {}
    for source in sources:
        text = str(source)
        path = Path(text)
        if path.is_dir():
            found = _from_directory(path)
        elif _GLOB_CHARACTERS & set(text) and not path.exists():
            found = sorted(Path(match) for match in glob.glob(text, recursive=True))
            found = [match for match in found if match.is_file()]
        elif path.exists():
            found = [path]
        else:
            raise PerfkitError(f"{text}: no such file or directory")
        if not found:
            raise PerfkitError(f"{text}: no profiles found (looked for {', '.join(PATTERNS)})")
        for match in found:
            seen.setdefault(match, None)
    return list(seen)
