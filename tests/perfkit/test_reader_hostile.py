"""Hostile pstats files: bounded time and memory, one clear error, and the same verdict from the
fast path and the strict decoder.

The crafted files of the first part each made the reader hang, blow up or disagree with itself
before it was fixed (see the test names); the rest check, object by object, that a file costs
time and memory in proportion to its size whatever its header fields claim, under a memory cap
and on the command line.  The random side of this is test_reader_fuzz.py.
"""

from __future__ import annotations

import gzip
import json
import marshal
import os
import random
import signal
import struct
import subprocess
import sys
import textwrap
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from perfkit.reader import decode_stats, strict
from perfkit.reader.problem import FormatProblem
from perfkit.reader.source import MIN_INFLATED_LIMIT, decompress, read_bytes
from tests.perfkit.conftest import PERFKIT, profile_source
from tests.perfkit.fuzz_inputs import (
    DAMAGES,
    DECODERS,
    HUGE,
    PROFILES,
    TRIED,
    attempt,
    attempt_both,
    damage,
    declare_huge,
    gzip_bomb,
    nest,
    object_spans,
)

KEY = ("app.py", 3, "main")
GIB = 1 << 30
_P = 2**61 - 1  # ints n and n + k * _P hash alike


def int32(value: int) -> bytes:
    return struct.pack("<i", value)


def shared_tuple(depth: int) -> bytes:
    """T(0) = (None,), T(n) = (T(n - 1), T(n - 1)), the second a reference to the first: five
    bytes a level, 2**depth leaves to hash or print.  Its tuples take reference indices 0 on."""
    data = b"\xa9\x01N"
    for level in reversed(range(depth)):  # the tuple at index ``level`` holds ``level + 1``
        data = b"\xa9\x02" + data + b"r" + int32(level + 1)
    return data


def with_shared_tuple(depth: int, *, as_key: bool) -> bytes:
    """A dict with T(depth) as its key, or as the caller entry of an otherwise good file."""
    if as_key:
        return b"{" + shared_tuple(depth) + b"N0"
    key = marshal.dumps(KEY, 2)  # version 2: no references of its own
    entry = b"(" + int32(5) + (b"i" + int32(1)) * 2 + (b"g" + struct.pack("<d", 0.5)) * 2
    return b"{" + key + entry + b"{" + key + shared_tuple(depth) + b"00"


def code_layout_bomb(levels: int) -> bytes:
    """The profile module's key with code objects nested ``levels`` deep, each of whose
    headers reads as every known layout, and each of which fails at its end."""

    def code(level: int) -> bytes:
        head = bytearray(28)
        head[16:18], head[20:22], head[24:26] = b"z\x0a", b"z\x06", b"z\x02"
        inner = code(level - 1) if level > 1 else b""
        return b"c" + bytes(head) + b")" + bytes([1 if inner else 0]) + inner + b"\xff"

    return b"{)\x03z\x07profilei\x00\x00\x00\x00" + code(levels) + b"N0"


def colliding_keys(count: int) -> bytes:
    """``count`` keys whose line numbers all hash alike: each insertion compares with all.
    (Written item by item: building the dict here would cost what the test is about.)"""
    entry = marshal.dumps((1, 1, 0.0, 0.0, {}))
    items = (marshal.dumps(("a.py", 5 + k * _P, "f")) + entry for k in range(count))
    return b"{" + b"".join(items) + b"0"


def declared_gib(code: str) -> bytes:
    """100 bytes: a function key whose file name (or a container, or a long) of type ``code``
    declares 1 GiB."""
    data = b"{)\x03" + code.encode() + int32(GIB)
    return data + b"x" * (100 - len(data))


# -- bugs found while fuzzing the reader, one test each --------------------------------------


@pytest.mark.parametrize("decoder", sorted(DECODERS))
@pytest.mark.parametrize("as_key", [True, False], ids=["key", "entry"])
def test_shared_nested_tuples_cost_their_bytes_not_their_expansion(
    decoder: str, as_key: bool
) -> None:
    # 40 levels (within the nesting limit): 250 bytes, 2**40 leaves.  As a dict key, hashing
    # it never ended; as an entry, printing it in the error message did not either (and took
    # memory to match).
    outcome = attempt(with_shared_tuple(40, as_key=as_key), decoder, "regression")
    assert outcome.problem is not None
    assert "..." in outcome.problem or "not a (file, line, name) tuple" in outcome.problem


@pytest.mark.parametrize("decoder", sorted(DECODERS))
def test_keys_chosen_to_collide_in_the_hash_table_are_refused(decoder: str) -> None:
    # 20,000 line numbers that all hash alike: 200 million comparisons for a 570 KB file.
    outcome = attempt(colliding_keys(20_000), decoder, "regression")
    assert "integer beyond 64 bits" in str(outcome.problem)


@pytest.mark.parametrize("decoder", sorted(DECODERS))
def test_nested_code_objects_are_tried_in_one_layout(decoder: str) -> None:
    # Each level used to be tried in all four layouts: 4**30 attempts for 1 KB.
    outcome = attempt(code_layout_bomb(30), decoder, "regression")
    assert "a code object of no known layout" in str(outcome.problem)


@pytest.mark.parametrize("decoder", sorted(DECODERS))
@pytest.mark.parametrize("container", [[1, 1, 0.5, 0.5, {}], frozenset({1}), {1, 2}])
def test_lists_and_sets_are_not_tuples(decoder: str, container: object) -> None:
    # The strict decoder read lists and sets as tuples, so a list entry became a profile.
    value = container if isinstance(container, list) else (1, 1, 0.5, 0.5, container)
    outcome = attempt(marshal.dumps({KEY: value}), decoder, "regression")
    assert outcome.problem is not None


def test_an_empty_python2_profile_is_a_profile_not_json() -> None:
    data = marshal.dumps({}, 2)  # what Python 2.7 wrote for a profile of nothing
    assert data == b"{0"
    for outcome in attempt_both(data, "regression"):
        assert outcome.columns is not None and outcome.columns.keys == []


def test_a_dropped_last_key_counts_for_nothing() -> None:
    # marshal ends a dict at an end marker after a key and drops that key: a Python 2 byte string
    # there must not make the strict decoder refuse a Python 3 file that marshal reads.
    profile = marshal.dumps({("m.py", 1, "f"): (1, 1, 0.5, 0.5, {})})
    inner = b"{" + b"s" + struct.pack("<i", 3) + b"abc" + b"0"  # {b"abc": <end>} -> {}
    data = profile.replace(b"{0", inner + b"", 1)
    assert marshal.loads(data) == {("m.py", 1, "f"): (1, 1, 0.5, 0.5, {})}
    for outcome in attempt_both(data, "regression"):
        assert outcome.columns is not None and outcome.columns.keys == [("m.py", 1, "f")]


def test_undecodable_file_names_read_alike_on_both_paths(tmp_path: Path) -> None:
    # A file name with a byte that is not UTF-8 reaches the profile as a lone surrogate, which
    # marshal writes as such; the strict decoder used to read it as three other characters.
    name = "caf\udce9.py"
    path = profile_source("def f():\n    return 1\nf()\n", tmp_path / "p.stats", name)
    fast, careful = attempt_both(path.read_bytes(), "regression")
    assert name in fast.raw.files and fast.columns == careful.columns


# What CPython's marshal makes of odd encodings; the strict decoder must read them alike.
MARSHAL_QUIRKS = {
    "a flagged None takes no reference": b")\x02\xcer\x00\x00\x00\x00",
    "a flagged True takes no reference": b"\xa9\x02\xd4r\x01\x00\x00\x00",
    "a flagged reference takes none": b"\xa9\x03\xe9\x07\0\0\0\xf2\x01\0\0\0r\x02\0\0\0",
    "ASCII codes are Latin-1": b"a\x02\x00\x00\x00\xe9x",
    "short ASCII codes are Latin-1": b"z\x02\xe9x",
    "lone surrogates": b"u\x03\x00\x00\x00\xed\xb2\x80",
    "a float with a NUL": b"f\x051.5\x00x",
    "a float with a space": b"f\x041.5 ",
    "a float with an underscore": b"f\x041_00",
    "a hex float": b"f\x050x1p3",
    "a float word": b"f\x08Infinity",
    "a dict ends where a value should start": b"{i\x01\x00\x00\x00Ni\x02\x00\x00\x000",
    "a dict key dropped at the end": b"{{N00",
    "a flagged end marker": b"{i\x01\x00\x00\x00N\xb0",
    "a flagged end marker for a value": b"{i\x01\x00\x00\x00\xb0",
}


@pytest.mark.parametrize("name", sorted(MARSHAL_QUIRKS))
def test_strict_decoder_reads_quirks_as_marshal_does(name: str) -> None:
    data = MARSHAL_QUIRKS[name]
    try:
        expected = repr(marshal.loads(data))
    except (ValueError, EOFError, TypeError):
        expected = "refused"
    try:
        got = repr(strict.decode(data))
    except FormatProblem:
        got = "refused"
    assert got == expected


def test_a_child_that_fails_before_decoding_never_returns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whatever goes wrong in the forked child, it must exit, never carry on as a second copy
    # of this process.  A copy that escaped leaves a mark and dies.
    from perfkit.reader import isolated

    parent = os.getpid()

    def broken(data: bytes, write_fd: int) -> None:
        raise RuntimeError("before any decoding")

    monkeypatch.setattr(isolated, "_child", broken)
    try:
        raw = decode_stats(PROFILES["cpython-3.11-cprofile.stats"], isolate=True)
    finally:
        if os.getpid() != parent:
            (tmp_path / "escaped").touch()
            os._exit(3)
    assert raw.decoder == "strict" and not (tmp_path / "escaped").exists()


def test_no_memory_for_the_fast_path_leaves_it_to_the_strict_decoder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from perfkit.reader import isolated

    def exhausted(datas: list[bytes], timeout: float) -> list:
        raise MemoryError

    monkeypatch.setattr(isolated, "_decode_batch", exhausted)
    assert decode_stats(PROFILES["cpython-3.11-cprofile.stats"], isolate=True).decoder == "strict"


#: The profile module's key with a code object that makes Python 3.11's marshal crash
#: (segmentation fault): 168 bytes found by ``make fuzz``, then shrunk.
CRASHES_MARSHAL = bytes.fromhex(
    "7ba803000000fa0770726f66696c6569000000006300000000030000000600000001000000040000"
    "007304000000640053002900a90028000000002900a9007404000000f0a292997502000000c2bfa0"
    "01000073040000006400530028050000006cffffffffa900693501000067579f47258de7aa406c01"
    "00000086007b720000000028040000006cffffffff2507e962030000675fd4d112c0619a40670465"
    "6c73652904694e30"
)


def test_a_file_that_crashes_marshal_only_ends_the_child_quietly() -> None:
    loads = "import marshal, sys; marshal.loads(sys.stdin.buffer.read())"
    crash = subprocess.run([sys.executable, "-c", loads], input=CRASHES_MARSHAL, check=False)
    assert crash.returncode == -signal.SIGSEGV or sys.version_info >= (3, 12)
    for outcome in attempt_both(CRASHES_MARSHAL, "regression"):
        assert outcome.problem is not None
    # With faulthandler on (as under pytest), the child's crash is not reported on stderr.
    read = (
        "import sys; from perfkit.reader import decode_stats\n"
        "try:\n    decode_stats(sys.stdin.buffer.read(), isolate=True)\n"
        "except Exception as exc:\n    print(type(exc).__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", read],
        input=CRASHES_MARSHAL,
        capture_output=True,
        check=True,
    )
    assert result.stdout == b"FormatProblem\n" and result.stderr == b""


def test_out_of_memory_is_a_format_problem_too(monkeypatch: pytest.MonkeyPatch) -> None:
    def exhausted(data: bytes) -> object:
        raise MemoryError

    monkeypatch.setattr(strict, "decode", exhausted)
    with pytest.raises(FormatProblem, match="too large to decode"):
        decode_stats(PROFILES["cpython-3.11-cprofile.stats"], isolate=False)


# -- sizes a file declares -------------------------------------------------------------------


@pytest.mark.parametrize("decoder", sorted(DECODERS))
@pytest.mark.parametrize("code", list("utaAs([<>l"))
def test_a_1gb_declared_string_in_a_100_byte_file_is_an_error_not_an_allocation(
    decoder: str, code: str
) -> None:
    tracemalloc.start()
    try:
        outcome = attempt(declared_gib(code), decoder, "1 GB declared")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert outcome.problem is not None
    assert peak < 8 << 20  # the parent never allocates what the header claims


@pytest.mark.parametrize("decoder", sorted(DECODERS))
@pytest.mark.parametrize("name", ["cpython-3.12-profile.stats", "cpython-2.7-cprofile.stats"])
def test_every_object_of_a_real_profile_declaring_a_huge_size(decoder: str, name: str) -> None:
    # Each object's size field set to a huge value, or the object replaced by a container or
    # string declaring one.  The fast path gets every 5th object (a process each).
    spans = object_spans(name)
    for index, (start, _) in enumerate(spans[:: 5 if decoder == "fast" else 1]):
        size = HUGE[index % len(HUGE)]
        for recode in (False, True):
            data = declare_huge(bytearray(PROFILES[name]), start, size, recode)
            if data != PROFILES[name]:
                attempt(bytes(data), decoder, "huge declared size")


@pytest.mark.parametrize("decoder", sorted(DECODERS))
@pytest.mark.parametrize("depth", [100, 2_000, 100_000])
@pytest.mark.parametrize("code", list("()[<>{"))
def test_deep_nesting_is_refused_early(decoder: str, depth: int, code: str) -> None:
    # An object in the middle of a real profile, wrapped in ``depth`` containers.
    name = "cpython-3.11-cprofile.stats"
    spans = object_spans(name)
    start, end = spans[len(spans) // 2]
    data = nest(bytearray(PROFILES[name]), start, end, ord(code), depth)
    assert attempt(bytes(data), decoder, "deep nesting").problem is not None


def test_reading_a_file_takes_memory_for_its_size_not_for_the_limit(tmp_path: Path) -> None:
    # Asking for 512 MiB + 1 bytes at once reserved that much for every file read, and under
    # a memory cap (ulimit -v) gave a MemoryError instead of a profile.
    path = tmp_path / "p.stats"
    path.write_bytes(PROFILES["cpython-3.11-cprofile.stats"])
    tracemalloc.start()
    try:
        assert read_bytes(path) == PROFILES["cpython-3.11-cprofile.stats"]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20


def test_a_file_that_grows_while_read_is_read_to_its_end_or_the_limit(tmp_path: Path) -> None:
    from perfkit.reader import source

    path = tmp_path / "growing.stats"
    path.write_bytes(b"x" * 100)
    assert source._read_at_most(path, 10, 1000) == b"x" * 100  # measured at 9 bytes
    assert source._read_at_most(path, 10, 50) == b"x" * 50


def test_a_gzip_bomb_stops_at_the_inflation_limit() -> None:
    bomb = gzip_bomb(2 * MIN_INFLATED_LIMIT)  # 128 MiB of zeros in 130 KB
    tracemalloc.start()
    try:
        with pytest.raises(FormatProblem, match="more than the"):
            decompress(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MIN_INFLATED_LIMIT + (16 << 20)


def test_gzip_is_inflated_in_slices_without_losing_a_byte() -> None:
    # Two members, the first inflating to several slices, the second after it.
    first, second = bytes(range(256)) * 80_000, b"tail" * 1000
    packed = gzip.compress(first, mtime=0) + gzip.compress(second, mtime=0)
    assert decompress(packed) == first + second
    with pytest.raises(FormatProblem, match="truncated gzip data"):
        decompress(packed[: len(packed) // 3])


# -- a memory cap, and the command line ------------------------------------------------------

_CAPPED_RUN = textwrap.dedent(
    """
    import json, os, resource, sys, traceback
    from pathlib import Path
    import perfkit
    from perfkit.reader import decode_stats
    from perfkit.reader.problem import FormatProblem

    with open("/proc/self/statm") as statm:
        used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (used + (512 << 20), resource.RLIM_INFINITY))
    for path in sorted(Path(sys.argv[1]).iterdir()):
        ways = {"load": lambda: perfkit.load(path)}
        if not path.name.endswith(".gz"):
            data = path.read_bytes()
            for isolate in (True, False):
                ways[str(isolate)] = lambda i=isolate: decode_stats(data, isolate=i)
        for way, action in ways.items():
            try:
                action()
                verdict = "decoded"
            except (FormatProblem, perfkit.ProfileFormatError) as exc:
                verdict = "refused: " + str(exc)
            except BaseException:
                verdict = "escaped: " + traceback.format_exc()
            print(json.dumps([path.name, way, verdict]), flush=True)
    """
)


def hostile_files(folder: Path) -> list[Path]:
    """A sample of hostile files: each kind of damage to real profiles, huge sizes, bombs."""
    rng = random.Random(7)
    real = PROFILES["cpython-3.11-cprofile.stats"]
    files: dict[str, bytes] = {
        "hash-bomb.stats": with_shared_tuple(40, as_key=True),
        "repr-bomb.stats": with_shared_tuple(40, as_key=False),
        "code-layouts.stats": code_layout_bomb(30),
        "1gb-string.stats": declared_gib("u"),
        "gzip-bomb.stats.gz": gzip_bomb(2 * MIN_INFLATED_LIMIT),
        "gzip-truncated.stats.gz": gzip.compress(real)[:-9],
    }
    names = sorted(PROFILES)
    while len(files) < 14:
        name, kind = rng.choice(names), DAMAGES[len(files) % len(DAMAGES)]
        data = bytes(
            damage(bytearray(PROFILES[name]), name, kind, rng.randrange(8192), rng.randrange(2**32))
        )
        try:
            decode_stats(data, isolate=False)
        except FormatProblem:
            files[f"{kind.replace(' ', '-')}-{len(files)}.stats"] = data
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return sorted(folder.iterdir())


def huge_size_files(folder: Path) -> list[Path]:
    """1 GiB declared by each sized type code, and a dozen objects of two real profiles each
    declaring a huge size."""
    files = {f"1gib-{ord(code):x}.stats": declared_gib(code) for code in "utaAs([<>l"}
    for name in ("cpython-3.12-profile.stats", "cpython-2.7-cprofile.stats"):
        spans = object_spans(name)
        for turn, (start, _) in enumerate(spans[:: len(spans) // 12]):
            size, recode = HUGE[turn % len(HUGE)], turn % 2 == 1
            data = declare_huge(bytearray(PROFILES[name]), start, size, recode)
            if data != PROFILES[name]:
                files[f"huge-{turn}-{name}"] = bytes(data)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in files]


@pytest.fixture
def hostile(tmp_path: Path) -> list[Path]:
    return hostile_files(tmp_path)


def test_hostile_files_under_a_512_mib_memory_cap(hostile: list[Path]) -> None:
    hostile = sorted(hostile + huge_size_files(hostile[0].parent))
    assert len(hostile) > 40
    result = subprocess.run(
        [sys.executable, "-c", _CAPPED_RUN, str(hostile[0].parent)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    TRIED["under a 512 MiB cap / load, fast, strict"] += len(verdicts)
    assert len(verdicts) == 3 * len(hostile) - 2 * sum(p.name.endswith(".gz") for p in hostile)
    for name, way, verdict in verdicts:
        assert verdict.startswith("refused: "), (name, way, verdict)
        assert "\n" not in verdict and "too large to decode" not in verdict, (name, way)


def test_perfkit_show_names_the_file_in_one_line(hostile: list[Path]) -> None:
    def show(path: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(PERFKIT), "show", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "COLUMNS": "160"},
        )

    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(show, hostile))
    TRIED["perfkit show / cli"] += len(runs)
    for path, run in zip(hostile, runs, strict=True):
        assert run.returncode == 2, (path.name, run.stderr)
        assert run.stdout == ""
        assert run.stderr.startswith(f"perfkit: error: {path}: ")
        assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
