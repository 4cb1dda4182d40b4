"""`autotag strategies`: every preset run for real, validated with perfkit, summarised."""

import json
import subprocess
import sys


def test_strategies_chain_reports(tmp_path):
    out = tmp_path / "strategies"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "autotag.cli",
            "strategies",
            "--dataset",
            "ci",
            "--time-scale",
            "0",
            "--presets",
            "seed-baseline,lazy,batch,optimized",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["identical"] is True
    rows = {row["preset"]: row for row in summary["rows"]}
    assert list(rows) == ["seed-baseline", "lazy", "batch", "optimized"]
    baseline_requests = int(rows["seed-baseline"]["requests"].replace(",", ""))
    optimized_requests = int(rows["optimized"]["requests"].replace(",", ""))
    assert optimized_requests < baseline_requests / 5
    assert rows["lazy"]["get_asset_info"] != rows["seed-baseline"]["get_asset_info"]
    for preset in ("lazy", "batch", "optimized"):
        assert (out / preset / "vs-seed-baseline" / "index.html").is_file()
        verdict = json.loads((out / preset / "vs-seed-baseline" / "verdict.json").read_text())
        assert verdict["schema"] == "perfkit.verdict/1"
    assert (out / "batch" / "vs-lazy" / "index.html").is_file()
    markdown = (out / "summary.md").read_text()
    assert "| preset |" in markdown and "identical for every preset" in markdown


def test_strategies_refuses_unknown_presets(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "autotag.cli", "strategies", "--presets", "lazy,nope"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "unknown preset 'nope'" in done.stderr
