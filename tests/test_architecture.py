"""The import graph of ``rlpa_env`` and ``agents``, read with ``ast`` (nothing is imported or run).

Every ``import`` statement counts, at module level or inside a function (a lazy import is still a
dependency). The layers, lowest first, are the ones ``rlpa_env/__init__.py``'s docstring states:
imports flow from a higher layer to a lower one or stay inside one layer; no files and no packages
import each other in a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import rlpa_env

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("rlpa_env", "agents")

LAYERS: tuple[tuple[str, ...], ...] = (
    # text/parsing/spaces (and the other leaf modules: prompts, the registry, chat backends)
    ("rlpa_env", "rlpa_env.text", "rlpa_env.vocabulary", "rlpa_env.parsing", "rlpa_env.spaces", "rlpa_env.registry",
     "rlpa_env.prompts", "rlpa_env.backends"),
    ("rlpa_env.profiles",),
    # reply analysis (``signals`` is its deprecated old name)
    ("rlpa_env.signals", "rlpa_env.reply_analysis"),
    ("rlpa_env.users", "rlpa_env.rewards"),
    ("rlpa_env.env", "rlpa_env.episode", "rlpa_env.scenarios"),
    ("rlpa_env.eval", "rlpa_env.calibration"),
    ("rlpa_env.cli", "rlpa_env.doctor"),
    ("agents",),
)  # fmt: skip


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the two packages by dotted name."""
    return {_module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


def _imported_names(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from package import submodule` depends on the submodule; `from module import name` on the module.
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                yield submodule if submodule in modules() else node.module


@cache
def import_edges() -> frozenset[tuple[str, str]]:
    """(importer, imported) pairs between modules of the two packages."""
    edges = set()
    for name, path in modules().items():
        for target in _imported_names(path):
            while target and target not in modules():
                target = target.rpartition(".")[0]
            if target and target != name:
                edges.add((name, target))
    return frozenset(edges)


def layer_of(module: str) -> int:
    """The index in ``LAYERS`` of the longest entry that is ``module`` or a package above it."""
    best, best_length = None, -1
    for index, layer in enumerate(LAYERS):
        for prefix in layer:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_length:
                best, best_length = index, len(prefix)
    if best is None:
        raise AssertionError(f"{module} belongs to no layer; add it to LAYERS and to rlpa_env's docstring")
    return best


def package_of(module: str) -> str:
    """``rlpa_env.users.llm`` -> ``rlpa_env.users``; a top-level module of ``rlpa_env`` is its own package."""
    parts = module.split(".")
    if parts[0] == "agents":
        return "agents"
    return ".".join(parts[:2]) if len(parts) > 1 else module


def _cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan)."""
    graph: dict[str, list[str]] = {}
    for source, target in edges:
        graph.setdefault(source, []).append(target)
        graph.setdefault(target, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_the_walker_sees_static_and_lazy_imports() -> None:
    edges = import_edges()
    assert ("rlpa_env.env", "rlpa_env.profiles.bank") in edges  # module level
    assert ("rlpa_env.users.llm", "rlpa_env.backends.config") in edges  # inside a function
    assert ("rlpa_env.profiles.bank", "rlpa_env.profiles.generator") in edges
    assert ("agents.baselines", "rlpa_env.parsing") in edges


def test_every_module_belongs_to_a_layer() -> None:
    for module in modules():
        layer_of(module)


def test_no_import_runs_from_a_lower_layer_to_a_higher_one() -> None:
    upward = sorted(
        f"{source} (layer {layer_of(source)}) imports {target} (layer {layer_of(target)})"
        for source, target in import_edges()
        if layer_of(source) < layer_of(target)
    )
    assert upward == []


def test_rlpa_env_never_imports_agents() -> None:
    offenders = sorted(
        f"{source} -> {target}"
        for source, target in import_edges()
        if source.startswith("rlpa_env") and target.startswith("agents")
    )
    assert offenders == []


def test_no_files_import_each_other_in_a_cycle() -> None:
    assert _cycles(import_edges()) == []


def test_no_packages_import_each_other_in_a_cycle() -> None:
    package_edges = {(package_of(s), package_of(t)) for s, t in import_edges() if package_of(s) != package_of(t)}
    assert _cycles(package_edges) == []


def test_the_two_top_level_packages_do_not_import_each_other() -> None:
    top_edges = {(s.split(".")[0], t.split(".")[0]) for s, t in import_edges()}
    assert ("agents", "rlpa_env") in top_edges
    assert _cycles({(s, t) for s, t in top_edges if s != t}) == []


def test_the_layers_are_stated_in_the_package_docstring() -> None:
    doc = " ".join((rlpa_env.__doc__ or "").split())
    assert "text/parsing/spaces -> profiles -> reply analysis -> users/rewards -> env/episode -> eval -> cli" in doc
    assert "agents on top" in doc
