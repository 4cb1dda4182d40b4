"""Client-side request instrumentation: requests and seconds per operation.

The harness reads it into the run sidecar (``http`` block of ``perfkit.run/1``) and may reset it
between phases. Thread-safe, so one client can be shared by a small worker pool.
"""

from __future__ import annotations

import threading
from typing import Any

import attrs


@attrs.define
class OperationStats:
    """Totals for one operation (keyed by the client's snake_case method name)."""

    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    retries: int = 0


class RequestStats:
    """Per-operation request counts, seconds (round trip incl. body) and failed requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._operations: dict[str, OperationStats] = {}

    def record(self, operation: str, seconds: float, *, ok: bool) -> None:
        with self._lock:
            entry = self._operations.get(operation)
            if entry is None:
                entry = self._operations[operation] = OperationStats()
            entry.requests += 1
            entry.seconds += seconds
            if not ok:
                entry.errors += 1

    def record_retry(self, operation: str) -> None:
        """A failed request of ``operation`` is about to be sent again."""
        with self._lock:
            entry = self._operations.get(operation)
            if entry is None:
                entry = self._operations[operation] = OperationStats()
            entry.retries += 1

    @property
    def total_retries(self) -> int:
        with self._lock:
            return sum(entry.retries for entry in self._operations.values())

    def operations(self) -> dict[str, OperationStats]:
        """A copy of the per-operation totals, sorted by operation name."""
        with self._lock:
            return {name: attrs.evolve(self._operations[name]) for name in sorted(self._operations)}

    def requests(self, operation: str) -> int:
        with self._lock:
            entry = self._operations.get(operation)
            return entry.requests if entry else 0

    @property
    def total_requests(self) -> int:
        with self._lock:
            return sum(entry.requests for entry in self._operations.values())

    @property
    def total_seconds(self) -> float:
        with self._lock:
            return sum(entry.seconds for entry in self._operations.values())

    def reset(self) -> None:
        with self._lock:
            self._operations.clear()

    def as_dict(self) -> dict[str, Any]:
        """The sidecar's ``http`` block: total_requests, total_seconds, operations."""
        operations = self.operations()
        return {
            "total_requests": sum(entry.requests for entry in operations.values()),
            "total_seconds": round(sum(entry.seconds for entry in operations.values()), 6),
            "total_retries": sum(entry.retries for entry in operations.values()),
            "operations": {
                name: {
                    "requests": entry.requests,
                    "seconds": round(entry.seconds, 6),
                    "errors": entry.errors,
                    "retries": entry.retries,
                }
                for name, entry in operations.items()
            },
        }
