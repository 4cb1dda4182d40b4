"""Every kind of broken or hostile input gives one ProfileFormatError naming the file."""

from __future__ import annotations

import contextlib
import gzip
import json
import marshal
import pickle
import random
import struct
import time
import zlib
from pathlib import Path

import pytest

import perfkit
from perfkit.errors import ProfileFormatError
from perfkit.reader import decode_stats
from perfkit.reader.problem import FormatProblem
from tests.perfkit.conftest import DATA

REAL = (DATA / "profiles/cpython-3.11-cprofile.stats").read_bytes()
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
KEY = ("app.py", 3, "main")
GOOD_ENTRY = (1, 1, 0.5, 0.5, {})


def wrong_shapes() -> dict[str, object]:
    return {
        "a list": [1, 2, 3],
        "an int": 42,
        "a str key": {"main": GOOD_ENTRY},
        "a short key": {("app.py", 3): GOOD_ENTRY},
        "a bool line": {("app.py", True, "main"): GOOD_ENTRY},
        "bytes file": {(b"app.py", 3, "main"): GOOD_ENTRY},
        "a 4-tuple entry": {KEY: (1, 1, 0.5, 0.5)},
        "a string count": {KEY: ("1", 1, 0.5, 0.5, {})},
        "a list of callers": {KEY: (1, 1, 0.5, 0.5, [])},
        "a None time": {KEY: (1, 1, None, 0.5, {})},
        "a bad caller key": {KEY: (1, 1, 0.5, 0.5, {"x": (1, 1, 0.1, 0.1)})},
        "a bad edge": {KEY: (1, 1, 0.5, 0.5, {KEY: (1, 1, 0.1)})},
        "a float edge": {KEY: (1, 1, 0.5, 0.5, {KEY: 1.5})},
        "a huge count": {KEY: (2**70, 1, 0.5, 0.5, {})},
        "a huge integer time": {KEY: (1, 1, 10**400, 0.5, {})},
        "a huge line": {("app.py", 2**64, "main"): GOOD_ENTRY},
        "a set": {KEY: (1, 1, 0.5, 0.5, frozenset({1}))},
        "a code object": {KEY: (1, 1, 0.5, 0.5, {}), "code": compile("x = 1", "f", "exec")},
    }


def inputs() -> dict[str, bytes]:
    rng = random.Random(7)
    cases = {
        "empty": b"",
        "png": PNG,
        "json": json.dumps({"functions": []}).encode(),
        "pickle": pickle.dumps({KEY: GOOD_ENTRY}),
        "text": b"this is not a profile\n",
        "random": bytes(rng.randrange(256) for _ in range(4096)),
        "trailing data": REAL + b"\x00",
        "truncated gzip": gzip.compress(REAL)[:-10],
        "corrupt gzip": gzip.compress(REAL)[:20] + b"\xff" * 40,
        "nested deeply": b")\x01" * 5000 + b"N",
        "self reference": b"\xa9\x01r\x00\x00\x00\x00",
        "bad reference": b"r\x05\x00\x00\x00",
        "a code object where no profile has one": marshal.dumps(compile("x", "f", "eval")),
    }
    for code in "([<>{":
        # A 5-byte file declaring a container of 2**31 - 2 items: marshal alone would try
        # to allocate 16 GB before noticing the data is missing.
        cases[f"huge {code} size"] = code.encode() + (2**31 - 2).to_bytes(4, "little")
    for name, value in wrong_shapes().items():
        cases[f"wrong shape: {name}"] = marshal.dumps(value)
    return cases


INPUTS = inputs()


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_malformed_input_is_one_clear_error(name: str, tmp_path: Path) -> None:
    path = tmp_path / "broken.stats"
    path.write_bytes(INPUTS[name])
    started = time.monotonic()
    with pytest.raises(ProfileFormatError) as caught:
        perfkit.load(path)
    assert time.monotonic() - started < 30  # no hang, whatever the input claims
    message = str(caught.value)
    assert message.startswith(f"{path}: not a readable pstats profile: ")
    assert "\n" not in message


@pytest.mark.parametrize("isolate", [True, False])
def test_every_truncation_of_a_real_profile_is_refused(isolate: bool) -> None:
    cut_points = range(0, len(REAL)) if not isolate else range(0, len(REAL), 7)
    for cut in cut_points:
        with pytest.raises(FormatProblem):
            decode_stats(REAL[:cut], isolate=isolate)


def test_random_mutations_never_escape_as_another_exception() -> None:
    rng = random.Random(11)
    for _ in range(300):
        data = bytearray(REAL)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        with contextlib.suppress(FormatProblem):
            decode_stats(bytes(data), isolate=False)


def test_shared_callers_dict_cannot_multiply_the_work(tmp_path: Path) -> None:
    # 2,000 functions all sharing (by marshal reference) one dict of 2,000 callers: a small
    # file whose walk would cost 4 million edges.  pstats never writes shared dicts.
    keys = [("app.py", line, f"f{line}") for line in range(2000)]
    callers = {key: (1, 1, 0.1, 0.1) for key in keys}
    stats = {key: (1, 1, 0.1, 0.1, callers) for key in keys}
    path = tmp_path / "shared.stats"
    path.write_bytes(marshal.dumps(stats))
    with pytest.raises(ProfileFormatError, match="more caller entries"):
        perfkit.load(path)


def test_gzip_bomb_is_refused(tmp_path: Path) -> None:
    from perfkit.reader.source import decompress

    with pytest.raises(FormatProblem, match="more than the"):
        decompress(gzip.compress(b"\x00" * (8 << 20)), limit=1 << 20)


def test_not_files(tmp_path: Path) -> None:
    with pytest.raises(ProfileFormatError, match="no such file"):
        perfkit.load(tmp_path / "missing.stats")
    with pytest.raises(ProfileFormatError, match="is a directory"):
        perfkit.load(tmp_path)
    with pytest.raises(ProfileFormatError, match="not a regular file"):
        perfkit.load("/dev/zero")


def test_python2_long_and_text_float_codes_are_read() -> None:
    # Python 2's marshal: 's' byte strings, 't' interned + 'R' references, 'l' longs, 'f'
    # text floats.  Hand-assembled because no interpreter here writes 'f' by default.
    def text(code: bytes, value: bytes) -> bytes:
        return code + struct.pack("<i", len(value)) + value

    key = b"(" + struct.pack("<i", 3) + text(b"t", b"app.py") + b"i\x03\x00\x00\x00"
    key += text(b"t", b"main")
    value = b"(" + struct.pack("<i", 5) + b"l\x01\x00\x00\x00\x05\x00" + b"i\x05\x00\x00\x00"
    value += (
        b"f\x030.5" + b"f\x031.5" + b"{" + key.replace(b"t\x06", b"s\x06") + b"i\x01\x00\x00\x000"
    )
    raw = decode_stats(b"{" + key + value + b"0", isolate=False)
    assert raw.names.tolist() if hasattr(raw.names, "tolist") else raw.names == ["main"]
    assert list(raw.pcalls) == [5] and list(raw.tottime) == [0.5] and list(raw.cumtime) == [1.5]
    assert list(raw.edge_ncalls) == [1]


def test_zlib_raw_is_not_mistaken_for_gzip(tmp_path: Path) -> None:
    path = tmp_path / "deflate.stats"
    path.write_bytes(zlib.compress(REAL))
    with pytest.raises(ProfileFormatError):
        perfkit.load(path)


def test_without_a_child_process_the_strict_decoder_does_the_work(monkeypatch) -> None:
    from perfkit.reader import isolated

    def no_fork() -> int:
        raise BlockingIOError("Resource temporarily unavailable")

    monkeypatch.setattr(isolated.os, "fork", no_fork)
    assert decode_stats(REAL, isolate=True).decoder == "strict"
