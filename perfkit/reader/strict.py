"""A strict, pure-Python decoder of the marshal format, for pstats files only.

It understands what marshal writes for Python 2.7 and 3.x (string codes ``s t R u`` of Python 2,
the reference flag and ``r`` references of Python 3, text and binary floats) and returns plain
dicts, tuples, strings, ints and floats.  Every size read from the file is checked against the
bytes that are left before anything is allocated, nesting is bounded and nothing is imported or
executed, so a hostile file costs time and memory proportional to its length and no more.
Dict keys may only be what pstats writes - a string, a 64-bit integer or a tuple of at most
three of them - because hashing a key made of shared nested tuples takes time exponential in its
size, and large integers can be chosen to collide in the hash table.  Where CPython's marshal
and this decoder could read the same bytes differently (text codes, references, text floats),
this one reads them as marshal does, so that both paths of the reader give the same profile.

Code objects are refused, except in the one place where real profiles hold one: the pure-Python
``profile`` module writes a key ``('profile', 0, <code object>)`` (a long-standing CPython quirk).
There the code object is read field by field, without being built, and replaced by a readable
string such as ``<code object <module> prog.py:1>``.  Its layout depends on the Python version
that wrote the file; each known layout is tried in turn and checked by the types of its fields.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from typing import Any

from perfkit.reader.problem import FormatProblem

_FLAG_REF = 0x80
_MAX_DEPTH = 64
_MAX_INT_DIGITS = 1000  # 15-bit digits: far beyond any count or time a profile holds
_INCOMPLETE = object()  # a reference slot whose container is still being read

_PYTHON3_CODES = frozenset(b"aAzZ)r")
_NO_REFERENCE = frozenset(b"NTF.r")  # marshal gives these no reference index, flag or not
_CONTAINERS = frozenset(b"()[<>{")
_KEY_ITEMS = 3  # (file, line, name)
_INT64 = range(-(2**63), 2**63)
# What C's PyOS_string_to_double takes (no whitespace, no underscores, no hex), as marshal does.
_FLOAT_TEXT = re.compile(
    rb"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|inf|infinity|nan)", re.IGNORECASE
)
_INT32 = struct.Struct("<i")
_BINARY_INT64 = struct.Struct("<q")
_DOUBLE = struct.Struct("<d")

# Code object layouts: the number of raw 4-byte header fields, then the marshalled fields in
# order, each with the Python type it must decode to ("line" is a raw 4-byte first line number).
_CODE_LAYOUTS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    (
        "3.11+",
        5,
        ("code", "tuple", "tuple", "tuple", "code", "str", "str", "str", "line", "code", "code"),
    ),
    (
        "3.8-3.10",
        6,
        ("code", "tuple", "tuple", "tuple", "tuple", "tuple", "str", "str", "line", "code"),
    ),
    (
        "3.0-3.7",
        5,
        ("code", "tuple", "tuple", "tuple", "tuple", "tuple", "str", "str", "line", "code"),
    ),
    ("2.7", 4, ("code", "tuple", "tuple", "tuple", "tuple", "tuple", "str", "str", "line", "code")),
)
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "code": (bytes, str),  # Python 2 byte strings decode to str here
    "tuple": (tuple,),
    "str": (str,),
}


class _Decoder:
    """One pass over one file's bytes; ``problem`` messages name the byte offset."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.refs: list[Any] = []
        self.interned: list[str] = []  # Python 2 string references ('R')
        self.code_layout: int | None = None
        self.byte_strings = 0  # 's' items: text in Python 2 files, bytes in Python 3 files
        self.python3 = False  # saw a feature only Python 3.4+ marshal writes
        self.in_code = 0
        self.readers: dict[int, Callable[[int, int, bool], Any]] = {
            ord("i"): self._int32,
            ord("I"): self._int64,
            ord("l"): self._long,
            ord("g"): self._binary_float,
            ord("f"): self._text_float,
            ord("y"): self._binary_complex,
            ord("x"): self._text_complex,
            ord("u"): self._text,
            ord("t"): self._text,
            ord("a"): self._ascii,
            ord("A"): self._ascii,
            ord("z"): self._short_ascii,
            ord("Z"): self._short_ascii,
            ord("s"): self._byte_string,
            ord("R"): self._string_ref,
            ord("r"): self._ref,
            ord("("): self._tuple,
            ord(")"): self._small_tuple,
            ord("["): self._list,
            ord("<"): self._list,
            ord(">"): self._list,
            ord("{"): self._dict,
            ord("N"): lambda *_: None,
            ord("T"): lambda *_: True,
            ord("F"): lambda *_: False,
            ord("."): lambda *_: Ellipsis,
        }

    # -- low level ---------------------------------------------------------------------------

    def fail(self, message: str, at: int | None = None) -> FormatProblem:
        return FormatProblem(f"{message} at byte {self.pos if at is None else at}")

    def take(self, size: int) -> bytes:
        end = self.pos + size
        if size < 0 or end > len(self.data):
            raise self.fail(
                f"truncated: {size} more bytes needed, {len(self.data) - self.pos} left"
            )
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def raw_int32(self) -> int:
        return _INT32.unpack(self.take(4))[0]

    def size(self, minimum_item_bytes: int = 1) -> int:
        start = self.pos
        count = self.raw_int32()
        if count < 0 or count * minimum_item_bytes > len(self.data) - self.pos:
            raise self.fail(f"impossible size {count}", start)
        return count

    # -- objects -----------------------------------------------------------------------------

    def read(self, depth: int = 0, allow_code: bool = False) -> Any:
        if depth > _MAX_DEPTH:
            raise self.fail("nesting deeper than any profile")
        start = self.pos
        code = self.take(1)[0]
        flag, kind = code & _FLAG_REF, code & ~_FLAG_REF
        if flag or kind in _PYTHON3_CODES:
            self.python3 = True
        if kind == ord("c"):
            if not allow_code:
                raise self.fail(
                    "a code object (pstats files hold none; refusing to decode it)", start
                )
            return self._code(depth, flag)
        if kind == ord("0"):
            raise self.fail("unexpected end-of-dict marker", start)
        reader = self.readers.get(kind)
        if reader is None:
            raise self.fail(f"unknown marshal type code 0x{code:02x}", start)
        if kind in _CONTAINERS:
            return reader(depth, flag, allow_code)
        value = reader(depth, flag, allow_code)
        if flag and kind not in _NO_REFERENCE:
            self.refs.append(value)
        if kind == ord("t") and not flag:
            self.interned.append(value)  # Python 2 interned strings are referenced by 'R'
        return value

    def _int32(self, *_: object) -> int:
        return self.raw_int32()

    def _int64(self, *_: object) -> int:
        return _BINARY_INT64.unpack(self.take(8))[0]

    def _long(self, *_: object) -> int:
        start = self.pos
        digits = self.raw_int32()
        if abs(digits) > _MAX_INT_DIGITS:
            raise self.fail(f"integer of {abs(digits)} digits", start)
        chunk = self.take(2 * abs(digits))
        value = 0
        for index in range(abs(digits) - 1, -1, -1):
            digit = chunk[2 * index] | chunk[2 * index + 1] << 8
            if digit >= 1 << 15:
                raise self.fail("bad integer digit", start)
            value = value << 15 | digit
        return -value if digits < 0 else value

    def _binary_float(self, *_: object) -> float:
        return _DOUBLE.unpack(self.take(8))[0]

    def _float_text(self) -> float:
        start = self.pos
        text = self.take(self.take(1)[0]).split(b"\0", 1)[0]  # C reads up to a NUL byte
        if not _FLOAT_TEXT.fullmatch(text):
            raise self.fail("unreadable float", start)
        return float(text)

    def _text_float(self, *_: object) -> float:
        return self._float_text()

    def _binary_complex(self, *_: object) -> complex:
        real, imag = struct.unpack("<dd", self.take(16))
        return complex(real, imag)

    def _text_complex(self, *_: object) -> complex:
        return complex(self._float_text(), self._float_text())

    def _text(self, *_: object) -> str:
        """UTF-8 as marshal writes it (lone surrogates included); Python 2's interned byte
        strings may hold any bytes, kept as ``surrogateescape`` does."""
        chunk = self.take(self.size())
        try:
            return chunk.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return chunk.decode("utf-8", "surrogateescape")

    def _byte_string(self, *_: object) -> str:
        """Python 2's byte strings: file names in whatever encoding, like ``os.fsdecode``."""
        if not self.in_code:  # code objects hold byte strings in every version
            self.byte_strings += 1
        return self.take(self.size()).decode("utf-8", "surrogateescape")

    # CPython's marshal builds its ASCII types one byte per character without checking that
    # the bytes are ASCII: a damaged file reads as Latin-1, and so does it here.
    def _ascii(self, *_: object) -> str:
        return self.take(self.size()).decode("latin-1")

    def _short_ascii(self, *_: object) -> str:
        return self.take(self.take(1)[0]).decode("latin-1")

    def _string_ref(self, *_: object) -> str:
        start = self.pos
        index = self.raw_int32()
        if not 0 <= index < len(self.interned):
            raise self.fail(f"string reference {index} out of range", start)
        return self.interned[index]

    def _ref(self, *_: object) -> Any:
        start = self.pos
        index = self.raw_int32()
        if not 0 <= index < len(self.refs):
            raise self.fail(f"object reference {index} out of range", start)
        value = self.refs[index]
        if value is _INCOMPLETE:
            raise self.fail("reference to an object that contains itself", start)
        return value

    def _reserve(self, flag: int) -> int | None:
        if not flag:
            return None
        self.refs.append(_INCOMPLETE)
        return len(self.refs) - 1

    def _items(self, count: int, depth: int, allow_code: bool) -> list[Any]:
        items: list[Any] = []
        for index in range(count):
            # The profile module's key ('profile', 0, <code>) is the only home of a code object.
            code_here = allow_code or (count == 3 and index == 2 and items == ["profile", 0])
            items.append(self.read(depth + 1, code_here))
        return items

    def _sequence(self, count: int, depth: int, flag: int, allow_code: bool) -> Any:
        slot = self._reserve(flag)
        value = tuple(self._items(count, depth, allow_code))
        if slot is not None:
            self.refs[slot] = value
        return value

    def _tuple(self, depth: int, flag: int, allow_code: bool) -> tuple:
        return self._sequence(self.size(), depth, flag, allow_code)

    def _small_tuple(self, depth: int, flag: int, allow_code: bool) -> tuple:
        return self._sequence(self.take(1)[0], depth, flag, allow_code)

    def _list(self, depth: int, flag: int, allow_code: bool) -> tuple:
        # Lists and sets only occur inside code objects; their contents are never used.
        if not self.in_code:
            raise self.fail("a list or set, which pstats files hold none of", self.pos - 1)
        return self._sequence(self.size(), depth, flag, allow_code)

    def _dict(self, depth: int, flag: int, allow_code: bool) -> dict:
        slot = self._reserve(flag)
        value: dict = {}
        while True:
            if self.pos >= len(self.data):
                raise self.fail("truncated: dict without its end marker")
            if self._end_marker():
                break
            key_at = self.pos
            seen = (self.byte_strings, self.python3)
            key = self.read(depth + 1, allow_code)
            if self._end_marker():  # marshal ends the dict there too, dropping the key
                self.byte_strings, self.python3 = seen  # ... and nothing of it reaches the profile
                break
            self._check_key(key, key_at)
            value[key] = self.read(depth + 1, allow_code)
        if slot is not None:
            self.refs[slot] = value
        return value

    def _end_marker(self) -> bool:
        """Step over a dict's end marker ``0`` if one is next (marshal ignores its flag bit)."""
        if self.pos < len(self.data) and self.data[self.pos] & ~_FLAG_REF == ord("0"):
            self.pos += 1
            return True
        return False

    def _check_key(self, key: Any, at: int) -> None:
        """Refuse keys that could cost more to hash or compare than the bytes they took."""
        items = key if type(key) is tuple and len(key) <= _KEY_ITEMS else (key,)
        for item in items:
            if not (type(item) is str or (type(item) is int and item in _INT64)):
                kind = "an integer beyond 64 bits" if type(item) is int else type(item).__name__
                raise self.fail(f"a dict key that is not a (file, line, name) tuple ({kind})", at)

    # -- the profile module's code object ----------------------------------------------------

    def _code(self, depth: int, flag: int) -> str:
        """The code object's summary.  All code objects of a file share one layout: the first
        one found fixes it, and while a layout is tried, nested code objects are read with that
        layout only (trying every layout at every level would take exponential time)."""
        start = self.pos
        slot = self._reserve(flag)
        known = self.code_layout
        layouts = range(len(_CODE_LAYOUTS)) if known is None else (known,)
        for layout in layouts:
            saved = (self.pos, len(self.refs), len(self.interned), self.python3)
            self.in_code += 1
            self.code_layout = layout
            try:
                summary = self._code_fields(layout, depth)
            except FormatProblem:
                self.pos = saved[0]
                del self.refs[saved[1] :]
                del self.interned[saved[2] :]
                self.python3 = saved[3]
                self.code_layout = known
                continue
            finally:
                self.in_code -= 1
            if slot is not None:
                self.refs[slot] = summary
            return summary
        raise self.fail("a code object of no known layout", start - 1)

    def _code_fields(self, layout: int, depth: int) -> str:
        _, header_fields, fields = _CODE_LAYOUTS[layout]
        self.take(4 * header_fields)
        values: dict[str, list[Any]] = {"str": [], "line": []}
        for field in fields:
            if field == "line":
                values["line"].append(self.raw_int32())
                continue
            value = self.read(depth + 1, allow_code=True)
            if not isinstance(value, _FIELD_TYPES[field]):
                raise self.fail("code object field of the wrong type")
            values.setdefault(field, []).append(value)
        filename, name = values["str"][0], values["str"][1]
        return f"<code object {name} {filename}:{values['line'][0]}>"


def decode(data: bytes) -> Any:
    """Decode one marshalled object that must fill ``data`` exactly."""
    decoder = _Decoder(data)
    if not data:
        raise FormatProblem("empty file")
    value = decoder.read()
    if decoder.pos != len(data):
        raise decoder.fail(f"{len(data) - decoder.pos} bytes of trailing data")
    if decoder.byte_strings and decoder.python3:
        raise FormatProblem("holds byte strings where pstats files hold text")
    return value
