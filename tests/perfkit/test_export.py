"""``perfkit export``: tables that read back exactly, folded stacks, speedscope JSON."""

from __future__ import annotations

import io
import json
import math
import pstats
import re
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

import perfkit
from perfkit.export.folded import folded_lines
from perfkit.model.stacks import ESTIMATED, estimate_stacks
from tests.perfkit.conftest import DATA, run_cli
from tests.perfkit.test_stacks import PROGRAM

SPEEDSCOPE_SCHEMA = json.loads((DATA / "speedscope-file.schema.json").read_text())


@pytest.fixture
def profile_path(make_profile) -> Path:
    return make_profile(PROGRAM)


def speedscope_reads_folded(text: str) -> dict[tuple[str, ...], int]:
    """What speedscope's importer makes of a text file (src/import/index.ts and
    bg-flamegraph.ts): it is taken as folded stacks only if it is not JSON and every line ends
    in a space and a number; then each line matching ``^(.*) (\\d+)$`` is a stack split on
    ';' with an integer weight."""
    with pytest.raises(ValueError):
        json.loads(text)
    assert len(text.split("\n")) == len(re.split(r" \d+\r?\n", text)), "not detected as folded"
    stacks: dict[tuple[str, ...], int] = {}
    for line in text.split("\n"):
        found = re.match(r"^(.*) (\d+)$", line)
        if found:
            frames = tuple(found[1].split(";"))
            stacks[frames] = stacks.get(frames, 0) + int(found[2])
    return stacks


def flamegraph_pl_reads(text: str) -> int:
    """flamegraph.pl's line rule: ``^(.*)\\s+?(\\d+(?:\\.\\d*)?)$``; returns ignored lines."""
    return sum(1 for line in text.splitlines() if not re.match(r"^(.*)\s+?(\d+(?:\.\d*)?)$", line))


def test_collapsed_export_imports_as_speedscope_folded_stacks(profile_path) -> None:
    result = run_cli("export", profile_path, "--format", "collapsed")
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    imported = speedscope_reads_folded(text)
    assert flamegraph_pl_reads(text) == 0
    stats = pstats.Stats(str(profile_path))
    # the counts are whole microseconds that add up to the profile's total time
    assert sum(imported.values()) == pytest.approx(stats.total_tt * 1e6, abs=1 + 1e-6 * 1e6)
    stacks = estimate_stacks(perfkit.load(profile_path))
    assert sum(imported.values()) == round(math.fsum(s.seconds for s in stacks) * 1e6)
    assert any(ESTIMATED in frames for frames in imported)
    # stacks start at the functions nothing called: the script's exec, the profiler's disable
    uncalled = {
        "{built-in method builtins.exec}",
        "{method 'disable' of '_lsprof.Profiler' objects}",
    }
    assert {frames[0] for frames in imported} <= uncalled
    note = result.stderr.decode()
    assert "perfkit: note: stacks are estimated from caller edges" in note
    assert re.search(r"\d+\.\d % of the time is in estimated stacks", note)


def test_exact_chain_counts_in_nanoseconds(profile_path, tmp_path, perfkit_main) -> None:
    out = tmp_path / "run.folded"
    result = perfkit_main(
        "export",
        profile_path,
        "--format",
        "collapsed",
        "--unit",
        "ns",
        "--min-share",
        "0",
        "-o",
        out,
    )
    assert result.returncode == 0, result.stderr
    assert "written to" in result.stderr.decode()
    imported = speedscope_reads_folded(out.read_text())
    stats = pstats.Stats(str(profile_path))
    keys = {key[2]: key for key in stats.stats}
    chain = (
        "{built-in method builtins.exec}",
        "program:1(<module>)",
        *(f"program:{keys[name][1]}({name})" for name in ("main", "a", "b", "leaf")),
    )
    leaf_under_b = stats.stats[keys["leaf"]][4][keys["b"]][2]
    assert abs(imported[chain] - leaf_under_b * 1e9) <= 1  # rounding keeps every line within 1


def test_rounding_keeps_the_total_and_drops_empty_lines() -> None:
    from perfkit.model.stacks import Stack

    stacks = [Stack(("a",), 0.4e-6), Stack(("a", "b"), 0.4e-6), Stack(("c",), 2.6e-6)]
    lines = list(folded_lines(stacks))
    assert lines == ["a;b 1\n", "c 2\n"]  # 0.4 -> 0, 0.8 -> 1, 3.4 -> 3
    assert list(folded_lines([Stack(("x;y\nz",), 1.0)], unit="s")) == ["x,y z 1\n"]


def test_speedscope_json_follows_the_file_format(profile_path, tmp_path, perfkit_main) -> None:
    out = tmp_path / "run.speedscope.json"
    result = perfkit_main("export", profile_path, "--format", "speedscope", "-o", out)
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text())
    jsonschema.validate(document, SPEEDSCOPE_SCHEMA)
    frames = document["shared"]["frames"]
    (profile,) = document["profiles"]
    assert len(profile["samples"]) == len(profile["weights"])
    assert all(0 <= index < len(frames) for sample in profile["samples"] for index in sample)
    stats = pstats.Stats(str(profile_path))
    assert sum(profile["weights"]) == pytest.approx(stats.total_tt, rel=1e-6)
    assert profile["endValue"] == sum(profile["weights"])
    named = {frame["name"]: frame for frame in frames}
    assert named[ESTIMATED] == {"name": ESTIMATED}
    main = next(frame for name, frame in named.items() if name.endswith("(main)"))
    assert (
        main["file"] == "program.py"
        and main["line"] == next(k for k in stats.stats if k[2] == "main")[1]
    )
    assert "estimated" in profile["name"]


def test_csv_tables_read_back_exactly(profile_path, tmp_path, perfkit_main) -> None:
    profile = perfkit.load(profile_path)
    out = tmp_path / "functions.csv"
    assert perfkit_main("export", profile_path, "--format", "csv", "-o", out).returncode == 0
    back = pd.read_csv(out, index_col="id", keep_default_na=False)
    columns = ["line", "pcalls", "ncalls", "tottime", "cumtime", "tottime_per_call"]
    assert (back[columns].to_numpy() == profile.functions[columns].to_numpy()).all()
    assert back["label"].tolist() == profile.functions["label"].tolist()
    edges = perfkit_main("export", profile_path, "--format", "csv", "--table", "edges")
    back_edges = pd.read_csv(io.BytesIO(edges.stdout), index_col="edge")
    assert back_edges["cumtime"].tolist() == pytest.approx(profile.edges["cumtime"].tolist())
    assert back_edges.columns.tolist() == profile.edges.columns.tolist()


def test_csv_of_a_profile_module_file_leaves_unknown_edge_values_empty(
    tmp_path, perfkit_main
) -> None:
    source = DATA / "profiles" / "cpython-3.11-profile.stats"
    result = perfkit_main("export", source, "--format", "csv", "--table", "edges")
    back = pd.read_csv(io.BytesIO(result.stdout), index_col="edge")
    assert back["pcalls"].isna().all() and back["cumtime"].isna().all()
    assert (back["ncalls"] > 0).all()


def test_json_document_holds_both_tables(profile_path, perfkit_main) -> None:
    profile = perfkit.load(profile_path)
    result = perfkit_main("export", profile_path, "--format", "json")
    document = json.loads(result.stdout)
    assert document["schema"] == "perfkit.profile/1"
    assert document["totals"] == profile.totals
    assert [row["tottime"] for row in document["functions"]] == profile.functions[
        "tottime"
    ].tolist()
    assert [row["id"] for row in document["functions"]] == list(range(len(profile.functions)))
    assert len(document["edges"]) == len(profile.edges) and "edge" in document["edges"][0]


def test_parquet_keeps_types(profile_path, tmp_path, perfkit_main) -> None:
    pytest.importorskip("pyarrow")
    profile = perfkit.load(profile_path)
    out = tmp_path / "edges.parquet"
    result = perfkit_main(
        "export", profile_path, "--format", "parquet", "--table", "edges", "-o", out
    )
    assert result.returncode == 0, result.stderr
    back = pd.read_parquet(out)
    pd.testing.assert_frame_equal(back, profile.edges.rename_axis("edge"), check_dtype=False)
    assert str(back["pcalls"].dtype) == "Int64" and back["ncalls"].dtype == "int64"


def test_export_errors_are_one_line_and_keep_existing_output(tmp_path, perfkit_main) -> None:
    broken = tmp_path / "broken.stats"
    broken.write_bytes(b"{not a profile")
    out = tmp_path / "out.csv"
    out.write_text("keep me")
    result = perfkit_main("export", broken, "--format", "csv", "-o", out)
    assert result.returncode == 2
    assert result.stderr.decode().count("\n") == 1 and "perfkit: error:" in result.stderr.decode()
    assert out.read_text() == "keep me"
    parquet = perfkit_main("export", broken, "--format", "parquet")
    assert parquet.returncode == 2 and b"-o OUT" in parquet.stderr
    missing_dir = perfkit_main(
        "export",
        DATA / "profiles" / "cpython-3.11-cprofile.stats",
        "--format",
        "json",
        "-o",
        tmp_path / "no" / "such" / "dir.json",
    )
    assert missing_dir.returncode == 2 and missing_dir.stderr.count(b"\n") == 1
    assert b"cannot write" in missing_dir.stderr


def test_pstats_copy_of_a_python2_profile(tmp_path, oracle, perfkit_main) -> None:
    out = tmp_path / "plain.stats"
    result = perfkit_main(
        "export", DATA / "profiles" / "cpython-2.7-profile.stats", "--format", "pstats", "-o", out
    )
    assert result.returncode == 0, result.stderr
    assert b"hold call counts only" in result.stderr
    stats = pstats.Stats(str(out))
    expected = oracle["profiles/cpython-2.7-profile.stats"]
    assert (stats.total_calls, stats.total_tt) == (expected["total_calls"], expected["total_time"])
