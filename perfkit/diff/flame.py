"""Two runs' estimated call stacks merged into one tree, for a differential flame graph.

Each run's stacks come from ``perfkit.model.stacks.estimate_stacks`` (the same stacks
``perfkit export --format collapsed`` writes); frames are matched by their label along the path
from the root, so a frame holds, per run, the time of every stack that passes through it (its
inclusive time) and the function's call count in that run.  The ``[estimated]`` marker is left
out of the tree: every frame of the flame graph is an estimate below the first level.

A flame graph of ``width`` pixels shows nothing narrower than a pixel, so frames narrower than
one pixel in both runs (each run scaled to its own total) are folded into one
``(N small frames)`` frame per parent: a profile of 100 000 functions keeps a few thousand
frames.  Frames are ordered by name, as flamegraph.pl does, so the two runs' graphs line up.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from perfkit.model.stacks import ESTIMATED, estimate_stacks

if TYPE_CHECKING:
    from perfkit.model.profile import Profile

DEFAULT_WIDTH = 1200
ROOT_NAME = "all"


@dataclass
class Frame:
    """One frame: its name, both runs' inclusive seconds and calls (``None``: not in the run)."""

    name: str
    base: float = 0.0
    new: float = 0.0
    base_calls: int | None = None
    new_calls: int | None = None
    merged: int = 0  # > 0: a "(N small frames)" frame standing for that many frames
    children: list[Frame] = field(default_factory=list)

    @property
    def only_new(self) -> bool:
        return self.base <= 0 < self.new

    @property
    def only_base(self) -> bool:
        return self.new <= 0 < self.base

    def walk(self, depth: int = 0) -> Iterator[tuple[int, Frame]]:
        """(depth, frame) for this frame and every frame below it, parents first."""
        pending = [(depth, self)]
        while pending:
            level, frame = pending.pop()
            yield level, frame
            pending.extend((level + 1, child) for child in reversed(frame.children))


def _sort(frame: Frame) -> None:
    """Children by name, so both runs' flame graphs put the same frame at the same place."""
    stack = [frame]
    while stack:
        current = stack.pop()
        current.children.sort(key=lambda c: c.name)
        stack.extend(current.children)


def _calls(root: Frame, profile: Profile, side: str) -> None:
    """Each frame's calls: those of the (last) function with the frame's name."""
    frames = [frame for _, frame in root.walk()]
    functions = profile.functions
    rows = functions[functions["label"].isin([frame.name for frame in frames])]
    calls = dict(zip(rows["label"].tolist(), rows["ncalls"].tolist(), strict=True))
    for frame in frames:
        if frame.name in calls:
            setattr(frame, f"{side}_calls", int(calls[frame.name]))


def _fold_small(frame: Frame, min_base: float, min_new: float) -> None:
    kept: list[Frame] = []
    small: list[Frame] = []
    for child in frame.children:
        wide = child.base >= min_base or child.new >= min_new
        (kept if wide else small).append(child)
    if len(small) > 1:
        merged = sum(child.merged or 1 for child in small)
        kept.append(
            Frame(
                f"({merged} small frames)",
                base=sum(child.base for child in small),
                new=sum(child.new for child in small),
                merged=merged,
            )
        )
    elif small:
        small[0].children = []
        kept.extend(small)
    frame.children = kept
    for child in kept:
        if not child.merged:
            _fold_small(child, min_base, min_new)


def _pixel(total: float, width: int) -> float:
    """The seconds one pixel stands for (infinite for a run without time: never wide)."""
    return total / width if total > 0 else math.inf


def flame_tree(base: Profile, new: Profile, *, width: int = DEFAULT_WIDTH) -> Frame:
    """The merged tree of both runs' estimated stacks; frames under a pixel folded."""
    root = Frame(ROOT_NAME)
    _add(root, base, "base")
    _add(root, new, "new")
    _sort(root)
    _calls(root, base, "base")
    _calls(root, new, "new")
    _fold_small(root, _pixel(root.base, width), _pixel(root.new, width))
    return root


def _add(root: Frame, profile: Profile, side: str) -> None:
    """Add the profile's estimated stacks to the tree as ``side``'s seconds."""
    lookup: dict[int, dict[str, Frame]] = {}
    for stack in estimate_stacks(profile):
        setattr(root, side, getattr(root, side) + stack.seconds)
        frame = root
        for name in stack.frames:
            if name == ESTIMATED:
                continue
            children = lookup.get(id(frame))
            if children is None:
                children = lookup[id(frame)] = {c.name: c for c in frame.children}
            child = children.get(name)
            if child is None:
                child = children[name] = Frame(name)
                frame.children.append(child)
            setattr(child, side, getattr(child, side) + stack.seconds)
            frame = child
