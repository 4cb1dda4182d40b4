"""The pipeline: inputs -> measurements -> comparison -> checks -> decision -> ``Verdict``.

``validate(new, baseline, config)`` runs the seed's validation plan in order: both sides'
figures -> can they be compared -> per-metric savings and predictions -> improvement (measured,
or estimated when the workloads differ) -> the seed's prediction checks, scenario table and
audit -> guards and significance -> decision -> checklist, next steps, top changed functions.

``validate_inputs(new, baseline=None, *, config=None)`` is the notebook form
(``perfkit.validate(...)``): paths or loaded ``Profile`` objects (one, or a list of runs), a
baseline spec (``.toml``) or none at all - then the baseline is found as the command line finds
it - and settings given as a file, a ``ValidateConfig`` or found from the current folder upwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeAlias

from perfkit.common.version import __version__
from perfkit.errors import PerfkitError
from perfkit.model.profile import Profile, load_many
from perfkit.validate.baseline import BaselineSpec, is_spec, load_baseline, resolve_baseline
from perfkit.validate.checks import (
    Check,
    checklist,
    consistency_checks,
    expected_range_check,
    memory_guard,
    metric_call_guards,
    operation_seconds,
    run_cost_model,
    spec_checks,
    total_time_guard,
    window_check,
)
from perfkit.validate.comparison import (
    Comparability,
    MetricResult,
    Significance,
    comparability,
    compare_totals,
    function_changes,
    metric_results,
)
from perfkit.validate.decision import decide, next_steps
from perfkit.validate.formulas import (
    Improvement,
    estimated_improvement,
    improvement,
    scaled_window,
    scenario,
)
from perfkit.validate.measurements import Side, side_from_profiles, side_from_spec
from perfkit.validate.settings import ValidateConfig, load_config
from perfkit.validate.verdict import Verdict


def _improvement(
    base: Side,
    new: Side,
    results: Sequence[MetricResult],
    target: MetricResult | None,
    comp: Comparability,
) -> tuple[Improvement | None, str | None, list[str]]:
    """Measured when the times compare; else calls saved x per-call cost over the operations
    (same workload) or over the target alone (scaled counts of another workload)."""
    if comp.times_comparable:
        return improvement(base.total_seconds, new.total_seconds), "measured", []
    if comp.counts_exact:
        savings = [r.saving for r in results if r.definition.operation and r.saving is not None]
        what = f"the {len(savings)} API operations"
    elif target is None:
        return None, None, []
    else:
        savings = [target.saving] if target.saving is not None else []
        what = (
            f"{target.name} alone (the other operations' per-asset rates differ with the dataset)"
        )
    if not savings:
        return None, None, []
    saved = sum(s.seconds for s in savings)
    note = f"estimated saving: calls saved x per-call cost summed over {what}"
    return estimated_improvement(base.total_seconds, saved), "estimated", [note]


def _significance(
    base: Side, new: Side, comp: Comparability, config: ValidateConfig
) -> Significance | None:
    if base.kind != "profiles" or (len(base.runs) < 2 and len(new.runs) < 2):
        return None
    if not comp.times_comparable:
        return None
    return compare_totals(
        base.totals_per_run, new.totals_per_run, test=config.significance_test, alpha=config.alpha
    )


def _significance_check(result: Significance | None) -> Check | None:
    if result is None:
        return None
    name, title = "significance.total_time", "the time difference is significant"
    if result.significant is None:
        return Check(name, "significance", title, "skip", result.summary)
    outcome = "pass" if result.significant else "warn"
    message = result.summary + (f"; {result.note}" if result.note else "")
    return Check(name, "significance", title, outcome, message)


def _decision_check(status: str, reasons: Sequence[str]) -> Check:
    outcome = {"go": "pass", "marginal": "warn", "no-go": "fail"}[status]
    return Check("decision", "decision", "the verdict is go", outcome, " ".join(reasons))


def _settings_notes(config: ValidateConfig) -> list[str]:
    """Settings nobody passed are named first: a perfkit.toml lying around changes the verdict."""
    if not config.implicit:
        return []
    return [
        f"settings from {config.source}, found from the current folder upwards "
        "(--config FILE chooses them)"
    ]


def _spec_notes(spec: BaselineSpec | None, config: ValidateConfig) -> list[str]:
    if spec is None:
        return []
    known = {m.name for m in config.metrics}
    unused = [name for name in spec.metrics if name not in known]
    return (
        [f"spec metrics with no metric in the settings (ignored): {', '.join(unused)}"]
        if unused
        else []
    )


def _accounting(base: Side, results: Sequence[MetricResult]) -> dict[str, Any]:
    api = operation_seconds(results)
    total = base.total_seconds
    assets = base.workload.assets
    outside = total - api
    return {
        "operations_seconds": api,
        "operations_share_percent": api / total * 100 if total else None,
        "outside_seconds": outside,
        "outside_ms_per_asset": outside / assets * 1e3 if assets else None,
        "operations": sum(1 for r in results if r.definition.operation and r.base.seconds),
    }


def validate(
    new: Sequence[Profile],
    baseline: Sequence[Profile] | BaselineSpec,
    config: ValidateConfig,
    *,
    documented: Sequence[str] = (),
    butterfly: Sequence[str] | None = None,
) -> Verdict:
    """Validate the ``new`` runs against ``baseline`` (profiles, or a spec of published figures).

    ``documented`` lists the report files this verdict will be written to (for the checklist).
    ``butterfly``: selectors whose exact callers/callees diff the verdict carries (default: the
    target metric's; ``[]`` for none). Raises ``perfkit.errors.PerfkitError`` for a required
    metric that matches nothing, or a ``butterfly`` selector that matches no function.
    """
    from perfkit.errors import PerfkitError

    if not new:
        raise PerfkitError("no new profile to validate")
    if isinstance(baseline, BaselineSpec):
        base = side_from_spec(baseline, config)
    else:
        if not baseline:
            raise PerfkitError("no baseline profile")
        base = side_from_profiles("baseline", baseline, config)
    fresh = side_from_profiles("new", new, config)
    for name in config.targets_given:
        if not (fresh.metrics[name].found or base.metrics[name].found):
            raise PerfkitError(f"--target {name!r} matches no function in either profile")
    for definition in config.metrics:
        if definition.name in config.targets_given:
            continue
        if definition.required and not fresh.metrics[definition.name].found:
            raise PerfkitError(
                f"metric {definition.name!r} is required but its selector "
                f"{definition.selector.text!r} matches no function in the new profile"
            )
    comp = comparability(base, fresh)
    results = metric_results(base, fresh, config, comp)
    target = next((r for r in results if r.name == config.target), None)
    gain, source, notes = _improvement(base, fresh, results, target, comp)
    window = None
    if config.window_seconds is not None and config.window_reference_total is not None:
        window = scaled_window(
            config.window_seconds, config.window_reference_total, base.total_seconds
        )
    scenarios = ()
    if target is not None and target.base.calls and target.per_call_ms:
        scenarios = tuple(
            scenario(share, int(target.base.calls), target.per_call_ms / 1e3, base.total_seconds)
            for share in config.scenarios_percent
        )
    audited, models = spec_checks(base, config)
    cost_check, cost_model = run_cost_model(base, fresh, results, comp, config)
    significance = _significance(base, fresh, comp, config)
    range_check = expected_range_check(gain, source, config)
    found: list[Check | None] = [
        *metric_call_guards(results, comp, config),
        total_time_guard(base, fresh, comp, config, significance),
        memory_guard(base, fresh, comp, config),
        range_check,
        window_check(gain, source, window),
        *audited,
        cost_check,
        *consistency_checks(base, fresh, config),
    ]
    checks = [check for check in found if check is not None]
    significance_check = _significance_check(significance)
    if significance_check is not None:
        checks.append(significance_check)
    decision = decide(config, gain, source, checks, significance)
    checks.append(_decision_check(decision.status, decision.reasons))
    target_selector = None if target is None else target.definition.selector
    changes = function_changes(base, fresh, config.top_changes, target_selector, butterfly)
    all_models = (*models, cost_model) if cost_model is not None else tuple(models)
    return Verdict(
        config=config,
        baseline=base,
        new=fresh,
        comparability=comp,
        metrics=tuple(results),
        target=target,
        improvement=gain,
        improvement_source=source,
        window=window,
        scenarios=scenarios,
        models=all_models,
        accounting=_accounting(base, results),
        checks=tuple(checks),
        significance=significance,
        decision=decision,
        checklist=tuple(checklist(fresh, base, target, range_check, documented)),
        next_steps=tuple(next_steps(decision, results, fresh)),
        top_changes=changes.top_changes,
        butterflies=changes.butterflies,
        notes=(
            *_settings_notes(config),
            *comp.notes,
            *notes,
            *_spec_notes(base.spec, config),
            *changes.notes,
        ),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        perfkit_version=__version__,
    )


Run: TypeAlias = str | os.PathLike[str] | Profile
Runs: TypeAlias = Run | Iterable[Run]


def _as_list(runs: Runs) -> list[Run]:
    if isinstance(runs, (str, os.PathLike, Profile)):
        return [runs]
    return list(runs)


def load_runs(runs: Runs) -> list[Profile]:
    """``Profile`` objects for paths and profiles, in the order given (paths read together)."""
    items = _as_list(runs)
    paths = [Path(item) for item in items if not isinstance(item, Profile)]
    loaded = iter(load_many(paths) if paths else [])
    return [item if isinstance(item, Profile) else next(loaded) for item in items]


def settings(config: str | os.PathLike[str] | ValidateConfig | None) -> ValidateConfig:
    """A ``ValidateConfig`` as given, read from a file, or found as the command line does."""
    return config if isinstance(config, ValidateConfig) else load_config(config)


def load_baseline_input(
    baseline: Runs | BaselineSpec | None, config: ValidateConfig
) -> list[Profile] | BaselineSpec:
    """The baseline profiles or spec; ``None`` finds the configured or default baseline."""
    if isinstance(baseline, BaselineSpec):
        return baseline
    if baseline is None:
        return load_baseline(resolve_baseline((), config))
    items = _as_list(baseline)
    if not items:
        raise PerfkitError("no baseline profile")
    specs = [Path(item) for item in items if not isinstance(item, Profile) and is_spec(Path(item))]
    if specs:
        if len(items) > 1:
            raise PerfkitError(
                f"{specs[0]}: a baseline spec stands alone; it cannot be mixed with other runs"
            )
        return load_baseline(specs)
    return load_runs(items)


def validate_inputs(
    new: Runs,
    baseline: Runs | BaselineSpec | None = None,
    *,
    config: str | os.PathLike[str] | ValidateConfig | None = None,
    butterfly: Sequence[str] | None = None,
) -> Verdict:
    """Validate ``new`` (a path or ``Profile``, or a list of runs) against ``baseline`` (the
    same, a spec path or ``BaselineSpec``, or None: the configured or default baseline) with
    ``config`` (a settings file, a ``ValidateConfig``, or None: found from the current folder).
    ``butterfly``: selectors whose callers/callees diff the verdict carries (default: the
    target metric's)."""
    chosen = settings(config)
    base = load_baseline_input(baseline, chosen)
    return validate(load_runs(new), base, chosen, butterfly=butterfly)
