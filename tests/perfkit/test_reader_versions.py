"""The committed profiles of every CPython on the machine, against stdlib pstats."""

from __future__ import annotations

import math
import pstats

import pandas as pd
import pytest

import perfkit
from perfkit.reader import decode_stats
from perfkit.reader.source import decompress, read_bytes
from tests.perfkit.conftest import DATA

ORACLE_FILES = sorted(
    path.relative_to(DATA).as_posix() for path in (DATA / "profiles").glob("*.stats*")
)


def function_tuples(profile: perfkit.Profile) -> list[list]:
    f = profile.functions
    rows = zip(f.file, f.line, f.name, f.pcalls, f.ncalls, f.tottime, f.cumtime, strict=True)
    return sorted([list(row) for row in rows])


def edge_lists(profile: perfkit.Profile) -> dict[tuple, list]:
    """Per callee key: its callers as the oracle lists them ([file, line, name, *value])."""
    f, e = profile.functions, profile.edges
    out: dict[tuple, list] = {}
    for row in e.itertuples(index=False):
        callee = f.loc[row.callee]
        if row.caller >= 0:
            caller = f.loc[row.caller]
            key = [caller["file"], int(caller["line"]), caller["name"]]
        else:
            key = ["?", 0, row.caller_label]
        if row.pcalls is pd.NA:
            value = [int(row.ncalls)]
        else:
            value = [int(row.ncalls), int(row.pcalls), row.tottime, row.cumtime]
        out.setdefault((callee["file"], int(callee["line"]), callee["name"]), []).append(
            key + value
        )
    return {key: sorted(value) for key, value in out.items()}


def test_every_interpreter_and_both_profilers_are_covered(oracle: dict) -> None:
    versions = {entry["python"].rsplit(".", 1)[0] for entry in oracle.values()}
    assert {"2.7", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"} <= versions
    assert set(ORACLE_FILES) == set(oracle)
    assert any(name.endswith(".gz") for name in ORACLE_FILES)
    assert sum(path.stat().st_size for path in DATA.rglob("*") if path.is_file()) < 512 * 1024


@pytest.mark.parametrize("name", ORACLE_FILES)
def test_matches_the_writing_interpreters_own_pstats(name: str, oracle: dict) -> None:
    expected = oracle[name]
    profile = perfkit.load(DATA / name)
    assert function_tuples(profile) == [row[:7] for row in expected["functions"]]
    assert profile.total_calls == expected["total_calls"]
    assert profile.primitive_calls == expected["primitive_calls"]
    if expected["python"].startswith("2."):
        # Python 2's dict order differs, so its pstats adds the times in another order.
        assert math.isclose(profile.total_time, expected["total_time"], rel_tol=1e-12)
    else:
        assert profile.total_time == expected["total_time"]
    callers = {tuple(row[:3]): row[7] for row in expected["functions"] if row[7]}
    assert edge_lists(profile) == callers
    assert not profile.sampled


@pytest.mark.parametrize("name", ORACLE_FILES)
def test_matches_this_interpreters_pstats_where_it_loads(name: str) -> None:
    try:
        stats = pstats.Stats(str(DATA / name))
    except Exception:
        pytest.skip("stdlib pstats of this Python cannot load this file")
    profile = perfkit.load(DATA / name)
    assert (profile.total_calls, profile.primitive_calls, profile.total_time) == (
        stats.total_calls,
        stats.prim_calls,
        stats.total_tt,
    )
    by_key = {
        (row.file, row.line, row.name): (row.pcalls, row.ncalls, row.tottime, row.cumtime)
        for row in profile.functions.itertuples()
    }
    for key, (cc, nc, tt, ct, _callers) in stats.stats.items():
        name_key = key[2] if isinstance(key[2], str) else None
        if name_key is None:  # the profile module's code-object key
            code = key[2]
            name_key = f"<code object {code.co_name} {code.co_filename}:{code.co_firstlineno}>"
        assert by_key[(key[0], key[1], name_key)] == (cc, nc, tt, ct)
    assert len(by_key) == len(stats.stats)


@pytest.mark.parametrize("name", ORACLE_FILES)
def test_fast_and_strict_decoders_agree(name: str) -> None:
    data = decompress(read_bytes(DATA / name))
    strict = decode_stats(data, isolate=False)
    fast = decode_stats(data, isolate=True)
    for column in ("files", "names"):
        assert getattr(strict, column) == getattr(fast, column)
    for column in ("line", "pcalls", "ncalls", "tottime", "cumtime", "edge_caller", "edge_ncalls"):
        assert list(getattr(strict, column)) == list(getattr(fast, column))


def test_python2_and_profile_module_quirks_are_read_by_the_strict_decoder() -> None:
    assert perfkit.load(DATA / "profiles/cpython-2.7-cprofile.stats").decoder == "strict"
    quirk = perfkit.load(DATA / "profiles/cpython-3.8-profile.stats")
    assert quirk.decoder == "strict"
    code_rows = quirk.functions[quirk.functions["name"].str.startswith("<code object")]
    assert code_rows["label"].tolist() == ["profile:0(<code object <module> workload.py:1>)"]
    assert perfkit.load(DATA / "profiles/cpython-3.11-cprofile.stats").decoder == "marshal"
