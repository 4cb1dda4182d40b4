"""The numbers of each run: profile totals and selector totals (cached), sidecar metadata."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perfkit.diff.compare import selection_totals
from perfkit.errors import ProfileFormatError
from perfkit.match.selectors import Selector
from perfkit.model.profile import Profile, load, load_many
from perfkit.model.sidecar import read_sidecar
from perfkit.timeline.cache import RUN, MetricCache, stamp

#: Profiles decoded per batch (side by side on several CPUs).
BATCH = 64
TOTAL_KEYS = ("functions", "total_calls", "primitive_calls", "total_time", "sampled")
SELECTION_KEYS = ("functions", "ncalls", "pcalls", "tottime", "cumtime")

Progress = Callable[[int, int], None]


@dataclass
class RunValues:
    """What one run contributes to a history."""

    path: Path
    totals: dict[str, float]
    selections: dict[str, dict[str, float]]  # selector text -> selection totals
    metadata: dict[str, Any] | None
    mtime: float
    warnings: list[str]


def _numbers(value: Any, keys: Sequence[str]) -> bool:
    """A cached value is used only if it is exactly what perfkit stores: numbers per key."""
    return (
        isinstance(value, dict)
        and set(value) == set(keys)
        and all(isinstance(value[key], (int, float)) for key in keys)
    )


def _profile_values(profile: Profile, selectors: Sequence[Selector]) -> tuple[dict, dict]:
    totals = {**profile.totals, "sampled": int(profile.sampled)}
    selections = {}
    for selector in selectors:
        found = selection_totals(profile, selector)
        if profile.sampled:  # call counts are not measured (-1 each)
            found["ncalls"] = found["pcalls"] = math.nan
        selections[selector.text] = found
    return totals, selections


def _load_batch(paths: list[Path], skipped: dict[Path, str]) -> list[tuple[Path, Profile]]:
    """Load ``paths`` side by side; on a bad file, one by one, noting what could not be read."""
    try:
        return list(zip(paths, load_many(paths), strict=True))
    except ProfileFormatError:
        pass
    loaded = []
    for path in paths:
        try:
            loaded.append((path, load(path)))
        except ProfileFormatError as exc:
            skipped[path] = str(exc)
    return loaded


def extract(
    paths: Sequence[Path],
    selectors: Sequence[Selector],
    cache: MetricCache,
    progress: Progress | None = None,
) -> tuple[list[RunValues], dict[Path, str]]:
    """Values of every readable run (in the given order) and {path: problem} for the others.

    Profiles are decoded only when the cache has nothing valid for them."""
    context = os.getcwd()
    keys = {path: str(path.resolve()) for path in paths}
    stamps: dict[Path, str] = {}
    mtimes: dict[Path, float] = {}
    skipped: dict[Path, str] = {}
    for path in paths:
        try:
            stamps[path] = stamp(path)
            mtimes[path] = path.stat().st_mtime
        except OSError as exc:
            skipped[path] = f"{path}: cannot read it ({exc.strerror or exc})"
    cached = cache.get(keys.values(), ("", context))

    def lookup(path: Path, scope: str, name: str, expected: Sequence[str]) -> Any:
        entry = cached.get((keys[path], scope, name))
        if entry and entry[0] == stamps[path] and _numbers(entry[1], expected):
            return entry[1]
        return None

    found: dict[Path, tuple[dict, dict]] = {}
    missing: list[Path] = []
    for path in stamps:
        totals = lookup(path, "", RUN, TOTAL_KEYS)
        selections = {s.text: lookup(path, context, s.text, SELECTION_KEYS) for s in selectors}
        if totals is None or any(value is None for value in selections.values()):
            missing.append(path)
        else:
            found[path] = (totals, selections)
    done = len(found)
    if progress:
        progress(done, len(stamps))
    for start in range(0, len(missing), BATCH):
        fresh = []
        for path, profile in _load_batch(missing[start : start + BATCH], skipped):
            totals, selections = _profile_values(profile, selectors)
            found[path] = (totals, selections)
            fresh.append((keys[path], "", RUN, stamps[path], totals))
            fresh += [(keys[path], context, t, stamps[path], v) for t, v in selections.items()]
        cache.put(fresh)
        done += len(missing[start : start + BATCH])
        if progress:
            progress(done, len(stamps))
    runs = []
    for path in paths:
        if path in found:
            metadata, problems = read_sidecar(path)
            totals, selections = found[path]
            runs.append(RunValues(path, totals, selections, metadata, mtimes[path], problems))
    return runs, skipped
