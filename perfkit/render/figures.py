"""matplotlib figures, with matplotlib imported on the first one: it is most of perfkit's
start-up, and a command that draws no chart never loads it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def new_figure(**options: object) -> Figure:
    """A ``matplotlib.figure.Figure(**options)`` (no pyplot: no global state, no GUI)."""
    from matplotlib.figure import Figure

    return Figure(**options)  # type: ignore[arg-type]
