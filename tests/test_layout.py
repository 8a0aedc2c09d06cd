"""The layout of docs/architecture.md holds: imports point only downward, and nothing cycles.

``graph/`` is a stack of stage packages. A module may import its own package, the
foundation modules at the top of ``graph/`` and the packages *below* its own; never one
above. ``api/`` sits on top of all of ``graph/``; a router never imports another router.
Every import counts, also one inside a function: an import moved into a function to dodge
a cycle is still a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The stages, lowest first (docs/architecture.md draws the same stack).
STAGES = [
    "rdf",
    "reference",
    "read",
    "link",
    "cube",
    "store",
    "check",
    "provenance",
    "publish",
    "answer",
    "insight",
    "describe",
    "cli",
]
# Modules at the top of graph/ that every stage may use; they import only each other.
FOUNDATION = {"errors", "settings", "text", "spreadsheet", "version"}
# The one import that points upward on purpose: ``onecenter serve`` starts the web service.
ALLOWED_UPWARD = {("graph.cli.commands", "api.app")}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module of graph/ or api/ that ``path`` imports, at any depth."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found |= {n for n in names if n.split(".")[0] in ("graph", "api")}
    return found


def _project_modules() -> dict[str, Path]:
    return {_module_name(p): p for top in ("graph", "api") for p in sorted((ROOT / top).rglob("*.py"))}


MODULES = _project_modules()


def _resolve(name: str) -> str | None:
    """The project module an imported name refers to (``graph.x.y.Name`` -> ``graph.x.y``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        targets = {_resolve(i) for i in _imports(path)} - {None, name}
        edges[name] = {t for t in targets if t is not None}
    return edges


EDGES = _edges()


def _rank(module: str) -> tuple[int, str]:
    """(rank, package): foundation 0, the stages 1.., graph's own facade and api on top."""
    parts = module.split(".")
    if parts[0] == "api":
        return len(STAGES) + 2, "api"
    if module == "graph" or module == "graph.__main__":
        return len(STAGES) + 1, "graph"
    if len(parts) == 2 and parts[1] in FOUNDATION:
        return 0, "foundation"
    assert parts[1] in STAGES, f"{module}: every module of graph/ is in a stage package or the foundation"
    return STAGES.index(parts[1]) + 1, parts[1]


def test_every_graph_module_is_in_a_stage_or_the_foundation() -> None:
    for module in MODULES:
        _rank(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_only_downward(module: str) -> None:
    rank, package = _rank(module)
    upward = [
        target
        for target in EDGES[module]
        if (module, target) not in ALLOWED_UPWARD
        and _rank(target)[0] > rank
        and not (package != "foundation" and _rank(target)[1] == package)
    ]
    assert not upward, f"{module} (stage {package}) imports from a later stage: {upward}"


def test_graph_never_imports_api_but_for_serve() -> None:
    into_api = {
        (m, t)
        for m, targets in EDGES.items()
        if m.startswith("graph")
        for t in targets
        if t.startswith("api")
    }
    assert into_api <= ALLOWED_UPWARD


def test_no_router_imports_another_router() -> None:
    for module, targets in EDGES.items():
        if module.startswith("api.routers."):
            others = {t for t in targets if t.startswith("api.routers.") and t != module}
            assert not others, f"{module} imports {others}: shared parts belong in graph/ or api/"


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles() -> None:
    # A package's __init__ importing its own modules is no cycle of concerns: leave those edges out.
    edges = {m: {t for t in ts if not (m == "graph" or t == "graph")} for m, ts in EDGES.items()}
    assert _cycles(edges) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_an_upward_import_is_caught() -> None:
    assert _rank("graph.rdf.iris")[0] < _rank("graph.publish.platform")[0]
    assert _rank("graph.errors")[0] < _rank("graph.rdf.iris")[0]


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith(("graph.", "api."))))
def test_every_module_is_under_450_lines(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= 450, f"{module} has {lines} lines: split it by concern (docs/architecture.md)"
