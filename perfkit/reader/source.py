"""Read a profile's bytes from disk (regular files only); undo gzip, found by its magic number.

A plain file is only checked and its first bytes read (``open_input``): the process that
decodes it reads the rest."""

from __future__ import annotations

import os
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path

from perfkit.reader.problem import FormatProblem

#: Far above any real profile (100,000 functions take about 13 MB).
MAX_PROFILE_BYTES = 512 * 1024 * 1024
#: gzip makes a pstats file 2 to 30 times smaller; deflate packs repeated bytes 1,000 times.
#: A gzip file may inflate to this many times its size, or to ``MIN_INFLATED_LIMIT`` bytes.
MAX_INFLATION = 200
MIN_INFLATED_LIMIT = 64 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
_SLICE = 8 * 1024 * 1024
#: Bytes of a file read up front: enough to recognise gzip and what a non-profile file is.
HEAD_BYTES = 64


@dataclass(frozen=True)
class OnDisk:
    """A checked, uncompressed profile file that is read where it is decoded.

    The reading child reads it itself, so neither the parent nor a child decoding another
    file holds its bytes; ``head`` (its first bytes) names what a non-profile file is.
    """

    path: Path
    size: int
    head: bytes

    def read(self) -> bytes:
        return read_bytes(self.path)


#: A profile to decode: a file its decoder reads, or bytes already in memory.
Input = OnDisk | bytes


def input_size(source: Input) -> int:
    return source.size if isinstance(source, OnDisk) else len(source)


def input_head(source: Input) -> bytes:
    """The first bytes of ``source`` (all of them for bytes in memory)."""
    return source.head if isinstance(source, OnDisk) else source


def input_bytes(source: Input) -> bytes:
    """All of ``source``: a file is read now."""
    return source.read() if isinstance(source, OnDisk) else source


def _checked_size(path: Path, limit: int) -> int:
    """The size of the regular file at ``path``; ``FormatProblem`` for anything else."""
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
    return info.st_size


def open_input(path: Path) -> OnDisk | bytes:
    """The file to read later (``OnDisk``), or a gzip file's bytes (for ``decompress``)."""
    size = _checked_size(path, MAX_PROFILE_BYTES)
    try:
        head = _read_at_most(path, HEAD_BYTES, HEAD_BYTES)
    except OSError as exc:
        raise FormatProblem(f"cannot read it ({exc.strerror or exc})") from None
    if head.startswith(_GZIP_MAGIC):
        return read_bytes(path)
    return OnDisk(path, size, head)


def read_bytes(path: Path, limit: int = MAX_PROFILE_BYTES) -> bytes:
    """The file's bytes; ``FormatProblem`` for anything that is not a readable regular file."""
    size = _checked_size(path, limit)
    try:
        data = _read_at_most(path, min(size, limit) + 1, limit + 1)
    except OSError as exc:
        raise FormatProblem(f"cannot read it ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise FormatProblem(f"is more than the {limit}-byte limit")
    return data


def _read_at_most(path: Path, expected: int, most: int) -> bytes:
    """Up to ``most`` bytes of the file: ``expected`` of them (its size and one more) at once,
    then - if it grew since it was measured - a slice at a time.  Asking for ``most`` at once
    would reserve that much memory whatever the file's size."""
    parts: list[bytes] = []
    size, request = 0, min(expected, most)
    with open(path, "rb") as handle:
        while request:
            part = handle.read(request)
            parts.append(part)
            size += len(part)
            if len(part) < request:  # the end of the file
                break
            request = min(_SLICE, most - size)
    return b"".join(parts)


def decompress(data: bytes, limit: int = MAX_PROFILE_BYTES) -> bytes:
    """``data`` itself, or its gzip content, refusing output beyond ``limit`` or beyond
    ``MAX_INFLATION`` times its size (a gzip bomb) - whichever is less.  It inflates a slice
    at a time, so that a bomb costs no more memory than the limit."""
    if not data.startswith(_GZIP_MAGIC):
        return data
    limit = min(limit, max(MIN_INFLATED_LIMIT, MAX_INFLATION * len(data)))
    out: list[bytes] = []
    size = 0
    rest = data
    try:
        while rest:
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            pending = rest
            while True:
                chunk = inflater.decompress(pending, min(_SLICE, limit + 1 - size))
                size += len(chunk)
                if size > limit:
                    raise FormatProblem(
                        f"decompresses to more than the {limit}-byte limit for a "
                        f"{len(data)}-byte gzip file"
                    )
                out.append(chunk)
                pending = inflater.unconsumed_tail
                if inflater.eof or not (pending or chunk):
                    break
            if not inflater.eof:
                raise FormatProblem("truncated gzip data")
            rest = inflater.unused_data
    except zlib.error as exc:
        raise FormatProblem(f"corrupt gzip data ({exc})") from None
    return b"".join(out)
