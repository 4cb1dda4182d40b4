"""The report's flame graph files: a differential one and a plain one per run."""

from __future__ import annotations

import base64

import attrs

from perfkit.diff.flame import Frame
from perfkit.render.flame_svg import flame_svg

DIFF_NAME = "flame-diff.svg"
BASE_NAME = "flame-baseline.svg"
NEW_NAME = "flame-new.svg"
ALT = (
    "Differential flame graph: frames as wide as the new run's time, red where it spends more "
    "than the baseline, blue where less"
)


@attrs.frozen
class FlameRef:
    """What the template shows: the differential graph, and links to the plain ones."""

    diff: str
    base: str
    new: str
    linked: bool
    alt: str = ALT


def flame_files(tree: Frame) -> dict[str, bytes]:
    """File name -> SVG of the three flame graphs of ``tree``."""
    return {
        DIFF_NAME: flame_svg(tree, side="diff", title="Differential flame graph (new vs baseline)"),
        BASE_NAME: flame_svg(tree, side="base", title="Flame graph of the baseline"),
        NEW_NAME: flame_svg(tree, side="new", title="Flame graph of the new run"),
    }


def flame_ref(files: dict[str, bytes], *, inline: bool) -> FlameRef:
    """Links to the files beside the report, or the differential graph as a ``data:`` URI."""
    if inline:
        uri = "data:image/svg+xml;base64," + base64.b64encode(files[DIFF_NAME]).decode("ascii")
        return FlameRef(uri, "", "", linked=False)
    return FlameRef(DIFF_NAME, BASE_NAME, NEW_NAME, linked=True)
