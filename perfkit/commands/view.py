"""``perfkit view FILE``: open a profile in snakeviz, served on loopback."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
import webbrowser
from collections.abc import Iterator
from typing import Any

from perfkit.commands.common import add_command, positive_int
from perfkit.errors import PerfkitError
from perfkit.export.snakeviz import HOST, Snakeviz, free_port, handoff

EXAMPLES = """\
examples:
  perfkit view profile.stats
  perfkit view profile.stats --no-browser --port 8080    # then open the printed URL

snakeviz shows the profile as an icicle or sunburst and a sortable table.  Its deeper levels
are estimated from caller edges (and rescaled to fit) without saying so; perfkit's own
'perfkit export --format collapsed' marks where such estimates start.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "view",
        "open a profile in snakeviz",
        f"Serve a pstats profile with snakeviz on {HOST}, print its URL and open it in the "
        "web browser; Ctrl-C stops the server.  Files stdlib pstats cannot read (Python 2, "
        "the profile module's quirks, .gz) are handed over as a sanitised temporary copy.",
        EXAMPLES,
    )
    parser.add_argument("file", metavar="FILE", help="a pstats file (cProfile/profile output)")
    parser.add_argument(
        "--port",
        type=positive_int,
        metavar="P",
        help="port to serve on (snakeviz moves to a nearby one if it is taken; default: any "
        "free port)",
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="only print the URL; do not open a browser"
    )
    parser.set_defaults(run=run)


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM stops the viewer the way Ctrl-C does."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _open_browser(url: str) -> None:
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        print("perfkit: note: no web browser found; open the URL yourself", file=sys.stderr)
        return
    # a terminal browser would take over this console until it exits: run it aside
    threading.Thread(target=browser.open, args=(url, 2), daemon=True).start()


def run(args: argparse.Namespace) -> int:
    with handoff(args.file) as given:
        if given.reason:
            print(
                f"perfkit: note: {args.file}: {given.reason}; snakeviz gets a sanitised copy",
                file=sys.stderr,
            )
        with _terminate_as_interrupt():
            server = Snakeviz(given.file, args.port if args.port is not None else free_port())
            try:
                print(f"snakeviz is serving {args.file} at {server.url}")
                print("Press Ctrl-C to stop.", flush=True)
                if not args.no_browser:
                    _open_browser(server.url)
                status = server.wait()
            except KeyboardInterrupt:
                server.stop()
                print("perfkit: viewer stopped", file=sys.stderr)
                return 0
            finally:
                server.stop()
    if status != 0:
        raise PerfkitError(f"snakeviz stopped unexpectedly (exit status {status})")
    return 0
