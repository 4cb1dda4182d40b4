"""The fuzz tests' marshal writer against CPython's own marshal: this interpreter's for the
Python 3 forms, Python 2.7's for the Python 2 ones (``s``/``t``/``R`` strings, ``I`` ints).

Both sides reduce a value to the same canonical text (``CANON`` runs on Python 2 and 3), so the
streams the fuzz tests build are known to mean what they are meant to.  Code objects are left
out: the reader only names them, and the committed ``profile``-module files cover them.
"""

from __future__ import annotations

import binascii
import marshal
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests.perfkit.fuzz_inputs import Stream, pstats_streams
from tests.perfkit.marshal_writer import PY2, PY3, Code

CANON = """
import binascii

def canon(value):
    kind = type(value).__name__
    if kind == "tuple":
        return "(" + ",".join(canon(item) for item in value) + ")"
    if kind == "dict":
        items = sorted(canon(key) + ":" + canon(item) for key, item in value.items())
        return "{" + ",".join(items) + "}"
    if kind == "float":
        return "f" + repr(value)
    if kind in ("int", "long"):
        return "i%d" % value
    if kind in ("str", "unicode", "bytes"):
        if not isinstance(value, bytes):
            value = value.encode("utf-8", "surrogatepass")
        return "s" + binascii.hexlify(value).decode("ascii")
    return repr(value)
"""
_PYTHON2_READER = (
    CANON
    + """
import marshal, sys
for line in sys.stdin:
    print(canon(marshal.loads(binascii.unhexlify(line.strip()))))
"""
)
PYTHON2 = next(iter(sorted(Path("/root/.pyenv/versions").glob("2.7*/bin/python"))), None)

namespace: dict[str, Any] = {}
exec(CANON, namespace)
canon = namespace["canon"]


def has_code(value: Any) -> bool:
    if isinstance(value, Code):
        return True
    if type(value) is dict:
        return any(has_code(key) or has_code(item) for key, item in value.items())
    return type(value) is tuple and any(map(has_code, value))


def streams(dialect: str, count: int) -> list[Stream]:
    """``count`` hypothesis-made streams of ``dialect`` without code objects."""
    found: list[Stream] = []

    @settings(max_examples=count, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(stream=pstats_streams(dialect))
    def collect(stream: Stream) -> None:
        if not has_code(stream.value):
            found.append(stream)

    collect()
    return found


def test_python3_forms_read_back_with_this_marshal() -> None:
    for stream in streams(PY3, 150):
        assert canon(marshal.loads(stream.data)) == canon(stream.value)


@pytest.mark.skipif(PYTHON2 is None, reason="no Python 2.7 under /root/.pyenv/versions")
def test_python2_forms_read_back_with_python2_marshal() -> None:
    found = streams(PY2, 150)
    lines = "".join(binascii.hexlify(stream.data).decode() + "\n" for stream in found)
    result = subprocess.run(
        [str(PYTHON2), "-c", _PYTHON2_READER],
        input=lines,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.splitlines() == [canon(stream.value) for stream in found]
