"""``perfkit.validate(new, baseline=None, *, config=None)``: validation from whatever is at hand.

The notebook form of ``perfkit validate``: paths or loaded ``Profile`` objects (one, or a list
of runs), a baseline spec (``.toml``) or none at all - then the baseline is found as the command
line finds it (the settings' ``baseline``, else ``profiles/seed-baseline.stats``, else
``profiles/seed-baseline.toml``) - and settings given as a file, a ``ValidateConfig`` or found
from the current folder upwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TypeAlias

from perfkit.errors import PerfkitError
from perfkit.model import Profile, load_many
from perfkit.validate.assess import validate
from perfkit.validate.baseline import is_spec, load_baseline, resolve_baseline
from perfkit.validate.config import ValidateConfig, load_config
from perfkit.validate.spec import BaselineSpec
from perfkit.validate.verdict import Verdict

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
