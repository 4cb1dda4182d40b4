"""``perfkit export --format pprof``: the file read back by protobuf, and by Go's own pprof.

The profiles are made by running cProfile on a small client whose functions have distinct
call counts and times; stdlib ``pstats`` gives the expected totals. ``go tool pprof`` (Debian's
golang-go; ``make test`` installs it) must list the same functions, values and totals as perfkit
for one profile, and the same per-function deltas as ``perfkit.compare`` for a pair. Without
``go`` those tests skip, unless PERFKIT_REQUIRE_GO is set.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import pstats
import re
import shutil
import subprocess
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pytest

import perfkit
from perfkit.export.proto import profile_pb2
from tests.perfkit.conftest import profile_source, sampled_copy

CLIENT = """
import time

def checksum(data):
    return sum(data) % 251

def record(i):
    return [i, checksum([i, i + 1])]

def fetch(i):
    time.sleep(0.003)
    return record(i)

def search(page):
    time.sleep(0.009)
    return [fetch(i) for i in range(page, page + 3)]

def main(pages, extra):
    rows = []
    for page in range(pages):
        rows.extend(search(page))
    for i in range(extra):
        checksum([i])
    return len(rows)

main({pages}, {extra})
"""
MIN_SHARE_ALL = ("--min-share", "0")  # expand every stack: each function's own time is a leaf
NS = 1e9


def client_profile(path: Path, pages: int, extra: int) -> Path:
    return profile_source(CLIENT.format(pages=pages, extra=extra), path, "client.py")


def export(perfkit_main, source: Path, out: Path, *extra: str) -> Path:
    result = perfkit_main("export", source, "--format", "pprof", "-o", out, *extra)
    assert result.returncode == 0, result.stderr
    return out


def read_pprof(path: Path) -> profile_pb2.Profile:
    message = profile_pb2.Profile()
    message.ParseFromString(gzip.decompress(path.read_bytes()))
    return message


def decoded_samples(message: profile_pb2.Profile) -> list[tuple[tuple[str, ...], list[int], dict]]:
    """(frames root first, values, labels) of every sample, names resolved."""
    strings = message.string_table
    function_name = {f.id: strings[f.name] for f in message.function}
    location_name = {loc.id: function_name[loc.line[0].function_id] for loc in message.location}
    out = []
    for sample in message.sample:
        frames = tuple(location_name[i] for i in reversed(sample.location_id))
        labels = {
            strings[label.key]: strings[label.str] if label.str else label.num
            for label in sample.label
        }
        out.append((frames, list(sample.value), labels))
    return out


def test_the_file_follows_profile_proto(tmp_path, perfkit_main) -> None:
    source = client_profile(tmp_path / "run.stats", pages=4, extra=7)
    sidecar = {"schema": "perfkit.run/1", "started_at": "2026-11-24T12:00:00+00:00"}
    (tmp_path / "run.json").write_text(json.dumps({**sidecar, "wall_seconds": 1.5}))
    message = read_pprof(export(perfkit_main, source, tmp_path / "run.pb.gz", *MIN_SHARE_ALL))
    started = datetime.fromisoformat(sidecar["started_at"]).timestamp()
    assert (message.time_nanos, message.duration_nanos) == (int(started) * 10**9, 1_500_000_000)
    strings = message.string_table
    assert strings[0] == "" and len(set(strings)) == len(strings)
    assert [(strings[t.type], strings[t.unit]) for t in message.sample_type] == [
        ("calls", "count"),
        ("time", "nanoseconds"),
    ]
    assert strings[message.default_sample_type] == "time"
    assert (strings[message.period_type.type], message.period) == ("time", 1)
    assert any("estimated" in strings[i] for i in message.comment)
    stats = pstats.Stats(str(source))
    functions = {f.id: f for f in message.function}
    keys = {strings[f.system_name]: f for f in message.function}
    for key in stats.stats:
        function = keys[pstats.func_std_string(key)]
        if key[0] != "~":
            assert (strings[function.filename], function.start_line) == key[:2]
    assert {loc.id for loc in message.location} == set(functions)
    samples = decoded_samples(message)
    calls: dict[str, int] = defaultdict(int)
    own: dict[str, int] = defaultdict(int)
    for frames, (count, nanoseconds), _ in samples:
        calls[frames[-1]] += count  # the leaf is location_id[0]
        own[frames[-1]] += nanoseconds
    assert sum(calls.values()) == stats.total_calls
    assert sum(own.values()) == pytest.approx(stats.total_tt * NS, abs=1)
    profile = perfkit.load(source)
    for label, ncalls, tottime in zip(
        profile.functions["label"],
        profile.functions["ncalls"],
        profile.functions["tottime"],
        strict=True,
    ):
        assert calls[label] == ncalls, label
        assert abs(own[label] - tottime * NS) <= 2, label
    # leaf-first: the chain below main is one path, and every sleep is placed under its caller
    fetch = next(frames for frames, _, _ in samples if frames[-1].endswith("(fetch)"))
    names = [frame.rsplit("(", 1)[-1] for frame in fetch]  # a <listcomp> frame before 3.12
    assert names.index("main)") < names.index("search)") < len(names) - 1
    sleeps = {frames[-2]: values[0] for frames, values, _ in samples if "sleep" in frames[-1]}
    assert sorted(sleeps.values()) == [4, 12]  # 4 under search, 12 under fetch


def test_samples_say_where_estimation_starts(tmp_path, perfkit_main) -> None:
    source = client_profile(tmp_path / "run.stats", pages=2, extra=3)
    samples = decoded_samples(read_pprof(export(perfkit_main, source, tmp_path / "run.pb.gz")))
    assert {labels["stack"] for _, _, labels in samples} <= {"exact", "estimated"}
    for frames, _, labels in samples:
        assert (labels["stack"] == "exact") == (labels["exact_frames"] == len(frames))
        assert "[estimated]" not in frames
    # checksum is called from record and from main: its callee's time below it is a guess
    checksum = next(frame for frames, _, _ in samples for frame in frames if "(checksum)" in frame)
    under_checksum = [labels for frames, _, labels in samples if frames[-2:-1] == (checksum,)]
    assert under_checksum and all(labels["stack"] == "estimated" for labels in under_checksum)


def test_sampled_profile_has_time_and_no_calls(tmp_path, perfkit_main) -> None:
    source = sampled_copy(client_profile(tmp_path / "run.stats", 2, 3), tmp_path / "s.stats")
    message = read_pprof(export(perfkit_main, source, tmp_path / "s.pb.gz"))
    assert sum(sample.value[0] for sample in message.sample) == 0
    total = sum(sample.value[1] for sample in message.sample)
    assert total == pytest.approx(pstats.Stats(str(source)).total_tt * NS, rel=1e-3)


def test_same_input_same_bytes(tmp_path, perfkit_main) -> None:
    source = client_profile(tmp_path / "run.stats", pages=2, extra=3)
    first = export(perfkit_main, source, tmp_path / "a.pb.gz").read_bytes()
    assert export(perfkit_main, source, tmp_path / "b.pb.gz").read_bytes() == first


def test_bad_input_is_one_line_and_keeps_files(tmp_path, perfkit_main) -> None:
    broken = tmp_path / "broken.stats"
    broken.write_bytes(b"not a profile")
    source = client_profile(tmp_path / "run.stats", pages=1, extra=1)
    sidecar = tmp_path / "run.json"
    sidecar.write_text('{"schema": "perfkit.run/1"}')
    before = source.read_bytes()
    cases = [
        (broken, tmp_path / "out.pb.gz", "not a readable pstats profile"),
        (tmp_path / "missing.stats", tmp_path / "out.pb.gz", "no such file"),
        (source, tmp_path / "no" / "folder" / "out.pb.gz", "cannot write"),
        (source, "-", "give a file with -o OUT"),
        (source, source, "is the input run.stats"),
        (source, sidecar, "is the input run.json"),
    ]
    for profile, out, message in cases:
        result = perfkit_main("export", profile, "--format", "pprof", "-o", out)
        err = result.stderr.decode()
        assert result.returncode == 2, (profile, out, err)
        assert err.startswith("perfkit: error: ") and err.count("\n") == 1 and message in err
    assert source.read_bytes() == before and sidecar.read_text() == '{"schema": "perfkit.run/1"}'
    assert not (tmp_path / "out.pb.gz").exists()


# --- go tool pprof --------------------------------------------------------------------------

# "  flat  flat%   sum%   cum   cum%  name": values such as 123, -45, 1.5e+06ns, 4.3e-05%; the
# name runs to the end of the line (built-ins hold spaces and quotes)
_NUMBER = r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?"
_ROW = re.compile(
    rf"^\s*(?P<flat>{_NUMBER})(?:ns)?\s+{_NUMBER}%\s+{_NUMBER}%\s+"
    rf"(?P<cum>{_NUMBER})(?:ns)?\s+{_NUMBER}%\s+(?P<name>\S.*)$"
)
_TOTAL = re.compile(rf"of (?P<total>{_NUMBER})(?:ns)? total")


@pytest.fixture(scope="module")
def go() -> str:
    found = shutil.which("go")
    if found is None:
        if os.environ.get("PERFKIT_REQUIRE_GO"):
            pytest.fail("go is missing (make test installs Debian's golang-go)")
        pytest.skip("go is not installed (make test installs Debian's golang-go)")
    return found


def go_top(go: str, *args: str | Path) -> tuple[float, list[tuple[str, float, float]]]:
    """``go tool pprof -top``, offline, values in plain counts or nanoseconds: (the total it
    reports, [(name, flat, cum)] in its order)."""
    command = [go, "tool", "pprof", "-symbolize=none", "-unit=ns", "-nodefraction=0"]
    command += ["-edgefraction=0", "-top", *map(str, args)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    total = _TOTAL.search(result.stdout)
    assert total, result.stdout
    rows = []
    table = result.stdout.split(" flat  flat%", 1)[1].splitlines()[1:]
    for line in table:
        found = _ROW.match(line)
        assert found, line
        rows.append((found["name"], float(found["flat"]), float(found["cum"])))
    return float(total["total"]), rows


def top_by(profile: perfkit.Profile, column: str, count: int) -> dict[str, float]:
    """perfkit's ``count`` largest functions by ``column`` (the count moved to the first place
    where the values differ, so that a tie is never cut)."""
    ranked = profile.functions.sort_values(column, ascending=False, kind="stable")
    values = ranked[column].tolist()
    while count < len(values) and values[count] == values[count - 1]:
        count += 1
    return dict(zip(ranked["label"][:count], values[:count], strict=True))


def test_go_pprof_top_matches_perfkit(tmp_path, perfkit_main, go) -> None:
    source = client_profile(tmp_path / "run.stats", pages=5, extra=40)
    out = export(perfkit_main, source, tmp_path / "run.pb.gz", *MIN_SHARE_ALL)
    profile = perfkit.load(source)
    stats = pstats.Stats(str(source))
    expected_calls = top_by(profile, "ncalls", 6)
    total, rows = go_top(go, f"-nodecount={len(expected_calls)}", "-sample_index=calls", out)
    assert total == stats.total_calls == profile.total_calls
    assert {name: flat for name, flat, _ in rows} == expected_calls
    assert [flat for _, flat, _ in rows] == sorted(expected_calls.values(), reverse=True)
    checksum = next(name for name in expected_calls if name.endswith("(checksum)"))
    assert expected_calls[checksum] == 5 * 3 + 40  # from record per fetched row, and from main
    # cum: every call below main sits under it, only the frames above it and the profiler's
    # disable are outside
    _, every = go_top(go, "-sample_index=calls", out)
    outside = {"{built-in method builtins.exec}", "client:1(<module>)"}
    outside.add("{method 'disable' of '_lsprof.Profiler' objects}")
    ncalls = dict(zip(profile.functions["label"], profile.functions["ncalls"], strict=True))
    main = next(name for name in ncalls if name.endswith("(main)"))
    cum = {name: cum for name, _, cum in every}
    assert cum[main] == profile.total_calls - sum(ncalls[name] for name in outside)

    expected_time = top_by(profile, "tottime", 5)
    total, rows = go_top(go, f"-nodecount={len(expected_time)}", "-sample_index=time", out)
    assert abs(total - stats.total_tt * NS) <= 1
    assert [name for name, _, _ in rows] == list(expected_time)
    for name, flat, _ in rows:
        assert abs(flat - expected_time[name] * NS) <= 2, name
    assert rows[0][0] == "{built-in method time.sleep}"
    # the default sample type is time: the same listing without -sample_index
    assert go_top(go, f"-nodecount={len(expected_time)}", out)[1] == rows
    # cum of the root holds everything
    _, every = go_top(go, "-sample_index=time", out)
    cumtime = dict(zip(profile.functions["label"], profile.functions["cumtime"], strict=True))
    assert abs({n: c for n, _, c in every}[main] - cumtime[main] * NS) <= len(every)


def test_go_pprof_diff_matches_perfkit_compare(tmp_path, perfkit_main, go) -> None:
    base = client_profile(tmp_path / "base.stats", pages=5, extra=40)
    new = client_profile(tmp_path / "new.stats", pages=3, extra=90)
    base_out = export(perfkit_main, base, tmp_path / "base.pb.gz", *MIN_SHARE_ALL)
    new_out = export(perfkit_main, new, tmp_path / "new.pb.gz", *MIN_SHARE_ALL)
    diff = perfkit.compare(perfkit.load(base), perfkit.load(new)).functions
    for index, column, tolerance in (("calls", "ncalls", 0), ("time", "tottime", 4)):
        _, rows = go_top(
            go, "-nodecount=1000", f"-sample_index={index}", f"-diff_base={base_out}", new_out
        )
        shown = {name: flat for name, flat, _ in rows}
        scale = 1 if index == "calls" else NS
        expected = dict(zip(diff["label"], diff[f"{column}_delta"] * scale, strict=True))
        moved = {name for name, delta in expected.items() if abs(delta) > tolerance}
        assert moved and moved <= set(shown), index
        for name, flat in shown.items():
            assert abs(flat - expected[name]) <= tolerance, (index, name, flat, expected[name])
    calls = dict(zip(diff["label"], diff["ncalls_delta"], strict=True))
    assert math.isclose(calls[next(n for n in calls if n.endswith("(checksum)"))], 50 - 6)
