"""Number formatting shared by the renderers: readable seconds, call counts, changes."""

from __future__ import annotations

import math


def seconds(value: float | None, *, signed: bool = False) -> str:
    """``12.345 s``, ``3.210 ms``, ``4.56 µs``, ``78 ns``; ``-`` for unknown (NaN/None)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    sign = "+" if signed and value > 0 else ""
    if value == 0:
        return "0 s" if not signed else "±0 s"
    size = abs(value)
    if size >= 100:
        text = f"{value:.1f} s"
    elif size >= 1:
        text = f"{value:.3f} s"
    elif size >= 1e-3:
        text = f"{value * 1e3:.3f} ms"
    elif size >= 1e-6:
        text = f"{value * 1e6:.2f} µs"
    else:
        text = f"{value * 1e9:.0f} ns"
    return sign + text


def calls(ncalls: int, pcalls: int) -> str:
    """pstats' notation: ``15/1`` when recursion makes total and primitive calls differ."""
    if ncalls < 0 or pcalls < 0:
        return "sampled"
    return f"{ncalls:,}" if ncalls == pcalls else f"{ncalls:,}/{pcalls:,}"


def count(value: int | None, *, signed: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:+,}" if signed else f"{value:,}"


def ratio(value: float | None) -> str:
    """A ratio new/base as a percentage change: ``+12.3 %``, ``-50.0 %``; ``new`` for base 0."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "new"
    return f"{(value - 1) * 100:+.1f} %"


def share(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value * 100:.1f} %"
