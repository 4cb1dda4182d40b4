"""Engine configuration: rules, conversions and the switches of the six per-asset steps.

A config file (YAML or TOML) is checked against a JSON Schema before it becomes attrs objects, so
that a typo or a wrong type stops the run with one line naming the key, before any request.
Sections a file leaves out take the defaults of ``default_config.yaml``.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import yaml

from autotag.errors import ConfigError

_NAMES = {"type": "array", "items": {"type": "string", "minLength": 1}}
_RULE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "description": {"type": "string"},
        "tag_names": _NAMES,
        "album_name_patterns": _NAMES,
        "asset_links": _NAMES,
    },
}
_TAG = {"type": "string", "minLength": 1}


def _section(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "properties": properties}


SCHEMA: dict[str, Any] = _section(
    {
        "classification": _section(
            {
                "rules": {"type": "array", "items": {**_RULE, "required": ["name"]}},
                "unknown_tag": _TAG,
                "conflict_tag": _TAG,
            }
        ),
        "conversions": _section(
            {
                "enabled": {"type": "boolean"},
                "items": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["source", "destination"],
                        "properties": {
                            "name": {"type": "string"},
                            "source": _RULE,
                            "destination": _section({"album_names": _NAMES, "tag_names": _NAMES}),
                            "mode": {"enum": ["move", "copy"]},
                        },
                    },
                },
            }
        ),
        "duplicate_processing": _section(
            {
                "enabled": {"type": "boolean"},
                "classification_conflict_tag": _TAG,
                "album_conflict_tag": _TAG,
                "date_correction": _section(
                    {
                        "enabled": {"type": "boolean"},
                        "extraction_timezone": {"type": "string"},
                    }
                ),
            }
        ),
        "album_assignment": _section(
            {
                "enabled": {"type": "boolean"},
                "create_album_from_date_if_missing": {"type": "boolean"},
                "temp_album_suffix": _TAG,
                "temp_album_max_span_days": {"type": "integer", "minimum": 0},
            }
        ),
        "album_detection_from_folders": _section(
            {
                "enabled": {"type": "boolean"},
                "excluded_paths": _NAMES,
                "conflict_tag": _TAG,
            }
        ),
        "album_date_consistency": _section(
            {
                "enabled": {"type": "boolean"},
                "mismatch_tag": _TAG,
                "threshold_days": {"type": "integer", "minimum": 0},
            }
        ),
    }
)


@attrs.frozen
class Rule:
    """One classification rule; it matches when any criterion hits."""

    name: str
    tag_names: frozenset[str] = frozenset()
    album_name_patterns: tuple[re.Pattern[str], ...] = ()
    asset_links: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.tag_names or self.album_name_patterns or self.asset_links)


@attrs.frozen
class Conversion:
    name: str
    source: Rule
    album_names: tuple[str, ...]
    tag_names: tuple[str, ...]
    move: bool


@attrs.frozen
class EngineConfig:
    rules: tuple[Rule, ...]
    unknown_tag: str
    conflict_tag: str
    conversions_enabled: bool
    conversions: tuple[Conversion, ...]
    duplicates_enabled: bool
    duplicate_classification_conflict_tag: str
    duplicate_album_conflict_tag: str
    date_correction_enabled: bool
    extraction_timezone: str
    album_assignment_enabled: bool
    create_album_from_date_if_missing: bool
    temp_album_suffix: str
    temp_album_max_span_days: int
    folder_detection_enabled: bool
    folder_excluded_paths: tuple[re.Pattern[str], ...]
    folder_conflict_tag: str
    album_date_consistency_enabled: bool
    album_date_mismatch_tag: str
    album_date_threshold_days: int

    @property
    def output_tags(self) -> tuple[str, ...]:
        """Tag names the engine writes itself (before per-duplicate-group suffixes)."""
        return (
            self.unknown_tag,
            self.conflict_tag,
            self.duplicate_classification_conflict_tag,
            self.duplicate_album_conflict_tag,
            self.folder_conflict_tag,
            self.album_date_mismatch_tag,
        )

    @property
    def rule_tag_names(self) -> frozenset[str]:
        """Every tag name that some rule matches on (the "classification tags")."""
        return frozenset().union(*(rule.tag_names for rule in self.rules))


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _asset_link_id(link: str, where: str) -> str:
    """An asset link is a UUID or an Immich URL whose last `/photos/<uuid>` names the asset."""
    found = _UUID.findall(link)
    if not found:
        raise ConfigError(f"{where}: {link!r} holds no asset UUID")
    return found[-1].lower()


def _compile(pattern: str, where: str, flags: int = 0) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise ConfigError(f"{where}: bad regular expression {pattern!r} ({exc})") from None


def _rule(data: dict[str, Any], where: str, default_name: str) -> Rule:
    rule = Rule(
        name=data.get("name", default_name),
        tag_names=frozenset(data.get("tag_names", ())),
        album_name_patterns=tuple(
            _compile(p, f"{where}.album_name_patterns[{i}]")
            for i, p in enumerate(data.get("album_name_patterns", ()))
        ),
        asset_links=frozenset(
            _asset_link_id(link, f"{where}.asset_links[{i}]")
            for i, link in enumerate(data.get("asset_links", ()))
        ),
    )
    if rule.is_empty:
        raise ConfigError(f"{where}: a rule needs tag_names, album_name_patterns or asset_links")
    return rule


def _default_document() -> dict[str, Any]:
    text = resources.files("autotag.engine").joinpath("default_config.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def _read_document(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: config is not UTF-8 text") from None
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else yaml.safe_load(text)
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(
            f"{path}: not valid {path.suffix.lstrip('.') or 'YAML'}: {first}"
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a config file must hold a mapping of sections")
    return data


def _location(error: jsonschema.ValidationError) -> str:
    parts = []
    for item in error.absolute_path:
        parts.append(f"[{item}]" if isinstance(item, int) else f".{item}")
    return "".join(parts).lstrip(".") or "(top level)"


def _validate(document: dict[str, Any], source: str) -> None:
    validator = jsonschema.Draft7Validator(SCHEMA)
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        raise ConfigError(f"{source}: {_location(error)}: {error.message}")


def load_config(path: str | Path | None = None) -> EngineConfig:
    """Load a config file (YAML or TOML), or the default when ``path`` is None."""
    defaults = _default_document()
    if path is None:
        return build_config(defaults, "default config")
    path = Path(path)
    document = _read_document(path)
    _validate(document, str(path))
    merged = {**defaults, **document}
    return build_config(merged, str(path))


def build_config(document: dict[str, Any], source: str) -> EngineConfig:
    """Turn a (schema-valid) config document into an :class:`EngineConfig`."""
    _validate(document, source)
    defaults = _default_document()

    def section(name: str) -> dict[str, Any]:
        return {**defaults.get(name, {}), **document.get(name, {})}

    classification = section("classification")
    conversions = section("conversions")
    duplicates = section("duplicate_processing")
    date_correction = {
        **defaults["duplicate_processing"]["date_correction"],
        **duplicates.get("date_correction", {}),
    }
    assignment = section("album_assignment")
    folders = section("album_detection_from_folders")
    consistency = section("album_date_consistency")

    rules = tuple(
        _rule(rule, f"{source}: classification.rules[{i}]", f"rule{i}")
        for i, rule in enumerate(classification.get("rules", ()))
    )
    items = []
    for i, item in enumerate(conversions.get("items", ())):
        where = f"{source}: conversions.items[{i}]"
        destination = item["destination"]
        name = item.get("name", f"conversion{i}")
        if not destination.get("album_names") and not destination.get("tag_names"):
            raise ConfigError(f"{where}.destination: needs album_names or tag_names")
        items.append(
            Conversion(
                name=name,
                source=_rule(item["source"], f"{where}.source", name),
                album_names=tuple(destination.get("album_names", ())),
                tag_names=tuple(destination.get("tag_names", ())),
                move=item.get("mode", "move") == "move",
            )
        )
    _check_timezone(date_correction["extraction_timezone"], source)
    return EngineConfig(
        rules=rules,
        unknown_tag=classification["unknown_tag"],
        conflict_tag=classification["conflict_tag"],
        conversions_enabled=conversions["enabled"],
        conversions=tuple(items),
        duplicates_enabled=duplicates["enabled"],
        duplicate_classification_conflict_tag=duplicates["classification_conflict_tag"],
        duplicate_album_conflict_tag=duplicates["album_conflict_tag"],
        date_correction_enabled=date_correction["enabled"],
        extraction_timezone=date_correction["extraction_timezone"],
        album_assignment_enabled=assignment["enabled"],
        create_album_from_date_if_missing=assignment["create_album_from_date_if_missing"],
        temp_album_suffix=assignment["temp_album_suffix"],
        temp_album_max_span_days=assignment["temp_album_max_span_days"],
        folder_detection_enabled=folders["enabled"],
        folder_excluded_paths=tuple(
            _compile(
                p, f"{source}: album_detection_from_folders.excluded_paths[{i}]", re.IGNORECASE
            )
            for i, p in enumerate(folders.get("excluded_paths", ()))
        ),
        folder_conflict_tag=folders["conflict_tag"],
        album_date_consistency_enabled=consistency["enabled"],
        album_date_mismatch_tag=consistency["mismatch_tag"],
        album_date_threshold_days=consistency["threshold_days"],
    )


def _check_timezone(name: str, source: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{source}: duplicate_processing.date_correction.extraction_timezone: "
            f"unknown time zone {name!r}"
        ) from None
