"""What a perfkit command may write over: never its inputs, and no file perfkit did not write.

A command builds one ``OutputGuard`` from its input files (each profile with its sidecar, the
settings file) and ``--force``, checks every target before it writes anything (``check``,
``check_folder``), and runs its writers under ``guarding(guard)``: ``write_output`` checks each
file again just before it replaces it, so no writer can slip past. Two rules:

- An input, or the sidecar of one, is never written over, not even with ``--force``: the
  target is compared with each input by ``os.path.samefile``, so a symlink or hard link to an
  input is refused too.
- An existing file is replaced only when perfkit wrote it (``perfkit.common.ownership``), so
  re-running a command over its own outputs works; any other file needs ``--force``. An HTML
  report folder is written into when it is missing, empty or holds a perfkit report
  (``index.html``); the files in such a folder are the report's own.

Outside a guard (the Python API), writers replace their targets as asked.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from perfkit.common.ownership import written_by_perfkit
from perfkit.errors import PerfkitError

REPORT_INDEX = "index.html"
_ACTIVE: contextvars.ContextVar[OutputGuard | None] = contextvars.ContextVar(
    "perfkit_output_guard", default=None
)


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


class OutputGuard:
    """The inputs a command must keep, and whether ``--force`` was given."""

    def __init__(self, inputs: Iterable[str | Path] = (), *, force: bool = False) -> None:
        self.inputs = [Path(p) for p in inputs if str(p) != "-" and Path(p).exists()]
        self.force = force
        self._folders: list[Path] = []

    def _input(self, target: Path) -> Path | None:
        return next((kept for kept in self.inputs if _same(target, kept)), None)

    def _in_report_folder(self, target: Path) -> bool:
        return any(_same(target.parent, folder) for folder in self._folders)

    def check(self, target: str | Path, what: str = "output") -> None:
        """Raise when writing ``target`` would destroy an input or a file perfkit did not write."""
        if str(target) == "-":
            return
        path = Path(target)
        kept = self._input(path)
        if kept is not None:
            raise PerfkitError(
                f"{target}: is the input {kept.name}; perfkit never writes over its inputs "
                f"(give the {what} another name)"
            )
        if not os.path.lexists(path) or path.is_dir():
            return
        if self.force or self._in_report_folder(path) or written_by_perfkit(path):
            return
        raise PerfkitError(
            f"{target}: exists and perfkit cannot tell that it wrote it; --force replaces it"
        )

    def check_folder(self, folder: str | Path) -> None:
        """Allow an HTML report into ``folder``: missing, empty, or holding a perfkit report."""
        path = Path(folder)
        if path.is_dir() and not self.force and any(path.iterdir()):
            index = path / REPORT_INDEX
            if not (index.is_file() and written_by_perfkit(index)):
                raise PerfkitError(
                    f"{folder}: is a folder that holds no perfkit report; give an empty or new "
                    "folder, or --force to write the report into it"
                )
        self._folders.append(path)


@contextlib.contextmanager
def guarding(guard: OutputGuard) -> Iterator[OutputGuard]:
    """Every ``write_output`` inside the block checks its target with ``guard``."""
    token = _ACTIVE.set(guard)
    try:
        yield guard
    finally:
        _ACTIVE.reset(token)


def check_target(target: str | Path, what: str = "output") -> None:
    """Check ``target`` with the active guard, if there is one."""
    guard = _ACTIVE.get()
    if guard is not None:
        guard.check(target, what or "output")
