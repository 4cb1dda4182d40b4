"""Stacks estimated from caller edges: totals kept, exact chains exact, estimates marked."""

from __future__ import annotations

import math
import pstats
from collections import defaultdict

import pytest

import perfkit
from perfkit.model.stacks import ESTIMATED, PRUNED, RECURSION, estimate_stacks
from tests.perfkit.conftest import sampled_copy

PROGRAM = """
def busy(n):
    total = 0
    for i in range(n):
        total += i * i
    return total

def leaf():
    return busy(30000)

def b():
    return leaf()

def a():
    return b()

def inner():
    return busy(20000)

def shared():
    return inner()

def p1():
    shared()
    shared()

def p2():
    shared()

def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def ping(n):
    return pong(n - 1) if n > 0 else sum(range(n))

def pong(n):
    return ping(n - 1) if n > 0 else n

def main():
    a()
    p1()
    p2()
    fib(14)
    ping(9)

main()
"""
NON_RECURSIVE = ("busy", "leaf", "b", "a", "inner", "shared", "p1", "p2", "main")


@pytest.fixture(scope="module")
def program(tmp_path_factory):
    from tests.perfkit.conftest import profile_source

    path = profile_source(PROGRAM, tmp_path_factory.mktemp("stacks") / "run.stats")
    return path, perfkit.load(path), pstats.Stats(str(path))


def _label(profile, name: str) -> str:
    (label,) = profile.functions.loc[profile.functions["name"] == name, "label"]
    return label


def _key(stats, name: str) -> tuple:
    (key,) = [key for key in stats.stats if key[2] == name]
    return key


def _chain(profile, *names: str) -> tuple[str, ...]:
    return (
        "{built-in method builtins.exec}",
        "program:1(<module>)",
        *(_label(profile, name) for name in names),
    )


def test_totals_match_pstats(program) -> None:
    _, profile, stats = program
    stacks = estimate_stacks(profile, min_share=0)
    assert math.fsum(stack.seconds for stack in stacks) == pytest.approx(stats.total_tt, rel=1e-6)
    pruned = estimate_stacks(profile)  # the default threshold gathers small callees, keeps time
    assert math.fsum(s.seconds for s in pruned) == pytest.approx(stats.total_tt, rel=1e-6)


def test_each_function_keeps_its_own_time(program) -> None:
    _, profile, stats = program
    own: dict[str, float] = defaultdict(float)
    for stack in estimate_stacks(profile, min_share=0):
        own[stack.frames[-1]] += stack.seconds
    for name in NON_RECURSIVE:
        assert own[_label(profile, name)] == pytest.approx(stats.stats[_key(stats, name)][2])
    # recursion is folded into the outer call: fib's whole time is its own
    fib = stats.stats[_key(stats, "fib")]
    assert own[_label(profile, "fib")] == pytest.approx(fib[3])


def test_single_caller_chains_are_exact_and_unmarked(program) -> None:
    _, profile, stats = program
    found = {stack.frames: stack.seconds for stack in estimate_stacks(profile, min_share=0)}
    leaf_key, busy_key = _key(stats, "leaf"), _key(stats, "busy")
    chain = _chain(profile, "main", "a", "b", "leaf")
    assert found[chain] == pytest.approx(stats.stats[leaf_key][4][_key(stats, "b")][2], rel=1e-12)
    # busy has several callers, but its own time under leaf is the exact edge tottime
    assert found[(*chain, _label(profile, "busy"))] == pytest.approx(
        stats.stats[busy_key][4][leaf_key][2], rel=1e-12
    )
    fib_chain = _chain(profile, "main", "fib")
    assert found[fib_chain] == pytest.approx(stats.stats[_key(stats, "fib")][3], rel=1e-12)


def test_estimates_are_marked_where_they_start(program) -> None:
    _, profile, stats = program
    found = {stack.frames: stack.seconds for stack in estimate_stacks(profile, min_share=0)}
    shared = _chain(profile, "main", "p1", "shared")
    # shared's own time under p1 is exact; what it called under p1 is a share of its callees
    p1_key, shared_key = _key(stats, "p1"), _key(stats, "shared")
    assert found[shared] == pytest.approx(stats.stats[shared_key][4][p1_key][2], rel=1e-12)
    estimated_inner = (*shared, ESTIMATED, _label(profile, "inner"))
    assert estimated_inner in found
    assert (*shared, _label(profile, "inner")) not in found
    # under p1, shared's callees get the rest of the p1 -> shared edge, split by their edges
    edge = stats.stats[shared_key][4][p1_key]
    under_p1 = sum(
        seconds
        for frames, seconds in found.items()
        if frames[: len(estimated_inner)] == estimated_inner
    )
    assert under_p1 == pytest.approx(edge[3] - edge[2], rel=1e-9)
    for frames in found:
        if ESTIMATED in frames:
            assert frames.count(ESTIMATED) == 1


def test_mutual_recursion_is_cut_and_shown(program) -> None:
    _, profile, _ = program
    stacks = estimate_stacks(profile, min_share=0)
    cut = [stack for stack in stacks if stack.frames[-1] == RECURSION]
    ping, pong = _label(profile, "ping"), _label(profile, "pong")
    assert cut and all(stack.frames[-2] == ping for stack in cut)
    # pong's own time (the edge tottime) covers the nested calls too, while pong -> ping's
    # cumtime also holds them: the edges overlap, so what is below pong is an estimate
    assert all(stack.estimated for stack in cut)
    for stack in stacks:
        real = [frame for frame in stack.frames if not frame.startswith("[")]
        assert real.count(ping) <= 2 and real.count(pong) <= 1


def test_pruning_gathers_small_callees(program) -> None:
    _, profile, _ = program
    full = estimate_stacks(profile, min_share=0)
    pruned = estimate_stacks(profile, min_share=0.2)
    assert len(pruned) < len(full)
    assert any(stack.frames[-1] == PRUNED for stack in pruned)


def test_sampled_and_profile_module_files(program, tmp_path) -> None:
    path, _profile, stats = program
    sampled = perfkit.load(sampled_copy(path, tmp_path / "sampled.stats"))
    total = math.fsum(stack.seconds for stack in estimate_stacks(sampled, min_share=0))
    assert total == pytest.approx(stats.total_tt, rel=1e-6)
    from tests.perfkit.conftest import DATA

    old = perfkit.load(DATA / "profiles" / "cpython-3.8-profile.stats")
    stacks = estimate_stacks(old, min_share=0)
    assert stacks and all(len(stack.frames) == 1 or stack.estimated for stack in stacks)
    assert math.fsum(stack.seconds for stack in stacks) == pytest.approx(old.total_time, rel=0.05)
