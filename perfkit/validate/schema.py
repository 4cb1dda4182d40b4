"""Read TOML settings files and check them against perfkit's JSON Schemas.

Every problem becomes one ``ConfigError`` line that names the file and the key:
``perfkit.toml: metrics.get_asset_info.selctor: unknown key``.
"""

from __future__ import annotations

import json
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from perfkit.errors import ConfigError

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
