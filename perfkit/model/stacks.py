"""Call stacks estimated from a profile's caller edges, for flame graphs (folded stacks).

pstats keeps no stacks.  For every function it records its own time (tottime), its time with
sub-calls (cumtime) and, per *direct* caller, the calls and both times spent while called from
that caller.  A stack one level deep is therefore exact, and anything deeper is a guess; this
module makes the guess and says where it starts.

The stacks are built top-down, the way a flame graph is read:

1. Roots: every function's cumtime that no caller entry accounts for (functions nobody called
   while the profiler ran, such as ``exec`` of the main script, and top-level calls of
   functions that are also called by others).
2. A frame ``g`` reached from ``p`` with time ``w`` keeps as its own time the share of ``w``
   that the p -> g edge spent in g itself (edge tottime / edge cumtime: exact when ``w`` is the
   whole edge).  The rest of ``w`` is split across g's callees **in proportion to the cumtime
   of each g -> callee edge** (plus the g -> g edge's tottime for directly recursive time, kept
   as g's own).  This is the estimate: pstats does not say which of g's callers caused which
   of its calls, so every caller is assumed to have caused the same mix.  It is exact only when
   ``w`` is all of g's cumtime (g was reached along a single path) and g's callee edges add up
   to exactly the rest (not so when g recurses through other functions: cProfile then counts
   the inner calls' time on both the outer and the inner edges).  A script run with
   ``python -m cProfile`` shows this at once: ``exec`` runs the script and, recursively, every
   module it imports, so everything below ``exec`` is estimated.
3. Recursion and cycles are cut: a callee already on the stack is not expanded again; its
   share is shown as that frame repeated once, followed by a ``RECURSION`` frame holding all
   of that call's time (so the repeated function's own time is not inflated).
4. Callees whose share is below ``min_share`` of the total time are not expanded; their time
   is gathered under one ``PRUNED`` frame below ``g``.

Marking: ``ESTIMATED`` is inserted in a stack before the first frame whose width is an
estimate; every frame after the marker is estimated, and a stack without the marker is exact.
Widths add up: the stacks of a frame hold exactly the time that reached it, so all stacks
together hold the roots' time, which is the profile's total time when cProfile's accounting is
consistent (recursion through several functions can make the two differ slightly).
Files of the pure-Python ``profile`` module record only call counts per edge: there the split
uses call counts and everything below the roots is marked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from perfkit.model.profile import Profile

ESTIMATED = "[estimated]"
PRUNED = "[pruned]"
RECURSION = "[recursion]"
DEFAULT_MIN_SHARE = 1e-4
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Stack:
    """One stack, root first; ``ESTIMATED`` marks where estimation starts."""

    frames: tuple[str, ...]
    seconds: float

    @property
    def estimated(self) -> bool:
        return ESTIMATED in self.frames


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= _TOLERANCE * max(abs(a), abs(b))


#: One caller -> callee entry as the builder reads it: (callee, tottime, cumtime).
_Edge = tuple[int, float, float]


class _Graph:
    """Callees and per-edge times of every function, including callers that are not keys.

    The edges stay in numpy arrays ordered by caller (compressed rows); a function's list of
    callee edges is built the first time the builder expands it, which with pruning is a small
    part of a big profile's functions.
    """

    def __init__(self, profile: Profile) -> None:
        functions, edges = profile.functions, profile.edges
        n = len(functions)
        self.sampled = profile.sampled
        self.counts_only = bool(edges["cumtime"].isna().any())
        caller = edges["caller"].to_numpy(np.int64).copy()
        callee = edges["callee"].to_numpy(np.int64)
        ncalls = edges["ncalls"].to_numpy(np.int64)
        if self.counts_only:  # profile-module edges: call counts only
            tottime, cumtime = np.zeros(len(caller)), ncalls.astype(np.float64)
        else:
            tottime = edges["tottime"].to_numpy(np.float64)
            cumtime = edges["cumtime"].to_numpy(np.float64)
        # a caller that is not a key: a root with only its edges' time, one node per label
        foreign_labels: list[str] = []
        outside = np.flatnonzero(caller < 0)
        if len(outside):
            codes, uniques = pd.factorize(edges["caller_label"].to_numpy(object)[outside])
            caller[outside] = n + codes
            foreign_labels = list(uniques)
        nodes = n + len(foreign_labels)
        self.labels: list[str] = functions["label"].tolist() + foreign_labels
        self.tottime: list[float] = functions["tottime"].tolist() + [0.0] * len(foreign_labels)
        self.ncalls: list[int] = functions["ncalls"].tolist() + [1] * len(foreign_labels)
        self.pcalls: list[int] = functions["pcalls"].tolist() + [1] * len(foreign_labels)
        order = np.argsort(caller, kind="stable")  # file order kept within each caller
        self._callee = callee[order]
        self._tottime = tottime[order]
        self._cumtime = cumtime[order]
        self._start = np.searchsorted(caller[order], np.arange(nodes + 1)).tolist()
        self._callees: dict[int, list[_Edge]] = {}
        self._edge: dict[int, dict[int, _Edge]] = {}
        cumtimes = functions["cumtime"].tolist()
        cumtimes += [
            math.fsum(self._cumtime[self._slice(node)].tolist()) for node in range(n, nodes)
        ]
        self.cumtime: list[float] = cumtimes
        # cumtime covered by callers (added in file order), calls they made (exact integers),
        # and how many caller entries each function has
        called = np.zeros(nodes)
        other = caller != callee
        np.add.at(called, callee[other], cumtime[other])
        self.called: list[float] = called.tolist()
        caller_calls = np.zeros(nodes, dtype=np.int64)
        np.add.at(caller_calls, callee, ncalls)
        self.caller_calls: list[int] = caller_calls.tolist()
        self.callers_count: list[int] = np.bincount(callee, minlength=nodes).tolist()

    def _slice(self, node: int) -> slice:
        return slice(self._start[node], self._start[node + 1])

    def callees(self, node: int) -> list[_Edge]:
        """(callee, tottime, cumtime) of every edge from ``node``, in file order."""
        found = self._callees.get(node)
        if found is None:
            where = self._slice(node)
            found = self._callees[node] = list(
                zip(
                    self._callee[where].tolist(),
                    self._tottime[where].tolist(),
                    self._cumtime[where].tolist(),
                    strict=True,
                )
            )
        return found

    def edge(self, caller: int, callee: int) -> _Edge:
        """The ``caller`` -> ``callee`` edge (the last one, should a label repeat)."""
        found = self._edge.get(caller)
        if found is None:
            found = self._edge[caller] = {edge[0]: edge for edge in self.callees(caller)}
        return found[callee]

    def roots(self) -> list[tuple[int, float, bool]]:
        """(function, time, exact) for the time of every function's top-level calls.

        Top-level calls are those no caller entry counts.  When they are all of a function's
        primitive (outermost) calls, all its cumtime is top-level; otherwise its cumtime not
        covered by caller edges is (exact without recursion, and the only measure left in
        sampled profiles), or for a recursive function the share of its primitive calls that
        were top-level (estimated).
        """
        found = []
        for node, cumtime in enumerate(self.cumtime):
            called = bool(self.callers_count[node])
            if self.counts_only and not called and cumtime <= 0:
                # the profile module's own root ("profiler", no time): start at its callees
                for callee, _, calls in self.callees(node):  # "cumtime" is the call count here
                    share = calls / self.ncalls[callee] if self.ncalls[callee] else 0
                    if share > 0:
                        found.append((callee, self.cumtime[callee] * share, share >= 1))
                continue
            top_calls = self.ncalls[node] - self.caller_calls[node]
            if cumtime <= 0 or (called and top_calls <= 0 and not self.sampled):
                continue
            if not called or (not self.sampled and top_calls >= self.pcalls[node]):
                found.append((node, cumtime, not self.counts_only))
            elif self.sampled or self.pcalls[node] == self.ncalls[node]:
                top = cumtime - self.called[node]
                if top > 0 and not _close(cumtime, self.called[node]):
                    found.append((node, top, not self.counts_only))
            else:
                found.append((node, cumtime * top_calls / self.pcalls[node], False))
        return found


class _Builder:
    def __init__(self, graph: _Graph, min_mass: float) -> None:
        self.graph = graph
        self.min_mass = min_mass
        self.out: dict[tuple[str, ...], float] = {}

    def _emit(self, path: tuple[int, ...], seconds: float, marker: int, *extra: str) -> None:
        if seconds <= 0:
            return
        frames = [self.graph.labels[node] for node in path]
        frames.extend(extra)
        if 0 <= marker < len(frames):
            frames.insert(marker, ESTIMATED)
        stack = tuple(frames)
        self.out[stack] = self.out.get(stack, 0.0) + seconds

    def _own_share(self, path: tuple[int, ...]) -> float:
        """The part of a frame's time it spent in itself, from the edge it was reached by."""
        graph, node = self.graph, path[-1]
        if graph.counts_only:
            cumtime = graph.cumtime[node]
            return graph.tottime[node] / cumtime if cumtime > 0 else 1.0
        if len(path) > 1:
            _, tottime, cumtime = graph.edge(path[-2], node)
            if cumtime > 0:
                return min(tottime / cumtime, 1.0)
        cumtime = graph.cumtime[node]
        return min(graph.tottime[node] / cumtime, 1.0) if cumtime > 0 else 1.0

    def expand(self, root: int, seconds: float, exact: bool) -> None:
        """Spread ``seconds`` of ``root`` (``exact``: a measured, not estimated, share)."""
        graph = self.graph
        # (root-first path, seconds that reached its last frame, marker position or -1)
        pending = [((root,), seconds, -1 if exact else 0)]
        while pending:
            path, mass, marker = pending.pop()
            node = path[-1]
            whole = marker < 0 and _close(mass, graph.cumtime[node])
            own = mass * self._own_share(path)
            rest = mass - own
            inner = 0.0  # directly recursive own time (the g -> g edge's tottime)
            weights: list[tuple[int, float]] = []
            for callee, tottime, cumtime in graph.callees(node):
                if callee == node:
                    inner += tottime
                elif cumtime > 0:
                    weights.append((callee, cumtime))
            total = inner + math.fsum(weight for _, weight in weights)
            if total <= 0 or rest <= 0:
                self._emit(path, mass, marker)
                continue
            # exact only if this frame holds all of the function's time and its callees'
            # edges account for exactly the rest (recursion counts inner calls twice)
            whole = whole and _close(rest, total)
            below = marker if marker >= 0 else (-1 if whole else len(path))
            # recursive own time of a frame reached along several paths is itself a guess
            self_marker = marker if marker >= 0 or whole or not inner else len(path) - 1
            self._emit(path, own + rest * inner / total, self_marker)
            pruned = 0.0
            for callee, weight in weights:
                part = rest * weight / total
                if callee in path:  # recursion through other frames: show it once, stop
                    self._emit(path, part, below, graph.labels[callee], RECURSION)
                elif part < self.min_mass:
                    pruned += part
                else:
                    pending.append(((*path, callee), part, below))
            self._emit(path, pruned, below, PRUNED)


def estimate_stacks(profile: Profile, *, min_share: float = DEFAULT_MIN_SHARE) -> list[Stack]:
    """The profile's time spread over estimated call stacks (see the module docstring).

    Stacks come sorted by their frames; their seconds add up to the roots' time.
    """
    graph = _Graph(profile)
    builder = _Builder(graph, min_share * abs(profile.total_time))
    for root, seconds, exact in graph.roots():
        builder.expand(root, seconds, exact)
    return [Stack(frames, seconds) for frames, seconds in sorted(builder.out.items())]
