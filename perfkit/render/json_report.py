"""The verdict as JSON (schema ``perfkit.verdict/1``; ``perfkit/validate/schemas``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from perfkit.common.output import write_text


def verdict_json(verdict: dict[str, Any]) -> str:
    """Strict JSON (no NaN); non-ASCII and odd characters as \\u escapes, so any name survives."""
    return json.dumps(verdict, indent=1, ensure_ascii=True, allow_nan=False) + "\n"


def write_json(verdict: dict[str, Any], path: str | Path) -> Path:
    return write_text(Path(path), verdict_json(verdict), "JSON verdict")
