"""One program profiled in different folders and interpreters pairs with itself, read anywhere.

Real runs: the program below is written into checkouts at different absolute paths, profiled
there with ``python -m cProfile``, and the profiles are compared from a third folder with the
``perfkit`` command and the API.  Pairing must depend on the two profiles alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import perfkit

PROGRAM = {
    # run as ``python -m app``: every file of the program is inside its package
    "app/__main__.py": (
        "try:\n    import helper  # only where PYTHONPATH has it\nexcept ImportError:\n    pass\n"
        "from app import work\nfrom app.tools import text\nprint(work.run(300), text.run(50))\n"
    ),
    "app/__init__.py": "",
    "app/work.py": (
        "def square(x):\n    return x * x\n\n\n"
        "def run(n):\n    return sum(square(i) for i in range(n)) + total(n)\n\n\n"
        # a second <genexpr> in the module: a name alone cannot tell them apart
        "def total(n):\n    return sum(i for i in range(n))\n"
    ),
    "app/tools/__init__.py": "",
    # ``run`` again, in another module: it must pair with itself, not with ``work.run``.
    "app/tools/text.py": (
        "def shout(word):\n    return word.upper()\n\n\n"
        "def run(n):\n    return len(''.join(shout(str(i)) for i in range(n)))\n"
    ),
}


def checkout(folder: Path) -> Path:
    for name, text in PROGRAM.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def profile(
    folder: Path,
    python: str = sys.executable,
    sidecar_root: bool = False,
    path: Path | None = None,
) -> Path:
    """Profile the program in ``folder`` (run from there, as a developer or a CI job would)."""
    out = folder / "run.stats"
    subprocess.run(
        [python, "-m", "cProfile", "-o", str(out), "-m", "app"],
        cwd=folder,
        check=True,
        capture_output=True,
        # no bytecode cache: a second run would import from it and call other importlib code
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        | {"PYTHONDONTWRITEBYTECODE": "1"}
        | ({"PYTHONPATH": str(path)} if path else {}),
    )
    if sidecar_root:
        document = {"schema": "perfkit.run/1", "project": {"root": str(folder)}}
        (folder / "run.json").write_text(json.dumps(document))
    return out


def program_rows(diff: perfkit.Diff) -> object:
    rows = diff.functions
    return rows[rows["module"].str.match(r"^app(\.|$)")]


def assert_pairs_with_itself(base: Path, new: Path, reader: Path, *, everything: bool) -> None:
    os.chdir(reader)
    diff = perfkit.compare(perfkit.load(base), perfkit.load(new))
    ours = program_rows(diff)
    assert set(ours["name"]) >= {"square", "run", "shout", "<genexpr>", "<module>"}
    assert (ours["status"].isin(["added", "removed"])).sum() == 0, ours[["label", "status"]]
    assert (ours["ncalls_delta"] == 0).all()
    assert sorted(ours["module"].unique()) == [
        "app",
        "app.__main__",
        "app.tools",
        "app.tools.text",
        "app.work",
    ]
    # the two ``run`` functions stay apart: each pairs with its own module's
    runs = ours[ours["name"] == "run"]
    assert len(runs) == 2 and (runs["ncalls_base"] == 1).all()
    if everything:
        counts = diff.status_counts()
        assert counts["added"] == counts["removed"] == 0


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.chdir(tmp_path)
    made = {
        "a": tmp_path / "a" / "x" / "proj",
        "b": tmp_path / "b" / "proj-2",
        "jenkins": tmp_path / "var" / "jenkins" / "workspace" / "job@2",
        "reader": tmp_path / "elsewhere" / "reports",
    }
    for folder in made.values():
        folder.mkdir(parents=True)
    return made


def archived(stats: Path, folder: Path) -> Path:
    """``stats`` kept in ``folder`` and its checkout deleted: a baseline another build made."""
    kept = folder / f"{stats.parent.name}.stats"
    kept.write_bytes(stats.read_bytes())
    shutil.rmtree(stats.parent)
    return kept


def test_two_checkouts_read_from_a_third_folder(folders: dict[str, Path]) -> None:
    base = profile(checkout(folders["a"]))
    new = profile(checkout(folders["b"]))
    assert_pairs_with_itself(base, new, folders["reader"], everything=True)


def test_a_baseline_whose_checkout_is_gone(folders: dict[str, Path]) -> None:
    base = archived(profile(checkout(folders["a"])), folders["reader"])
    new = profile(checkout(folders["b"]))
    assert_pairs_with_itself(base, new, folders["reader"], everything=True)
    assert_pairs_with_itself(base, new, folders["b"], everything=True)


def test_a_jenkins_workspace_with_a_sidecar_against_a_plain_profile(
    folders: dict[str, Path],
) -> None:
    base = profile(checkout(folders["jenkins"]), sidecar_root=True)
    new = profile(checkout(folders["a"]))
    assert_pairs_with_itself(base, new, folders["reader"], everything=True)


def test_a_renamed_project_folder(folders: dict[str, Path], tmp_path: Path) -> None:
    base = profile(checkout(folders["a"]))
    moved = folders["a"].parent / "proj-renamed"
    kept = tmp_path / "kept.stats"
    kept.write_bytes(base.read_bytes())
    folders["a"].rename(moved)
    new = profile(moved)
    assert_pairs_with_itself(kept, new, folders["reader"], everything=True)


def other_interpreter() -> str | None:
    """A pyenv CPython 3.x other than this one, if the machine has one."""
    versions = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    mine = f"{sys.version_info.major}.{sys.version_info.minor}."
    for folder in sorted(versions.glob("3.1[0-9]*"), reverse=True):
        python = folder / "bin" / "python"
        if python.is_file() and not folder.name.startswith(mine):
            return str(python)
    return None


def test_another_interpreter(folders: dict[str, Path]) -> None:
    python = other_interpreter()
    if python is None:
        pytest.skip("no other pyenv CPython 3.10+ on this machine")
    base = profile(checkout(folders["a"]))
    new = profile(checkout(folders["b"]), python=python)
    # The standard library differs between versions: only the program's functions must pair.
    assert_pairs_with_itself(base, new, folders["reader"], everything=False)


def test_the_report_is_the_same_from_any_folder(folders: dict[str, Path]) -> None:
    base = archived(profile(checkout(folders["a"])), folders["reader"])
    new = profile(checkout(folders["b"]))
    outputs = []
    for cwd in (folders["reader"], folders["b"], folders["b"] / "app"):
        done = subprocess.run(
            [
                str(Path(sys.executable).parent / "perfkit"),
                "compare",
                str(base),
                str(new),
                "--json",
                "-",
            ],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert json.loads(outputs[0])["functions"]


def test_files_outside_the_checkout_change_no_pairing(folders: dict[str, Path], tmp_path) -> None:
    """The new run also imports a module from elsewhere: its own files are then named from a
    higher common folder (``b.proj-2.app.work``), and pair by their shared path suffix."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "helper.py").write_text("def hello():\n    return 1\n\n\nhello()\n")
    base = profile(checkout(folders["a"]))
    new = profile(checkout(folders["b"]), path=shared)
    os.chdir(folders["reader"])
    diff = perfkit.compare(perfkit.load(base), perfkit.load(new))
    assert "b.proj-2.app.work" in set(diff.new.functions["module"])
    ours = diff.functions[diff.functions["label"].str.contains("app.work|app.tools", regex=True)]
    assert len(ours) >= 6 and set(ours["status"]) == {"unchanged"}
    added = diff.functions[diff.functions["status"] == "added"]
    assert set(added["name"]) == {"hello", "<module>"}
