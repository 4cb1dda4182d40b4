"""Table columns of Python strings that pandas keeps as they are."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def text_column(values: Sequence[str] | np.ndarray, index: pd.Index | None = None) -> pd.Series:
    """A column of Python strings kept as object dtype.

    pandas 3 would copy every string into its own string dtype: slower to build and to read back,
    and each edge row would hold its own copy of its labels instead of a reference to the one
    string the function row holds (100k functions with 200k edges: about 50 MB more per profile).
    """
    return pd.Series(np.asarray(values, dtype=object), index=index, dtype=object, copy=False)
