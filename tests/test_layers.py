"""archtools' layers import one way: each module imports only from its own layer or the ones below,
and no module imports itself back through others, neither at the top of a file nor inside a function.

The layers, lowest first: shared basics, source (the repository), parse (syntax), facts (what the
code and schema say), results (the audit contract and its JSON Schema), analysis (entry points and their checks),
rules, checklist, the engine that runs the stages (loading, analyze, pipeline), views, the
front-ends (reports, diff, widgets, dashboard) and the command line."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "archtools"

LAYERS: list[set[str]] = [
    {"errors", "version", "yaml_data", "knowledge", "profiling"},
    {"source"},
    {"parse"},
    {"facts"},
    {"results", "contract"},
    {"analysis"},
    {"rules"},
    {"checklist"},
    {"loading", "results_cache", "baseline"},
    {"analyze"},
    {"reaudit"},
    {"pipeline"},
    {"views"},
    {"reporting", "diff", "widgets", "workshop", "dossier"},
    {"dashboard"},
    {"cli"},
    {"__main__", "__init__"},
]


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ["archtools", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__" and len(parts) > 2:
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(module: str, path: Path) -> Iterator[tuple[str, int]]:
    """Every archtools module `module` imports, wherever in the file, with its line."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            names = [f"{origin}.{alias.name}" for alias in node.names] + [origin]
        else:
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name.startswith("archtools") and name not in ("archtools", module):
                yield name, node.lineno


def _layer(module: str) -> int:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    for index, layer in enumerate(LAYERS):
        if top in layer:
            return index
    raise AssertionError(f"{module} is in no layer: add archtools.{top} to LAYERS")


GRAPH = {module: sorted(set(_imports(module, path))) for module, path in MODULES.items()}


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        _layer(module)


def _upward(module: str) -> list[str]:
    return [f"line {line}: {t}" for t, line in GRAPH[module] if _layer(t) > _layer(module)]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module: str) -> None:
    assert not _upward(module), f"{module} imports from a higher layer: {_upward(module)}"


def _cycle_from(start: str) -> list[str] | None:
    """A path of imports leading from `start` back to it, if there is one."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        module, path = stack.pop()
        for target, _ in GRAPH.get(module, []):
            if target == start:
                return [*path, start]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return None


def test_no_import_cycles() -> None:
    cycles = [cycle for module in sorted(MODULES) if (cycle := _cycle_from(module))]
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles[:5])


def test_the_checks_fail_on_an_upward_import_and_a_cycle(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "archtools.facts.code" in {
        module for module, _line in GRAPH["archtools.facts.typescript"]
    }
    monkeypatch.setitem(GRAPH, "archtools.parse.treesitter", [("archtools.facts.typescript", 7)])
    assert _upward("archtools.parse.treesitter") == ["line 7: archtools.facts.typescript"]
    cycle = _cycle_from("archtools.parse.treesitter")
    assert cycle is not None and cycle[0] == cycle[-1] == "archtools.parse.treesitter"
