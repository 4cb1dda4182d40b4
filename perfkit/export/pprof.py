"""pprof's profile format (github.com/google/pprof/proto/profile.proto), gzip-compressed: the
file ``go tool pprof``, Pyroscope and Grafana read.

Two sample types, ``calls/count`` and ``time/nanoseconds`` (the default), over the samples of
``perfkit.export.pprof_samples``: the estimated stacks with their time, and every function's
calls placed on them.  One Function per row of ``Profile.functions`` - ``name`` its perfkit
label (``module:line(name)``, unique where bare names such as ``__init__`` are not; pprof joins
functions of the same name), ``system_name`` the pstats key as pstats prints it, ``filename``
and ``start_line`` for code that has a file - plus one for each frame that is not a key (the
``[pruned]`` and ``[recursion]`` markers, callers outside the profile); one Location per
Function, with one Line.  Each sample carries two labels: ``stack`` (``exact`` or
``estimated``) and ``exact_frames`` (how many frames from the root are measured), so
``-tagfocus=stack=exact`` keeps the measured stacks only.  cProfile measures every call rather
than sampling: the period is 1 ns.  The file's time and duration come from the run sidecar when
there is one.
"""

from __future__ import annotations

import gzip
import math
import pstats
from collections.abc import Sequence
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

from perfkit.common.version import __version__
from perfkit.export.pprof_samples import Sample, pprof_samples
from perfkit.export.proto import profile_pb2
from perfkit.match.normalise import is_builtin
from perfkit.model.stacks import Stack

if TYPE_CHECKING:
    from perfkit.model.profile import Profile

SAMPLE_TYPES = (("calls", "count"), ("time", "nanoseconds"))
DEFAULT_SAMPLE_TYPE = "time"


class _Strings:
    """pprof's string table: index 0 is ``""``, every other string once."""

    def __init__(self) -> None:
        self.table: dict[str, int] = {"": 0}

    def __call__(self, text: str) -> int:
        return self.table.setdefault(text, len(self.table))


def _comments(profile: Profile) -> list[str]:
    note = (
        "stacks are estimated from pstats caller edges; samples labelled stack=estimated hold "
        "estimated frames after their first exact_frames"
    )
    calls = (
        "calls: each function's total is exact; below its direct callers, their split across "
        "stacks follows the time"
    )
    if profile.sampled:
        calls = "calls: none (a sampled profile: its call counts are -1)"
    return [f"perfkit {__version__} export of {profile.path.name}", note, calls]


def _run_times(metadata: dict[str, Any] | None) -> tuple[int, int]:
    """(start, duration) in nanoseconds from the run sidecar; 0 for what it does not hold."""
    if not metadata:
        return 0, 0
    start = duration = 0
    started = metadata.get("started_at")
    if isinstance(started, str):
        try:
            moment = datetime.fromisoformat(started)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            start = round(moment.timestamp() * 1e9)
    wall = metadata.get("wall_seconds")
    if isinstance(wall, int | float) and not isinstance(wall, bool) and math.isfinite(wall):
        duration = max(round(wall * 1e9), 0)
    return start, duration


def pprof_message(profile: Profile, samples: Sequence[Sample]) -> profile_pb2.Profile:
    """The profile.proto message for ``samples`` (``pprof_samples(profile, stacks)``)."""
    strings = _Strings()
    message = profile_pb2.Profile()
    for kind, unit in SAMPLE_TYPES:
        message.sample_type.add(type=strings(kind), unit=strings(unit))
    message.default_sample_type = strings(DEFAULT_SAMPLE_TYPE)
    message.period_type.type = strings("time")
    message.period_type.unit = strings("nanoseconds")
    message.period = 1
    message.time_nanos, message.duration_nanos = _run_times(profile.metadata)
    message.comment.extend(strings(text) for text in _comments(profile))

    location: dict[str, int] = {}

    def add_function(label: str, system_name: str, filename: str, line: int) -> None:
        number = len(message.function) + 1
        message.function.add(
            id=number,
            name=strings(label),
            system_name=strings(system_name),
            filename=strings(filename),
            start_line=line,
        )
        message.location.add(id=number).line.add(function_id=number, line=line)
        location.setdefault(label, number)

    functions = profile.functions
    for label, file, line, name in zip(
        functions["label"],
        functions["file"],
        functions["line"].tolist(),
        functions["name"],
        strict=True,
    ):
        code = not is_builtin(file)
        add_function(
            label,
            pstats.func_std_string((file, line, name)),
            file if code else "",
            line if code else 0,
        )
    stack, exact_frames, frames = strings("stack"), strings("exact_frames"), strings("frames")
    kinds = {False: strings("exact"), True: strings("estimated")}
    for sample in samples:
        for frame in sample.frames:
            if frame not in location:
                add_function(frame, frame, "", 0)
        entry = message.sample.add(
            location_id=[location[frame] for frame in reversed(sample.frames)],
            value=[sample.calls, sample.nanoseconds],
        )
        entry.label.add(key=stack, str=kinds[sample.estimated])
        entry.label.add(key=exact_frames, num=sample.exact_frames, num_unit=frames)
    message.string_table.extend(strings.table)
    return message


def write_pprof(profile: Profile, stacks: Sequence[Stack], stream: IO[bytes]) -> None:
    """``profile`` as a gzipped profile.proto (fixed gzip header: the same input, the same
    bytes)."""
    message = pprof_message(profile, pprof_samples(profile, stacks))
    stream.write(gzip.compress(message.SerializeToString(), mtime=0))
