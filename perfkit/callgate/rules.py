"""Gate rules: ``[SELECTOR:]calls>+N%`` or ``[SELECTOR:]calls>+N``.

``get_*:calls>+5%`` fails when a function matched by ``get_*`` makes more than 5 % more calls
than in the baseline; ``calls>+3`` (no selector: every function) when it makes more than 3 more.
The selector is perfkit's (``perfkit.match.selectors``), so it may itself hold colons
(``autotag.immich.*:get_*:calls>+0``).  Only call counts are gated: they are deterministic,
times are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from perfkit.errors import PerfkitError
from perfkit.match.selectors import Selector, parse_selector

_RULE = re.compile(
    r"^(?:(?P<selector>.*):)?(?P<metric>[a-z_]+)\s*>\s*\+(?P<amount>\d+(?:\.\d+)?)\s*(?P<percent>%)?$"
)
_TIME_METRICS = {"tottime", "cumtime", "time", "wall"}


class CallRuleError(PerfkitError):
    """A gate rule that cannot be parsed."""


@dataclass(frozen=True)
class CallRule:
    """Fail when a selected function's calls grow by more than ``amount`` (percent or calls)."""

    text: str
    selector: Selector | None  # None: every function
    amount: float
    percent: bool

    def exceeded(self, base: int, new: int) -> bool:
        """Whether ``base -> new`` calls breaks the rule (a function new in the run: any call
        is an unbounded increase)."""
        if self.percent:
            if base <= 0:
                return new > 0
            return (new - base) * 100 > self.amount * base
        return new - base > self.amount


def parse_rule(text: str) -> CallRule:
    """Parse one ``--perfkit-fail`` value; raises ``CallRuleError`` naming the problem."""
    found = _RULE.match(text.strip())
    if not found:
        raise CallRuleError(
            f"bad rule {text!r}: expected [SELECTOR:]calls>+N% or [SELECTOR:]calls>+N "
            "(e.g. 'get_*:calls>+5%')"
        )
    metric = found["metric"]
    if metric != "calls":
        why = " (times are noisy; gate them with benchmarks)" if metric in _TIME_METRICS else ""
        raise CallRuleError(f"bad rule {text!r}: only 'calls' can be gated{why}")
    selector_text = found["selector"]
    try:
        selector = None if selector_text is None else parse_selector(selector_text)
    except PerfkitError as exc:
        raise CallRuleError(f"bad rule {text!r}: {exc}") from None
    return CallRule(text.strip(), selector, float(found["amount"]), found["percent"] is not None)
