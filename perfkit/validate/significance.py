"""Is the difference in total time between two sets of runs more than noise?

Welch's t-test (unequal variances; usable from two runs per side) or the Mann-Whitney U test
(no normality assumption; needs about four runs per side before it can reach the usual 5 %
level). Both come from scipy.stats, which computes exact and asymptotic p-values correctly.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

import attrs

TESTS = ("welch", "mann-whitney")


@attrs.frozen
class Significance:
    test: str
    alpha: float
    n_baseline: int
    n_new: int
    median_baseline: float
    median_new: float
    statistic: float | None
    p_value: float | None
    significant: bool | None  # None: could not be tested
    note: str

    @property
    def detail(self) -> str:
        return (
            f"{self.test} p = {self.p_value:.3g} (alpha {self.alpha:g}; "
            f"{self.n_baseline} baseline runs, {self.n_new} new runs)"
        )

    @property
    def summary(self) -> str:
        if self.significant is None:
            return self.note
        verdict = "significant" if self.significant else "not significant"
        return f"{verdict}: {self.detail}"


def _result(
    test: str,
    alpha: float,
    base: Sequence[float],
    new: Sequence[float],
    *,
    statistic: float | None = None,
    p_value: float | None = None,
    significant: bool | None = None,
    note: str = "",
) -> Significance:
    return Significance(
        test=test,
        alpha=alpha,
        n_baseline=len(base),
        n_new=len(new),
        median_baseline=statistics.median(base),
        median_new=statistics.median(new),
        statistic=statistic,
        p_value=p_value,
        significant=significant,
        note=note,
    )


def _untested(
    test: str, alpha: float, base: Sequence[float], new: Sequence[float], note: str
) -> Significance:
    return _result(test, alpha, base, new, note=note)


def compare_totals(
    baseline: Sequence[float], new: Sequence[float], *, test: str = "welch", alpha: float = 0.05
) -> Significance:
    """Two-sided test of "the new runs' total times differ from the baseline's"."""
    from scipy import stats

    if test not in TESTS:
        raise ValueError(f"unknown test {test!r}")
    if len(baseline) < 2 or len(new) < 2:
        return _untested(
            test, alpha, baseline, new, "one run on a side: the time difference is not tested"
        )
    if test == "welch":
        if statistics.pvariance(baseline) == 0 and statistics.pvariance(new) == 0:
            differs = statistics.median(baseline) != statistics.median(new)
            return attrs.evolve(
                _untested(test, alpha, baseline, new, "no variation within either side"),
                p_value=0.0 if differs else 1.0,
                significant=differs,
            )
        result = stats.ttest_ind(baseline, new, equal_var=False)
    else:
        result = stats.mannwhitneyu(baseline, new, alternative="two-sided")
    p_value = float(result.pvalue)
    statistic = float(result.statistic)
    if math.isnan(p_value):
        return _untested(test, alpha, baseline, new, f"{test}: the test gave no p-value")
    note = ""
    if test == "mann-whitney":
        smallest = float(
            stats.mannwhitneyu(range(len(baseline)), range(100, 100 + len(new))).pvalue
        )
        if smallest > alpha:
            note = (
                f"with {len(baseline)} and {len(new)} runs Mann-Whitney cannot reach "
                f"p < {alpha:g} (smallest possible p = {smallest:.3g}); add runs or use welch"
            )
    return _result(
        test,
        alpha,
        baseline,
        new,
        statistic=statistic,
        p_value=p_value,
        significant=p_value < alpha,
        note=note,
    )
