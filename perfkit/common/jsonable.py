"""Plain JSON values from pandas and numpy: the versioned documents (diff, verdict, history,
butterfly, profile export) are all built with these two helpers.

NaN, infinities, ``pd.NA`` and ``None`` become ``None`` (JSON ``null``); numpy scalars become
Python numbers; tuples become lists; dict keys become strings.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def json_value(value: Any) -> Any:
    """``value`` (recursively) as something ``json.dumps(..., allow_nan=False)`` accepts."""
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None  # np.float64 is a float too
    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        return json_value(value.item())
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(item) for item in value]
    return value


def json_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """One dict per row of ``table`` (column -> plain value), in row order; the index is
    left out (``reset_index()`` first to keep it)."""
    columns = {name: [json_value(value) for value in table[name].tolist()] for name in table}
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]
