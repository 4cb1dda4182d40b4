"""Inputs, part 1 - the settings: packaged defaults merged with ``[tool.perfkit]`` or
``perfkit.toml``, each file checked against perfkit's JSON Schemas.

Where settings come from, first that applies: ``--config FILE`` (a ``perfkit.toml``, or a
``pyproject.toml`` whose ``[tool.perfkit]`` is read); else the nearest ``perfkit.toml`` or
``pyproject.toml`` in the current directory or above it; else the built-in settings alone
(``defaults.toml`` beside this module: generic, no metrics, the verdict on the total time). A
file may ``extends = "other.toml"``: that file's settings first, this one's over them. Relative
paths in a settings file are relative to that file's folder. Every problem in a file becomes one
``ConfigError`` line that names the file and the key: ``perfkit.toml: metrics.x.selctor:
unknown key``.
"""

from __future__ import annotations

import copy
import json
import math
import tomllib
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import jsonschema

from perfkit.errors import ConfigError
from perfkit.match.selectors import Selector, SelectorError, parse_selector

STATUSES = ("go", "marginal", "no-go")


@attrs.frozen
class MetricDef:
    """A named selection of functions; optional baseline figures from the settings."""

    name: str
    selector: Selector
    operation: bool = False
    guard: bool = True
    exact: bool = True  # call counts repeat exactly for the same work (socket reads do not)
    required: bool = False
    description: str = ""
    calls: int | None = None
    seconds: float | None = None
    per_call_ms: float | None = None


@attrs.frozen
class Band:
    """A decision band: applies when the improvement % is at least ``min_percent`` (None: any)."""

    decision: str
    status: str
    action: str
    min_percent: float | None

    def label(self, upper: float | None) -> str:
        """``"5-10 %"``, ``">= 10 %"``, ``"< 2 %"``."""
        if self.min_percent is None:
            return f"< {_num(upper)} %" if upper is not None else "any"
        if upper is None:
            return f">= {_num(self.min_percent)} %"
        return f"{_num(self.min_percent)}-{_num(upper)} %"


def _num(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


@attrs.frozen
class Guards:
    metric_calls: bool = True
    total_time: bool = True
    total_time_tolerance_percent: float = 0.0
    peak_memory: bool = True
    memory_tolerance_percent: float = 10.0


@attrs.frozen
class ValidateConfig:
    """Everything ``perfkit validate`` needs besides the profiles."""

    source: str
    base_dir: Path
    baseline: tuple[Path, ...]
    target: str | None  # the metric whose calls the change avoids; None: the total time only
    metrics: tuple[MetricDef, ...]
    categories: tuple[str, ...]
    bands: tuple[Band, ...]
    expected_range_percent: tuple[float, float] | None
    window_seconds: tuple[float, float] | None
    window_reference_total: float | None
    scenarios_percent: tuple[float, ...]
    audit_tolerance_percent: float
    guards: Guards
    significance_test: str
    alpha: float
    exit_codes: dict[str, int]
    top_changes: int = 15
    implicit: bool = False  # found by searching from the current folder, not given
    targets_given: tuple[str, ...] = ()  # ``--target`` selectors: must match in either profile

    def metric(self, name: str) -> MetricDef:
        for metric in self.metrics:
            if metric.name == name:
                return metric
        raise KeyError(name)

    def band_bounds(self) -> list[tuple[Band, float | None]]:
        """Each band with its upper bound (the next higher band's minimum; None for the top)."""
        out: list[tuple[Band, float | None]] = []
        upper: float | None = None
        for band in self.bands:
            out.append((band, upper))
            upper = band.min_percent
        return out


def _defaults() -> dict[str, Any]:
    text = resources.files("perfkit.validate").joinpath("defaults.toml").read_text("utf-8")
    return tomllib.loads(text)


def find_settings(start: Path) -> Path | None:
    """The nearest ``perfkit.toml`` or ``pyproject.toml`` in ``start`` or a folder above it."""
    for folder in (start, *start.parents):
        for name in ("perfkit.toml", "pyproject.toml"):
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def _user_settings(path: Path) -> tuple[dict[str, Any], str]:
    """The perfkit table of a settings file and the prefix its keys are shown with."""
    document = read_toml(path, "config")
    if path.name == "pyproject.toml":
        tool = document.get("tool", {})
        table = tool.get("perfkit", {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: tool.perfkit: expected a table")
        return table, "tool.perfkit"
    return document, ""


def _layered(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict[str, Any], str]:
    """The settings of ``path`` over those of the file it ``extends`` (recursively), each file
    checked on its own; baseline paths made absolute against the file that names them."""
    resolved = path.resolve()
    if resolved in seen:
        chain = " -> ".join(str(item) for item in (*seen, resolved))
        raise ConfigError(f"{path}: extends: a loop ({chain})")
    user, prefix = _user_settings(path)
    check(user, "config", str(path), prefix)
    user = dict(user)
    if "baseline" in user:
        items = [user["baseline"]] if isinstance(user["baseline"], str) else user["baseline"]
        user["baseline"] = [str(path.parent / Path(item).expanduser()) for item in items]
    parent = user.pop("extends", None)
    if parent is None:
        return user, prefix
    parent_path = path.parent / Path(parent).expanduser()
    if not parent_path.is_file():
        key = f"{prefix}.extends" if prefix else "extends"
        raise ConfigError(f"{path}: {key}: {parent_path}: no such settings file")
    inherited, _ = _layered(parent_path, (*seen, resolved))
    return _merge(inherited, user), prefix


def _merge(defaults: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(defaults)
    for key, value in user.items():
        if key == "metrics":
            metrics = merged.setdefault("metrics", {})
            for name, fields in value.items():
                metrics[name] = {**metrics.get(name, {}), **fields}
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _metric(name: str, fields: dict[str, Any], where: str, prefix: str) -> MetricDef:
    key = f"{prefix + '.' if prefix else ''}metrics.{name}"
    if "selector" not in fields:
        raise ConfigError(f"{where}: {key}.selector: missing (required)")
    try:
        selector = parse_selector(fields["selector"])
    except SelectorError as exc:
        raise ConfigError(f"{where}: {key}.selector: {exc}") from None
    return MetricDef(
        name=name,
        selector=selector,
        operation=fields.get("operation", False),
        guard=fields.get("guard", True),
        exact=fields.get("exact", True),
        required=fields.get("required", False),
        description=fields.get("description", ""),
        calls=fields.get("calls"),
        seconds=fields.get("seconds"),
        per_call_ms=fields.get("per_call_ms"),
    )


def _bands(raw: list[dict[str, Any]], where: str, prefix: str) -> tuple[Band, ...]:
    key = f"{prefix + '.' if prefix else ''}bands"
    bands = tuple(
        Band(
            decision=item["decision"],
            status=item["status"],
            action=item.get("action", ""),
            min_percent=item.get("min_percent"),
        )
        for item in raw
    )
    for index, band in enumerate(bands):
        last = index == len(bands) - 1
        if last and band.min_percent is not None:
            raise ConfigError(
                f"{where}: {key}[{index}].min_percent: the last band catches everything "
                "below the others; leave its min_percent out"
            )
        if not last and band.min_percent is None:
            raise ConfigError(
                f"{where}: {key}[{index}].min_percent: missing (only the last band "
                "may leave it out)"
            )
        if band.min_percent is not None and not math.isfinite(band.min_percent):
            raise ConfigError(f"{where}: {key}[{index}].min_percent: must be a finite number")
        if index and not last and band.min_percent >= bands[index - 1].min_percent:  # type: ignore[operator]
            raise ConfigError(
                f"{where}: {key}[{index}].min_percent: bands go from the highest minimum down"
            )
    return bands


def _ordered_range(value: list[float], where: str, key: str) -> tuple[float, float]:
    low, high = float(value[0]), float(value[1])
    if low > high:
        raise ConfigError(f"{where}: {key}: the first number must not exceed the second")
    return low, high


def build_config(
    user: dict[str, Any], *, where: str, prefix: str = "", base_dir: Path
) -> ValidateConfig:
    """Check ``user`` settings (a ``[tool.perfkit]`` table), merge them with the defaults."""
    check(user, "config", where, prefix)
    data = _merge(_defaults(), user)
    check(data, "config", where, prefix)

    def key(name: str) -> str:
        return f"{prefix}.{name}" if prefix else name

    metrics = tuple(
        _metric(name, fields, where, prefix)
        for name, fields in data.get("metrics", {}).items()
        if fields.get("enabled", True)
    )
    names = {metric.name for metric in metrics}
    target = data.get("target")
    if target is not None and target not in names:
        raise ConfigError(f"{where}: {key('target')}: {target!r} is not a metric")
    for index, category in enumerate(data.get("categories", ())):
        if category not in names:
            raise ConfigError(
                f"{where}: {key('categories')}[{index}]: {category!r} is not a metric"
            )
    raw_baseline = data.get("baseline", [])
    baseline = [raw_baseline] if isinstance(raw_baseline, str) else list(raw_baseline)
    guards = data["guards"]
    expected = data.get("expected_range_percent")
    window = data.get("predicted_window")
    return ValidateConfig(
        source=where,
        base_dir=base_dir,
        baseline=tuple(base_dir / Path(item).expanduser() for item in baseline),
        target=target,
        metrics=metrics,
        categories=tuple(data.get("categories", ())),
        bands=_bands(data["bands"], where, prefix),
        expected_range_percent=None
        if expected is None
        else _ordered_range(expected, where, key("expected_range_percent")),
        window_seconds=None
        if window is None
        else _ordered_range(window["seconds"], where, key("predicted_window.seconds")),
        window_reference_total=None if window is None else float(window["reference_total_seconds"]),
        scenarios_percent=tuple(float(value) for value in data["scenarios_percent"]),
        audit_tolerance_percent=float(data["audit"]["tolerance_percent"]),
        guards=Guards(**guards),
        significance_test=data["significance"]["test"],
        alpha=float(data["significance"]["alpha"]),
        exit_codes=dict(data["exit_codes"]),
        top_changes=int(data.get("top_changes", 15)),
    )


def with_targets(config: ValidateConfig, selectors: Sequence[str]) -> ValidateConfig:
    """``config`` with one call-count metric per selector (named by its text, must match in at
    least one profile), the first of them the target; ``--target`` on the command line."""
    if not selectors:
        return config
    defined = {metric.name: metric for metric in config.metrics}
    for text in selectors:
        try:
            selector = parse_selector(text)
        except SelectorError as exc:
            raise ConfigError(f"--target {text!r}: {exc}") from None
        defined[text] = MetricDef(
            name=text, selector=selector, description="--target", required=True
        )
    return attrs.evolve(
        config,
        metrics=tuple(defined.values()),
        target=selectors[0],
        targets_given=tuple(selectors),
    )


def load_config(
    path: str | Path | None = None, *, start: str | Path | None = None
) -> ValidateConfig:
    """Settings from ``path`` (a perfkit.toml or pyproject.toml), else the nearest settings file
    from ``start`` (default: the current folder) upwards, else the defaults."""
    if path is not None:
        settings: Path | None = Path(path)
        if not settings.is_file():
            problem = "is a directory, not a config file" if settings.is_dir() else "no such file"
            raise ConfigError(f"{settings}: {problem}")
    else:
        settings = find_settings(Path(start) if start is not None else Path.cwd())
    if settings is None:
        return build_config({}, where="built-in defaults", base_dir=Path.cwd())
    user, prefix = _layered(settings)
    config = build_config(user, where=str(settings), prefix=prefix, base_dir=settings.parent)
    return attrs.evolve(config, implicit=path is None)


_MAX_SETTINGS_BYTES = 4 * 1024 * 1024


@cache
def schema(name: str) -> dict[str, Any]:
    """The packaged JSON Schema ``schemas/<name>.schema.json``."""
    text = resources.files("perfkit.validate").joinpath(f"schemas/{name}.schema.json").read_text()
    return json.loads(text)


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """The parsed TOML document at ``path``; ``what`` names it in errors ("config", "spec")."""
    try:
        if path.stat().st_size > _MAX_SETTINGS_BYTES:
            raise ConfigError(f"{path}: {what} file larger than {_MAX_SETTINGS_BYTES} bytes")
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such {what} file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a {what} file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the {what} file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a TOML {what} file (not UTF-8 text)") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def key_path(parts: Any, prefix: str = "") -> str:
    """``["metrics", "x", "calls"]`` -> ``metrics.x.calls``; list indexes as ``bands[1]``."""
    text = prefix
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"


def _describe(error: jsonschema.ValidationError) -> tuple[list[Any], str]:
    """The key an error is about, and what is wrong with it, in plain words."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - allowed)
        known = ", ".join(sorted(allowed))
        return [*path, extra[0]], f"unknown key (known here: {known})"
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return [*path, missing], "missing (required)"
    if error.validator == "propertyNames":
        return (
            path,
            f"bad name {error.instance!r} (letters, digits, _ . -; not starting with a digit)",
        )
    if error.validator in ("enum", "const"):
        return path, f"{error.instance!r} is not one of {error.validator_value}"
    if error.validator == "not" and path and path[0] == "exit_codes":
        return path, "2 is reserved for usage and input errors"
    if error.validator == "oneOf":
        return path, f"{error.instance!r}: expected a string or a list of strings"
    return path, error.message


def check(document: Any, schema_name: str, where: str, prefix: str = "") -> None:
    """Raise ``ConfigError`` for the most telling problem of ``document``, naming its key."""
    validator = jsonschema.Draft202012Validator(schema(schema_name))
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        path, problem = _describe(error)
        raise ConfigError(f"{where}: {key_path(path, prefix)}: {problem}")
