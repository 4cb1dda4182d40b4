"""Which baseline: profiles given on the command line, the settings' ``baseline``, or the
project's default (``profiles/seed-baseline.stats``, else ``profiles/seed-baseline.toml``).

A baseline is one or more profiles (runs of the same workload, each with its sidecar when
present) or one spec file (``.toml``) of published figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from perfkit.errors import PerfkitError
from perfkit.model import Profile, load_many
from perfkit.validate.config import ValidateConfig
from perfkit.validate.spec import BaselineSpec, load_spec

DEFAULT_BASELINES = ("profiles/seed-baseline.stats", "profiles/seed-baseline.toml")


def is_spec(path: Path) -> bool:
    return path.suffix.lower() == ".toml"


def resolve_baseline(given: Sequence[str | Path], config: ValidateConfig) -> list[Path]:
    """The baseline paths to use: given ones, else the settings', else the first default found."""
    if given:
        return [Path(path) for path in given]
    if config.baseline:
        return list(config.baseline)
    for candidate in DEFAULT_BASELINES:
        path = config.base_dir / candidate
        if path.is_file():
            return [path]
    looked = " or ".join(str(config.base_dir / c) for c in DEFAULT_BASELINES)
    raise PerfkitError(
        f"no baseline: give --baseline FILE, set 'baseline' in [tool.perfkit], or provide {looked}"
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
