"""The report options shared by ``perfkit validate`` and ``perfkit compare``.

``--html DIR`` (static, CSP-safe) or ``--html FILE --single-file``, ``--junit FILE``,
``--markdown FILE`` and a JSON verdict (``--json`` for validate, ``--verdict-json`` for compare,
whose ``--json`` is the per-function diff). ``-`` sends Markdown or JSON to standard output.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from perfkit.commands.common import warn
from perfkit.common.guard import OutputGuard
from perfkit.diff.flame import Frame, flame_tree
from perfkit.errors import PerfkitError
from perfkit.model.profile import Profile
from perfkit.render.html_report import write_single_file, write_static
from perfkit.render.json_report import verdict_json, write_json
from perfkit.render.junit import write_junit
from perfkit.render.markdown import markdown, write_markdown

SINGLE_FILE_WARNING = (
    "a single-file report inlines its stylesheet and charts, which Jenkins' default "
    "Content-Security-Policy blocks; publish the folder report (--html DIR) there"
)


def add_report_options(parser: argparse.ArgumentParser, *, json_flag: str) -> None:
    group = parser.add_argument_group("reports")
    group.add_argument(
        "--html",
        metavar="DIR",
        help="write the HTML report into DIR: index.html, perfkit.css, chart images and, for "
        "two profiles, flame graph SVGs (renders under Jenkins' default Content-Security-Policy)",
    )
    group.add_argument(
        "--single-file",
        action="store_true",
        help="with --html: write one self-contained HTML file instead (--html names the file); "
        "for mail and notebooks: Jenkins' default Content-Security-Policy blocks its inline "
        "stylesheet and images, so publish --html DIR there",
    )
    group.add_argument("--junit", metavar="FILE", help="write JUnit XML: one test case per check")
    group.add_argument(
        "--butterfly",
        metavar="SELECTOR",
        action="append",
        default=None,
        help="the exact callers/callees diff of the functions SELECTOR matches, in the HTML "
        "report and the terminal (repeatable; default: the HTML report shows the target "
        "metric's functions, e.g. get_asset_info)",
    )
    group.add_argument(
        "--markdown",
        metavar="FILE",
        help="write a Markdown summary (under 1 MiB; for $GITHUB_STEP_SUMMARY); '-' for stdout",
    )
    group.add_argument(
        json_flag,
        dest="verdict_json",
        metavar="FILE",
        help="write the verdict as JSON (schema perfkit.verdict/1); '-' for stdout",
    )


def check_report_options(args: argparse.Namespace) -> None:
    if args.single_file and not args.html:
        raise PerfkitError("--single-file needs --html FILE")
    if args.html == "-":
        raise PerfkitError("--html needs a folder (or a file with --single-file), not '-'")
    if args.junit == "-":
        raise PerfkitError("--junit needs a file name, not '-'")
    if args.markdown == "-" and args.verdict_json == "-":
        raise PerfkitError("only one of --markdown and the JSON verdict can go to stdout ('-')")


def check_report_targets(guard: OutputGuard, args: argparse.Namespace) -> None:
    """Refuse, before anything is written, a report that would replace what it must not."""
    if args.html and args.single_file:
        html = Path(args.html)
        guard.check(html / "report.html" if html.is_dir() else html, "HTML report")
    elif args.html:
        guard.check_folder(args.html)
    for target, what in (
        (args.junit, "JUnit XML"),
        (args.markdown, "Markdown summary"),
        (args.verdict_json, "JSON verdict"),
    ):
        if target:
            guard.check(target, what)


def wants_reports(args: argparse.Namespace) -> bool:
    return any((args.html, args.junit, args.markdown, args.verdict_json))


def stdout_taken(args: argparse.Namespace) -> bool:
    return "-" in (args.markdown, args.verdict_json)


def documented(args: argparse.Namespace) -> list[str]:
    """The report files this run will write (the checklist's "documented" item)."""
    files = []
    if args.html:
        files.append(args.html if args.single_file else str(Path(args.html) / "index.html"))
    files += [f for f in (args.markdown, args.verdict_json, args.junit) if f and f != "-"]
    return files


def flame_for(
    args: argparse.Namespace, base: Sequence[Profile], new: Sequence[Profile]
) -> Frame | None:
    """The flame tree of the first baseline and the first new run, when an HTML report wants it."""
    if not args.html or not base or not new:
        return None
    return flame_tree(base[0], new[0])


def write_reports(
    verdict: dict[str, Any], args: argparse.Namespace, flame: Frame | None = None
) -> list[str]:
    """Write every requested report; the paths written (stdout output is not listed).

    ``flame`` (two profiles' ``flame_tree``) adds the flame graphs to the HTML report.
    """
    written: list[str] = []
    if args.html:
        if args.single_file:
            path = write_single_file(verdict, args.html, flame)
            warn([f"{path}: {SINGLE_FILE_WARNING}"])
            written.append(str(path))
        else:
            written.append(str(write_static(verdict, args.html, flame)[-1]))
    if args.junit:
        written.append(str(write_junit(verdict, args.junit)))
    if args.markdown == "-":
        sys.stdout.write(markdown(verdict))
    elif args.markdown:
        written.append(str(write_markdown(verdict, args.markdown)))
    if args.verdict_json == "-":
        sys.stdout.write(verdict_json(verdict))
    elif args.verdict_json:
        written.append(str(write_json(verdict, args.verdict_json)))
    return written
