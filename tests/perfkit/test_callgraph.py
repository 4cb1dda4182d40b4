"""Profile.callers / callees / where, Diff.top and the butterfly diff, checked against pstats."""

from __future__ import annotations

import pstats

import numpy as np
import pytest

import perfkit
from perfkit.errors import PerfkitError
from perfkit.model.callgraph import WHERE_COLUMNS

BASE = """
def leaf(n):
    return sum(range(n))

def shared(n):
    return leaf(n)

def a():
    for _ in range(3):
        shared(2000)

def b():
    shared(40000)

def gone():
    shared(10)

def main():
    a()
    b()
    gone()

main()
"""

NEW = BASE.replace("    shared(40000)\n", "    shared(40000)\n    shared(40000)\n").replace(
    "gone", "fresh"
)
# ``b`` now calls ``shared`` twice; ``gone`` (and its edge to ``shared``) became ``fresh``.
assert NEW.count("shared(40000)") == 2


@pytest.fixture
def pair(make_profile):
    return make_profile(BASE, "base.stats"), make_profile(NEW, "new.stats")


def _key(stats: pstats.Stats, name: str) -> tuple:
    (key,) = [key for key in stats.stats if key[2] == name]
    return key


def _label(key: tuple) -> str:
    return f"program:{key[1]}({key[2]})"


def _at(source: str, name: str) -> str:
    """The label of function ``name`` defined in ``source``."""
    lines = source.splitlines()
    (line,) = [i + 1 for i, text in enumerate(lines) if text.startswith(f"def {name}(")]
    return f"program:{line}({name})"


def test_callers_are_the_pstats_caller_entries(pair) -> None:
    path = pair[0]
    profile = perfkit.load(path)
    stats = pstats.Stats(str(path))
    key = _key(stats, "shared")
    *_, ct, pstats_callers = stats.stats[key]
    table = profile.callers("shared")
    assert table.index.name == "edge"
    got = {
        row.caller_label: (row.pcalls, row.ncalls, row.tottime, row.cumtime)
        for row in table.itertuples()
    }
    assert got == {_label(caller): value for caller, value in pstats_callers.items()}
    assert set(table["callee_label"]) == {_label(key)}
    expected_share = np.array([pstats_callers[k][3] / ct for k in pstats_callers])
    assert sorted(table["time_share"]) == pytest.approx(sorted(expected_share), rel=1e-12)
    assert table["calls_share"].sum() == pytest.approx(1.0)
    # largest edge cumtime first
    assert list(table["cumtime"]) == sorted(table["cumtime"], reverse=True)
    assert table.iloc[0]["caller_label"] == _at(BASE, "b")


def test_callees_are_the_pstats_callee_entries(pair) -> None:
    path = pair[0]
    profile = perfkit.load(path)
    stats = pstats.Stats(str(path))
    stats.calc_callees()
    key = _key(stats, "main")
    table = profile.callees("main")
    got = {
        row.callee_label: (row.pcalls, row.ncalls, row.tottime, row.cumtime)
        for row in table.itertuples()
    }
    assert got == {_label(callee): value for callee, value in stats.all_callees[key].items()}
    a_row = table[table["callee_label"] == _at(BASE, "a")].iloc[0]
    main_cc, _, _, main_ct, _ = stats.stats[key]
    assert a_row["calls_per_call"] == 1 / main_cc
    assert a_row["time_share"] == a_row["cumtime"] / main_ct
    a_calls = profile.callees("a")
    assert a_calls["ncalls"].tolist() == [3] and a_calls["calls_per_call"].tolist() == [3.0]


def test_where_locates_and_weighs(pair) -> None:
    profile = perfkit.load(pair[0])
    table = profile.where("shared,leaf,main")
    assert tuple(table.columns) == WHERE_COLUMNS
    assert table["label"].tolist() == [_at(BASE, "main"), _at(BASE, "shared"), _at(BASE, "leaf")]
    shared = table[table["function"] == "shared"].iloc[0]
    assert (shared["callers"], shared["callees"]) == (3, 1)
    assert shared["top_caller"] == _at(BASE, "b")
    assert shared["file"] == "program.py" and shared["line"] == 5
    assert shared["cumtime_share"] == shared["cumtime"] / profile.total_time
    assert profile.where("main")["top_caller"].tolist() == ["program:1(<module>)"]
    with pytest.raises(perfkit.NoMatchError):
        profile.where("no_such_function")


def test_top_ranks_changes_by_any_metric(pair) -> None:
    diff = perfkit.compare(*perfkit.load_many(pair))
    by_calls = diff.top(3, by="ncalls")
    assert by_calls.iloc[0]["ncalls_delta"] != 0
    assert list(by_calls["ncalls_delta"].abs()) == sorted(
        by_calls["ncalls_delta"].abs(), reverse=True
    )
    up = diff.top(50, by="ncalls", direction="up")
    assert (up["ncalls_delta"] > 0).all() and _at(BASE, "shared") in set(up["label"])
    down = diff.top(50, by="ncalls", direction="down")
    assert (down["ncalls_delta"] < 0).all() and _at(BASE, "gone") in set(down["label"])
    assert diff.top(2).index.tolist() == diff.top(10).index.tolist()[:2]
    with pytest.raises(PerfkitError, match="cannot rank"):
        diff.top(by="wall")
    with pytest.raises(PerfkitError, match="direction"):
        diff.top(direction="sideways")


def test_butterfly_is_exact_with_added_and_removed_edges(pair) -> None:
    base_path, new_path = pair
    diff = perfkit.compare(*perfkit.load_many(pair))
    view = diff.butterfly("shared")
    base_stats, new_stats = pstats.Stats(str(base_path)), pstats.Stats(str(new_path))
    base_callers = base_stats.stats[_key(base_stats, "shared")][4]
    new_callers = new_stats.stats[_key(new_stats, "shared")][4]
    rows = {row.caller_label: row for row in view.callers.itertuples()}
    assert set(rows) == {_at(BASE, "a"), _at(BASE, "b"), _at(BASE, "gone"), _at(NEW, "fresh")}
    assert rows[_at(BASE, "gone")].status == "removed"
    assert rows[_at(NEW, "fresh")].status == "added"
    b_base = base_callers[_key(base_stats, "b")]
    b_new = new_callers[_key(new_stats, "b")]
    b_row = rows[_at(BASE, "b")]
    assert (b_row.ncalls_base, b_row.ncalls_new, b_row.ncalls_delta) == (1, 2, 1)
    assert (b_row.cumtime_base, b_row.cumtime_new) == (b_base[3], b_new[3])
    assert b_row.cumtime_delta == b_new[3] - b_base[3]
    a_row = rows[_at(BASE, "a")]
    assert (a_row.ncalls_base, a_row.ncalls_new) == (3, 3)
    fresh = rows[_at(NEW, "fresh")]
    assert (fresh.ncalls_base, fresh.ncalls_new) == (0, 1)
    callees = view.callees
    assert callees["callee_label"].tolist() == [_at(BASE, "leaf")]
    assert callees.iloc[0]["ncalls_base"] == 5 and callees.iloc[0]["ncalls_new"] == 6
    assert view.functions["label"].tolist() == [_at(BASE, "shared")]


def test_butterfly_from_paths_and_its_dict(pair) -> None:
    view = perfkit.butterfly(pair, "shared")
    data = view.to_dict()
    assert data["schema"] == "perfkit.butterfly/1" and data["selector"] == "shared"
    assert {row["caller_label"] for row in data["callers"]} >= {_at(BASE, "b")}
    assert all(
        value is None or not isinstance(value, float) or value == value
        for row in data["callers"]
        for value in row.values()
    )
    profiles = perfkit.load_many(pair)
    assert len(perfkit.butterfly(tuple(profiles), "leaf").callers) == 1
    with pytest.raises(perfkit.NoMatchError, match="either profile"):
        perfkit.butterfly(pair, "nothing_like_this")
