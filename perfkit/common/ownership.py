"""Did perfkit write this file? Recognised from the file's own content, never from its name.

Every format perfkit writes either names perfkit inside it, or has a signature only perfkit's
files carry:

=================  =============================================================================
HTML report/page   ``<meta name="generator" content="perfkit ...">``
JSON               a ``"schema": "perfkit.<kind>/N"`` of perfkit's own (verdict, diff, profile,
                   history, butterfly, calls; not ``perfkit.run``: autotag writes sidecars), or
                   speedscope's ``"exporter": "perfkit ..."``
JUnit XML          ``<testsuites name="perfkit">``
Markdown           the closing line ``_perfkit VERSION · exit code N_``
PNG / SVG / PDF    the image's Software / Creator metadata ``perfkit ...`` (a flame graph:
                   its ``<desc>perfkit ...``)
Parquet            the key-value metadata ``generator = perfkit ...`` in the footer
pprof (.pb.gz)     the comment ``perfkit VERSION export of NAME`` in its string table
CSV                the header of a perfkit table (functions, edges, history runs)
=================  =============================================================================

Folded stacks (``collapsed``) and pstats copies have no room for a marker and look exactly like
other tools' files, so they are never recognised: an existing one is replaced only with
``--force``.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

GENERATOR = "perfkit"
_EDGE = 64 * 1024  # bytes read from each end of a file
_PPROF_LIMIT = 256 * 1024 * 1024  # decompressed bytes searched for the pprof comment

_HTML = re.compile(rb'<meta\s+name="generator"\s+content="perfkit[\s"]')
_JSON = re.compile(
    rb'"schema":\s*"perfkit\.(?:verdict|diff|profile|history|butterfly|calls)/\d+"'
    rb'|"exporter":\s*"perfkit[\s"]'
)
_JUNIT = re.compile(rb'<testsuites\s+name="perfkit"')
_MARKDOWN = re.compile(rb"\n_perfkit [^\n]* \xc2\xb7 exit code -?\d+_\n*\Z")
_IMAGE = re.compile(rb"Software\x00perfkit |<dc:title>perfkit |<desc>perfkit |/Creator \(perfkit ")
_PARQUET = re.compile(rb"generator[\x00-\xff]{1,8}perfkit ")
_PPROF = re.compile(rb"perfkit [\x21-\x7e]{1,40} export of ")
_CSV_HEADERS = (
    b"id,file,line,name,module,function,builtin,label,",
    b"edge,caller,callee,caller_label,callee_label,",
    b"run,path,name,time,time_source,",
)


def _ends(path: Path) -> tuple[bytes, bytes]:
    with path.open("rb") as stream:
        head = stream.read(_EDGE)
        size = stream.seek(0, 2)
        if size <= _EDGE:
            return head, head
        stream.seek(max(size - _EDGE, 0))
        return head, stream.read()


def _parquet_footer(path: Path, tail: bytes) -> bytes:
    """The footer (schema and key-value metadata) of a Parquet file, however long it is."""
    length = int.from_bytes(tail[-8:-4], "little")
    with path.open("rb") as stream:
        size = stream.seek(0, 2)
        stream.seek(max(size - 8 - length, 0))
        return stream.read(length)


def _pprof_names_perfkit(path: Path) -> bool:
    """Search the decompressed profile.proto for perfkit's comment, chunk by chunk."""
    inflater = zlib.decompressobj(wbits=31)
    carry = b""
    seen = 0
    with path.open("rb") as stream:
        while seen < _PPROF_LIMIT and (chunk := stream.read(1 << 20)):
            try:
                data = carry + inflater.decompress(chunk, _PPROF_LIMIT)
            except zlib.error:
                return False
            if _PPROF.search(data):
                return True
            seen += len(data) - len(carry)
            carry = data[-64:]
    return False


def written_by_perfkit(path: str | Path) -> bool:
    """True when ``path`` is a file whose content shows that perfkit wrote it."""
    path = Path(path)
    try:
        head, tail = _ends(path)
        if head.startswith(b"PAR1") and tail.endswith(b"PAR1"):
            return bool(_PARQUET.search(_parquet_footer(path, tail)))
        if head.startswith(b"\x1f\x8b"):
            return _pprof_names_perfkit(path)
    except OSError:
        return False
    if head.startswith(_CSV_HEADERS):
        return True
    return any(
        pattern.search(part)
        for pattern, part in (
            (_HTML, head),
            (_JSON, head),
            (_JSON, tail),
            (_JUNIT, head),
            (_MARKDOWN, tail),
            (_IMAGE, head),
            (_IMAGE, tail),
        )
    )
