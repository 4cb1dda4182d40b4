"""Inputs, part 2 - the baseline: which one, and the published-figures form of it (a spec).

A baseline is one or more profiles (runs of the same workload, each with its sidecar when
present) given on the command line or the settings' ``baseline``; or one spec file
(``.toml``) of published figures, for when the baseline's profile is not at hand: ``[run]`` with
the total time and the workload, ``[metrics.NAME]`` with calls, seconds, a published per-call
cost, a stated share of the total, the parts a figure is the sum of; ``[roadmap_model]`` with a
cost model whose claim the prediction audit tests. docs/validate.md lists every key.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from perfkit.errors import ConfigError, PerfkitError
from perfkit.model.profile import Profile, load_many
from perfkit.validate.settings import ValidateConfig, check, read_toml


@attrs.frozen
class SpecMetric:
    name: str
    calls: int | None = None
    seconds: float | None = None
    per_call_ms: float | None = None
    share_percent: float | None = None
    parts: tuple[str, ...] = ()
    note: str = ""


@attrs.frozen
class RoadmapModel:
    """ "Total = requests x latency + CPU": a cost model someone published, with its claim."""

    requests: int
    per_call_ms: float
    cpu_seconds: float
    claimed_total_seconds: float
    note: str = ""


@attrs.frozen
class BaselineSpec:
    path: Path
    label: str
    source: str
    total_seconds: float
    assets: int | None
    http_requests: int | None
    peak_rss_bytes: int | None
    time_scale: float | None
    metrics: dict[str, SpecMetric]
    roadmap_model: RoadmapModel | None


def parse_spec(document: dict[str, Any], path: Path) -> BaselineSpec:
    """A spec from its parsed TOML; ``ConfigError`` naming the key for anything wrong."""
    check(document, "spec", str(path))
    run = document["run"]
    metrics = {
        name: SpecMetric(
            name=name,
            calls=fields.get("calls"),
            seconds=fields.get("seconds"),
            per_call_ms=fields.get("per_call_ms"),
            share_percent=fields.get("share_percent"),
            parts=tuple(fields.get("parts", ())),
            note=fields.get("note", ""),
        )
        for name, fields in document.get("metrics", {}).items()
    }
    for name, metric in metrics.items():
        for index, part in enumerate(metric.parts):
            if part not in metrics:
                raise ConfigError(
                    f"{path}: metrics.{name}.parts[{index}]: {part!r} is not a metric of this spec"
                )
    model = document.get("roadmap_model")
    return BaselineSpec(
        path=path,
        label=run.get("label", path.name),
        source=run.get("source", ""),
        total_seconds=float(run["total_seconds"]),
        assets=run.get("assets"),
        http_requests=run.get("http_requests"),
        peak_rss_bytes=run.get("peak_rss_bytes"),
        time_scale=run.get("time_scale"),
        metrics=metrics,
        roadmap_model=None
        if model is None
        else RoadmapModel(
            requests=model["requests"],
            per_call_ms=float(model["per_call_ms"]),
            cpu_seconds=float(model.get("cpu_seconds", 0.0)),
            claimed_total_seconds=float(model["claimed_total_seconds"]),
            note=model.get("note", ""),
        ),
    )


def load_spec(path: str | Path) -> BaselineSpec:
    path = Path(path)
    return parse_spec(read_toml(path, "baseline spec"), path)


def is_spec(path: Path) -> bool:
    return path.suffix.lower() == ".toml"


def resolve_baseline(given: Sequence[str | Path], config: ValidateConfig) -> list[Path]:
    """The baseline paths to use: given ones, else the settings'."""
    if given:
        return [Path(path) for path in given]
    if config.baseline:
        return list(config.baseline)
    raise PerfkitError(
        f"no baseline: give --baseline FILE, or set 'baseline' in the settings ({config.source})"
    )


def load_baseline(paths: Sequence[Path]) -> list[Profile] | BaselineSpec:
    specs = [path for path in paths if is_spec(path)]
    if specs:
        if len(paths) > 1:
            raise PerfkitError(
                f"{specs[0]}: a baseline spec stands alone; it cannot be mixed with other "
                "baseline files"
            )
        return load_spec(specs[0])
    return load_many(paths)
