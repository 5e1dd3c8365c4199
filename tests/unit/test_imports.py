"""The import graph of westdev: one way, no cycles, and as each package's "May import" line says.

Every ``westdev`` import is read with `ast`. Module-level imports (outside functions and
``if TYPE_CHECKING:`` blocks) run when the module is imported; function-local ones when the
function runs. Neither kind may form a cycle — so a function-local import is never what keeps
a cycle apart — and each must be allowed by the "May import:" line of the nearest docstring
(the module's own, else its package's, else the enclosing package's). Finally a fresh
interpreter imports every module in dependency order.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

PACKAGES = ("westdev", "westdev.calibration", "westdev.scenarios")
NOT_IMPORTED = {"westdev.__main__"}  # the command line itself (runs main when executed)


@cache
def modules() -> dict[str, Path]:
    """Every module of the installed package: dotted name → file."""
    out: dict[str, Path] = {}
    for package in PACKAGES:
        root = Path(importlib.util.find_spec(package).submodule_search_locations[0])
        for path in sorted(root.rglob("*.py")):
            rel = path.relative_to(root).with_suffix("")
            name = ".".join([package, *(p for p in rel.parts if p != "__init__")])
            out.setdefault(name, path)
    return out


def is_package(name: str) -> bool:
    return modules()[name].name == "__init__.py"


def _target(name: str, node: ast.ImportFrom | ast.Import, alias: ast.alias) -> str | None:
    """The westdev module an import statement loads (a submodule when one is named)."""
    if isinstance(node, ast.Import):
        return alias.name if alias.name.split(".")[0] == "westdev" else None
    assert not node.level, f"{name}: relative import (the package uses absolute imports)"
    base = node.module or ""
    if base.split(".")[0] != "westdev":
        return None
    sub = f"{base}.{alias.name}"
    return sub if sub in modules() else base


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


@cache
def imports(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """(module-level, function-local) westdev modules imported by `name`."""
    tree = ast.parse(modules()[name].read_text(encoding="utf-8"))
    top: set[str] = set()
    local: set[str] = set()

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                for alias in child.names:
                    target = _target(name, child, alias)
                    if target is not None and target != name:
                        (local if in_function else top).add(target)
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef
                                              | ast.Lambda)
            visit(child, inner)

    visit(tree, False)
    return frozenset(top), frozenset(local)


# ---------------------------------------------------------------------- the "May import" lines
CLAUSE = re.compile(r"May import:(.*?)(?:\n\s*\n|\Z)", re.S)


@cache
def clause(name: str) -> frozenset[str] | None:
    """What `name`'s own docstring allows (module prefixes), or None without a clause."""
    doc = ast.get_docstring(ast.parse(modules()[name].read_text(encoding="utf-8"))) or ""
    m = CLAUSE.search(doc)
    if m is None:
        return None
    text = m.group(1).strip()
    if text.startswith("nothing"):
        return frozenset()
    return frozenset(re.findall(r"``(westdev(?:\.\w+)*)``", text))


def ancestors(name: str) -> list[str]:
    """`name` and the packages that contain it, innermost first."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


def allowed(name: str, target: str) -> bool:
    """May `name` import `target`? Within its layer (the nearest enclosing package with a
    "May import" line) always, except for declarations whose own line says "nothing";
    elsewhere only what the nearest line lists."""
    lined = [a for a in ancestors(name) if a in modules() and clause(a) is not None]
    assert lined, f"{name}: no 'May import:' line in its docstrings"
    rules = clause(lined[0])
    if lined[0] == name and not rules:
        return False  # a declaration: nothing from westdev at all
    layer = next((a for a in lined if a != name or is_package(name)), "westdev")
    if layer != "westdev" and (target == layer or target.startswith(layer + ".")):
        return True
    if target == "westdev":
        return True  # the root package holds only __version__
    return any(target == r or target.startswith(r + ".") for r in rules)


# ---------------------------------------------------------------------- graph helpers
def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the directed graph, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def dfs(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = dfs(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            found = dfs(node)
            if found:
                return found
    return None


def dependency_order(edges: dict[str, set[str]]) -> list[str]:
    """Modules with every module-level dependency before its importers."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(node: str) -> None:
        if node in seen:
            return
        seen.add(node)
        for nxt in sorted(edges.get(node, ())):
            visit(nxt)
        order.append(node)

    for node in sorted(edges):
        visit(node)
    return order


def module_level_graph() -> dict[str, set[str]]:
    return {m: set(imports(m)[0]) & set(modules()) for m in modules()}


# ---------------------------------------------------------------------- tests
def test_the_package_is_found():
    names = modules()
    assert {"westdev.cli", "westdev.api", "westdev.economy.model", "westdev.experiments.spec",
            "westdev.calibration.pipeline"} <= set(names)


def test_module_level_imports_have_no_cycle():
    found = cycle(module_level_graph())
    assert found is None, "import cycle: " + " → ".join(found)


def test_function_local_imports_keep_no_cycle_apart():
    """With the imports inside functions added, the graph is still acyclic: a function-local
    import only defers a heavy library, it never hides a cycle."""
    edges = {m: (set(imports(m)[0]) | set(imports(m)[1])) & set(modules()) for m in modules()}
    found = cycle(edges)
    assert found is None, "cycle through a function-local import: " + " → ".join(found)


def test_every_import_respects_the_layers():
    bad = []
    for name in modules():
        top, local = imports(name)
        for target in sorted(top | local):
            if not allowed(name, target):
                kind = "module-level" if target in top else "function-local"
                bad.append(f"{name} → {target} ({kind})")
    assert not bad, "imports that the 'May import' lines do not allow:\n" + "\n".join(bad)


def test_the_checks_catch_a_cycle():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) is None
    assert dependency_order({"a": {"b"}, "b": {"c"}, "c": set()}) == ["c", "b", "a"]


def test_the_layer_rule_catches_an_upward_import():
    assert not allowed("westdev.inputs.scenario", "westdev.experiments.store")
    assert not allowed("westdev.experiments.runner", "westdev.api")
    assert not allowed("westdev.errors", "westdev.inputs.scenario")
    assert allowed("westdev.cli", "westdev.api")
    assert allowed("westdev.experiments.spec", "westdev.inputs.scenario")


def test_every_module_imports_in_dependency_order_in_a_fresh_interpreter():
    order = [m for m in dependency_order(module_level_graph()) if m not in NOT_IMPORTED]
    code = ("import importlib, sys\n"
            f"for name in {order!r}:\n"
            "    importlib.import_module(name)\n"
            "print(len([m for m in sys.modules if m.split('.')[0] == 'westdev']))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    assert int(run.stdout.strip().splitlines()[-1]) >= len(order)
