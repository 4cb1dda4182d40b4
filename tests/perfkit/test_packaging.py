"""perfkit installs and imports without autotag's stack (starlette, uvicorn, httpx).

``pip install autotag-perfkit`` is perfkit alone; the simulator's server stack is the
``[autotag]`` extra. Importing every perfkit module in a fresh interpreter must therefore pull in
none of them, nor autotag itself.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import perfkit

ROOT = Path(__file__).resolve().parents[2]
AUTOTAG_STACK = ("starlette", "uvicorn", "httpx", "autotag")

IMPORT_ALL = """
import importlib, json, pkgutil, sys
import perfkit
names = sorted(m.name for m in pkgutil.walk_packages(perfkit.__path__, "perfkit."))
for name in names:
    importlib.import_module(name)
top = sorted({module.split(".")[0] for module in sys.modules})
print(json.dumps({"imported": names, "top": top}))
"""


def test_no_perfkit_module_imports_autotag_or_its_server_stack() -> None:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL], capture_output=True, text=True, timeout=120, check=True
    )
    report = json.loads(result.stdout)
    expected = sorted(m.name for m in pkgutil.walk_packages(perfkit.__path__, "perfkit."))
    assert report["imported"] == expected
    assert len(expected) > 50  # the walk really found the package's modules
    assert [name for name in AUTOTAG_STACK if name in report["top"]] == []


def test_base_dependencies_leave_out_the_autotag_stack() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    base = " ".join(project["dependencies"])
    autotag_extra = " ".join(project["optional-dependencies"]["autotag"])
    for name in ("starlette", "uvicorn", "httpx"):
        assert name not in base
        assert name in autotag_extra
    assert "autotag-perfkit[autotag,parquet]" in project["optional-dependencies"]["dev"]


MISSING_EXTRA = """
import sys
sys.modules["httpx"] = None      # as if the [autotag] extra were not installed
sys.modules["uvicorn"] = None
from autotag.entry import main
sys.exit(main(["--help"]))
"""


def test_autotag_without_its_extra_says_how_to_install_it() -> None:
    result = subprocess.run(
        [sys.executable, "-c", MISSING_EXTRA], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr == (
        "autotag: error: autotag needs httpx, uvicorn, not installed: "
        "pip install 'autotag-perfkit[autotag]'\n"
    )
    assert result.stdout == ""


def test_autotag_with_its_extra_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from autotag.entry import main; sys.exit(main())"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2  # argparse: a command is required
    assert "usage: autotag" in result.stderr
    assert "not installed" not in result.stderr


def test_the_pytest_plugin_module_loads_no_perfkit_until_asked() -> None:
    """pytest imports every installed plugin at start-up: perfkit (pandas, matplotlib) must
    wait until a --perfkit-* option asks for it."""
    code = "import sys, pytest_perfkit; print(sorted(m for m in sys.modules if m.split('.')[0] in"
    code += " ('perfkit', 'pandas', 'matplotlib')))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout == "[]\n"
