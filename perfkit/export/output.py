"""Write an export to a file (atomically) or to standard output."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from perfkit.errors import PerfkitError

STDOUT = "-"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_output(target: str, write: Callable[[IO[bytes]], None]) -> None:
    """Call ``write`` with a binary stream: standard output for ``-``, otherwise a temporary
    file beside ``target`` that replaces it once complete (a failed export never leaves a
    truncated file, nor destroys the one that was there)."""
    if target == STDOUT:
        write(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    path = Path(target)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    except OSError as exc:
        raise PerfkitError(f"{target}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as exc:
        raise PerfkitError(f"{target}: cannot write ({exc.strerror})") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
