"""The house's layout: one folder a pipeline stage, imports only downwards, no import circle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"
# The stages in pipeline order; a module may import its own stage and the ones before it.
BASE = ("config", "errors", "markup", "records")  # shared by every stage
STAGES = ("corpus", "indexing", "search", "answer", "briefing", "evaluation", "ui")
EDGES = ("cli", "__main__", "__init__")  # the package's front: may import any stage


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def imported(name: str) -> set[str]:
    """Every module of the package that a module imports, at its top, in a function or for typing alone."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    package = name if is_package(name) else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "assistant")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            if source.split(".")[0] != "assistant":
                continue
            for alias in node.names:
                candidate = f"{source}.{alias.name}"
                found.add(candidate if candidate in MODULES else source)
    return {module for module in found if module in MODULES and module != name}


def rank(name: str) -> int:
    parts = name.split(".")
    if len(parts) == 1 or parts[1] in EDGES:
        return len(STAGES) + 1
    if parts[1] in BASE:
        return 0
    return STAGES.index(parts[1]) + 1


def test_every_module_belongs_to_a_stage_the_base_or_the_front():
    loose = [name for name in MODULES if len(name.split(".")) == 2 and name.split(".")[1] not in BASE + EDGES + STAGES]
    assert loose == []
    assert sorted({name.split(".")[1] for name in MODULES if is_package(name) and name != "assistant"}) == sorted(STAGES)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_a_module_imports_only_its_own_stage_and_those_before_it(name):
    upward = sorted(other for other in imported(name) if rank(other) > rank(name))
    assert upward == []


def test_there_is_no_import_circle():
    # a package's __init__ re-exports its own modules and a module sits in its packages: those are no circles
    edges = {
        name: {other for other in imported(name) if not other.startswith(name + ".") and not name.startswith(other + ".")}
        for name in MODULES
    }
    circles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges[node]):
            if state.get(target) == 1:
                circles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
    assert circles == []


def test_the_layer_check_sees_relative_imports():
    # the check itself: a module known to import downwards is seen doing so
    assert "assistant.records" in imported("assistant.corpus.structure")
    assert "assistant.corpus.headings" in imported("assistant.indexing.store")
    assert "assistant.search.steering" in imported("assistant.answer.assistant")
