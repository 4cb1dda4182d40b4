"""The samples of a pprof export: perfkit's estimated stacks, each with its time and calls.

**Time** is exactly what ``perfkit export --format collapsed`` writes: the stacks of
``perfkit.model.stacks``, in whole nanoseconds rounded so that every prefix keeps its exact total
(the samples add up to the stacks' time; no sample is off by a nanosecond or more).

**Calls** are not in the stacks, which carry only time, so they are placed here.  pstats counts
every function's calls per *direct* caller exactly; the calls of an edge ``p -> f`` go below
each stack path that ends in ``p``, in proportion to the time that reached ``p`` along it (the
stacks' own assumption: every path to ``p`` made the same mix of calls).  Calls that no caller
entry counts (top-level calls) sit on the stack ``f`` alone, directly recursive calls on
``f``'s own paths.  A function the stacks do not show (too little time: pruned, or none at all)
is placed below its callers the same way, its paths being its callers' paths with it appended
(weighted by the calls on each edge, at most ``MAX_PLACED_PATHS`` of them).  So every
function's calls add up to its ``ncalls`` exactly, and a sample may hold calls and no time.
Sampled profiles (call counts of -1) get no calls.

Where estimation starts is not a frame here, as it is in folded stacks: ``[estimated]`` in the
middle of a stack would join unrelated callers and callees in pprof's call graph.  Each sample
says instead how many frames from the root are exact (``exact_frames``); the ``[pruned]`` and
``[recursion]`` frames stay.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from perfkit.model.stacks import ESTIMATED, PRUNED, RECURSION, Stack

if TYPE_CHECKING:
    from perfkit.model.profile import Profile

MAX_PLACED_PATHS = 32
_NANOSECONDS = 1e9


@dataclass(frozen=True)
class Sample:
    """One stack, root first and without the ``[estimated]`` marker, with its values."""

    frames: tuple[str, ...]
    calls: int
    nanoseconds: int
    exact_frames: int  # frames from the root whose values are measured; the rest are estimates

    @property
    def estimated(self) -> bool:
        return self.exact_frames < len(self.frames)


class _Tree:
    """Stack paths as a tree: node 0 is above the roots, every other node is its parent's path
    with one frame more.  Each stack costs one lookup per frame, however deep it is."""

    def __init__(self) -> None:
        self.child: dict[tuple[int, str], int] = {}
        self.parent = [-1]
        self.frame = [""]
        self.depth = [0]

    def node(self, parent: int, frame: str) -> int:
        found = self.child.get((parent, frame))
        if found is None:
            found = self.child[(parent, frame)] = len(self.parent)
            self.parent.append(parent)
            self.frame.append(frame)
            self.depth.append(self.depth[parent] + 1)
        return found

    def frames(self, node: int) -> tuple[str, ...]:
        out = []
        while node > 0:
            out.append(self.frame[node])
            node = self.parent[node]
        return tuple(reversed(out))


@dataclass(frozen=True)
class _Path:
    node: int  # in the _Tree
    share: float  # of the function's calls that run along this path
    exact_frames: int


def _split(total: int, shares: Sequence[float]) -> list[int]:
    """``total`` in whole parts after ``shares`` (which add up to 1), summing to ``total``."""
    running, given, parts = 0.0, 0, []
    for share in shares:
        running += total * share
        part = round(running) - given
        given += part
        parts.append(part)
    parts[-1] += total - given
    return parts


class _Placer:
    """Where each function's calls go: the paths to it, from the stacks or from its callers."""

    def __init__(
        self,
        tree: _Tree,
        stacks: Sequence[tuple[tuple[str, ...], float, int]],
        profile: Profile,
    ) -> None:
        """``stacks``: (frames, seconds, exact frames) of the time samples."""
        self.tree = tree
        self.stack_nodes: list[int] = []
        for frames, _, _ in stacks:
            node = 0
            for frame in frames:
                node = tree.node(node, frame)
            self.stack_nodes.append(node)
        size = len(tree.parent)
        self.mass = [0.0] * size
        self.exact = [size] * size
        for node, (_, seconds, exact_frames) in zip(self.stack_nodes, stacks, strict=True):
            self.mass[node] += seconds
            self.exact[node] = min(self.exact[node], exact_frames)
        # a path holds the time of every stack below it, and is exact as far as all of them are
        for node in range(size - 1, 0, -1):
            parent = tree.parent[node]
            self.mass[parent] += self.mass[node]
            self.exact[parent] = min(self.exact[parent], self.exact[node])
        for node in range(1, size):
            self.exact[node] = min(self.exact[node], tree.depth[node])
        self.ends: dict[str, list[int]] = {}  # label -> paths that end in it
        for node in range(1, size):
            frame = tree.frame[node]
            # markers, and the repeated frame of a cut recursion, are no places of their own
            if frame not in (PRUNED, RECURSION) and (node, RECURSION) not in tree.child:
                self.ends.setdefault(frame, []).append(node)
        self.callers: dict[str, dict[str, int]] = {}  # callee -> caller -> calls
        edges = profile.edges
        for caller, callee, ncalls in zip(
            edges["caller_label"], edges["callee_label"], edges["ncalls"].tolist(), strict=True
        ):
            counts = self.callers.setdefault(callee, {})
            counts[caller] = counts.get(caller, 0) + ncalls
        self.top_level: dict[str, int] = {}  # calls that no caller entry counts
        functions = profile.functions
        for label, ncalls in zip(functions["label"], functions["ncalls"].tolist(), strict=True):
            self.top_level[label] = self.top_level.get(label, 0) + ncalls
        for label, callers in self.callers.items():
            self.top_level[label] -= sum(callers.values())
        self._paths: dict[str, list[_Path]] = {}

    def paths(self, label: str, busy: frozenset[str] = frozenset()) -> list[_Path]:
        """The paths to ``label`` with the share of its calls on each; ``busy``: the functions
        being placed further up (a cycle among functions the stacks do not show is cut)."""
        if label not in self._paths:
            if label in self.ends:
                self._paths[label] = self._stack_paths(label)
            else:
                self._paths[label] = self._placed_paths(label, busy | {label})
        return self._paths[label]

    def _stack_paths(self, label: str) -> list[_Path]:
        ends = self.ends[label]
        masses = [self.mass[path] for path in ends]
        total = math.fsum(masses)
        shares = [m / total for m in masses] if total > 0 else [1 / len(ends)] * len(ends)
        return [
            _Path(path, share, self.exact[path]) for path, share in zip(ends, shares, strict=True)
        ]

    def _placed_paths(self, label: str, busy: frozenset[str]) -> list[_Path]:
        """A function the stacks do not show: below its callers' paths, by calls per edge."""
        weights: dict[int, float] = {}
        exact: dict[int, int] = {}
        callers = {c: n for c, n in self.callers.get(label, {}).items() if c != label and n > 0}
        top = max(self.top_level.get(label, 0), 0)
        calls = sum(callers.values()) + top
        for caller, n in callers.items():
            if caller in busy:
                continue
            for path in self.paths(caller, busy):
                placed = self.extend(path, label, n / calls * path.share)
                if placed.share > 0:
                    weights[placed.node] = weights.get(placed.node, 0.0) + placed.share
                    exact[placed.node] = min(
                        exact.get(placed.node, placed.exact_frames), placed.exact_frames
                    )
        if top or not weights:
            root = self.tree.node(0, label)
            weights[root] = weights.get(root, 0.0) + (top / calls if top else 1.0)
            exact[root] = 1
        kept = sorted(weights.items(), key=lambda item: -item[1])[:MAX_PLACED_PATHS]
        total = math.fsum(weight for _, weight in kept)
        return [_Path(node, weight / total, exact[node]) for node, weight in kept]

    def extend(self, path: _Path, label: str, share: float) -> _Path:
        """``path`` with ``label`` appended, holding ``share`` of ``label``'s calls: exact when
        the whole path was and those calls were made nowhere else."""
        depth = self.tree.depth[path.node]
        exact = depth + 1 if share == 1.0 and path.exact_frames >= depth else path.exact_frames
        return _Path(self.tree.node(path.node, label), share, exact)


def _timed(stacks: Sequence[Stack]) -> dict[tuple[str, ...], tuple[float, int, int]]:
    """frames (marker dropped) -> (seconds, nanoseconds, exact frames)."""
    out: dict[tuple[str, ...], tuple[float, int, int]] = {}
    running, written = 0.0, 0
    for stack in stacks:
        frames = stack.frames
        exact = len(frames)
        if stack.estimated:
            exact = frames.index(ESTIMATED)
            frames = frames[:exact] + frames[exact + 1 :]
        running += stack.seconds * _NANOSECONDS
        nanoseconds = round(running) - written
        written += nanoseconds
        seconds, before, exact_before = out.get(frames, (0.0, 0, exact))
        out[frames] = (seconds + stack.seconds, before + nanoseconds, min(exact, exact_before))
    return out


def _calls(placer: _Placer) -> dict[int, tuple[int, int]]:
    """tree node -> (calls, exact frames) for every function's calls."""
    out: dict[int, tuple[int, int]] = {}

    def add(paths: list[_Path], calls: int) -> None:
        for path, part in zip(paths, _split(calls, [p.share for p in paths]), strict=True):
            if part:
                before, exact = out.get(path.node, (0, path.exact_frames))
                out[path.node] = (before + part, min(exact, path.exact_frames))

    for callee, callers in placer.callers.items():
        for caller, calls in callers.items():
            if calls <= 0:
                continue
            if caller == callee:  # directly recursive calls: on the function's own paths
                add(placer.paths(callee), calls)
                continue
            add([placer.extend(p, callee, p.share) for p in placer.paths(caller)], calls)
    for label, calls in placer.top_level.items():
        if calls > 0:
            add([_Path(placer.tree.node(0, label), 1.0, 1)], calls)
    return out


def pprof_samples(profile: Profile, stacks: Sequence[Stack]) -> list[Sample]:
    """The samples of ``stacks`` (from ``estimate_stacks(profile)``) with calls placed on them
    (see the module docstring): the stacks' order, then the stacks that hold only calls."""
    timed = _timed(stacks)
    tree = _Tree()
    placer = _Placer(tree, [(frames, s, exact) for frames, (s, _, exact) in timed.items()], profile)
    calls = {} if profile.sampled else _calls(placer)
    samples = []
    for node, (frames, (_, nanoseconds, exact)) in zip(
        placer.stack_nodes, timed.items(), strict=True
    ):
        count, _ = calls.pop(node, (0, exact))
        if count or nanoseconds:
            samples.append(Sample(frames, count, nanoseconds, exact))
    called = sorted((tree.frames(node), values) for node, values in calls.items())
    samples.extend(Sample(frames, count, 0, exact) for frames, (count, exact) in called)
    return samples
