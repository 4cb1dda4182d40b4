"""perfkit finds Immich calls by function name: each operation is one client method, and no other
function in autotag has that name."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import autotag
from autotag.immich import ImmichClient
from autotag.immich.contract import OPERATIONS, load_contract

PACKAGE = Path(autotag.__file__).parent


def _definitions() -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found[node.name].append(str(path.relative_to(PACKAGE)))
    return found


def test_each_operation_is_defined_once_in_the_client() -> None:
    definitions = _definitions()
    for name in OPERATIONS:
        assert callable(getattr(ImmichClient, name)), name
        places = definitions[name]
        assert len(places) == 1, f"{name} is defined in {places}"
        assert places[0].startswith("immich/resources/"), places


def test_the_client_covers_the_contract() -> None:
    assert set(load_contract()["operations"]) <= set(OPERATIONS.values())
