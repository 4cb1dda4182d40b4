"""Run the optimisation chain and validate every step with perfkit.

Each preset of the chain runs, profiled, against a fresh embedded simulator with the same dataset
and time scale; every run must end in seed-baseline's final state. Each step is then validated
against the step before it and against seed-baseline (static HTML reports, verdict JSON), and a
summary table says what each switch bought.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs

import perfkit
from autotag.engine.presets import PRESETS
from autotag.launch import LaunchOutcome, LaunchSpec, launch
from autotag.sim.config import SimConfig
from perfkit.render.html_report import write_static
from perfkit.validate import load_config, validate

#: perfkit settings for the chain: the calls each step trades in are the point, not regressions.
SETTINGS = Path(__file__).resolve().parent / "strategies.toml"
#: The operations shown as columns of the summary table.
COLUMNS = (
    "get_asset_info",
    "get_album_info",
    "search_assets",
    "tag_assets",
    "untag_assets",
    "add_assets_to_album",
)


@attrs.define
class StepResult:
    preset: str
    outcome: LaunchOutcome
    profile: Path
    vs_previous: dict[str, Any] | None = None
    vs_baseline: dict[str, Any] | None = None

    @property
    def wall_seconds(self) -> float:
        return float(self.outcome.sidecar["wall_seconds"]) if self.outcome.sidecar else 0.0

    @property
    def requests(self) -> int:
        return int(self.outcome.requests["total_requests"])

    def calls(self, operation: str) -> int:
        return int(self.outcome.requests["operations"].get(operation, {}).get("requests", 0))


def run_chain(
    presets: Sequence[str],
    out: Path,
    sim_config: SimConfig,
    *,
    announce: Callable[[str], None] = print,
    settings: Path | None = None,
    argv: Sequence[str] = (),
) -> list[StepResult]:
    """Run every preset (first = the baseline), validate each step, write the reports."""
    out.mkdir(parents=True, exist_ok=True)
    steps: list[StepResult] = []
    for name in presets:
        announce(f"running {name} ...")
        profile = out / "profiles" / f"{name}.stats"
        profile.parent.mkdir(parents=True, exist_ok=True)
        outcome = launch(
            LaunchSpec(
                preset=name,
                run_dir=_fresh(out / "runs" / name),
                sim_config=sim_config,
                profile=profile,
                argv=list(argv),
            )
        )
        steps.append(StepResult(name, outcome, profile))
    config = load_config(settings or SETTINGS)
    profiles = {step.preset: perfkit.load(step.profile) for step in steps}
    baseline = steps[0]
    for previous, step in itertools.pairwise(steps):
        announce(f"validating {step.preset} ...")
        step.vs_previous = _validate(profiles, step, previous, config, out / step.preset)
        if previous is not baseline:
            step.vs_baseline = _validate(profiles, step, baseline, config, out / step.preset)
        else:
            step.vs_baseline = step.vs_previous
    return steps


def _fresh(folder: Path) -> Path:
    """A run directory for a new run (an earlier report of the same name is replaced)."""
    if folder.exists():
        for child in folder.iterdir():
            child.unlink()
        folder.rmdir()
    return folder


def _validate(
    profiles: dict[str, perfkit.Profile],
    step: StepResult,
    against: StepResult,
    config: Any,
    folder: Path,
) -> dict[str, Any]:
    verdict = validate([profiles[step.preset]], [profiles[against.preset]], config).to_dict()
    target = folder / f"vs-{against.preset}"
    write_static(verdict, target)
    (target / "verdict.json").write_text(json.dumps(verdict, indent=1), encoding="utf-8")
    return verdict


def _improvement(verdict: dict[str, Any] | None) -> tuple[str, str]:
    if verdict is None:
        return "", ""
    percent = verdict.get("improvement", {}).get("percent")
    figure = f"{percent:+.1f} %" if isinstance(percent, int | float) else "-"
    status = str(verdict.get("status", "")).upper()
    band = verdict.get("decision", {}).get("band") or {}
    vetoes = [c["name"] for c in verdict.get("checks", []) if c.get("outcome") == "fail"]
    vetoes = [name for name in vetoes if name != "decision"]
    text = f"{status} ({band.get('decision', '')})" if band else status
    return figure, text + (f"; veto: {', '.join(vetoes)}" if vetoes else "")


def summary_rows(steps: Sequence[StepResult]) -> list[dict[str, str]]:
    baseline = steps[0]
    rows = []
    for step in steps:
        previous_figure, previous_verdict = _improvement(step.vs_previous)
        baseline_figure, baseline_verdict = _improvement(step.vs_baseline)
        speedup = baseline.wall_seconds / step.wall_seconds if step.wall_seconds else 0.0
        row = {"preset": step.preset}
        row.update({op: f"{step.calls(op):,}" for op in COLUMNS})
        row.update(
            {
                "requests": f"{step.requests:,}",
                "requests vs baseline": f"{step.requests / baseline.requests:.1%}",
                "wall s": f"{step.wall_seconds:.1f}",
                "speed-up": f"{speedup:.1f}x",
                "vs previous": previous_figure,
                "verdict vs previous": previous_verdict,
                "vs seed-baseline": baseline_figure,
                "verdict vs seed-baseline": baseline_verdict,
            }
        )
        rows.append(row)
    return rows


def markdown_table(rows: list[dict[str, str]]) -> str:
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row[h] for h in header) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def write_summary(steps: Sequence[StepResult], out: Path, sim_config: SimConfig) -> Path:
    rows = summary_rows(steps)
    digests = {step.preset: step.outcome.final_digest for step in steps}
    same = len(set(digests.values())) == 1
    text = (
        f"# Strategies on dataset `{sim_config.dataset.name}` at time scale "
        f"{sim_config.time_scale:g}\n\n"
        f"Final state: {'identical for every preset' if same else 'DIFFERENT'} "
        f"(`{next(iter(digests.values()))}`).\n\n"
        + markdown_table(rows)
        + "\nEach step adds one switch to the step above it (`autotag/engine/presets.py`); "
        "verdicts from `perfkit validate` with `autotag/strategies.toml` "
        "(reports in the preset folders).\n"
    )
    path = out / "summary.md"
    path.write_text(text, encoding="utf-8")
    (out / "summary.json").write_text(
        json.dumps({"rows": rows, "digests": digests, "identical": same}, indent=1),
        encoding="utf-8",
    )
    return path


def chain_names(requested: str | None) -> list[str]:
    from autotag.engine.presets import CHAIN
    from autotag.errors import ConfigError

    if not requested:
        return [strategy.name for strategy in CHAIN]
    names = [name.strip() for name in requested.split(",") if name.strip()]
    unknown = [name for name in names if name not in PRESETS]
    if unknown:
        raise ConfigError(f"unknown preset {unknown[0]!r} (known: {', '.join(PRESETS)})")
    if len(names) < 2:
        raise ConfigError("--presets needs a baseline and at least one more preset")
    return names
