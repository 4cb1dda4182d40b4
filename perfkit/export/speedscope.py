"""speedscope's own JSON file format (https://www.speedscope.app/file-format-schema.json).

One "sampled" profile whose samples are the estimated stacks of ``perfkit.model.stacks`` and whose
weights are their seconds, unrounded.  Frames of real functions carry their file and line; the
marker frames (``[estimated]``, ``[pruned]``, ``[recursion]``) carry only their name.  The
profile's name says that the stacks are estimated.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any

from perfkit.common.version import __version__
from perfkit.match.normalise import is_builtin
from perfkit.model.stacks import Stack

if TYPE_CHECKING:
    from perfkit.model.profile import Profile

SCHEMA_URL = "https://www.speedscope.app/file-format-schema.json"


def _frame(name: str, where: dict[str, tuple[str, int]]) -> dict[str, Any]:
    frame: dict[str, Any] = {"name": name}
    if name in where:
        frame["file"], frame["line"] = where[name]
    return frame


def speedscope_document(profile: Profile, stacks: Sequence[Stack]) -> dict[str, Any]:
    functions = profile.functions
    where = {
        label: (file, int(line))
        for label, file, line in zip(
            functions["label"], functions["file"], functions["line"], strict=True
        )
        if not is_builtin(file)
    }
    index: dict[str, int] = {}
    samples = [[index.setdefault(frame, len(index)) for frame in stack.frames] for stack in stacks]
    weights = [stack.seconds for stack in stacks]
    name = profile.path.name
    return {
        "$schema": SCHEMA_URL,
        "version": "0.0.1",
        "name": name,
        "exporter": f"perfkit {__version__}",
        "activeProfileIndex": 0,
        "shared": {"frames": [_frame(frame, where) for frame in index]},
        "profiles": [
            {
                "type": "sampled",
                "name": f"{name} (stacks estimated from pstats caller edges; "
                "frames after [estimated] are estimates)",
                "unit": "seconds",
                "startValue": 0,
                "endValue": sum(weights),
                "samples": samples,
                "weights": weights,
            }
        ],
    }


def write_speedscope(profile: Profile, stacks: Sequence[Stack], stream: IO[bytes]) -> None:
    text = json.dumps(speedscope_document(profile, stacks), allow_nan=False)
    stream.write(text.encode("utf-8") + b"\n")
