"""The differential flame tree: both runs' estimated stacks merged, frames under a pixel folded."""

from __future__ import annotations

import math
import pstats
from pathlib import Path

import pytest

import perfkit
from perfkit.diff.flame import DEFAULT_WIDTH, Frame, flame_tree
from tests.perfkit.conftest import profile_source

BUSY = """
def busy(n):
    total = 0
    for i in range(n):
        total += i * i
    return total
"""
BASE = (
    BUSY
    + """
def load_all():
    return [busy(20000) for _ in range(5)]

def main():
    load_all()
    busy(10000)

main()
"""
)
NEW = (
    BUSY
    + """
def load_lazily():
    return busy(20000)

def main():
    load_lazily()
    busy(10000)

main()
"""
)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Frame]:
    where = tmp_path_factory.mktemp("flame")
    base = profile_source(BASE, where / "base.stats")
    new = profile_source(NEW, where / "new.stats")
    return base, new, flame_tree(perfkit.load(base), perfkit.load(new))


def _find(root: Frame, name: str) -> list[Frame]:
    return [frame for _, frame in root.walk() if frame.name.endswith(f"({name})")]


def test_root_totals_are_pstats_totals(runs: tuple[Path, Path, Frame]) -> None:
    base, new, root = runs
    assert math.isclose(root.base, pstats.Stats(str(base)).total_tt, rel_tol=1e-6)
    assert math.isclose(root.new, pstats.Stats(str(new)).total_tt, rel_tol=1e-6)


def test_a_function_only_the_new_run_calls_is_only_new(runs: tuple[Path, Path, Frame]) -> None:
    _, _, root = runs
    (lazy,) = _find(root, "load_lazily")
    (eager,) = _find(root, "load_all")
    assert lazy.only_new and lazy.base == 0 and lazy.new > 0 and lazy.base_calls is None
    assert eager.only_base and eager.new == 0 and eager.base_calls == 1
    (main,) = _find(root, "main")
    assert main.base > 0 and main.new > 0 and not main.only_new and not main.only_base


def test_children_are_never_wider_than_their_parents(runs: tuple[Path, Path, Frame]) -> None:
    _, _, root = runs
    for _, frame in root.walk():
        for side in ("base", "new"):
            below = math.fsum(getattr(child, side) for child in frame.children)
            assert below <= getattr(frame, side) * (1 + 1e-9), (frame.name, side)


def test_frames_under_a_pixel_are_folded(tmp_path: Path) -> None:
    """3000 small functions and one wide one: the small ones fold into one frame per parent."""
    small = "".join(f"def small_{i}():\n    return sum(range(200))\n" for i in range(3000))
    calls = "".join(f"    small_{i}()\n" for i in range(3000))
    wide = "def wide():\n    return sum(range(200_000))\n"
    source = f"{small}{wide}def main():\n{calls}    wide()\nmain()\n"
    base = perfkit.load(profile_source(source, tmp_path / "base.stats"))
    new = perfkit.load(profile_source(source, tmp_path / "new.stats"))
    unfolded = flame_tree(base, new, width=10**9)
    root = flame_tree(base, new)
    frames = [frame for _, frame in root.walk()]
    assert sum(1 for _ in unfolded.walk()) > 2000
    # every frame but a folded one is a pixel wide in one of the runs, so a level holds at
    # most 2 * width of them, plus one folded frame per parent
    for level in range(1, max(depth for depth, _ in root.walk()) + 1):
        row = [frame for depth, frame in root.walk() if depth == level]
        assert sum(1 for frame in row if not frame.merged) <= 2 * DEFAULT_WIDTH
    for frame in frames:  # at most one frame under a pixel per parent: folded, or alone
        narrow = [
            c
            for c in frame.children
            if c.base < root.base / DEFAULT_WIDTH and c.new < root.new / DEFAULT_WIDTH
        ]
        assert len(narrow) <= 1 and not any(c.children for c in narrow), frame.name
    # the small functions fold under main; a small function that ran slow enough to be a pixel
    # wide may fold its own children too, so only the largest fold is pinned down
    folded = max((frame for frame in frames if frame.merged), key=lambda frame: frame.merged)
    assert folded.merged > 100 and folded.name == f"({folded.merged} small frames)"
    assert len(frames) * 10 < sum(1 for _ in unfolded.walk())
    assert math.isclose(
        root.base, pstats.Stats(str(tmp_path / "base.stats")).total_tt, rel_tol=1e-6
    )
