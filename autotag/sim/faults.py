"""Fault injection: 5xx answers, 429s, slow answers, dropped connections, by a spec string.

Spec: comma-separated ``name=value``; rates are fractions (``0.05``) or percentages (``5%``) of
requests to /api (ping and version excepted), and add up to at most 1:

    5xx=0.05,429=0.02,slow=0.01,drop=0.01,slow_factor=10,seed=7

Whether a request fails is decided by a hash of (seed, method, path, query, body, how many times
that same request was seen before): deterministic whatever the interleaving of concurrent
requests, and a retry of a failed request gets a fresh draw. 5xx and 429 answer at once without
touching the library; ``drop`` applies the request, then closes the connection before the answer
(the client cannot know whether the write happened); ``slow`` multiplies the latency.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import attrs

from autotag.errors import ConfigError

KINDS = ("5xx", "429", "slow", "drop")
SERVER_ERRORS = (500, 502, 503)


@attrs.frozen
class FaultSpec:
    server_error: float = 0.0
    rate_limited: float = 0.0
    slow: float = 0.0
    drop: float = 0.0
    slow_factor: float = 10.0
    seed: int = 0

    @property
    def active(self) -> bool:
        return any(rate > 0 for rate in self.rates())

    def rates(self) -> tuple[float, float, float, float]:
        return (self.server_error, self.rate_limited, self.slow, self.drop)

    @classmethod
    def parse(cls, spec: str | None) -> FaultSpec:
        """Parse a spec string; raises ConfigError with the offending part."""
        if spec is None or not spec.strip():
            return cls()
        fields = {"5xx": "server_error", "429": "rate_limited", "slow": "slow", "drop": "drop"}
        values: dict[str, float | int] = {}
        for part in spec.split(","):
            name, sep, raw = part.strip().partition("=")
            name, raw = name.strip(), raw.strip()
            if not sep or not raw:
                raise ConfigError(f"fault spec: expected name=value, got {part.strip()!r}")
            if name in fields:
                values[fields[name]] = _rate(name, raw)
            elif name == "slow_factor":
                factor = _number(name, raw)
                if factor < 1:
                    raise ConfigError(f"fault spec: slow_factor must be >= 1, got {raw}")
                values["slow_factor"] = factor
            elif name == "seed":
                try:
                    values["seed"] = int(raw)
                except ValueError:
                    raise ConfigError(f"fault spec: seed must be an integer, got {raw!r}") from None
            else:
                known = ", ".join([*fields, "slow_factor", "seed"])
                raise ConfigError(f"fault spec: unknown fault {name!r} (known: {known})")
        result = cls(**values)  # type: ignore[arg-type]
        if sum(result.rates()) > 1.0 + 1e-9:
            raise ConfigError(f"fault spec: the rates add up to more than 1 in {spec!r}")
        return result

    def __str__(self) -> str:
        parts = [
            f"{kind}={rate:g}" for kind, rate in zip(KINDS, self.rates(), strict=True) if rate > 0
        ]
        if self.slow > 0:
            parts.append(f"slow_factor={self.slow_factor:g}")
        if parts:
            parts.append(f"seed={self.seed}")
        return ",".join(parts) or "none"


def _number(name: str, raw: str) -> float:
    try:
        return float(raw[:-1]) / 100.0 if raw.endswith("%") else float(raw)
    except ValueError:
        raise ConfigError(f"fault spec: {name} must be a number, got {raw!r}") from None


def _rate(name: str, raw: str) -> float:
    rate = _number(name, raw)
    if not 0.0 <= rate <= 1.0:
        raise ConfigError(f"fault spec: {name} must be between 0 and 1 (or 0% and 100%), got {raw}")
    return rate


class FaultInjector:
    """Decides, per request, which fault (if any) it gets, and counts what it injected."""

    def __init__(self, spec: FaultSpec) -> None:
        self.spec = spec
        self._seen: Counter[bytes] = Counter()
        self.injected: Counter[str] = Counter()

    def draw(self, request_key: bytes) -> str | None:
        if not self.spec.active:
            return None
        occurrence = self._seen[request_key]
        self._seen[request_key] = occurrence + 1
        material = b"%d|%d|" % (self.spec.seed, occurrence) + request_key
        value = int.from_bytes(hashlib.blake2b(material, digest_size=8).digest(), "big")
        point = value / 2.0**64
        threshold = 0.0
        for kind, rate in zip(KINDS, self.spec.rates(), strict=True):
            threshold += rate
            if point < threshold:
                self.injected[kind] += 1
                return kind
        return None

    def server_error_status(self, request_key: bytes) -> int:
        digest = hashlib.blake2b(b"status|" + request_key, digest_size=1).digest()
        return SERVER_ERRORS[digest[0] % len(SERVER_ERRORS)]
