"""Find and read the run sidecar (schema ``perfkit.run/1``, see docs/sidecar.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMA = "perfkit.run/1"
_MAX_SIDECAR_BYTES = 16 * 1024 * 1024


def sidecar_path(profile: Path) -> Path:
    """``run.stats`` -> ``run.json``; ``run.stats.gz`` -> ``run.json``; ``run`` -> ``run.json``."""
    name = profile.name
    if name.endswith(".gz"):
        name = name[: -len(".gz")]
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return profile.with_name(stem + ".json")


def read_sidecar(profile: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """The sidecar's content (or None) and warnings about a sidecar that could not be used.

    A missing sidecar is normal; a broken one is reported but never stops the profile loading.
    """
    path = sidecar_path(profile)
    if path == profile or not path.is_file():
        return None, []
    try:
        if path.stat().st_size > _MAX_SIDECAR_BYTES:
            return None, [f"{path}: sidecar larger than {_MAX_SIDECAR_BYTES} bytes; ignored"]
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return None, [f"{path}: unreadable sidecar ({exc}); ignored"]
    if not isinstance(content, dict) or content.get("schema") != SCHEMA:
        return None, [f"{path}: not a {SCHEMA} sidecar; ignored"]
    return content, []
