"""Metrics measured on one profile: calls and seconds of a named selection of functions.

calls = the sum of the matched functions' ncalls; seconds = the sum of their cumtime. When one
matched function calls another (directly or through others), its cumtime already holds the
callee's, so the sum counts that time twice: ``nested`` names such pairs. ``contains`` names
the API operations (metrics marked ``operation``) that run inside this one's functions
(``get_tag_names`` -> ``get_asset_info`` when tags are loaded lazily): where its time went.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

import attrs
import numpy as np

from perfkit.model import Profile
from perfkit.validate.config import MetricDef

# Beyond this many matched functions the call graph is walked once for the whole set: nesting is
# still found, but the pairs are not named.
_PAIRWISE_LIMIT = 40
_SHOWN_LABELS = 8


@attrs.frozen
class Measurement:
    """One metric on one profile."""

    name: str
    functions: int
    calls: int | None  # None: the profile is sampled (no call counts)
    seconds: float
    tottime: float
    labels: tuple[str, ...]
    nested: tuple[tuple[str, str], ...]
    nested_unnamed: bool
    contains: tuple[str, ...]

    @property
    def found(self) -> bool:
        return self.functions > 0


class CallGraph:
    """Callee lists of a profile's functions, for reachability questions."""

    def __init__(self, profile: Profile) -> None:
        edges = profile.edges
        caller = edges["caller"].to_numpy()
        callee = edges["callee"].to_numpy()
        keep = caller >= 0
        order = np.argsort(caller[keep], kind="stable")
        self._callers = caller[keep][order]
        self._callees = callee[keep][order]
        self._reach = cache(self._reachable_from)

    def callees(self, node: int) -> np.ndarray:
        low = np.searchsorted(self._callers, node, side="left")
        high = np.searchsorted(self._callers, node, side="right")
        return self._callees[low:high]

    def _reachable_from(self, node: int) -> frozenset[int]:
        """Functions reached from ``node`` by one or more calls (``node`` itself only through
        recursion)."""
        return self.reachable([node])

    def reach(self, node: int) -> frozenset[int]:
        return self._reach(node)

    def reachable(self, sources: Iterable[int]) -> frozenset[int]:
        seen: set[int] = set()
        stack = [int(c) for s in sources for c in self.callees(int(s))]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            stack.extend(int(c) for c in self.callees(node) if int(c) not in seen)
        return frozenset(seen)


def _nesting(
    ids: Sequence[int], labels: dict[int, str], graph: CallGraph
) -> tuple[tuple[tuple[str, str], ...], bool]:
    if len(ids) < 2:
        return (), False
    matched = set(ids)
    if len(ids) > _PAIRWISE_LIMIT:
        return (), bool(graph.reachable(ids) & matched)
    pairs = [(labels[a], labels[b]) for a in ids for b in sorted(graph.reach(a) & (matched - {a}))]
    return tuple(pairs), False


def measure(profile: Profile, metrics: Sequence[MetricDef]) -> dict[str, Measurement]:
    """Every metric on ``profile``; a metric that matches nothing has 0 calls and 0 seconds."""
    functions = profile.functions
    graph = CallGraph(profile)
    label_of = functions["label"].to_dict()
    matched_ids: dict[str, list[int]] = {}
    for metric in metrics:
        mask = metric.selector.mask(functions)
        matched_ids[metric.name] = [int(i) for i in functions.index[mask]]
    out: dict[str, Measurement] = {}
    for metric in metrics:
        ids = matched_ids[metric.name]
        rows = functions.loc[ids]
        nested, unnamed = _nesting(ids, label_of, graph)
        reached = graph.reachable(ids) if ids else frozenset()
        contains = tuple(
            other.name
            for other in metrics
            if other.operation
            and other.name != metric.name
            and matched_ids[other.name]
            and not set(matched_ids[other.name]) & set(ids)
            and set(matched_ids[other.name]) & reached
        )
        order = rows.sort_values("cumtime", ascending=False, kind="stable")
        out[metric.name] = Measurement(
            name=metric.name,
            functions=len(ids),
            calls=None if profile.sampled else int(rows["ncalls"].sum()),
            seconds=float(rows["cumtime"].sum()),
            tottime=float(rows["tottime"].sum()),
            labels=tuple(order["label"].head(_SHOWN_LABELS)),
            nested=nested,
            nested_unnamed=unnamed,
            contains=contains,
        )
    return out
