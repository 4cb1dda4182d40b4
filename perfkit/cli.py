"""The ``perfkit`` command line: wires the sub-commands of ``perfkit.commands`` together.

Every input or usage problem ends as one line ``perfkit: error: <message>`` on stderr and exit
code 2; an interrupt or a closed pipe ends quietly.  No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from perfkit.commands import COMMANDS
from perfkit.common.version import __version__
from perfkit.errors import PerfkitError

EXAMPLES = """\
examples:
  python -m cProfile -o before.stats my_program.py
  perfkit show before.stats --limit 20
  perfkit compare before.stats after.stats --match 'my_module:slow_function'

Run 'perfkit COMMAND --help' for a command's options.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="perfkit",
        description="Read, show and compare cProfile/pstats profiles from any CPython.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"perfkit {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"perfkit.commands.{name}").register(subparsers)
    return parser


def _quiet_broken_pipe() -> None:
    """After the reader of our output went away: drop what is left, exit without a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        status = args.run(args)
        sys.stdout.flush()
        return status
    except PerfkitError as exc:
        print(f"perfkit: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("perfkit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _quiet_broken_pipe()
        return 0


if __name__ == "__main__":
    sys.exit(main())
