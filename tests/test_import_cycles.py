"""No import cycles among the project's packages (sim/, agents/, cli/).

Every import counts: at module level, inside a function (a lazy import) and under
``if TYPE_CHECKING:``, since each of them is a dependency of one module on another
that a reader must hold in mind. One exception: the lazy re-exports inside a
package's own ``__getattr__`` (PEP 562), e.g. ``sim.run`` for notebooks, are the
package's public facade, loaded only when a user asks for the name; a module that
reads a constant from the package (``from sim import __version__``) does not reach
them. The graph is read from the source with `ast`, so
the test needs no import of the project and finds cycles that a lazy import would
hide at run time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("sim", "agents", "cli")


def module_names() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the packages."""
    out = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module an imported name lives in (a package's own name for its __init__)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules imported anywhere in a module's source."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    facade: set[int] = set()
    if path.name == "__init__.py":
        for top in tree.body:
            if isinstance(top, ast.FunctionDef) and top.name == "__getattr__":
                facade |= {id(n) for n in ast.walk(top)}
    for node in ast.walk(tree):
        if id(node) in facade:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            # `from sim import events` imports the module sim.events; `from sim.x import f`, sim.x.
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        for name in names:
            target = _resolve(name, modules)
            if target is not None and target != module:
                found.add(target)
    return found


def import_graph() -> nx.DiGraph:
    """The project's import graph: an edge a -> b when module a imports module b."""
    modules = module_names()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for module, path in modules.items():
        graph.add_edges_from((module, target) for target in imports_of(module, path, modules))
    return graph


def test_the_graph_sees_the_project():
    graph = import_graph()
    assert {"sim.model", "agents.countries", "cli.app"} <= set(graph.nodes)
    assert graph.has_edge("sim.model", "agents.countries")
    assert graph.has_edge("sim.model", "sim.events")  # `from sim import events as ev`


def test_a_lazy_or_type_checking_import_is_an_edge(tmp_path):
    pkg = tmp_path / "sim"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from sim.b import g\n")
    (pkg / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sim import a\n")
    modules = {"sim": pkg / "__init__.py", "sim.a": pkg / "a.py", "sim.b": pkg / "b.py"}
    assert imports_of("sim.a", modules["sim.a"], modules) == {"sim.b"}
    assert imports_of("sim.b", modules["sim.b"], modules) == {"sim.a"}


def test_a_package_facade_is_not_an_edge(tmp_path):
    pkg = tmp_path / "sim"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("V = 1\ndef __getattr__(name):\n    from sim import a\n    return a\n")
    (pkg / "a.py").write_text("from sim import V\n")
    modules = {"sim": pkg / "__init__.py", "sim.a": pkg / "a.py"}
    assert imports_of("sim", modules["sim"], modules) == set()
    assert imports_of("sim.a", modules["sim.a"], modules) == {"sim"}


def test_no_import_cycles():
    cycles = sorted(sorted(c) for c in nx.simple_cycles(import_graph()))
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)
