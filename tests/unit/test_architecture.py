"""The package's shape, read from its imports (ARCHITECTURE.md states the rule this test enforces).

    core        hpo_mini/*.py: space, study, journal, runner, parallel, callbacks, pbt
    models      the maths (GP, acquisition functions, Parzen estimators): nothing of the package
    searchers   the core and models
    tasks       the core (what gets optimized)
    evaluation  the core, models and searchers (judging configs and studies; SearchCV builds a searcher)
    viz         anything below it
    quiz        the course, not the library: anything; nothing in the library imports it

Nothing below viz imports viz, ipywidgets, IPython or matplotlib, and no module imports itself back
through a chain (no cycles), counting imports inside functions too.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "hpo_mini"
ALLOWED = {  # layer -> the layers of the package it may import
    "core": {"core"},
    "models": {"models"},
    "searchers": {"core", "models", "searchers"},
    "tasks": {"core", "tasks"},
    "evaluation": {"core", "models", "searchers", "evaluation"},
    "viz": {"core", "models", "searchers", "tasks", "evaluation", "viz"},
    "quiz": {"core", "models", "searchers", "tasks", "evaluation", "viz", "quiz"},
}
PRESENTATION = ("ipywidgets", "IPython", "matplotlib")
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in ALLOWED) else "core"


def imports(path: Path) -> list[tuple[str, int]]:
    """(absolute module imported, line) for every import in the file, at any depth."""
    module, is_package = module_name(path), path.name == "__init__.py"
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                if not node.module:  # from . import a, b: each name may be a module
                    found += [(f"{target}.{alias.name}", node.lineno) for alias in node.names]
                    continue
            else:
                target = node.module
            found.append((target, node.lineno))
    return found


def package_modules() -> dict:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = package_modules()


def internal(target: str) -> str | None:
    """The package module an import names (a name inside a module resolves to the module)."""
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def graph() -> dict:
    return {m: {t for name, _ in imports(p) if (t := internal(name)) and t != m} for m, p in MODULES.items()}


def violations(modules: dict) -> list[str]:
    out = []
    for module, path in modules.items():
        here = layer(module)
        for name, line in imports(path):
            target = internal(name)
            where = f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}"
            if target is not None and layer(target) not in ALLOWED[here]:
                out.append(f"{where}: the {here} layer may import {sorted(ALLOWED[here])}, not {layer(target)}")
            if here not in ("viz", "quiz") and name.split(".")[0] in PRESENTATION:
                out.append(f"{where}: only viz/ and quiz/ draw; below viz nothing imports {name.split('.')[0]}")
    return out


def cycles(edges: dict) -> list[list[str]]:
    """Every strongly connected component with more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_every_import_follows_the_layer_rule():
    assert violations(MODULES) == []


def test_no_import_cycles():
    # A package's __init__ imports its own modules; that is not a cycle of ideas, so leave those edges out.
    edges = {m: {t for t in ts if not (MODULES[m].name == "__init__.py" and t.startswith(m + "."))}
             for m, ts in graph().items()}
    assert cycles(edges) == []


def test_no_library_module_over_400_lines():
    long = {m: n for m, p in MODULES.items()
            if layer(m) != "quiz" and (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_the_checks_catch_what_they_should(tmp_path):
    # A model that imports the core, a task that draws, and a two-module cycle, written to a scratch package.
    root = tmp_path / "hpo_mini"
    (root / "models").mkdir(parents=True)
    (root / "tasks").mkdir()
    (root / "space.py").write_text("")
    (root / "models" / "gp.py").write_text("from ..space import Space\n")
    (root / "tasks" / "plot.py").write_text("import matplotlib.pyplot as plt\n")
    modules = {"hpo_mini.models.gp": root / "models" / "gp.py", "hpo_mini.tasks.plot": root / "tasks" / "plot.py"}
    global PACKAGE, MODULES
    saved = PACKAGE, MODULES
    PACKAGE, MODULES = root, {**modules, "hpo_mini.space": root / "space.py"}
    try:
        found = violations(modules)
    finally:
        PACKAGE, MODULES = saved
    assert any("models" in v and "core" in v for v in found), found
    assert any("matplotlib" in v for v in found), found
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert cycles({"a": {"b"}, "b": {"c"}}) == []


@pytest.mark.parametrize("module", ["hpo_mini.models.gp", "hpo_mini.searchers.bayes", "hpo_mini.viz.bo"])
def test_layers_are_read_from_the_path(module):
    assert layer(module) == module.split(".")[1]
    assert layer("hpo_mini.runner") == "core" and layer("hpo_mini") == "core"
