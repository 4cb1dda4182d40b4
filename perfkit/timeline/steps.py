"""Step detection: the runs where a metric moved beyond noise.

Two kinds of metric, two rules:

- **Counts** (call counts, HTTP requests) are deterministic for a deterministic workload: any
  change from the previous run is a step.
- **Times** are noisy, and their noise is a share of the time (a 3 % jitter), so they are
  compared on a log scale.  For a candidate step between runs ``i-1`` and ``i`` the median of
  the ``window`` runs before is compared with the median of the ``window`` runs after (windows
  shrink near the ends, but never below ``min_runs`` runs on either side).  The noise level
  ``sigma`` is estimated once per metric from the median absolute deviation of the run-to-run
  differences of log times (1.4826 MAD / sqrt 2: robust to the few steps and outliers a
  history holds).  A candidate counts when the log ratio of the medians exceeds ``sigmas``
  standard errors (a median of n runs has a standard error of about 1.2533 sigma / sqrt n),
  *and* the change exceeds ``min_relative`` of the value before *and* ``min_absolute``
  seconds.  Of candidates
  closer than ``window`` runs to each other only the strongest is kept: one step, one mark.
Window medians move over a few runs around a jump, so each step is then placed exactly: at
the split of the runs around it into two levels with the least absolute deviation from the
levels' medians (a one-step L1 fit on the log times).

A single slow run is not a step (the medians ignore it); a step shows once ``min_runs`` runs
after it confirm the new level.  Slow drifts without a jump are not reported as steps.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

MAD_TO_SIGMA = 1.4826
MEDIAN_STANDARD_ERROR = 1.2533


@dataclass(frozen=True)
class StepOptions:
    window: int = 5
    min_runs: int = 3
    sigmas: float = 4.0
    min_relative: float = 0.02
    min_absolute: float = 0.001


@dataclass(frozen=True)
class Step:
    """A metric moved between run ``index - 1`` and run ``index`` (positions in the history).

    ``before``/``after``: the values around the step (for times: the window medians)."""

    index: int
    before: float
    after: float

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def ratio(self) -> float:
        return self.after / self.before if self.before else float("nan")


def count_steps(values: np.ndarray) -> list[Step]:
    """Every change of a deterministic count from the previous known value (NaN is unknown)."""
    known = np.flatnonzero(~np.isnan(values))
    steps = []
    for previous, current in itertools.pairwise(known):
        if values[current] != values[previous]:
            steps.append(Step(int(current), float(values[previous]), float(values[current])))
    return steps


def noise(values: np.ndarray) -> float:
    """Robust run-to-run noise (standard deviation of one run) from consecutive differences."""
    differences = np.diff(values)
    if len(differences) == 0:
        return 0.0
    deviation = np.median(np.abs(differences - np.median(differences)))
    return float(MAD_TO_SIGMA * deviation / np.sqrt(2))


def _window_medians(values: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """For each boundary i (1..n-1): medians of values[i-window:i] and values[i:i+window]."""
    n = len(values)
    before = np.empty(n)
    after = np.empty(n)
    before[0] = after[n - 1] = np.nan
    full = n - window + 1
    if full > 0:
        medians = np.median(np.lib.stride_tricks.sliding_window_view(values, window), axis=1)
        before[window:] = medians[: n - window]  # window ending at i-1
        after[:full] = medians  # window starting at i
    for i in range(1, min(window, n)):
        before[i] = np.median(values[:i])
    for i in range(max(full, 0), n):
        after[i] = np.median(values[i:])
    return before, after


def time_steps(values: np.ndarray, options: StepOptions | None = None) -> list[Step]:
    """Steps of a noisy metric (see the module docstring); NaN values are left out."""
    options = options or StepOptions()
    known = np.flatnonzero(~np.isnan(values))
    series = values[known]
    n = len(series)
    if n < 2 * options.min_runs:
        return []
    window = max(options.window, options.min_runs)
    levels = _levels(series, options)
    sigma = noise(levels)
    boundaries = np.arange(options.min_runs, n - options.min_runs + 1)
    before, after = (side[boundaries] for side in _window_medians(series, window))
    sizes = np.minimum(boundaries, window), np.minimum(n - boundaries, window)
    error = MEDIAN_STANDARD_ERROR * sigma * np.sqrt(1 / sizes[0] + 1 / sizes[1])
    shift = np.abs(_levels(after, options) - _levels(before, options))
    size = np.abs(after - before)
    beyond = (
        (shift > options.sigmas * error)
        & (size > options.min_relative * np.abs(before))
        & (size > options.min_absolute)
    )
    score = np.where(error > 0, shift / np.where(error > 0, error, 1), np.inf)
    chosen: list[Step] = []
    for position in sorted(np.flatnonzero(beyond), key=lambda k: (-score[k], -shift[k], k)):
        split = _locate(levels, int(boundaries[position]), window)
        if any(abs(split - step.index) < window for step in chosen):
            continue
        step = _confirmed(series, split, window, sigma, options)
        if step is not None:
            chosen.append(step)
    return [
        Step(int(known[step.index]), step.before, step.after)
        for step in sorted(chosen, key=lambda step: step.index)
    ]


def _levels(values: np.ndarray, options: StepOptions) -> np.ndarray:
    """Times on a log scale, where run-to-run noise is a share of the time whatever its size
    (a 3 % jitter of 270 ms and of 105 ms is the same noise); ``min_absolute`` is added so
    that times near zero do not blow up."""
    return np.log(np.maximum(values, 0.0) + max(options.min_absolute, 1e-12))


def _confirmed(
    series: np.ndarray, split: int, window: int, sigma: float, options: StepOptions
) -> Step | None:
    """The step at ``split`` if it has ``min_runs`` runs on each side and passes every test."""
    before, after = series[max(0, split - window) : split], series[split : split + window]
    if min(len(before), len(after)) < options.min_runs:
        return None
    level_before, level_after = float(np.median(before)), float(np.median(after))
    shift = abs(
        _levels(np.array([level_after]), options)[0] - _levels(np.array([level_before]), options)[0]
    )
    error = MEDIAN_STANDARD_ERROR * sigma * np.sqrt(1 / len(before) + 1 / len(after))
    size = abs(level_after - level_before)
    if (
        shift > options.sigmas * error
        and size > options.min_relative * abs(level_before)
        and size > options.min_absolute
    ):
        return Step(split, level_before, level_after)
    return None


def _locate(series: np.ndarray, boundary: int, window: int) -> int:
    """The exact run where the level changes near ``boundary``: window medians move over a
    few runs around a step, so the split of the surrounding runs into two levels with the
    least absolute deviation from each level's median is taken (ties: nearest ``boundary``)."""
    low = max(0, boundary - window)
    high = min(len(series), boundary + window)
    best, best_cost = boundary, np.inf
    for split in sorted(range(low + 1, high), key=lambda k: abs(k - boundary)):
        left, right = series[low:split], series[split:high]
        cost = np.abs(left - np.median(left)).sum() + np.abs(right - np.median(right)).sum()
        if cost < best_cost:
            best, best_cost = split, cost
    return best
