"""Helpers for tests that drive real child processes."""

from __future__ import annotations

import signal


def interruptible() -> None:
    """``preexec_fn``: the child gets Ctrl-C's default meaning.

    Tests started in the background (``nohup``, ``&`` in a script) run with SIGINT ignored, and a
    child inherits that: a test that sends SIGINT would then wait for a process that never stops.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
