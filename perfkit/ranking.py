"""The largest functions of a profile and the largest changes of a diff, by any metric."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from perfkit.errors import PerfkitError

if TYPE_CHECKING:
    from perfkit.diff import Diff
    from perfkit.model import Profile

PROFILE_METRICS = ("cumtime", "tottime", "ncalls", "pcalls", "tottime_per_call", "cumtime_per_call")
DIRECTIONS = ("both", "up", "down")


def top_functions(profile: Profile, n: int = 10, by: str = "cumtime") -> pd.DataFrame:
    """The ``n`` rows of ``profile.functions`` with the largest ``by`` (ties keep file order)."""
    if by not in PROFILE_METRICS:
        raise PerfkitError(f"cannot rank functions by {by!r}; choose from {PROFILE_METRICS}")
    return profile.functions.sort_values(by, ascending=False, kind="stable").head(n)


def largest_changes(
    diff: Diff, n: int = 10, by: str = "cumtime", direction: str = "both"
) -> pd.DataFrame:
    """The ``n`` rows of ``diff.functions`` whose ``<by>_delta`` is largest in size.

    ``by`` is one of ``perfkit.diff.METRICS`` (``cumtime``, ``tottime``, ``ncalls``, ``pcalls``,
    per-call times, shares); ``direction`` keeps increases (``up``), decreases (``down``) or
    both.  Rows whose change is zero or unknown are left out; ties keep table order.
    """
    from perfkit.diff import COUNT_METRICS, METRICS

    if by not in METRICS:
        raise PerfkitError(f"cannot rank changes by {by!r}; choose from {METRICS}")
    if direction not in DIRECTIONS:
        raise PerfkitError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    if by in COUNT_METRICS and not diff.counts_comparable:
        raise PerfkitError("call counts are not comparable: one of the profiles is sampled")
    delta = pd.Series(diff.functions[f"{by}_delta"]).astype(np.float64).fillna(0.0)
    if direction == "up":
        delta = delta.clip(lower=0)
    elif direction == "down":
        delta = delta.clip(upper=0)
    size = delta.abs()
    order = size[size > 0].sort_values(ascending=False, kind="stable").index
    return diff.functions.loc[order[:n]]
