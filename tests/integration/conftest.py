"""A simulator in its own process on a loopback port (ci dataset, no delay), per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from autotag.sim.config import SimConfig
from autotag.sim.dataset import preset
from autotag.sim.server import RunningSimulator, running_simulator

API_KEY = "loopback-key-6d1e0b"


@pytest.fixture(scope="module")
def loopback() -> Iterator[RunningSimulator]:
    config = SimConfig(dataset=preset("ci"), time_scale=0.0, api_key=API_KEY, port=0)
    with running_simulator(config) as simulator:
        yield simulator


@pytest.fixture
def fresh(loopback: RunningSimulator) -> RunningSimulator:
    """The module's simulator, reset to its generated library and default settings."""
    loopback.control.configure(time_scale=0.0, faults="", max_in_flight=None, workers=8)
    loopback.control.reset()
    return loopback
