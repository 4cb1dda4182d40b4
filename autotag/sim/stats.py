"""Server-side request accounting: per-operation requests, seconds and statuses."""

from __future__ import annotations

from collections import Counter
from typing import Any

import attrs


@attrs.define
class ServedOperation:
    requests: int = 0
    seconds: float = 0.0
    statuses: Counter[int] = attrs.field(factory=Counter)


class ServerStats:
    """Counts what the simulator served. Only touched from the server's event loop."""

    def __init__(self) -> None:
        self.operations: dict[str, ServedOperation] = {}
        self.connections: set[tuple[str, int]] = set()
        self.peak_in_flight = 0
        self.rejected_over_limit = 0

    def record(self, operation: str, seconds: float, status: int) -> None:
        entry = self.operations.get(operation)
        if entry is None:
            entry = self.operations[operation] = ServedOperation()
        entry.requests += 1
        entry.seconds += seconds
        entry.statuses[status] += 1

    def as_dict(self, *, in_flight: int, faults: Counter[str]) -> dict[str, Any]:
        operations = {
            name: {
                "requests": entry.requests,
                "seconds": round(entry.seconds, 6),
                "statuses": {str(code): count for code, count in sorted(entry.statuses.items())},
            }
            for name, entry in sorted(self.operations.items())
        }
        return {
            "total_requests": sum(entry.requests for entry in self.operations.values()),
            "total_seconds": round(sum(entry.seconds for entry in self.operations.values()), 6),
            "operations": operations,
            "in_flight": in_flight,
            "peak_in_flight": self.peak_in_flight,
            "connections": len(self.connections),
            "rejected_over_limit": self.rejected_over_limit,
            "faults_injected": dict(sorted(faults.items())),
        }
