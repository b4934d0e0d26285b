"""The grading package's modules import each other without a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

GRADING = Path(__file__).resolve().parents[1] / "grading"


def _imports() -> dict[str, set[str]]:
    """module -> the grading modules it imports (at any depth of its code)."""
    graph = {}
    for path in GRADING.glob("*.py"):
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("grading"):
                found |= ({a.name for a in node.names} if node.module == "grading"
                          else {node.module.split(".")[1]})
            elif isinstance(node, ast.Import):
                found |= {a.name.split(".")[1] for a in node.names
                          if a.name.startswith("grading.")}
        graph[path.stem] = found - {path.stem}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return path[path.index(node):] + [node]
        if node in done:
            return None
        for target in sorted(graph.get(node, ())):
            found = visit(target, path + [node])
            if found:
                return found
        done.add(node)
        return None

    for start in sorted(graph):
        found = visit(start, [])
        if found:
            return found
    return None


def test_grading_modules_import_without_a_cycle():
    graph = _imports()
    assert {"cli", "demo", "grade", "checks"} <= set(graph)
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_the_cycle_finder_finds_one():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
