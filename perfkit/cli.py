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


def _leave_pyarrow_unloaded(argv: Sequence[str]) -> None:
    """Keep pandas from importing pyarrow in a command that does not write Parquet.

    pandas 3 imports pyarrow at start-up whenever it is installed (40 MiB and 0.1 s), to back
    its string dtype; perfkit keeps text as Python objects (``perfkit.common.columns``) and
    needs pyarrow only for ``export --format parquet``.  Only a fresh process decides this:
    once pandas is loaded, pyarrow is left as it is.
    """
    if any(name in sys.modules for name in ("pandas", "pyarrow")):
        return
    if not any("parquet" in arg for arg in argv):
        sys.modules["pyarrow"] = None  # what an absent module looks like to an import


def console_main() -> int:
    """The ``perfkit`` command (``main`` is what scripts and tests call in-process)."""
    _leave_pyarrow_unloaded(sys.argv[1:])
    return main()


if __name__ == "__main__":
    sys.exit(console_main())
