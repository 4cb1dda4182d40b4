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

Cost: the edges stay numpy arrays ordered by caller, and a function's callees are read only
when one of its frames is expanded (labels only when a stack is written), so a big profile
costs one pass of array operations plus the frames that survive pruning.
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


@dataclass(frozen=True, slots=True)
class _Callees:
    """What expanding a frame of one function needs, read from its CSR slice once."""

    cumtime: float
    inner: float  # directly recursive own time (the g -> g edge's tottime)
    weights: list[tuple[int, float]]  # (callee, edge cumtime) of the other timed edges
    total: float  # inner + the weights' sum
    edge_share: dict[int, float]  # callee -> own share of the (last) edge to it, if timed


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= _TOLERANCE * max(abs(a), abs(b))


class _Graph:
    """Callees and per-edge times of every function, including callers that are not keys.

    Nodes are the profile's functions followed by one node per label of callers that are not
    keys.  The edges stay numpy arrays, ordered by caller (CSR: ``order[start[g]:start[g + 1]]``
    are g's edges in file order); a function's callees become Python objects only when one of
    its frames is expanded, and labels only when a frame is emitted.
    """

    def __init__(self, profile: Profile) -> None:
        functions, edges = profile.functions, profile.edges
        self.n_functions = n = len(functions)
        self.function_labels = functions["label"].to_numpy()
        self.sampled = profile.sampled
        self.counts_only = bool(edges["cumtime"].isna().any())
        caller = edges["caller"].to_numpy()
        self.callee = edges["callee"].to_numpy()
        ncalls = edges["ncalls"].to_numpy()
        if self.counts_only:  # profile-module edges: call counts only
            self.edge_tottime = np.zeros(len(edges))
            self.edge_cumtime = ncalls.astype(np.float64)
        else:
            self.edge_tottime = edges["tottime"].to_numpy()
            self.edge_cumtime = edges["cumtime"].to_numpy()
        # a caller that is not a key is a root with only its edges' time, one per label
        foreign = caller < 0
        codes, labels = pd.factorize(edges["caller_label"][foreign].to_numpy())
        self.foreign_labels: list[str] = list(labels)
        nodes = n + len(self.foreign_labels)
        if len(self.foreign_labels):
            caller = caller.copy()
            caller[foreign] = n + codes
        self.order = np.argsort(caller, kind="stable")
        self.start = np.searchsorted(caller[self.order], np.arange(nodes + 1))
        foreign_cumtime = [
            math.fsum(self.edge_cumtime[self.order[self.start[node] : self.start[node + 1]]])
            for node in range(n, nodes)
        ]
        extra = nodes - n
        self.tottime = np.concatenate([functions["tottime"].to_numpy(), np.zeros(extra)])
        self.cumtime = np.concatenate([functions["cumtime"].to_numpy(), foreign_cumtime])
        self.ncalls = np.concatenate([functions["ncalls"].to_numpy(), np.ones(extra, np.int64)])
        self.pcalls = np.concatenate([functions["pcalls"].to_numpy(), np.ones(extra, np.int64)])
        # per callee: the caller entries, the calls they made and the cumtime they cover
        # (bincount adds in edge order, as a loop over the edges would)
        self.callers_count = np.bincount(self.callee, minlength=nodes)
        self.caller_calls = np.bincount(self.callee, ncalls, minlength=nodes).astype(np.int64)
        covered = np.where(caller != self.callee, self.edge_cumtime, 0.0)
        self.called = np.bincount(self.callee, covered, minlength=nodes)
        self._callees: dict[int, _Callees] = {}

    def label(self, node: int) -> str:
        n = self.n_functions
        return self.function_labels[node] if node < n else self.foreign_labels[node - n]

    def edge_slice(self, node: int) -> tuple[list[int], list[float], list[float]]:
        """(callee, tottime, cumtime) of ``node``'s edges, in file order."""
        rows = self.order[self.start[node] : self.start[node + 1]]
        return (
            self.callee[rows].tolist(),
            self.edge_tottime[rows].tolist(),
            self.edge_cumtime[rows].tolist(),
        )

    def callees(self, node: int) -> _Callees:
        found = self._callees.get(node)
        if found is None:
            inner = 0.0
            weights: list[tuple[int, float]] = []
            edge_share: dict[int, float] = {}
            for callee, tottime, cumtime in zip(*self.edge_slice(node), strict=True):
                if cumtime > 0 and not self.counts_only:
                    edge_share[callee] = min(tottime / cumtime, 1.0)
                else:
                    edge_share.pop(callee, None)
                if callee == node:
                    inner += tottime
                elif cumtime > 0:
                    weights.append((callee, cumtime))
            total = inner + math.fsum(weight for _, weight in weights)
            found = _Callees(float(self.cumtime[node]), inner, weights, total, edge_share)
            self._callees[node] = found
        return found

    def own_share(self, node: int) -> float:
        """The part of a function's time it spent in itself, from its totals."""
        cumtime = float(self.cumtime[node])
        if cumtime <= 0:
            return 1.0
        share = float(self.tottime[node]) / cumtime
        return share if self.counts_only else min(share, 1.0)

    def roots(self) -> list[tuple[int, float, bool]]:
        """(function, time, exact) for the time of every function's top-level calls.

        Top-level calls are those no caller entry counts.  When they are all of a function's
        primitive (outermost) calls, all its cumtime is top-level; otherwise its cumtime not
        covered by caller edges is (exact without recursion, and the only measure left in
        sampled profiles), or for a recursive function the share of its primitive calls that
        were top-level (estimated).
        """
        cumtime, called, pcalls = self.cumtime, self.called, self.pcalls
        sampled = self.sampled
        is_called = self.callers_count > 0
        top_calls = self.ncalls - self.caller_calls
        # the profile module's own root ("profiler", no time): start at its callees
        profiler = ~is_called & self.counts_only & (cumtime <= 0)
        skip = (cumtime <= 0) | (is_called & (top_calls <= 0) & (not sampled))
        whole = ~is_called | ((not sampled) & (top_calls >= pcalls))
        uncovered = sampled | (pcalls == self.ncalls)  # only the uncovered cumtime is known
        top = cumtime - called
        close = np.abs(top) <= _TOLERANCE * np.maximum(np.abs(cumtime), np.abs(called))
        with np.errstate(divide="ignore", invalid="ignore"):
            share = cumtime * top_calls / pcalls
        time = np.where(whole, cumtime, np.where(uncovered, top, share))
        exact = (whole | uncovered) & (not self.counts_only)
        keep = ~skip & (whole | ~uncovered | ((top > 0) & ~close))
        found = []
        for node in np.flatnonzero(keep | profiler).tolist():
            if not profiler[node]:
                found.append((node, float(time[node]), bool(exact[node])))
                continue
            # edge "cumtime" holds the call count here
            for callee, _, calls in zip(*self.edge_slice(node), strict=True):
                ncalls = int(self.ncalls[callee])
                share = calls / ncalls if ncalls else 0
                if share > 0:
                    found.append((callee, float(self.cumtime[callee]) * share, share >= 1))
        return found


class _Builder:
    def __init__(self, graph: _Graph, min_mass: float) -> None:
        self.graph = graph
        self.min_mass = min_mass
        self.out: dict[tuple[str, ...], float] = {}

    def _emit(self, path: tuple[int, ...], seconds: float, marker: int, *extra: str) -> None:
        if seconds <= 0:
            return
        frames = [self.graph.label(node) for node in path]
        frames.extend(extra)
        if 0 <= marker < len(frames):
            frames.insert(marker, ESTIMATED)
        stack = tuple(frames)
        self.out[stack] = self.out.get(stack, 0.0) + seconds

    def expand(self, root: int, seconds: float, exact: bool) -> None:
        """Spread ``seconds`` of ``root`` (``exact``: a measured, not estimated, share)."""
        graph = self.graph
        # (root-first path, seconds that reached its last frame, the share of them the frame
        # spent in itself (from the edge it was reached by), marker position or -1)
        pending = [((root,), seconds, graph.own_share(root), -1 if exact else 0)]
        while pending:
            path, mass, own_share, marker = pending.pop()
            node = path[-1]
            callees = graph.callees(node)
            whole = marker < 0 and _close(mass, callees.cumtime)
            own = mass * own_share
            rest = mass - own
            inner, total = callees.inner, callees.total
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
            for callee, weight in callees.weights:
                part = rest * weight / total
                if callee in path:  # recursion through other frames: show it once, stop
                    self._emit(path, part, below, graph.label(callee), RECURSION)
                elif part < self.min_mass:
                    pruned += part
                else:
                    share = callees.edge_share.get(callee)
                    if share is None:
                        share = graph.own_share(callee)
                    pending.append(((*path, callee), part, share, below))
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
