"""perfkit on programs that are not autotag: a JSON, a regex and a recursion workload.

Each workload is really profiled twice with ``python -m cProfile``, before and after an
optimisation that changes how often one function runs; stdlib ``pstats`` is the oracle for the
call counts, and ``perfkit compare`` / ``perfkit validate`` judge the pair end to end, with
``--target`` alone and with the program's own ``perfkit.toml``.
"""

from __future__ import annotations

import json
import pstats
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from perfkit.validate.settings import schema
from tests.validate.conftest import read_json, run_perfkit

WORKLOADS = {
    "json_work": (
        "import json\n\n"
        "def encode(record):\n    return json.dumps(record, sort_keys=True)\n\n"
        "def decode(text):\n    return json.loads(text)\n\n"
        "def main(rounds):\n"
        "    records = [{'id': i, 'tags': list(range(i % 7))} for i in range(400)]\n"
        "    for _ in range(rounds):\n"
        "        for record in records:\n            decode(encode(record))\n\n"
        "if __name__ == '__main__':\n    import sys\n    main(int(sys.argv[1]))\n",
        "decode",
        (6, 2),  # rounds before, after: the optimisation decodes a third as often
    ),
    "regex_work": (
        "import re\n\n"
        "WORD = re.compile(r'[a-z]+')\n\n"
        "def words(line):\n    return WORD.findall(line)\n\n"
        "def main(passes):\n"
        "    text = ['lorem ipsum dolor sit amet %d' % i for i in range(2000)]\n"
        "    return sum(len(words(line)) for _ in range(passes) for line in text)\n\n"
        "if __name__ == '__main__':\n    import sys\n    print(main(int(sys.argv[1])))\n",
        "words",
        (4, 1),
    ),
    "recursion_work": (
        "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n\n"
        "def main(n):\n    return fib(n)\n\n"
        "if __name__ == '__main__':\n    import sys\n    print(main(int(sys.argv[1])))\n",
        "fib",
        (22, 20),
    ),
}


def profile(program: Path, argument: int, out: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(out), str(program), str(argument)],
        check=True,
        capture_output=True,
        cwd=program.parent,
    )
    return out


def pstats_calls(path: Path, program: str, name: str) -> int:
    """The calls of ``program``'s function ``name``, as stdlib pstats reads them."""
    stats = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]
    return sum(
        value[1]
        for (file, _, function), value in stats.items()
        if function == name and Path(file).stem == program
    )


@pytest.fixture(params=sorted(WORKLOADS))
def workload(request: pytest.FixtureRequest, tmp_path: Path) -> dict:
    name = request.param
    source, target, (before, after) = WORKLOADS[name]
    program = tmp_path / "project" / f"{name}.py"
    program.parent.mkdir()
    program.write_text(source)
    runs = tmp_path / "runs"
    runs.mkdir()
    base = profile(program, before, runs / "before.stats")
    new = profile(program, after, runs / "after.stats")
    return {"name": name, "target": target, "base": base, "new": new, "dir": tmp_path}


def test_compare_pairs_the_program_and_counts_like_pstats(workload: dict) -> None:
    out = workload["dir"] / "diff.json"
    done = run_perfkit("compare", workload["base"], workload["new"], "--json", out)
    assert done.returncode == 0, done.stderr
    diff = read_json(out)
    rows = [
        row
        for row in diff["functions"]
        if row["name"] == workload["target"] and row["module"] == workload["name"]
    ]
    assert len(rows) == 1 and rows[0]["status"] in {"changed", "unchanged"}
    assert rows[0]["ncalls_base"] == pstats_calls(
        workload["base"], workload["name"], workload["target"]
    )
    assert rows[0]["ncalls_new"] == pstats_calls(
        workload["new"], workload["name"], workload["target"]
    )
    assert rows[0]["ncalls_new"] < rows[0]["ncalls_base"]
    assert not [r for r in diff["functions"] if r["status"] in {"added", "removed"}]


def test_validate_with_a_target(workload: dict) -> None:
    out = workload["dir"] / "verdict.json"
    done = run_perfkit(
        "validate", workload["new"], "--baseline", workload["base"],
        "--target", f'{workload["name"]}:{workload["target"]}', "--json", out,
        cwd=workload["dir"],
    )  # fmt: skip
    verdict = read_json(out)
    jsonschema.validate(verdict, schema("verdict"))
    assert done.returncode == verdict["exit_code"]
    selector = f"{workload['name']}:{workload['target']}"
    assert verdict["config"]["target"] == selector
    target = next(m for m in verdict["metrics"] if m["name"] == selector)
    assert target["baseline"]["calls"] == pstats_calls(
        workload["base"], workload["name"], workload["target"]
    )
    assert target["new"]["calls"] == pstats_calls(
        workload["new"], workload["name"], workload["target"]
    )


def test_validate_with_the_programs_own_config(workload: dict) -> None:
    config = workload["dir"] / "project" / "perfkit.toml"
    config.write_text(
        f'target = "{workload["target"]}"\n'
        f'categories = ["{workload["target"]}"]\n'
        f'[metrics.{workload["target"]}]\nselector = "{workload["name"]}:{workload["target"]}"\n'
        '[[bands]]\nmin_percent = 20.0\ndecision = "SHIP"\nstatus = "go"\n'
        'action = "Ship it."\n'
        '[[bands]]\ndecision = "RETHINK"\nstatus = "no-go"\naction = "Rethink."\n'
    )
    out = workload["dir"] / "verdict.json"
    done = run_perfkit(
        "validate", workload["new"], "--baseline", workload["base"], "--config", config,
        "--json", out,
    )  # fmt: skip
    verdict = read_json(out)
    assert verdict["config"]["source"] == str(config)
    assert verdict["decision"]["band"]["decision"] in {"SHIP", "RETHINK"}
    improvement = verdict["improvement"]["percent"]
    expected = "SHIP" if improvement >= 20.0 else "RETHINK"
    assert verdict["decision"]["band"]["decision"] == expected
    assert done.returncode == verdict["exit_code"]
    assert json.dumps(verdict).count("Ship it.") + json.dumps(verdict).count("Rethink.") >= 1


SEED_WORDING = ("get_asset_info", "immich", "seed", "socket", "asset", "50-280", "5-15", "3,427")


def test_validate_without_settings_is_generic(workload: dict) -> None:
    """No config: the verdict is about the total time, in no report a word of autotag's case,
    and the sections that need settings (metrics, predictions, breakdown) are left out."""
    where = workload["dir"] / "reports"
    done = run_perfkit(
        "validate", workload["new"], "--baseline", workload["base"],
        "--html", where / "html", "--markdown", where / "summary.md", "--json", where / "v.json",
        "--junit", where / "junit.xml", cwd=workload["dir"],
    )  # fmt: skip
    verdict = read_json(where / "v.json")
    jsonschema.validate(verdict, schema("verdict"))
    assert (
        done.returncode
        == verdict["exit_code"]
        == {"go": 0, "marginal": 3, "no-go": 1}[verdict["status"]]
    )
    assert verdict["target"] is None and verdict["metrics"] == []
    assert verdict["config"]["source"] == "built-in defaults"
    assert verdict["improvement"]["source"] == "measured"
    names = {check["name"] for check in verdict["checks"]}
    assert not {n for n in names if n.startswith(("prediction.", "audit."))}
    texts = {
        "terminal": done.stdout,
        "markdown": (where / "summary.md").read_text("utf-8"),
        "html": (where / "html" / "index.html").read_text("utf-8"),
        "junit": (where / "junit.xml").read_text("utf-8"),
    }
    for kind, text in texts.items():
        found = [word for word in SEED_WORDING if word in text.lower()]
        assert not found, (kind, found)
    for section in ("### Metrics", "### Predictions", "### Bottleneck breakdown"):
        assert section not in texts["markdown"]
    assert 'id="predictions"' not in texts["html"] and 'id="breakdown"' not in texts["html"]
