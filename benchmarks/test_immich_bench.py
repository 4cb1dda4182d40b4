"""Client parsing and dataset generation, next to references measured in the same run.

Read the pairs as ratios: DTO parsing of a search page against ``json.loads`` of the same page
(the floor any client pays), generating the ``small`` library against building its state dump.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from autotag.immich.dto import SearchPage
from autotag.sim.dataset import PRESETS, generate
from autotag.sim.inprocess import InProcessSimulator
from autotag.sim.snapshot import state_dump


@pytest.fixture(scope="module")
def page_bytes() -> bytes:
    with InProcessSimulator() as sim, sim.client() as client:
        return client._session._http.post("/search/metadata", json={"size": 250}).content


def test_reference_json_loads_of_a_search_page(benchmark: Any, page_bytes: bytes) -> None:
    benchmark(json.loads, page_bytes)


def test_search_page_to_dtos(benchmark: Any, page_bytes: bytes) -> None:
    page = benchmark(lambda: SearchPage.from_json(json.loads(page_bytes)))
    assert len(page.items) == 250


def test_generate_small_library(benchmark: Any) -> None:
    library = benchmark.pedantic(generate, args=(PRESETS["small"],), rounds=5)
    assert len(library.assets) == PRESETS["small"].assets


def test_reference_state_dump_of_the_small_library(benchmark: Any) -> None:
    library = generate(PRESETS["small"])
    benchmark.pedantic(state_dump, args=(library,), rounds=5)
