"""The fast path decodes several small files per child; a bad one costs only itself."""

from __future__ import annotations

import gzip
import marshal

import pytest

from perfkit.errors import ProfileFormatError
from perfkit.reader import decode_stats, isolated, read_many
from perfkit.reader.problem import FormatProblem
from perfkit.reader.raw import encode
from perfkit.reader.source import HEAD_BYTES, OnDisk, open_input
from tests.perfkit.conftest import DATA

REAL = (DATA / "profiles/cpython-3.11-cprofile.stats").read_bytes()
OTHER = (DATA / "profiles/cpython-3.13-cprofile.stats").read_bytes()
BOMB = b"{" + b"(" + b"\xff\xff\xff\x7f"  # a tuple of 2**31 - 1 items: far beyond the limit


def test_many_small_files_take_few_children(monkeypatch) -> None:
    forks = []
    real_fork = isolated.os.fork

    def counting_fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(isolated.os, "fork", counting_fork)
    datas = [REAL] * 150
    results = isolated.decode_isolated_many(datas)
    width = max(1, isolated.os.cpu_count() or 1)
    assert len(forks) == max(width, 3)  # 150 inputs, at most 64 a child
    assert all(raw is not None and raw.decoder == "marshal" for raw in results)
    assert {len(raw.names) for raw in results} == {len(marshal.loads(REAL))}


def test_bad_inputs_in_a_group_fall_back_alone() -> None:
    datas = [REAL, b"not marshal at all", BOMB, OTHER, marshal.dumps([1, 2]), REAL]
    groups = isolated._groups(datas, 1)
    assert groups == [datas]  # one child for all six
    results = isolated.decode_isolated_many(datas)
    assert [raw is not None for raw in results] == [True, False, False, True, False, True]
    assert len(results[3].names) == len(marshal.loads(OTHER))
    # the strict decoder then gives the bad one its exact verdict
    with pytest.raises(FormatProblem, match="impossible size"):
        decode_stats(BOMB, isolate=True)


def test_results_of_a_child_that_died_stand_until_the_cut() -> None:
    blob = encode(isolated.flatten(marshal.loads(REAL), max_edges=10**6))
    frame = isolated._LENGTH.pack(len(blob)) + blob
    failed = isolated._LENGTH.pack(isolated._FAILED)
    output = frame + failed + frame[: len(frame) // 2]  # the third was cut off
    results = isolated._frames(output, 4)
    assert results[0] is not None and results[1:] == [None, None, None]


def test_groups_share_out_inputs_in_order() -> None:
    datas = [bytes([n]) for n in range(10)]
    assert isolated._groups(datas, 2) == [datas[:5], datas[5:]]
    assert isolated._groups(datas[:1], 4) == [datas[:1]]
    big = [b"x" * (3 * 1024 * 1024)] * 4
    assert len(isolated._groups(big, 1)) == 3  # about 4 MiB a child at most


def test_a_plain_file_is_read_by_its_child_and_a_gzip_file_here(tmp_path) -> None:
    plain, packed = tmp_path / "run.stats", tmp_path / "run.stats.gz"
    plain.write_bytes(REAL)
    packed.write_bytes(gzip.compress(REAL))
    on_disk = open_input(plain)
    assert isinstance(on_disk, OnDisk)
    assert (on_disk.size, on_disk.head) == (len(REAL), REAL[:HEAD_BYTES])
    assert open_input(packed) == packed.read_bytes()
    from_file, from_bytes = isolated.decode_isolated_many([on_disk, REAL])
    assert from_file is not None and from_bytes is not None
    assert from_file.names == from_bytes.names
    assert (from_file.cumtime == from_bytes.cumtime).all()
    assert [raw.names for raw in read_many([plain, packed])] == [from_bytes.names] * 2


def test_a_file_that_changes_after_its_check_gets_the_strict_verdict(tmp_path) -> None:
    path = tmp_path / "run.stats"
    path.write_bytes(REAL)
    on_disk = open_input(path)
    path.write_bytes(b"{" + REAL[1:200])  # truncated between the check and the read
    assert isolated.decode_isolated_many([on_disk]) == [None]
    path.unlink()
    with pytest.raises(ProfileFormatError, match="no such file"):
        read_many([path])
