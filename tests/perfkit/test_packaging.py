"""perfkit installs and imports without autotag's stack (starlette, uvicorn, httpx).

``pip install autotag-perfkit`` is perfkit alone; the simulator's server stack is the
``[autotag]`` extra. Importing every perfkit module in a fresh interpreter must therefore pull in
none of them, nor autotag itself.
"""

from __future__ import annotations

import importlib.util
import json
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

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


def _fresh(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_import_perfkit_loads_no_pandas_until_a_name_is_used() -> None:
    code = (
        "import sys, perfkit\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'numpy'}))\n"
        "profile = perfkit.load('profiles/examples/lazy.stats')\n"
        "print('pandas' in sys.modules, type(profile).__name__, callable(perfkit.validate))\n"
        "print('<table' in profile._repr_html_(), perfkit.model.profile.Profile is perfkit.Profile)"
    )
    assert _fresh(code).splitlines() == ["[]", "True Profile True", "True True"]
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        perfkit.nothing  # noqa: B018


CONSOLE = (
    "import sys\n"
    "from perfkit.cli import console_main\n"
    "sys.argv = ['perfkit', *{args!r}]\n"
    "status = console_main()\n"
    "print(status, sys.modules.get('pyarrow') is not None)\n"
)


@pytest.mark.skipif(importlib.util.find_spec("pyarrow") is None, reason="needs pyarrow")
def test_the_command_leaves_pyarrow_unloaded_unless_it_writes_parquet(tmp_path: Path) -> None:
    """pandas 3 imports pyarrow at start-up (40 MiB); only a Parquet export needs it."""
    example = str(ROOT / "profiles/examples/lazy.stats")
    report = str(tmp_path / "report")
    compare = ["compare", example, example, "--html", report]
    assert _fresh(CONSOLE.format(args=compare)).splitlines()[-1] == "0 False"
    assert (tmp_path / "report/index.html").is_file()
    parquet = str(tmp_path / "functions.parquet")
    export = ["export", example, "--format", "parquet", "-o", parquet]
    assert _fresh(CONSOLE.format(args=export)).splitlines()[-1] == "0 True"
    assert Path(parquet).read_bytes()[:4] == b"PAR1"
