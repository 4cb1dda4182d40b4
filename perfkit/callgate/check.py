"""Which functions' calls grew past a rule, between saved counts and a new run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from perfkit.callgate.counts import KEY, label
from perfkit.callgate.rules import CallRule


@dataclass(frozen=True)
class Regression:
    """One function over one rule."""

    rule: str
    function: str
    base: int
    new: int

    @property
    def change(self) -> str:
        """``+10.0 %``, or ``not in the baseline`` for a function the baseline never called."""
        if self.base <= 0:
            return "not in the baseline"
        return f"{(self.new - self.base) * 100 / self.base:+.1f} %"

    def __str__(self) -> str:
        return (
            f"{self.function}: {self.base:,} -> {self.new:,} calls "
            f"({self.change}; rule {self.rule})"
        )


@dataclass(frozen=True)
class GateResult:
    """The rules' verdict on one piece of code."""

    regressions: tuple[Regression, ...]
    matched: frozenset[str]  # texts of the rules whose selector matched some function
    changed: int  # functions whose call count differs at all


def side_by_side(base: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Both tables joined on (module, name): ``base_calls``/``new_calls`` (0 where absent),
    and the selector columns from whichever side has the function."""
    merged = base.merge(new, on=KEY, how="outer", suffixes=("_base", "_new"), sort=True)
    for column in ("function", "builtin", "file", "line"):
        merged[column] = merged[f"{column}_new"].combine_first(merged[f"{column}_base"])
    merged = merged.astype({"builtin": bool, "line": "int64"})
    merged["base_calls"] = merged["ncalls_base"].fillna(0).astype("int64")
    merged["new_calls"] = merged["ncalls_new"].fillna(0).astype("int64")
    return merged[[*KEY, "function", "builtin", "file", "line", "base_calls", "new_calls"]]


def check(base: pd.DataFrame, new: pd.DataFrame, rules: Sequence[CallRule]) -> GateResult:
    """Every (rule, function) whose calls went from ``base`` to ``new`` past the rule."""
    table = side_by_side(base, new)
    regressions = []
    matched = set()
    for rule in rules:
        mask = np.ones(len(table), bool) if rule.selector is None else rule.selector.mask(table)
        if mask.any():
            matched.add(rule.text)
        for row in table[mask].itertuples(index=False):
            if rule.exceeded(row.base_calls, row.new_calls):
                name = label(row.module, row.name, row.builtin)
                regressions.append(Regression(rule.text, name, row.base_calls, row.new_calls))
    changed = int((table["base_calls"] != table["new_calls"]).sum())
    return GateResult(tuple(regressions), frozenset(matched), changed)
