"""Helpers shared by the sub-commands: argument types, help layout, warnings, output guard."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from perfkit.common.guard import OutputGuard
from perfkit.model.sidecar import sidecar_path

FORCE_HELP = (
    "replace existing files that perfkit did not write (never the command's own inputs, "
    "which are always kept)"
)


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keep the examples in ``epilog`` laid out as written."""


def add_command(
    subparsers: argparse._SubParsersAction, name: str, summary: str, description: str, examples: str
) -> argparse.ArgumentParser:
    """A sub-command's parser whose help ends with ``examples``, laid out as written."""
    return subparsers.add_parser(
        name,
        help=summary,
        description=description,
        epilog=examples,
        formatter_class=HelpFormatter,
    )


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text!r}")
    return value


def non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value >= 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text!r}")
    return value


def warn(messages: Iterable[str]) -> None:
    for message in messages:
        print(f"perfkit: warning: {message}", file=sys.stderr)


def add_force(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true", help=FORCE_HELP)


def output_guard(
    args: argparse.Namespace, profiles: Iterable[str | Path], others: Iterable[str | Path] = ()
) -> OutputGuard:
    """The guard of a command that reads ``profiles`` (kept with their sidecars) and ``others``."""
    kept: list[str | Path] = []
    for profile in profiles:
        kept += [profile, sidecar_path(Path(profile))]
    return OutputGuard([*kept, *others], force=args.force)
