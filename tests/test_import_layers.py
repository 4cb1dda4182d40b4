"""The packages' import graphs, read with ``ast``: no cycles, and perfkit's layers import downwards.

Every import counts: module level, inside functions, and under ``if TYPE_CHECKING:`` (a cycle
that only type checkers see is still a cycle a reader has to untangle).  docs/conventions.md
draws the same map.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: perfkit's layers, lowest first.  A module may import any lower layer, and modules of its own
#: subpackage; nothing above it, and no other subpackage of its own layer.
PERFKIT_LAYERS = (
    ("perfkit.errors",),
    ("perfkit.common",),
    ("perfkit.reader",),
    ("perfkit.match",),
    ("perfkit.model",),
    ("perfkit.diff",),
    ("perfkit.validate", "perfkit.timeline", "perfkit.export", "perfkit.callgate"),
    ("perfkit.render",),
    ("perfkit.commands",),
    ("perfkit.cli",),
)
FACADE = "perfkit"  # the package's __init__: the public API, may import every layer


def modules(package: str) -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported_names(module: str, path: Path) -> Iterator[str]:
    """Every dotted name ``module`` imports, relative imports resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph(package: str) -> dict[str, set[str]]:
    """module -> the modules of ``package`` it imports (a name resolves to its longest module)."""
    known = modules(package)

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for module, path in known.items():
        targets = {resolve(name) for name in imported_names(module, path)}
        graph[module] = {t for t in targets if t and t != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_of(module: str) -> tuple[int, str]:
    """(layer number, subpackage) of a perfkit module."""
    for number, group in enumerate(PERFKIT_LAYERS):
        for subpackage in group:
            if module == subpackage or module.startswith(subpackage + "."):
                return number, subpackage
    raise AssertionError(f"{module} is in no layer: add it to PERFKIT_LAYERS and conventions.md")


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    wrong = []
    for module, targets in sorted(graph.items()):
        if module == FACADE:
            continue
        layer, subpackage = layer_of(module)
        for target in sorted(targets):
            if target == FACADE:
                wrong.append(f"{module} imports the facade {FACADE}")
                continue
            target_layer, target_subpackage = layer_of(target)
            if target_layer > layer or (target_layer == layer and target_subpackage != subpackage):
                wrong.append(f"{module} (layer {layer}) imports {target} (layer {target_layer})")
    return wrong


@pytest.mark.parametrize("package", ["perfkit", "autotag"])
def test_no_import_cycles(package: str) -> None:
    assert cycles(import_graph(package)) == []


def test_perfkit_imports_only_downwards() -> None:
    assert upward_imports(import_graph("perfkit")) == []


def test_data_never_imports_its_renderers() -> None:
    graph = import_graph("perfkit")
    data = [m for m in graph if m.split(".")[:2] in (["perfkit", "model"], ["perfkit", "diff"])]
    assert data, "no perfkit.model / perfkit.diff modules found"
    offending = {
        m: t for m in data if (t := {x for x in graph[m] if x.startswith("perfkit.render")})
    }
    assert offending == {}


def test_the_checks_see_cycles_and_upward_imports() -> None:
    """The walkers above catch what they are for (a checker that cannot fail proves nothing)."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert upward_imports({"perfkit.model.profile": {"perfkit.render.notebook"}}) == [
        "perfkit.model.profile (layer 4) imports perfkit.render.notebook (layer 7)"
    ]
    assert upward_imports({"perfkit.export.folded": {"perfkit.timeline.model"}}) != []
    assert upward_imports({"perfkit.validate.checks": {"perfkit.validate.settings"}}) == []


def test_type_checking_and_function_imports_count(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from perfkit.render.notebook import bundle\n"
        "def f():\n    from ..diff import compare\n"
    )
    names = set(imported_names("perfkit.model.m", source))
    assert {"perfkit.render.notebook", "perfkit.diff.compare"} <= names
