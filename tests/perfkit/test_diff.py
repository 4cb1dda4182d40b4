"""Diffs of real before/after profiles: a program changed so that calls drop and lines drift."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import perfkit
from perfkit.diff.compare import SCHEMA, top_changes

BEFORE = """
def fetch(i):
    return {"id": i, "tags": ["a", "b"]}

def helper(x):
    return x + 1

def helper2(x):
    return x + 2

def process(assets):
    out = []
    for i in assets:
        full = fetch(i)
        out.append(len(full["tags"]))
    return out

def old_step():
    return sum(range(100))

process(range(300))
old_step()
"""

# The same program after a "lazy" change: fetch called for a third of the assets, two lines of
# comments pushed everything down, helper2 moved above helper, old_step gone, new_step added.
AFTER = """
# a comment
# another comment
def fetch(i):
    return {"id": i, "tags": ["a", "b"]}

def helper2(x):
    return x + 2

def helper(x):
    return x + 1

def process(assets):
    out = []
    for i in assets:
        if i % 3 == 0:
            full = fetch(i)
            out.append(len(full["tags"]))
    return out

def new_step():
    return sorted(range(50))

process(range(300))
new_step()
"""


@pytest.fixture
def diff(make_profile) -> perfkit.Diff:
    base = perfkit.load(make_profile(BEFORE, name="before.stats"))
    new = perfkit.load(make_profile(AFTER, name="after.stats"))
    return perfkit.compare(base, new)


def row(diff: perfkit.Diff, name: str):
    rows = diff.functions[diff.functions["name"] == name]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_statuses_and_call_deltas(diff: perfkit.Diff) -> None:
    fetch = row(diff, "fetch")
    assert fetch.status == "changed"
    assert (fetch.ncalls_base, fetch.ncalls_new, fetch.ncalls_delta) == (300, 100, -200)
    assert fetch.ncalls_ratio == pytest.approx(1 / 3)
    assert (fetch.line_base, fetch.line_new) == (2, 4)  # drifted, still paired
    assert row(diff, "old_step").status == "removed"
    assert row(diff, "new_step").status == "added"
    added = row(diff, "new_step")
    assert added.ncalls_base == 0 and np.isnan(added.cumtime_per_call_base)
    assert np.isnan(added.ncalls_ratio)


def test_values_are_the_profiles_own(diff: perfkit.Diff) -> None:
    fetch = row(diff, "fetch")
    base = diff.base.functions.loc[fetch.base_id]
    new = diff.new.functions.loc[fetch.new_id]
    assert fetch.cumtime_base == base.cumtime and fetch.cumtime_new == new.cumtime
    assert fetch.cumtime_delta == new.cumtime - base.cumtime
    assert fetch.tottime_share_new == new.tottime / diff.new.total_time
    assert fetch.cumtime_per_call_base == base.cumtime_per_call
    assert fetch.tottime_per_call_new == new.tottime_per_call


def test_edges_follow_the_pairing(diff: perfkit.Diff) -> None:
    edges = diff.edges
    edge = edges[
        (edges["callee_label"].str.endswith("(fetch)"))
        & (edges["caller_label"].str.endswith("(process)"))
    ]
    assert len(edge) == 1
    assert (edge.iloc[0].ncalls_base, edge.iloc[0].ncalls_new) == (300, 100)
    assert edge.iloc[0].status == "changed"
    assert edge.iloc[0].cumtime_per_call_new == edge.iloc[0].cumtime_new / 100
    statuses = set(edges["status"])
    assert {"added", "removed", "changed"} <= statuses


def test_totals(diff: perfkit.Diff) -> None:
    totals = diff.totals
    assert totals["total_calls"]["base"] == diff.base.total_calls
    assert totals["total_calls"]["delta"] == diff.new.total_calls - diff.base.total_calls
    assert totals["total_time"]["ratio"] == diff.new.total_time / diff.base.total_time


def test_top_changes_by_calls(diff: perfkit.Diff) -> None:
    top = top_changes(diff, "ncalls", 3)
    assert top.iloc[0]["name"] in {"fetch", "<method 'append' of 'list' objects>"}
    assert abs(top.iloc[0]["ncalls_delta"]) == 200


def test_json_is_versioned_and_complete(diff: perfkit.Diff, tmp_path) -> None:
    out = tmp_path / "diff.json"
    text = diff.to_json(out)
    document = json.loads(out.read_text())
    assert document == json.loads(text)
    assert document["schema"] == SCHEMA == "perfkit.diff/1"
    assert len(document["functions"]) == len(diff.functions)
    assert len(document["edges"]) == len(diff.edges)
    fetch = next(item for item in document["functions"] if item["name"] == "fetch")
    assert fetch["ncalls_delta"] == -200 and fetch["status"] == "changed"
    added = next(item for item in document["functions"] if item["name"] == "new_step")
    assert added["ncalls_ratio"] is None


def test_ambiguous_pairs_are_reported(make_profile) -> None:
    # Two functions of the same name in one module (e.g. two classes' run methods), with the
    # lines drifted differently: paired by nearest line and reported.
    before = """
class A:
    def run(self):
        return 1

class B:
    def run(self):
        return 2

A().run(); B().run(); B().run()
"""
    after = "\n\n\n" + before.replace("class B:", "\n\n\n\n\nclass B:")
    diff = perfkit.compare(
        perfkit.load(make_profile(before, name="b.stats")),
        perfkit.load(make_profile(after, name="a.stats")),
    )
    runs = diff.functions[diff.functions["name"] == "run"].sort_values("line_base")
    assert runs["line_base"].tolist() == [3, 7]
    assert runs["line_new"].tolist() == [6, 15]
    assert runs["ncalls_new"].tolist() == [1, 2]
    assert diff.ambiguous["name"].tolist() == ["run"]
    assert diff.ambiguous.iloc[0]["paired_lines"] == [(3, 6), (7, 15)]


def test_same_code_in_two_checkouts_pairs_fully(make_profile) -> None:
    base = perfkit.load(
        make_profile(BEFORE, name="one.stats", filename="/ci/ws-1/app/site-packages/app/core.py")
    )
    new = perfkit.load(
        make_profile(
            BEFORE,
            name="two.stats",
            filename="/home/dev/.venv/lib/python3.11/site-packages/app/core.py",
        )
    )
    counts = perfkit.compare(base, new).status_counts()
    assert counts["added"] == counts["removed"] == 0


def test_builtin_addresses_do_not_break_pairing() -> None:
    # Some built-ins are keyed with a memory address that differs in every process, as in the
    # committed example pair (two runs of the same program).
    examples = Path(__file__).resolve().parents[2] / "profiles" / "examples"
    base, new = perfkit.load_many([examples / "eager.stats", examples / "lazy.stats"])
    addressed = base.functions[base.functions["name"].str.contains(" at 0x", regex=False)]
    assert len(addressed) >= 1
    assert not set(addressed["name"]) & set(new.functions["name"])
    diff = perfkit.compare(base, new)
    assert diff.status_counts()["added"] == diff.status_counts()["removed"] == 0
    assert not diff.functions["label"].str.contains(" at 0x", regex=False).any()
