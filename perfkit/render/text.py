"""Make any string safe to show: profile-derived names can contain anything.

``visible`` replaces control characters (C0, DEL, C1), lone surrogates and the Unicode line and
paragraph separators by a visible escape (``\\x07``, ``\\u2028``), so that a function name can
neither break a table, a terminal, nor an XML file, and what it really contains stays readable.
Markup escaping (HTML, Markdown, XML) is the renderer's job, on top of this.
"""

from __future__ import annotations

import re

_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
ELLIPSIS = "…"


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object) -> str:
    """``text`` as a string with every invisible or unencodable character escaped."""
    return _INVISIBLE.sub(_escape, str(text))


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, ending in an ellipsis when cut."""
    if limit <= 1 or len(text) <= limit:
        return text[: max(limit, 0)] if len(text) > limit else text
    return text[: limit - 1] + ELLIPSIS


def label(text: object, limit: int = 160) -> str:
    """A profile-derived label for display: visible, and cut to ``limit`` characters."""
    return shorten(visible(text), limit)
