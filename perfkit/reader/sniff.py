"""Name what a file that is not a pstats profile probably is, for a clearer message."""

from __future__ import annotations

import re

_SIGNATURES = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\x7fELF", "an executable"),
    (b"SQLite format 3", "an SQLite database"),
)
_DICT_CODES = (ord("{"), ord("{") | 0x80)
# A JSON array, or an object that is empty or starts with a quoted key.  Not b"{0": that is an
# empty profile as Python 2's marshal writes it.
_JSON_START = re.compile(rb'\s*(\[|\{\s*["}])')


def not_a_profile(data: bytes) -> str | None:
    """A description such as ``"a PNG image"`` when ``data`` cannot start a pstats file."""
    for signature, name in _SIGNATURES:
        if data.startswith(signature):
            return name
    if data[:1] == b"\x80" and len(data) > 1 and data[1] <= 5:
        return "a pickle"
    text = all(32 <= byte < 127 or byte in b"\t\r\n" for byte in data[:64])
    if text and _JSON_START.match(data):
        return "JSON text"
    if data and data[0] not in _DICT_CODES:
        return "text" if text else f"data starting with {data[:8]!r}"
    return None
