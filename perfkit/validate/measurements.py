"""Measurements: what each side measured - its runs, totals, workload and metric figures.

A metric on one profile is the calls and seconds of a named selection of functions: calls = the
sum of the matched functions' ncalls; seconds = the sum of their cumtime. When one matched
function calls another (directly or through others), its cumtime already holds the callee's, so
the sum counts that time twice: ``nested`` names such pairs. ``contains`` names the API
operations (metrics marked ``operation``) that run inside this one's functions
(``get_tag_names`` -> ``get_asset_info`` when tags are loaded lazily): where its time went.

A side is one or more profiles (runs of the same workload) or, for the baseline, a spec of
published figures. With several runs, a side's figures are medians over its runs, and the
per-run values are kept so that call counts that differ between runs can be reported.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

import attrs
import numpy as np

from perfkit.model.profile import Profile
from perfkit.validate.baseline import BaselineSpec
from perfkit.validate.settings import MetricDef, ValidateConfig

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
    """Callee lists of a profile's functions (compressed rows: ``_start[f]:_start[f + 1]`` of
    ``_callees`` are ``f``'s callees), for reachability questions walked a whole frontier at a
    time with numpy rather than one function at a time."""

    def __init__(self, profile: Profile) -> None:
        edges = profile.edges
        caller = edges["caller"].to_numpy()
        callee = edges["callee"].to_numpy()
        keep = caller >= 0
        order = np.argsort(caller[keep], kind="stable")
        callers = caller[keep][order]
        self._size = len(profile.functions)
        self._callees = callee[keep][order]
        self._start = np.searchsorted(callers, np.arange(self._size + 1), side="left")
        self._reach = cache(self._reachable_from)

    def _callees_of(self, nodes: np.ndarray) -> np.ndarray:
        """The callees of all ``nodes``, concatenated."""
        starts = self._start[nodes]
        lengths = self._start[nodes + 1] - starts
        total = int(lengths.sum())
        if not total:
            return np.empty(0, dtype=np.int64)
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        return self._callees[np.arange(total) + offsets]

    def _reachable_from(self, node: int) -> frozenset[int]:
        """Functions reached from ``node`` by one or more calls (``node`` itself only through
        recursion)."""
        return self.reachable([node])

    def reach(self, node: int) -> frozenset[int]:
        return self._reach(node)

    def reachable(self, sources: Iterable[int]) -> frozenset[int]:
        seen = np.zeros(self._size, dtype=bool)
        frontier = self._callees_of(np.fromiter(sources, dtype=np.int64))
        while frontier.size:
            frontier = np.unique(frontier[~seen[frontier]])
            seen[frontier] = True
            frontier = self._callees_of(frontier)
        return frozenset(np.flatnonzero(seen).tolist())


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
    if not metrics:
        return {}  # no call graph to build
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


@attrs.frozen
class Workload:
    """What a run did, as far as its sidecar (or spec) says; None = not known."""

    assets: int | None = None
    time_scale: float | None = None
    dataset: str | None = None
    preset: str | None = None
    server: str | None = None

    @property
    def known(self) -> bool:
        return any(value is not None for value in attrs.astuple(self))

    def describe(self) -> str:
        parts = []
        if self.assets is not None:
            parts.append(f"{self.assets:,} assets")
        if self.dataset:
            parts.append(f"dataset {self.dataset}")
        if self.preset:
            parts.append(f"preset {self.preset}")
        if self.time_scale is not None:
            parts.append(f"time scale {self.time_scale:g}")
        if self.server:
            parts.append(f"server {self.server}")
        return ", ".join(parts) or "workload not recorded"


def workload_of(metadata: dict[str, Any] | None) -> Workload:
    """The workload block of a ``perfkit.run/1`` sidecar (tolerant of missing or odd fields)."""
    block = (metadata or {}).get("workload")
    if not isinstance(block, dict):
        return Workload()

    def typed(key: str, kind: type | tuple[type, ...]) -> Any:
        value = block.get(key)
        return value if isinstance(value, kind) and not isinstance(value, bool) else None

    server = typed("server", str)
    time_scale = typed("time_scale", (int, float))
    if time_scale is None and server is not None and server != "embedded":
        time_scale = 1.0  # a real server runs at its own speed
    return Workload(
        assets=typed("assets_processed", int),
        time_scale=float(time_scale) if time_scale is not None else None,
        dataset=typed("dataset", str),
        preset=typed("preset", str),
        server=server,
    )


@attrs.frozen
class Run:
    """One profile of a side."""

    path: str
    total_seconds: float
    total_calls: int | None
    functions: int
    sampled: bool
    complete: bool | None
    peak_rss_bytes: int | None
    wall_seconds: float | None
    metadata: dict[str, Any] | None
    warnings: tuple[str, ...] = ()
    threads: int = 1
    thread_seconds: float | None = None  # the profile's total, summed over ``threads``


@attrs.frozen
class MetricSide:
    """One metric on one side: medians over the runs, and the per-run values."""

    name: str
    source: str  # "profile", "spec", "config" or "absent"
    calls: float | None
    calls_per_run: tuple[int | None, ...]
    seconds: float | None
    seconds_per_run: tuple[float, ...]
    functions: int = 0
    labels: tuple[str, ...] = ()
    nested: tuple[tuple[str, str], ...] = ()
    nested_unnamed: bool = False
    contains: tuple[str, ...] = ()
    published_per_call_ms: float | None = None
    stated_share_percent: float | None = None
    parts: tuple[str, ...] = ()
    note: str = ""

    @property
    def consistent(self) -> bool:
        """Every run made the same number of calls (they should: counts are deterministic)."""
        return len(set(self.calls_per_run)) <= 1

    @property
    def found(self) -> bool:
        return self.source != "absent"


@attrs.frozen
class Side:
    role: str  # "baseline" or "new"
    kind: str  # "profiles" or "spec"
    label: str
    runs: tuple[Run, ...]
    total_seconds: float
    workload: Workload
    workload_notes: tuple[str, ...]
    peak_rss_bytes: int | None
    metrics: dict[str, MetricSide]
    profiles: tuple[Profile, ...] = ()
    spec: BaselineSpec | None = None

    @property
    def totals_per_run(self) -> tuple[float, ...]:
        return tuple(run.total_seconds for run in self.runs)

    @property
    def threads(self) -> int:
        return max((run.threads for run in self.runs), default=1)

    @property
    def share_seconds(self) -> float:
        """What a metric's seconds are a share of.  A metric's seconds are summed over the
        profiled threads, so with worker threads they are a share of the thread time (the
        profile's total), not of the wall time that is the run's total."""
        if self.threads > 1:
            return float(
                statistics.median(run.thread_seconds or run.total_seconds for run in self.runs)
            )
        return self.total_seconds

    @property
    def share_basis(self) -> str:
        """How a share of ``share_seconds`` reads in a sentence."""
        if self.threads > 1:
            return f"of the {self.role} run's time summed over {self.threads} threads"
        return f"of the {self.role} run"


def _median(values: Sequence[float]) -> float:
    """The median; for call counts the lower median, a count one of the runs really made."""
    if all(isinstance(v, int) for v in values):
        return statistics.median_low(values)
    return statistics.median(values)


def _run_of(profile: Profile) -> Run:
    meta = profile.metadata or {}
    block = meta.get("profile")
    complete = block.get("complete") if isinstance(block, dict) else None
    rss = meta.get("peak_rss_bytes")
    wall = meta.get("wall_seconds")
    wall = float(wall) if isinstance(wall, (int, float)) and not isinstance(wall, bool) else None
    threads = block.get("threads") if isinstance(block, dict) else None
    total = profile.total_time
    warnings = list(profile.warnings)
    if isinstance(threads, int) and threads > 1 and wall is not None:
        # Worker threads' profiles were added in: their seconds overlap, so the profile's total
        # (a sum over threads) is not the run's duration. The sidecar's wall time is.
        total = wall
        warnings.append(
            f"the profile adds up {threads} threads ({profile.total_time:.3f} s of thread time); "
            f"the run's total time is its wall time, {wall:.3f} s (sidecar)"
        )
    return Run(
        path=str(profile.path),
        total_seconds=total,
        total_calls=None if profile.sampled else profile.total_calls,
        functions=len(profile.functions),
        sampled=profile.sampled,
        complete=complete if isinstance(complete, bool) else None,
        peak_rss_bytes=rss if isinstance(rss, int) and not isinstance(rss, bool) else None,
        wall_seconds=wall,
        metadata=profile.metadata,
        warnings=tuple(warnings),
        threads=threads if isinstance(threads, int) and threads > 1 else 1,
        thread_seconds=profile.total_time,
    )


def _metric_from_runs(
    name: str, measured: list[Measurement], config: ValidateConfig, baseline: bool
) -> MetricSide:
    definition = config.metric(name)
    first = max(measured, key=lambda m: m.functions)
    published = definition.per_call_ms if baseline else None
    if not first.found:
        if baseline and (definition.calls is not None or definition.seconds is not None):
            return MetricSide(
                name=name,
                source="config",
                calls=definition.calls,
                calls_per_run=(definition.calls,),
                seconds=definition.seconds,
                seconds_per_run=(),
                published_per_call_ms=published,
            )
        zeros = tuple(0 if m.calls is not None else None for m in measured)
        return MetricSide(
            name=name,
            source="absent",
            calls=0 if all(z == 0 for z in zeros) else None,
            calls_per_run=zeros,
            seconds=0.0,
            seconds_per_run=tuple(0.0 for _ in measured),
            published_per_call_ms=published,
        )
    calls = tuple(m.calls for m in measured)
    seconds = tuple(m.seconds for m in measured)
    known = [c for c in calls if c is not None]
    return MetricSide(
        name=name,
        source="profile",
        calls=_median(known) if known else None,
        calls_per_run=calls,
        seconds=float(statistics.median(seconds)),
        seconds_per_run=seconds,
        functions=first.functions,
        labels=first.labels,
        nested=first.nested,
        nested_unnamed=first.nested_unnamed,
        contains=first.contains,
        published_per_call_ms=published,
    )


def _workload(runs: Sequence[Run]) -> tuple[Workload, tuple[str, ...]]:
    workloads = [workload_of(run.metadata) for run in runs]
    first = workloads[0]
    notes = []
    if len({attrs.astuple(w) for w in workloads}) > 1:
        described = "; ".join(
            f"{run.path}: {w.describe()}" for run, w in zip(runs, workloads, strict=True)
        )
        notes.append(f"the runs of one side differ in workload ({described})")
    return first, tuple(notes)


def side_from_profiles(role: str, profiles: Sequence[Profile], config: ValidateConfig) -> Side:
    runs = tuple(_run_of(profile) for profile in profiles)
    measured = [measure(profile, config.metrics) for profile in profiles]
    metrics = {
        metric.name: _metric_from_runs(
            metric.name, [m[metric.name] for m in measured], config, role == "baseline"
        )
        for metric in config.metrics
    }
    workload, notes = _workload(runs)
    rss = [run.peak_rss_bytes for run in runs if run.peak_rss_bytes is not None]
    label = runs[0].path if len(runs) == 1 else f"{runs[0].path} and {len(runs) - 1} more"
    return Side(
        role=role,
        kind="profiles",
        label=label,
        runs=runs,
        total_seconds=float(statistics.median(run.total_seconds for run in runs)),
        workload=workload,
        workload_notes=notes,
        peak_rss_bytes=int(statistics.median(rss)) if rss else None,
        metrics=metrics,
        profiles=tuple(profiles),
    )


def side_from_spec(spec: BaselineSpec, config: ValidateConfig) -> Side:
    metrics: dict[str, MetricSide] = {}
    for definition in config.metrics:
        figure = spec.metrics.get(definition.name)
        calls = figure.calls if figure and figure.calls is not None else definition.calls
        seconds = figure.seconds if figure and figure.seconds is not None else definition.seconds
        if figure is not None:
            source = "spec"
        elif calls is not None or seconds is not None:
            source = "config"
        else:
            source = "absent"
        published = figure.per_call_ms if figure and figure.per_call_ms else definition.per_call_ms
        metrics[definition.name] = MetricSide(
            name=definition.name,
            source=source,
            calls=calls,
            calls_per_run=(calls,),
            seconds=seconds,
            seconds_per_run=(seconds,) if seconds is not None else (),
            published_per_call_ms=published,
            stated_share_percent=figure.share_percent if figure else None,
            parts=figure.parts if figure else (),
            note=figure.note if figure else "",
        )
    run = Run(
        path=str(spec.path),
        total_seconds=spec.total_seconds,
        total_calls=None,
        functions=0,
        sampled=False,
        complete=None,
        peak_rss_bytes=spec.peak_rss_bytes,
        wall_seconds=None,
        metadata=None,
    )
    workload = Workload(
        assets=spec.assets,
        time_scale=spec.time_scale,
        server="published figures",
    )
    return Side(
        role="baseline",
        kind="spec",
        label=spec.label,
        runs=(run,),
        total_seconds=spec.total_seconds,
        workload=workload,
        workload_notes=(),
        peak_rss_bytes=spec.peak_rss_bytes,
        metrics=metrics,
        spec=spec,
    )
