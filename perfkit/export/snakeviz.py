"""Hand a profile to snakeviz, served on loopback, and stop it cleanly.

snakeviz reads the file itself with stdlib ``pstats`` (marshal), so perfkit first reads and
validates it with its own strict reader: a broken file gets perfkit's one-line error and
snakeviz never starts.  Files that only perfkit can read (Python 2 profiles, the ``profile``
module's code-object key or call-count-only caller entries, gzip) are handed over as a
sanitised temporary copy (``perfkit.export.pstats_copy``), removed when the viewer stops.

snakeviz runs as a child process (``python -m snakeviz -s -H 127.0.0.1 -p PORT FILE``) in its
own session, so that perfkit alone decides when it stops: on Ctrl-C or SIGTERM perfkit sends it
SIGTERM, then SIGKILL after a grace period.  snakeviz serves any file its
user can read under ``/snakeviz/<path>``, which is why it is bound to 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from perfkit.errors import PerfkitError
from perfkit.export.pstats_copy import estimated_edges, write_pstats
from perfkit.reader import RawStats, read_stats

HOST = "127.0.0.1"
START_TIMEOUT = 30.0
STOP_GRACE = 5.0
_URL = re.compile(r"^(http://\S+)\s*$")
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Handoff:
    """The file snakeviz gets, and why it is not the user's own file (if it is not)."""

    file: Path
    reason: str | None = None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _needs_copy(path: Path, raw: RawStats) -> str | None:
    """Why stdlib pstats (hence snakeviz) cannot take ``path`` as it is; None if it can."""
    with open(path, "rb") as stream:
        if stream.read(2) == _GZIP_MAGIC:
            return "it is gzip-compressed"
    if raw.decoder == "strict":
        return "stdlib pstats of this Python cannot read it"
    count = estimated_edges(raw)
    if count:
        return f"{count} caller entries hold call counts only (their times are estimated)"
    return None


@contextlib.contextmanager
def handoff(path: str | Path) -> Iterator[Handoff]:
    """The file to give snakeviz: ``path`` itself, or a sanitised copy for as long as needed."""
    source = Path(path)
    raw = read_stats(source)  # perfkit's own reader: a broken file stops here, in one line
    reason = _needs_copy(source, raw)
    if reason is None:
        yield Handoff(source)
        return
    folder = Path(tempfile.mkdtemp(prefix="perfkit-view-"))
    try:
        copy = folder / (source.name.removesuffix(".gz") or "profile.stats")
        with open(copy, "wb") as stream:
            write_pstats(raw, stream)
        yield Handoff(copy, reason)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class Snakeviz:
    """A running snakeviz server: ``url``, ``wait()``, ``stop()``."""

    def __init__(self, file: Path, port: int) -> None:
        command = [sys.executable, "-m", "snakeviz", "-s", "-H", HOST, "-p", str(port), str(file)]
        try:
            self.process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                start_new_session=True,
            )
        except OSError as exc:
            raise PerfkitError(f"cannot start snakeviz ({exc.strerror or exc})") from None
        self._lines: queue.Queue[str | None] = queue.Queue()
        # read what snakeviz prints as it comes, so that it never blocks on a full pipe
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self._wait_for_url()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _wait_for_url(self) -> str:
        said: list[str] = []
        deadline = time.monotonic() + START_TIMEOUT
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._lines.get(timeout=left)
            except queue.Empty:
                break
            if line is None:  # snakeviz ended
                break
            found = _URL.match(line)
            if found:
                return found[1]
            said.append(line.strip())
        self.stop()
        last = next((line for line in reversed(said) if line), "no output")
        raise PerfkitError(f"snakeviz did not start: {last}")

    def wait(self) -> int:
        return self.process.wait()

    def stop(self) -> None:
        """SIGTERM (snakeviz holds nothing that needs saving), then SIGKILL.

        Not SIGINT: a viewer started in the background of a script inherits SIGINT ignored."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if self.process.poll() is not None:
                return
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(STOP_GRACE)
