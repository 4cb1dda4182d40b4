"""A small client for the simulator's /_sim control endpoints."""

from __future__ import annotations

from typing import Any

import httpx

from autotag.errors import AutotagError


class SimControlError(AutotagError):
    """A control request failed (the simulator is down, or refused a setting)."""


class SimControl:
    """Read statistics and state of a simulator, reset it, change its latency or faults."""

    def __init__(
        self, base_url: str, api_key: str, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        root = base_url.rstrip("/")
        root = root[: -len("/api")] if root.endswith("/api") else root
        self._http = httpx.Client(
            base_url=root,
            headers={"x-api-key": api_key},
            timeout=httpx.Timeout(60.0, connect=5.0),
            transport=transport,
        )

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        try:
            response = self._http.request(method, path, json=body)
        except httpx.TransportError as exc:
            raise SimControlError(f"simulator control {path}: {exc}") from exc
        if response.status_code != 200:
            try:
                message = response.json().get("message", response.text)
            except ValueError:
                message = response.text
            raise SimControlError(
                f"simulator control {path}: HTTP {response.status_code}: {message}"
            )
        return response.json()

    def stats(self) -> dict[str, Any]:
        return self._call("GET", "/_sim/stats")

    def state(self) -> dict[str, Any]:
        return self._call("GET", "/_sim/state")

    def digest(self) -> str:
        """``sha256:...`` of the canonical state."""
        return self._call("GET", "/_sim/digest")["digest"]

    def digest_parts(self) -> dict[str, str]:
        return self._call("GET", "/_sim/digest")["parts"]

    def reset(self) -> str:
        """Regenerate the library and clear counters; returns the fresh digest."""
        return self._call("POST", "/_sim/reset")["digest"]

    def config(self) -> dict[str, Any]:
        return self._call("GET", "/_sim/config")

    def configure(self, **changes: Any) -> dict[str, Any]:
        """Change time_scale, jitter, contention, workers, latency_seed, max_in_flight,
        retry_after or faults (a spec string)."""
        return self._call("POST", "/_sim/config", changes)

    def info(self) -> dict[str, Any]:
        return self._call("GET", "/_sim/info")

    def close(self) -> None:
        self._http.close()
