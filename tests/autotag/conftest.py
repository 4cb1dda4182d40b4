"""Fixtures: an in-process simulator (ci dataset, no delay) and a client bound to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from autotag.immich import ImmichClient
from autotag.sim.config import SimConfig
from autotag.sim.dataset import preset
from autotag.sim.inprocess import InProcessSimulator

API_KEY = "test-key-0f9c2d7e5b"


@pytest.fixture
def sim() -> Iterator[InProcessSimulator]:
    config = SimConfig(dataset=preset("ci"), time_scale=0.0, api_key=API_KEY)
    with InProcessSimulator(config) as simulator:
        yield simulator


@pytest.fixture
def client(sim: InProcessSimulator) -> Iterator[ImmichClient]:
    with sim.client() as immich:
        yield immich
