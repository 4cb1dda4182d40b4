"""The fast path: CPython's ``marshal`` in a forked child process, under limits.

``marshal.loads`` is written in C and is several times faster than any Python decoder, but it
trusts its input: a 5-byte file can make it allocate 16 GB, and a crafted code object can crash
the interpreter.  So it runs in a child forked from this process (no interpreter start-up cost)
whose address space is capped with ``RLIMIT_AS`` and whose CPU time is capped with
``RLIMIT_CPU``; the parent also enforces a wall-clock deadline.  Both limits grow with the file
(``time_budget``): a small file that keeps marshal busy for seconds is hostile - shared nested
tuples as a dict key take exponential time to hash - and is better left to the strict decoder,
which refuses it at once.  The child reads a plain file itself (the parent only checked it and
read its first bytes, so no child holds the other files' bytes), checks the shape,
flattens it to columns and sends them back as fixed-width arrays (``raw.encode``), so the parent
never decodes the file itself.  Any failure of the child - a marshal error, a wrong shape, a
crash, a limit - only means "use the strict decoder", which then gives the exact verdict.

Forking a process that has pandas loaded costs a few milliseconds, more than decoding a small
profile, so one child decodes several consecutive files (up to 64, about 4 MiB, at least one
child per CPU): a history of thousands of runs takes a few dozen children, not thousands.  A
file the child cannot decode costs only itself; results completed before a child died stand.

Limits of this design: it needs ``os.fork`` (Linux and other POSIX systems; elsewhere the strict
decoder does all the work, slower but safely), and forking a process that runs other threads is
only safe because the child touches nothing but ``marshal`` and plain Python objects.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import itertools
import marshal
import math
import os
import selectors
import signal
import struct
import sys
import time
import warnings

from perfkit.reader.problem import FormatProblem
from perfkit.reader.raw import RawStats, decode, encode_parts
from perfkit.reader.shape import edge_budget, flatten
from perfkit.reader.source import Input, input_bytes, input_size

try:
    import resource
except ImportError:  # pragma: no cover - not POSIX
    resource = None  # type: ignore[assignment]

#: Memory the child may use on top of what it inherits: decoded objects take roughly
#: 12-20 times the file size; anything far beyond that is a hostile size field.
_BASE_BUDGET = 256 * 1024 * 1024
_BYTES_PER_INPUT_BYTE = 40
#: Inputs one child takes at most (see ``_groups``), and the bytes it should take at most.
_GROUP_FILES = 64
_GROUP_BYTES = 4 * 1024 * 1024
_LENGTH = struct.Struct("<Q")
_FAILED = (1 << 64) - 1  # the length written for an input the child could not decode
#: The child decodes, checks and flattens about 5 MB a second; it may take five times that
#: long, and a second more (a hundred times what a small file needs) on a busy machine.
_BASE_SECONDS = 1.0
_SECONDS_PER_INPUT_BYTE = 1e-6


def time_budget(data_size: int) -> float:
    """Wall-clock (and CPU) seconds a child may take on a file of ``data_size`` bytes."""
    return _BASE_SECONDS + _SECONDS_PER_INPUT_BYTE * data_size


def available() -> bool:
    """Whether the fast path can run on this platform."""
    return hasattr(os, "fork") and resource is not None and sys.platform.startswith("linux")


def _current_vm_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _limit_child(data_size: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash or SIGXCPU leaves no core file
    budget = _BASE_BUDGET + _BYTES_PER_INPUT_BYTE * data_size
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _current_vm_bytes() + budget
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or limit < soft:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
    used = int(time.process_time()) + 1
    cpu = used + math.ceil(time_budget(data_size))
    if cpu_hard != resource.RLIM_INFINITY:
        cpu = min(cpu, cpu_hard)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu_hard))


def _loads(data: bytes) -> object:
    """``marshal.loads`` that also refuses bytes after the object, as the strict decoder does.

    marshal ignores trailing bytes (so ``cat a.stats b.stats`` would read as ``a.stats``).  A
    pstats file ends with the dict's end marker, and the object ends exactly at the last byte
    when decoding all but that byte fails.
    """
    options = {"allow_code": False} if sys.version_info >= (3, 13) else {}
    if data[-1:] != b"0":
        raise ValueError("does not end like a dict")
    try:  # first, so that the two decoded objects are never in memory at once
        marshal.loads(memoryview(data)[:-1], **options)
    except (EOFError, ValueError, TypeError):
        return marshal.loads(data, **options)
    raise ValueError("trailing data")


def _child(datas: list[Input], write_fd: int) -> None:
    """Runs in the forked child; never returns.

    Writes, for each input in order, its columns blob after an 8-byte length, or the
    ``_FAILED`` length alone for an input the strict decoder must judge."""
    status = 1
    try:
        gc.disable()  # the child exits soon; collections would only slow marshal down
        faulthandler.disable()  # a crash of marshal is an answer here, not news for stderr
        _limit_child(sum(map(input_size, datas)))
        for data in datas:
            _write_all(write_fd, _answer(data))
        status = 0
    except BaseException:  # any failure means: let the strict decoder decide
        status = 1
    finally:
        os._exit(status)


def _answer(source: Input) -> list[memoryview]:
    """The frame the child writes for one input: its length, then its columns' buffers."""
    try:
        data = input_bytes(source)
        parts = encode_parts(flatten(_loads(data), max_edges=edge_budget(len(data))))
    except Exception:  # this input only; the next one starts afresh
        return [memoryview(_LENGTH.pack(_FAILED))]
    return [memoryview(_LENGTH.pack(sum(part.nbytes for part in parts))), *parts]


def _write_all(fd: int, parts: list[memoryview]) -> None:
    for part in parts:
        while part:
            part = part[os.write(fd, part) :]


def _spawn(datas: list[Input]) -> tuple[int, int]:
    """Fork a child decoding ``datas``; returns (pid, read end of its pipe)."""
    read_fd, write_fd = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns about forking a multi-threaded process; the child only runs
        # marshal and plain Python code, which take no lock another thread could hold.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, which must never leave here
            try:
                os.close(read_fd)
                _child(datas, write_fd)
            finally:
                os._exit(1)
    os.close(write_fd)
    return pid, read_fd


def _groups(datas: list[Input], width: int) -> list[list[Input]]:
    """Consecutive inputs shared out among children: at least one child per CPU, and more
    as needed to keep each one under ``_GROUP_FILES`` inputs and about ``_GROUP_BYTES``."""
    total = sum(map(input_size, datas))
    count = max(width, math.ceil(len(datas) / _GROUP_FILES), math.ceil(total / _GROUP_BYTES))
    count = min(count, len(datas))
    bounds = [round(len(datas) * index / count) for index in range(count + 1)]
    return [datas[start:end] for start, end in itertools.pairwise(bounds)]


def decode_isolated_many(datas: list[Input], timeout: float | None = None) -> list[RawStats | None]:
    """Decode ``datas`` in limited children running side by side.

    Forking costs more than decoding a small file, so one child decodes several consecutive
    inputs (``_groups``); children never outnumber the CPUs, and each one's output is read as
    it comes so that none blocks on a full pipe.  A window of children may take ``timeout``
    seconds, by default the ``time_budget`` of its largest group.  An entry is ``None`` when
    its child could not produce columns for it.
    """
    results: list[RawStats | None] = []
    width = max(1, os.cpu_count() or 1)
    groups = _groups(datas, width)
    for start in range(0, len(groups), width):
        window = groups[start : start + width]
        largest = max(sum(map(input_size, group)) for group in window)
        seconds = timeout if timeout is not None else time_budget(largest)
        try:
            results += _decode_batch(window, seconds)
        except (OSError, MemoryError):  # no pipe, process or buffer: the strict decoder decides
            results += [None] * sum(len(group) for group in window)
    return results


def _frames(output: bytearray, count: int) -> list[RawStats | None]:
    """The ``count`` results a child wrote; results it did not finish are ``None``."""
    results: list[RawStats | None] = []
    position = 0
    while len(results) < count and position + _LENGTH.size <= len(output):
        (length,) = _LENGTH.unpack_from(output, position)
        position += _LENGTH.size
        if length == _FAILED:
            results.append(None)
            continue
        if position + length > len(output):
            break
        raw = None
        with contextlib.suppress(FormatProblem):
            raw = decode(memoryview(output)[position : position + length])
        results.append(raw)
        position += length
    return results + [None] * (count - len(results))


def _decode_batch(groups: list[list[Input]], timeout: float) -> list[RawStats | None]:
    children: dict[int, tuple[int, bytearray, int]] = {}  # read fd -> (pid, output, inputs)
    done: set[int] = set()
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        try:
            for group in groups:
                pid, read_fd = _spawn(group)
                children[read_fd] = (pid, bytearray(), len(group))
                selector.register(read_fd, selectors.EVENT_READ)
            while len(done) < len(children) and time.monotonic() < deadline:
                for key, _ in selector.select(deadline - time.monotonic()):
                    chunk = os.read(key.fd, 1 << 20)
                    if chunk:
                        children[key.fd][1].extend(chunk)
                    else:
                        done.add(key.fd)
                        selector.unregister(key.fd)
        finally:
            for fd, (pid, _, _) in children.items():
                if fd not in done:  # deadline passed, or this process was interrupted
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                    selector.unregister(fd)
                os.close(fd)
                os.waitpid(pid, 0)
    # every complete result stands on its own, even if its child died later on
    results: list[RawStats | None] = []
    for _, output, count in children.values():
        results += _frames(output, count)
    return results


def decode_isolated(data: bytes, timeout: float | None = None) -> RawStats | None:
    """Decode ``data`` in a limited child; ``None`` when the child could not produce columns."""
    return decode_isolated_many([data], timeout)[0]
