"""The ``autotag`` console script: checks that the ``[autotag]`` extra is installed, then runs.

``pip install autotag-perfkit`` installs perfkit alone (and this script with it); autotag's
client and simulator need ``pip install 'autotag-perfkit[autotag]'``. Without them the user gets
one line naming the fix instead of an ImportError traceback.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence

# Import names of the ``[autotag]`` extra in pyproject.toml.
EXTRA_MODULES = ("anyio", "httpx", "starlette", "uvicorn", "yaml")
INSTALL_HINT = "pip install 'autotag-perfkit[autotag]'"


def missing_modules() -> list[str]:
    """The modules of the ``[autotag]`` extra that this interpreter cannot import."""
    return [name for name in EXTRA_MODULES if importlib.util.find_spec(name) is None]


def main(argv: Sequence[str] | None = None) -> int:
    missing = missing_modules()
    if missing:
        print(
            f"autotag: error: autotag needs {', '.join(missing)}, not installed: {INSTALL_HINT}",
            file=sys.stderr,
        )
        return 2
    from autotag.cli import main as cli_main

    return cli_main(argv)
