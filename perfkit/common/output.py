"""Write one output - a report, an export, a JSON document - atomically, or to standard output.

Every file perfkit writes goes through ``write_output``: the data goes to a temporary file beside
the target, which replaces the target once complete, so a reader never sees half a file and a
failed write never destroys what was there. Under a ``perfkit.common.guard`` (every command)
the target is checked first: never an input, never a file perfkit did not write. ``-`` sends the
data to standard output instead. Problems are one clear ``PerfkitError`` naming the file.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from perfkit.common.guard import check_target
from perfkit.errors import PerfkitError

STDOUT = "-"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _problem(target: str | Path, what: str, exc: OSError) -> PerfkitError:
    detail = exc.strerror or str(exc)
    return PerfkitError(f"{target}: cannot write{f' the {what}' if what else ''} ({detail})")


def write_output(
    target: str | Path,
    write: Callable[[IO[bytes]], None],
    *,
    what: str = "",
    make_folders: bool = False,
) -> Path | None:
    """Call ``write`` with a binary stream: standard output for ``-``, else a temporary file
    beside ``target`` that replaces it once ``write`` returns. ``make_folders`` creates the
    target's missing folders. Returns the path written (None for standard output)."""
    if str(target) == STDOUT:
        write(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return None
    path = Path(target)
    if path.is_dir():
        raise PerfkitError(f"{path}: is a folder; the {what or 'output'} needs a file name")
    check_target(path, what)
    try:
        if make_folders:
            path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise _problem(target, what, exc) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as exc:
        raise _problem(target, what, exc) from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path


def write_bytes(
    target: str | Path, data: bytes, what: str = "", *, make_folders: bool = True
) -> Path | None:
    """``data`` to ``target`` (or standard output for ``-``); folders created by default."""
    return write_output(
        target, lambda stream: stream.write(data), what=what, make_folders=make_folders
    )


def write_text(
    target: str | Path, text: str, what: str = "", *, make_folders: bool = True
) -> Path | None:
    """``text`` as UTF-8 to ``target`` (or standard output for ``-``)."""
    return write_bytes(target, text.encode("utf-8"), what, make_folders=make_folders)
