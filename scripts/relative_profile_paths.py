"""Rewrite a pstats file so that it carries no path of the machine that made it.

Used for the profiles committed under profiles/: files below ``--root`` (the project) become
paths relative to it (``autotag/engine/rules.py``); standard-library and installed-package files
keep the path from their library folder on (``lib/python3.11/json/decoder.py``,
``site-packages/httpx/_client.py``), which perfkit names exactly as before.  Calls and times are
unchanged: ``pstats`` loads the result, and ``perfkit compare`` of the file against the original
shows no change.

    python scripts/relative_profile_paths.py run.stats --root /path/to/checkout -o run.stats
"""

from __future__ import annotations

import argparse
import marshal
import os
import re
import sys
import tempfile
from pathlib import Path

LIBRARY = re.compile(
    r"^.*?/((?:site-packages|dist-packages)/.*|lib(?:64)?/(?:python|pypy)\d[^/]*/.*)$"
)


def relative(file: str, root: str) -> str:
    found = LIBRARY.match(file)
    if found:
        return found[1]
    return file[len(root) + 1 :] if file.startswith(root + "/") else file


def rewrite(stats: dict, root: str) -> tuple[dict, list[str]]:
    """The stats with relative keys, and the absolute paths that stayed."""

    def key(k: tuple) -> tuple:
        return (relative(k[0], root), *k[1:])

    out = {}
    for k, (cc, nc, tt, ct, callers) in stats.items():
        out[key(k)] = (cc, nc, tt, ct, {key(c): v for c, v in callers.items()})
    if len(out) != len(stats):
        raise SystemExit("relative_profile_paths: two functions would get the same key")
    kept = sorted({k[0] for k in out if k[0].startswith("/")})
    return out, kept


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--root", required=True, help="the project folder the run used")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    stats = marshal.loads(args.profile.read_bytes())
    out, kept = rewrite(stats, os.path.normpath(args.root))
    with tempfile.NamedTemporaryFile(dir=args.output.parent, delete=False) as handle:
        marshal.dump(out, handle)
    os.replace(handle.name, args.output)
    for path in kept:
        print(f"relative_profile_paths: kept absolute: {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
