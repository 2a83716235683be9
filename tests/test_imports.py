"""No package of ``app/`` imports a package that imports it back, directly or through others.

Imports inside functions count too: a circle hidden in a function is still a circle. The
nodes are the top-level names under ``app`` (packages such as ``cases`` and modules such as
``extensions``); ``app/__init__.py`` (the application factory, which wires every package) and
``app/models.py`` (which lists every model for Alembic) are the roots and nobody imports them.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"
ROOTS = {"__init__", "models"}
# Infrastructure that knows no feature (HOUSE_STYLE.md: core, cases, notifications and push).
INFRASTRUCTURE = {"core", "cases", "notifications", "push"}
FEATURES = {"reports", "console", "admin", "stats", "open311", "pwa", "main", "demo", "devidp", "lookups"}


def _node(path: Path) -> str:
    relative = path.relative_to(APP)
    return relative.parts[0].removesuffix(".py")


def _imported(tree: ast.AST, module: str) -> set[str]:
    """Top-level ``app`` names imported anywhere in a module (functions included)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "app" and len(parts) > 1:
                    names.add(parts[1])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            parts = target.split(".")
            if parts[0] != "app":
                continue
            if len(parts) > 1:
                names.add(parts[1])
            else:
                names.update(alias.name for alias in node.names)
    return names


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in APP.rglob("*.py"):
        node = _node(path)
        module = ".".join(["app", *path.relative_to(APP).with_suffix("").parts])
        for target in _imported(ast.parse(path.read_text(), str(path)), module):
            if target != node:
                graph[node].add(target)
    return graph


def _reaches(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, stack = set(), [start]
    while stack:
        for nxt in graph.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def test_no_package_imports_one_that_imports_it_back():
    graph = import_graph()
    circles = sorted({tuple(sorted((a, b))) for a in graph for b in _reaches(graph, a)
                      if a in _reaches(graph, b) and a != b})
    assert circles == [], f"import circles between packages of app/: {circles}"


def test_nobody_imports_the_roots():
    graph = import_graph()
    assert {node: targets & ROOTS for node, targets in graph.items() if node not in ROOTS and targets & ROOTS} == {}


def test_infrastructure_imports_no_feature():
    graph = import_graph()
    reached = {node: _reaches(graph, node) & FEATURES for node in INFRASTRUCTURE}
    assert reached == {node: set() for node in INFRASTRUCTURE}


def test_the_graph_sees_imports_inside_functions(tmp_path):
    source = "def f():\n    from app.reports import services\n    from . import sibling\n"
    assert _imported(ast.parse(source), "app.cases.tasks") == {"reports", "cases"}
