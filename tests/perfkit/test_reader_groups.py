"""The fast path decodes several small files per child; a bad one costs only itself."""

from __future__ import annotations

import marshal

import pytest

from perfkit.reader import decode_stats, isolated
from perfkit.reader.problem import FormatProblem
from perfkit.reader.raw import encode
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
