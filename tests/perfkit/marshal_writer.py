"""A small marshal writer for the reader's fuzz tests.

CPython 3's ``marshal.dumps`` writes only one way of encoding each value.  The reader also has to
take what Python 2 wrote (``s``/``t``/``R`` strings, ``I`` ints, text floats) and every
encoding Python 3 may choose (short and ASCII strings, the reference flag and ``r``
back-references, small tuples), plus the ``profile`` module's code-object key.  This writer
encodes a plain value with encodings picked by a ``choose`` callback (drawn by hypothesis), so
that generated streams reach every branch of both decoders.  ``Code`` stands for a code object;
the reader names it ``<code object NAME FILE:LINE>``.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

FLAG_REF = 0x80
PY2, PY3 = "py2", "py3"

#: Code-object layouts by the Python versions that wrote them: raw 4-byte header fields, then
#: the marshalled fields in order ("line" is the raw 4-byte first line number).
CODE_LAYOUTS: dict[str, tuple[int, tuple[str, ...]]] = {
    "2.7": (
        4,
        ("code", "tuple", "tuple", "tuple", "tuple", "tuple", "file", "name", "line", "code"),
    ),
    "3.0-3.7": (
        5,
        ("code", "tuple", "tuple", "tuple", "tuple", "tuple", "file", "name", "line", "code"),
    ),
    "3.8-3.10": (
        6,
        ("code", "tuple", "tuple", "tuple", "tuple", "tuple", "file", "name", "line", "code"),
    ),
    "3.11+": (
        5,
        ("code", "tuple", "tuple", "tuple", "code", "file", "name", "name", "line", "code", "code"),
    ),
}


@dataclass(frozen=True)
class Code:
    """A code object as the ``profile`` module's key holds it; only these parts are read."""

    file: str
    name: str
    line: int
    bytecode: bytes = b"d\x00S\x00"
    consts: tuple = ()

    @property
    def label(self) -> str:
        return f"<code object {self.name} {self.file}:{self.line}>"


def identity(value: Any) -> Any:
    """A key telling apart values that ``==`` confuses (1, 1.0, True; 0.0, -0.0; nan)."""
    if type(value) is tuple:
        return ("tuple", tuple(identity(item) for item in value))
    if type(value) is float:
        return ("float", struct.pack("<d", value))
    if type(value) is dict:
        return ("dict", id(value))  # never written twice here
    return (type(value).__name__, value)


def decoded(value: Any) -> Any:
    """What the reader makes of ``value``: code objects become their label."""
    if isinstance(value, Code):
        return value.label
    if type(value) is tuple:
        return tuple(decoded(item) for item in value)
    if type(value) is dict:
        return {decoded(key): decoded(item) for key, item in value.items()}
    return value


class Writer:
    """Encode values in one dialect (``PY2`` or ``PY3``); ``choose(n)`` picks one of n ways."""

    def __init__(self, dialect: str, choose: Callable[[int], int], code_layout: str) -> None:
        self.dialect = dialect
        self.choose = choose
        self.code_layout = code_layout
        self.out = bytearray()
        self.refs: dict[Any, int] = {}  # identity of a finished flagged object -> its index
        self.ref_count = 0
        self.interned: dict[str, int] = {}  # Python 2 interned strings -> an 'R' index
        self.interned_count = 0

    # -- helpers -----------------------------------------------------------------------------

    def int32(self, value: int) -> None:
        self.out += struct.pack("<i", value)

    def code_byte(self, code: str, flag: bool) -> None:
        self.out.append(ord(code) | (FLAG_REF if flag else 0))

    def _flag(self) -> bool:
        return self.dialect == PY3 and self.choose(3) == 0

    def _reserve(self, flag: bool) -> int | None:
        if not flag:
            return None
        self.ref_count += 1
        return self.ref_count - 1

    def _back_reference(self, value: Any) -> bool:
        index = self.refs.get(identity(value)) if self.dialect == PY3 else None
        if index is None or self.choose(2) == 0:
            return False
        self.out += b"r" + struct.pack("<i", index)
        return True

    def _finish(self, value: Any, slot: int | None) -> None:
        if slot is not None:
            self.refs.setdefault(identity(value), slot)

    # -- values ------------------------------------------------------------------------------

    def write(self, value: Any) -> bytes:
        self.value(value)
        return bytes(self.out)

    def value(self, value: Any) -> None:
        writers = {
            Code: self.code,
            dict: self.dict,
            tuple: self.tuple,
            str: self.str,
            int: self.int,
            float: self.float,
            bytes: self.byte_string,
            type(None): self.none,
        }
        writers[type(value)](value)

    def none(self, _: None) -> None:
        self.out += b"N"

    def byte_string(self, value: bytes) -> None:
        self.out += b"s"
        self.int32(len(value))
        self.out += value

    def dict(self, value: dict) -> None:
        flag = self._flag()
        self._reserve(flag)  # a flagged dict takes an index; nothing refers back to it here
        self.code_byte("{", flag)
        for key, item in value.items():
            self.value(key)
            self.value(item)
        self.out += b"0"

    def tuple(self, value: tuple) -> None:
        if self._back_reference(value):
            return
        flag = self._flag()
        slot = self._reserve(flag)
        if self.dialect == PY3 and len(value) < 256 and self.choose(2):
            self.code_byte(")", flag)
            self.out.append(len(value))
        else:
            self.code_byte("(", flag)
            self.int32(len(value))
        for item in value:
            self.value(item)
        self._finish(value, slot)

    def str(self, value: str) -> None:
        if self._back_reference(value):
            return
        data = value.encode("utf-8", "surrogatepass")
        if self.dialect == PY2:
            self._py2_str(value, data)
            return
        flag = self._flag()
        slot = self._reserve(flag)
        codes = ["u", "t"]
        if value.isascii():
            codes += ["a", "A"] + (["z", "Z"] if len(data) < 256 else [])
        code = codes[self.choose(len(codes))]
        self.code_byte(code, flag)
        if code in "zZ":
            self.out.append(len(data))
        else:
            self.int32(len(data))
        self.out += data
        self._finish(value, slot)

    def _py2_str(self, value: str, data: bytes) -> None:
        index = self.interned.get(value)
        if index is not None and self.choose(2):
            self.out += b"R"
            self.int32(index)
            return
        code = "stu"[self.choose(3)]
        if code == "t":  # each 't' takes the next index, even for a string seen before
            self.interned[value] = self.interned_count
            self.interned_count += 1
        self.out += code.encode()
        self.int32(len(data))
        self.out += data

    def int(self, value: int) -> None:
        if self._back_reference(value):
            return
        flag = self._flag()
        slot = self._reserve(flag)
        way = self.choose(3)
        if way == 0 and -(2**31) <= value < 2**31:
            self.code_byte("i", flag)
            self.int32(value)
        elif way == 1 and self.dialect == PY2 and -(2**63) <= value < 2**63:
            self.out += b"I" + struct.pack("<q", value)
        else:
            self.code_byte("l", flag)
            digits = []
            rest = abs(value)
            while rest:
                digits.append(rest & 0x7FFF)
                rest >>= 15
            self.int32(-len(digits) if value < 0 else len(digits))
            self.out += b"".join(struct.pack("<H", digit) for digit in digits)
        self._finish(value, slot)

    def float(self, value: float) -> None:
        if self._back_reference(value):
            return
        flag = self._flag()
        slot = self._reserve(flag)
        if self.choose(2):
            self.code_byte("g", flag)
            self.out += struct.pack("<d", value)
        else:
            text = repr(value).encode()
            self.code_byte("f", flag)
            self.out.append(len(text))
            self.out += text
        self._finish(value, slot)

    def code(self, value: Code) -> None:
        """A code object in this file's layout; only the reader's ``profile`` key holds one."""
        headers, fields = CODE_LAYOUTS[self.code_layout]
        flag = self._flag()
        self._reserve(flag)
        self.code_byte("c", flag)
        for number in range(headers):
            self.int32((number * 3 + value.line) % 8)  # small counts and flags, as real ones
        tuples = [value.consts]  # the first tuple holds the constants, nested code objects too
        for field in fields:
            if field == "code":
                self.value(value.bytecode)
            elif field == "tuple":
                self.tuple(tuples.pop() if tuples else ())
            elif field == "file":
                self.str(value.file)
            elif field == "name":
                self.str(value.name)
            else:
                self.int32(value.line)
