"""Read a profile's bytes from disk (regular files only); undo gzip, found by its magic number."""

from __future__ import annotations

import os
import stat
import zlib
from pathlib import Path

from perfkit.reader.problem import FormatProblem

#: Far above any real profile (100,000 functions take about 13 MB).
MAX_PROFILE_BYTES = 512 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"


def read_bytes(path: Path, limit: int = MAX_PROFILE_BYTES) -> bytes:
    """The file's bytes; ``FormatProblem`` for anything that is not a readable regular file."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise FormatProblem("no such file") from None
    except OSError as exc:
        raise FormatProblem(f"cannot read it ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise FormatProblem("is a directory, not a profile")
    if not stat.S_ISREG(info.st_mode):
        raise FormatProblem("is not a regular file")
    if info.st_size > limit:
        raise FormatProblem(f"is {info.st_size} bytes, more than the {limit}-byte limit")
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise FormatProblem(f"cannot read it ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise FormatProblem(f"is more than the {limit}-byte limit")
    return data


def decompress(data: bytes, limit: int = MAX_PROFILE_BYTES) -> bytes:
    """``data`` itself, or its gzip content, refusing output beyond ``limit`` (a gzip bomb)."""
    if not data.startswith(_GZIP_MAGIC):
        return data
    out: list[bytes] = []
    size = 0
    rest = data
    try:
        while rest:
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            chunk = inflater.decompress(rest, limit + 1 - size)
            while True:
                size += len(chunk)
                if size > limit:
                    raise FormatProblem(f"decompresses to more than the {limit}-byte limit")
                out.append(chunk)
                if not inflater.unconsumed_tail:
                    break
                chunk = inflater.decompress(inflater.unconsumed_tail, limit + 1 - size)
            if not inflater.eof:
                raise FormatProblem("truncated gzip data")
            rest = inflater.unused_data
    except zlib.error as exc:
        raise FormatProblem(f"corrupt gzip data ({exc})") from None
    return b"".join(out)
