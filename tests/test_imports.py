"""Imports go one way: config -> model -> runs (runner, sweeps, API) -> analysis and plots -> commands ->
cli, with no cycle among orgsim's modules, imports inside functions included (only those under
`if TYPE_CHECKING:` are left out: they never run). Read from the source with `ast`, nothing is imported."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "orgsim"

# Lowest first. A module may import its own layer and those below it, never one above. A new module joins
# the layer of what it is for (a new top-level module must be added here).
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "config",
        (
            "orgsim.config",
            "orgsim.rundir",
            "orgsim.hydra_job",
            "orgsim.interrupts",
            "orgsim.intervals",
            "orgsim.worker_signals",
            "orgsim.outcomes",
        ),
    ),
    ("model", ("orgsim.model",)),
    (
        "runs",
        (
            "orgsim.guards",
            "orgsim.runner",
            "orgsim.report",
            "orgsim.api",
            "orgsim.sweep",
            "orgsim.calibration",
            "orgsim.evaluators",
            "orgsim.results",
        ),
    ),
    ("analysis", ("orgsim.analysis", "orgsim.plots", "orgsim.validation", "orgsim.viz")),
    ("commands", ("orgsim.errors", "orgsim.commands")),
    ("cli", ("orgsim.cli",)),
]


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _under_type_checking(tree: ast.AST) -> set[int]:
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skipped.update(id(n) for n in ast.walk(child))
    return skipped


def import_graph() -> dict[str, set[str]]:
    """Each orgsim module -> the orgsim modules it imports anywhere in its body (functions included)."""
    modules = _modules()

    def owner(name: str) -> str | None:  # the module a dotted name lives in (a.b.C -> a.b)
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        skipped = _under_type_checking(tree)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(parts + ([base] if base else []))
                names = [base] + [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            targets.update(t for t in map(owner, names) if t is not None and t != name)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def layer_of(module: str) -> int | None:
    if module == "orgsim":
        return -1  # the package's own __init__, imported by every `from orgsim import x`
    for number, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return number
    return None


def test_the_cycle_finder_finds_a_planted_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycle_among_orgsim_modules_counting_imports_inside_functions() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles: " + "; ".join(" <-> ".join(c) for c in found)


def test_only_the_commands_and_the_cli_import_the_commands_or_the_cli() -> None:
    wrong = [
        f"{importer} imports {imported}"
        for importer, targets in import_graph().items()
        if not importer.startswith(("orgsim.commands", "orgsim.cli"))
        for imported in targets
        if imported == "orgsim.cli" or imported.startswith("orgsim.commands")
    ]
    assert not wrong, wrong


def test_every_module_imports_only_its_own_layer_and_those_below() -> None:
    graph = import_graph()
    unplaced = sorted(m for m in graph if layer_of(m) is None)
    assert not unplaced, f"add these modules to a layer in tests/test_imports.py: {unplaced}"
    upward = [
        f"{importer} ({LAYERS[layer_of(importer)][0]}) imports {imported} ({LAYERS[layer_of(imported)][0]})"
        for importer, targets in sorted(graph.items())
        for imported in sorted(targets)
        if layer_of(imported) > layer_of(importer)
    ]
    assert not upward, upward
