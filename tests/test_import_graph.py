"""The shape of the import graph of ``src/cupola``: bottom-up, with ``app.py`` near the top.

The graph is read from the source (every ``import`` statement, those under
``TYPE_CHECKING`` and inside functions included), so a dependency cannot hide behind a lazy
import. Run this file as a script for the figures: ``python tests/test_import_graph.py``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping, Set
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src" / "cupola"

#: The most modules allowed to import each other in a circle (the largest strongly
#: connected component). Lower it when the graph gets better; never raise it. Today's: the
#: app, its build step, and the test client and command line that its convenience methods
#: (``app.test_client()``, ``app.cli``) import lazily.
LARGEST_CYCLE = 8

#: The modules every request goes through: they reach the batteries only through the
#: seams of ``cupola.types``.
CORE = ("cupola.http", "cupola.routing", "cupola.pipeline", "cupola.middleware")
CORE += ("cupola.context", "cupola.types", "cupola.asgi", "cupola.wsgi", "cupola.websockets")
BATTERIES = ("cupola.sessions", "cupola.auth", "cupola.csrf", "cupola.security", "cupola.db")
BATTERIES += ("cupola.cache", "cupola.rest", "cupola.admin", "cupola.channels", "cupola.debug")
#: What the core may name of a battery: the type of ``request.session``.
SEAM_VALUES = frozenset({"cupola.sessions.base"})


def module_files(root: Path = SOURCE) -> dict[str, Path]:
    """Every module under ``root``, by dotted name (a package by its own name)."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _known(name: str, modules: Set[str]) -> str | None:
    """``name`` or the nearest package above it that is a module of ours."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imported_by(path: Path, modules: Set[str]) -> set[str]:
    """The modules of ours that the file at ``path`` imports, anywhere in it."""
    found: set[str | None] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(_known(alias.name, modules) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in modules else _known(node.module, modules))
    return {name for name in found if name is not None}


def import_graph(root: Path = SOURCE) -> dict[str, set[str]]:
    """Each module mapped to the modules of ours it imports (itself excluded)."""
    modules = module_files(root)
    return {name: imported_by(path, modules.keys()) - {name} for name, path in modules.items()}


def cycles(graph: Mapping[str, Set[str]]) -> list[set[str]]:
    """The strongly connected components with more than one module, largest first.

    Tarjan's algorithm, iterative so that deep chains do not hit the recursion limit.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for start in graph:
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            target = next(edges, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return sorted(found, key=len, reverse=True)


def test_the_graph_finds_every_module_and_its_imports() -> None:
    graph = import_graph()
    assert "cupola.app" in graph and "cupola.http.request" in graph
    assert "cupola.pipeline" in graph["cupola.app"]


def test_cycles_are_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": {"e"}, "e": {"d"}, "f": set()}
    assert cycles(graph) == [{"a", "b", "c"}, {"d", "e"}]


def test_the_largest_import_cycle_stays_within_its_bound() -> None:
    largest = max(map(len, cycles(import_graph())), default=0)
    assert largest <= LARGEST_CYCLE, f"{largest} modules import each other in a circle"


def is_in(module: str, packages: tuple[str, ...]) -> bool:
    """Whether ``module`` is one of ``packages`` or inside one."""
    return any(module == package or module.startswith(package + ".") for package in packages)


def test_the_core_imports_no_battery() -> None:
    graph = import_graph()
    reached = {
        module: sorted(name for name in imports if is_in(name, BATTERIES))
        for module, imports in graph.items()
        if is_in(module, CORE)
    }
    assert {module: names for module, names in reached.items() if set(names) - SEAM_VALUES} == {}


def test_the_core_does_not_import_the_app() -> None:
    graph = import_graph()
    assert [
        module for module in graph if is_in(module, CORE) and "cupola.app" in graph[module]
    ] == []


if __name__ == "__main__":
    graph = import_graph()
    found = cycles(graph)
    print(f"{len(graph)} modules, {sum(map(len, graph.values()))} imports")
    print("cycles by size:", [len(component) for component in found])
    for component in found:
        print(sorted(component))
