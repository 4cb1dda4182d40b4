"""UNSET: the marker for "the field was absent from the JSON", distinct from None (JSON null).

A search hit has no ``tags`` field at all, so ``asset.tags is UNSET``; an asset read with
getAssetInfo has ``tags == []`` when it has none. The lazy asset wrapper depends on that difference.
"""

from __future__ import annotations

import enum
from typing import Literal, TypeVar

T = TypeVar("T")


class Unset(enum.Enum):
    """The type of UNSET (an enum so that identity survives pickling and type checkers see it)."""

    UNSET = "UNSET"

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNSET"

    def __str__(self) -> str:
        return "UNSET"


UNSET: Literal[Unset.UNSET] = Unset.UNSET


def is_set(value: T | Unset) -> bool:
    """True when the field was present in the JSON (it may still be None)."""
    return value is not UNSET
