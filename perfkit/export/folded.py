"""Folded stacks (``frame;frame;frame count``, one stack a line) from ``perfkit.model.stacks``.

The format of flamegraph.pl's ``stackcollapse`` scripts, read by flamegraph.pl, difffolded.pl,
speedscope, inferno and others.  Counts are whole numbers of ``unit`` (microseconds by
default), rounded so that every prefix of the file keeps its exact total: each line gets
``round(running total) - round(previous running total)``, so the file adds up to the profile's
time and no line is off by a unit or more.  Lines that round to zero are left out.  The file has
no header or comments: speedscope recognises the format only when every line ends in a count.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO

from perfkit.model.stacks import Stack

UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}
_FRAME_SEPARATOR = ";"


def frame_text(frame: str) -> str:
    """A frame name that cannot break the line format: no ';', no line breaks."""
    return frame.replace(_FRAME_SEPARATOR, ",").replace("\r", " ").replace("\n", " ")


def folded_lines(stacks: Iterable[Stack], unit: str = "us") -> Iterator[str]:
    size = UNITS[unit]
    running = 0.0
    written = 0
    for stack in stacks:
        running += stack.seconds / size
        count = round(running) - written
        if count > 0:
            written += count
            yield f"{_FRAME_SEPARATOR.join(map(frame_text, stack.frames))} {count}\n"


def write_folded(stacks: Iterable[Stack], stream: IO[bytes], unit: str = "us") -> None:
    for line in folded_lines(stacks, unit):
        stream.write(line.encode("utf-8"))
