"""SimConfig: everything that defines one simulator instance (dataset, key, latency, faults)."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

import attrs

from autotag.sim.dataset import PRESETS, DatasetParams
from autotag.sim.faults import FaultSpec
from autotag.sim.latency import DEFAULT_COSTS, Cost


def new_api_key() -> str:
    return secrets.token_urlsafe(24)


def _non_negative(instance: object, attribute: attrs.Attribute, value: float) -> None:
    if not value >= 0:
        raise ValueError(f"{attribute.name} must be >= 0, not {value}")


def _positive_or_none(instance: object, attribute: attrs.Attribute, value: int | None) -> None:
    if value is not None and value < 1:
        raise ValueError(f"{attribute.name} must be at least 1, not {value}")


@attrs.frozen(kw_only=True)
class SimConfig:
    """One simulator: its dataset, API key, latency model, limits and faults.

    ``time_scale`` multiplies every latency (1.0 = the seed's server, 0 = no delay).
    ``contention``: each extra request in flight adds this fraction of the service time.
    ``workers``: requests served at once (0 = no limit); others queue.
    ``max_in_flight``: more requests than this in flight -> 429 with Retry-After.
    ``retry_after``: the Retry-After of those 429s, in seconds at time scale 1 (scaled with it).
    ``overhead_ms`` + ``overhead_per_item_ms`` x items: taken off every modelled latency (not
    scaled): the time a request spends outside the server's delay (timer overshoot, loopback
    transport, the client decoding each returned asset), so that client-measured per-call times
    match the seed's figures, which include its own client's work.
    """

    dataset: DatasetParams = attrs.field(factory=lambda: PRESETS["small"])
    api_key: str = attrs.field(factory=new_api_key, repr=False)
    host: str = "127.0.0.1"
    port: int = 2283
    time_scale: float = attrs.field(default=1.0, validator=_non_negative)
    jitter: float = attrs.field(default=0.25, validator=_non_negative)
    contention: float = attrs.field(default=0.02, validator=_non_negative)
    workers: int = attrs.field(default=8, validator=_non_negative)
    latency_seed: int = 1
    max_in_flight: int | None = attrs.field(default=None, validator=_positive_or_none)
    retry_after: float = attrs.field(default=1.0, validator=_non_negative)
    overhead_ms: float = attrs.field(default=1.5, validator=_non_negative)
    overhead_per_item_ms: float = attrs.field(default=0.03, validator=_non_negative)
    faults: FaultSpec = attrs.field(factory=FaultSpec)
    costs: dict[str, Cost] = attrs.field(factory=lambda: dict(DEFAULT_COSTS))

    def to_json(self) -> dict[str, Any]:
        """A JSON-able form (it includes the API key: never log it)."""
        data = attrs.asdict(self, recurse=False)
        data["dataset"] = attrs.asdict(self.dataset)
        data["dataset"]["library_date"] = self.dataset.library_date.isoformat()
        data["faults"] = attrs.asdict(self.faults)
        data["costs"] = {
            name: [cost.base_ms, cost.per_item_ms] for name, cost in self.costs.items()
        }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SimConfig:
        values = dict(data)
        dataset = dict(values["dataset"])
        dataset["library_date"] = date.fromisoformat(dataset["library_date"])
        values["dataset"] = DatasetParams(**dataset)
        values["faults"] = FaultSpec(**values["faults"])
        values["costs"] = {name: Cost(*pair) for name, pair in values["costs"].items()}
        return cls(**values)

    def public(self) -> dict[str, Any]:
        """The settings without the API key (what /_sim/config shows)."""
        return {
            "dataset": self.dataset.name,
            "assets": self.dataset.assets,
            "dataset_seed": self.dataset.seed,
            "time_scale": self.time_scale,
            "jitter": self.jitter,
            "contention": self.contention,
            "workers": self.workers,
            "latency_seed": self.latency_seed,
            "max_in_flight": self.max_in_flight,
            "retry_after": self.retry_after,
            "overhead_ms": self.overhead_ms,
            "overhead_per_item_ms": self.overhead_per_item_ms,
            "faults": str(self.faults),
        }
