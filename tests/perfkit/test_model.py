"""Profile tables built from profiles produced by really running cProfile."""

from __future__ import annotations

import json
import pstats
from pathlib import Path

import numpy as np
import pytest

import perfkit
from perfkit.match.normalise import module_names
from perfkit.model.profile import EDGE_COLUMNS, FUNCTION_COLUMNS
from tests.perfkit.conftest import sampled_copy

RECURSIVE = """
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def main():
    total = sum(fib(i) for i in range(12))
    return sorted([total, len("abc")])

main()
"""


def test_columns_types_and_pstats_equality(make_profile) -> None:
    path = make_profile(RECURSIVE)
    profile = perfkit.load(path)
    stats = pstats.Stats(str(path))
    assert tuple(profile.functions.columns) == FUNCTION_COLUMNS
    assert tuple(profile.edges.columns) == EDGE_COLUMNS
    f = profile.functions
    assert f["pcalls"].dtype == np.int64 and f["ncalls"].dtype == np.int64
    assert f["tottime"].dtype == np.float64 and f["line"].dtype == np.int64
    assert f["builtin"].dtype == bool
    assert profile.totals == {
        "functions": len(stats.stats),
        "total_calls": stats.total_calls,
        "primitive_calls": stats.prim_calls,
        "total_time": stats.total_tt,
    }
    fib = f[f["name"] == "fib"].iloc[0]
    cc, nc, tt, ct, callers = stats.stats[("program.py", 2, "fib")]
    assert (fib.pcalls, fib.ncalls, fib.tottime, fib.cumtime) == (cc, nc, tt, ct)
    assert fib.ncalls > fib.pcalls  # recursion
    assert fib.tottime_per_call == tt / nc and fib.cumtime_per_call == ct / cc
    assert fib.label == "program:2(fib)" and fib.module == "program"
    edges = profile.edges[profile.edges["callee_label"] == "program:2(fib)"]
    assert sorted(edges["ncalls"].tolist()) == sorted(value[0] for value in callers.values())
    assert not profile.sampled


def test_builtins_stay_recognisable(make_profile) -> None:
    profile = perfkit.load(make_profile(RECURSIVE))
    row = profile.functions[profile.functions["name"] == "<built-in method builtins.sorted>"]
    assert row["builtin"].all() and row["module"].tolist() == ["~"]
    assert row["function"].tolist() == ["sorted"]
    assert row["label"].tolist() == ["{built-in method builtins.sorted}"]


def test_sampled_profiles_are_flagged(make_profile, tmp_path: Path) -> None:
    profile = perfkit.load(sampled_copy(make_profile(RECURSIVE), tmp_path / "sampled.stats"))
    assert profile.sampled
    assert profile.functions["tottime_per_call"].isna().all()


def test_sidecar_is_read_and_a_broken_one_only_warns(make_profile) -> None:
    path = make_profile(RECURSIVE, name="run.stats")
    assert perfkit.load(path).metadata is None
    sidecar = {"schema": "perfkit.run/1", "python": {"version": "3.11.7"}, "extra": [1]}
    path.with_suffix(".json").write_text(json.dumps(sidecar))
    assert perfkit.load(path).metadata == sidecar
    path.with_suffix(".json").write_text("{not json")
    profile = perfkit.load(path)
    assert profile.metadata is None
    assert len(profile.warnings) == 1 and "unreadable sidecar" in profile.warnings[0]


def test_gzip_profile_and_its_sidecar(make_profile, tmp_path: Path) -> None:
    import gzip

    plain = make_profile(RECURSIVE)
    packed = tmp_path / "packed.stats.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    (tmp_path / "packed.json").write_text(json.dumps({"schema": "perfkit.run/1"}))
    profile = perfkit.load(packed)
    assert profile.totals == perfkit.load(plain).totals
    assert profile.metadata == {"schema": "perfkit.run/1"}


@pytest.mark.parametrize(
    ("file", "module"),
    [
        ("/home/a/.venv/lib/python3.11/site-packages/httpx/_client.py", "httpx._client"),
        ("/opt/venvs/x/lib64/python3.12/site-packages/httpx/_client.py", "httpx._client"),
        ("/usr/lib/python3/dist-packages/yaml/__init__.py", "yaml"),
        ("/root/.pyenv/versions/3.11.7/lib/python3.11/json/decoder.py", "json.decoder"),
        ("/usr/lib/python3.13t/socket.py", "socket"),
        ("C:\\Python311\\Lib\\json\\decoder.py", "json.decoder"),
        ("C:\\app\\.venv\\Lib\\site-packages\\httpx\\_client.py", "httpx._client"),
        ("<frozen importlib._bootstrap>", "importlib._bootstrap"),
        ("<string>", "<string>"),
        ("~", "~"),
        ("", "~"),
    ],
)
def test_library_paths_normalise_the_same_everywhere(file: str, module: str) -> None:
    assert module_names([file])[file] == module


def test_module_names_ignore_the_reading_machine(tmp_path: Path, monkeypatch) -> None:
    """A file that exists here, read from inside its package, is named as one that does not."""
    package = tmp_path / "checkout" / "app" / "engine"
    package.mkdir(parents=True)
    (package.parent / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "wrapper.py").write_text("")
    files = [str(package / "wrapper.py"), str(package.parent / "__init__.py")]
    elsewhere = module_names(files)
    monkeypatch.chdir(tmp_path / "checkout")
    assert module_names(files) == elsewhere == {files[0]: "app.engine.wrapper", files[1]: "app"}


def test_a_recorded_project_root_names_files_below_it() -> None:
    root = "/var/lib/jenkins/workspace/job@2"
    files = [f"{root}/app/engine/wrapper.py", f"{root}/app/__init__.py", "/opt/tool/x.py"]
    modules = module_names(files, root=root + "/")
    assert modules == {files[0]: "app.engine.wrapper", files[1]: "app", files[2]: "x"}


def test_relative_paths_are_already_below_the_root() -> None:
    files = ["prog.py", "./lib/helper.py"]
    assert module_names(files) == {files[0]: "prog", files[1]: "lib.helper"}


def test_unresolvable_workspaces_lose_their_common_prefix() -> None:
    files = ["/build/one/src/app/a.py", "/build/one/src/app/sub/b.py"]
    assert module_names(files) == {files[0]: "a", files[1]: "sub.b"}
