"""Flame graphs as SVG: a differential one of two runs, and a plain one of each run.

The SVG has no script and no CSS (no ``style`` attribute or element): only presentation
attributes (``fill``, ``font-size``, ``font-family``), so it renders under Jenkins'
``default-src 'none'; style-src 'self'`` policy, as an ``<img>`` or opened on its own (where
each frame's ``<title>`` shows as a tooltip).  ElementTree escapes every name.

Differential: a frame is as wide as the new run's time; red where the new run spends more,
blue where it spends less, the stronger the larger the relative change; grey when unchanged.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

from perfkit.common.version import __version__
from perfkit.diff.flame import DEFAULT_WIDTH, Frame
from perfkit.render.units import seconds as seconds_text

SVG_NS = "http://www.w3.org/2000/svg"
ROW = 16
PAD = 10
HEADER = 34
FONT = "Verdana, DejaVu Sans, sans-serif"
CHAR_WIDTH = 6.2  # average width of one character at font-size 11
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
NEUTRAL = (0.02, "#d8d8d8")  # relative changes under 2 % are shown as unchanged


def _diff_fill(frame: Frame) -> str:
    if frame.base <= 0 and frame.new <= 0:
        return NEUTRAL[1]
    if frame.base <= 0 or frame.new <= 0:
        change = 1.0 if frame.new > frame.base else -1.0
    else:
        change = max(-1.0, min(1.0, (frame.new - frame.base) / frame.base))
    if abs(change) < NEUTRAL[0]:
        return NEUTRAL[1]
    strength = 0.25 + 0.75 * math.sqrt(abs(change))
    fade = round(230 * (1 - strength))
    if change > 0:
        return f"#{230:02x}{fade:02x}{fade:02x}"
    return f"#{fade:02x}{fade:02x}{230:02x}"


def _warm_fill(frame: Frame) -> str:
    """flamegraph.pl's warm palette, stable per name so both runs' graphs agree."""
    seed = sum(ord(c) * (i + 1) for i, c in enumerate(frame.name[-40:])) % 1000 / 1000
    return f"rgb({205 + round(50 * seed)},{round(230 * seed)},{round(55 * (1 - seed))})"


def _calls(calls: int | None) -> str:
    return "-" if calls is None else f"{calls:,}"


def _diff_title(frame: Frame) -> str:
    if frame.base > 0:
        change = f"{(frame.new - frame.base) / frame.base:+.1%}"
    else:
        change = "only in the new run" if frame.new > 0 else "no time"
    return (
        f"{frame.name}\nbaseline {seconds_text(frame.base)}, new {seconds_text(frame.new)} "
        f"({change})\ncalls (whole run): baseline {_calls(frame.base_calls)}, "
        f"new {_calls(frame.new_calls)}"
    )


def _plain_title(frame: Frame, side: str) -> str:
    seconds = getattr(frame, side)
    calls = _calls(getattr(frame, f"{side}_calls"))
    return f"{frame.name}\n{seconds_text(seconds)}, calls (whole run) {calls}"


def _xml(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (control characters in names)."""
    return _NOT_XML.sub("\ufffd", text)


def _label(name: str, width: float) -> str | None:
    fits = int((width - 6) / CHAR_WIDTH)
    if fits < 3:
        return None
    return name if len(name) <= fits else name[: fits - 2] + ".."


def flame_svg(root: Frame, *, side: str = "diff", title: str, width: int = DEFAULT_WIDTH) -> bytes:
    """The SVG document of ``root``; ``side``: ``"diff"``, ``"base"`` or ``"new"``."""
    measure = "new" if side == "diff" else side
    total = getattr(root, measure)
    frames = [(depth, frame) for depth, frame in root.walk() if getattr(frame, measure) > 0]
    depth = max((level for level, _ in frames), default=0) + 1
    height = HEADER + depth * ROW + PAD
    svg = ET.Element(
        f"{{{SVG_NS}}}svg",
        {
            "version": "1.1",
            "width": str(width + 2 * PAD),
            "height": str(height),
            "viewBox": f"0 0 {width + 2 * PAD} {height}",
            "font-family": FONT,
            "font-size": "11",
        },
    )
    ET.SubElement(svg, f"{{{SVG_NS}}}desc").text = f"perfkit {__version__} flame graph"
    ET.SubElement(svg, f"{{{SVG_NS}}}rect", width="100%", height="100%", fill="#ffffff")
    heading = ET.SubElement(svg, f"{{{SVG_NS}}}text", x=str(PAD), y="20", **{"font-size": "14"})
    heading.text = _xml(title)
    scale = width / total if total > 0 else 0.0
    offsets = {id(root): 0.0}  # frame -> x of its left edge
    for level, frame in frames:
        x = offsets[id(frame)]
        next_x = x
        for child in frame.children:
            offsets[id(child)] = next_x
            next_x += getattr(child, measure) * scale
        w = getattr(frame, measure) * scale
        y = height - PAD - (level + 1) * ROW
        group = ET.SubElement(svg, f"{{{SVG_NS}}}g")
        text = _diff_title(frame) if side == "diff" else _plain_title(frame, side)
        ET.SubElement(group, f"{{{SVG_NS}}}title").text = _xml(text)
        fill = _diff_fill(frame) if side == "diff" else _warm_fill(frame)
        ET.SubElement(
            group,
            f"{{{SVG_NS}}}rect",
            x=f"{PAD + x:.1f}",
            y=str(y),
            width=f"{max(w - 0.5, 0.1):.1f}",
            height=str(ROW - 1),
            fill=fill,
        )
        label = _label(frame.name, w)
        if label:
            ET.SubElement(
                group, f"{{{SVG_NS}}}text", x=f"{PAD + x + 3:.1f}", y=str(y + ROW - 4)
            ).text = _xml(label)
    ET.register_namespace("", SVG_NS)
    return ET.tostring(svg, encoding="utf-8", xml_declaration=True)
