"""The import graph of ``rlpa_env`` and ``agents``, read with ``ast`` (nothing is imported or run).

Two kinds of edge count:

- **import edges**: every ``import`` statement, at module level or inside a function (a lazy import
  is still a dependency);
- **plugin edges**: every string constant that names a module of the two packages, alone
  (``importlib.import_module("rlpa_env.env")``) or as ``module:attr`` (the registry strings
  ``"agents.sb3:make_move_env"``, ``"agents.baselines:HeuristicAgent"``), since whoever resolves the
  string imports that module. A string naming the module itself or a package above it is no edge
  (importing a module already imports its parents).

The layers, lowest first, are the ones ``rlpa_env/__init__.py``'s docstring states: imports flow
from a higher layer to a lower one or stay inside one layer, and ``rlpa_env`` never imports
``agents``; the only exceptions are the plugin edges listed in ``UPWARD_PLUGIN_EDGES``, each with
its reason. No files import each other in a cycle, plugin edges included; no packages either, with
the listed plugin edges set aside (they are the inversion that lets ``agents`` sit on top).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

import rlpa_env

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("rlpa_env", "agents")

LAYERS: tuple[tuple[str, ...], ...] = (
    # text/parsing/spaces (and the other leaf modules: prompts, the registry, chat backends)
    ("rlpa_env", "rlpa_env.text", "rlpa_env.vocabulary", "rlpa_env.assertion", "rlpa_env.reader_verdict",
     "rlpa_env.parsing", "rlpa_env.spaces",
     "rlpa_env.registry",
     "rlpa_env.prompts", "rlpa_env.backends"),
    ("rlpa_env.profiles",),
    # reply analysis and the reading built on it
    ("rlpa_env.reply_analysis", "rlpa_env.reading", "rlpa_env.language_model_reading"),
    ("rlpa_env.users", "rlpa_env.rewards"),
    ("rlpa_env.env", "rlpa_env.episode", "rlpa_env.scenarios", "rlpa_env.roles"),
    ("rlpa_env.eval", "rlpa_env.integrations", "rlpa_env.calibration"),
    ("rlpa_env.cli", "rlpa_env.doctor"),
    ("agents",),
)  # fmt: skip

UPWARD_PLUGIN_EDGES: dict[tuple[str, str], str] = {
    ("rlpa_env", "rlpa_env.env"):
        "the RLPA-* ids register the entry point 'rlpa_env.env:RLPAEnv'; gymnasium imports it at make time",
    ("rlpa_env", "agents.sb3"):
        "the RLPA-Discrete-* ids register 'agents.sb3:make_move_env' (standard spaces for SB3)",
    ("rlpa_env.episode", "agents.baselines"):
        "the AGENTS registry names the random, heuristic and oracle baselines for the CLI and evaluate",
    ("rlpa_env.episode", "agents.hf"):
        "the AGENTS registry names the 'transformers' agent (llm extra), imported only when asked for",
    ("rlpa_env.episode", "agents.openai_chat"):
        "the AGENTS registry names the 'openai' agent (llm extra), imported only when asked for",
    ("rlpa_env.eval.agent_spec", "agents.sb3"):
        "the 'sb3:<path>' agent spec loads a saved SB3 policy through 'agents.sb3:load_agent'",
    ("rlpa_env.cli", "agents.train.sft_data"):
        "'rlpa-env sft-data' runs 'agents.train.sft_data:write_sft_data', imported when the command runs",
}  # fmt: skip
"""Every plugin edge allowed to run up the layers (into ``agents`` or from the package root), and why."""

_MODULE_STRING = re.compile(r"(?:rlpa_env|agents)(?:\.\w+)*(?=:[\w.]+$|$)")


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


def named_modules(source: str) -> Iterator[str]:
    """The project modules that string constants in ``source`` name, alone or as ``module:attr``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = _MODULE_STRING.match(node.value)
            if match and match.group(0) in modules():
                yield match.group(0)


def plugin_edges_of(name: str, source: str) -> set[tuple[str, str]]:
    """The plugin edges of module ``name`` with text ``source`` (module docstring)."""
    return {
        (name, target)
        for target in named_modules(source)
        if target != name and not name.startswith(target + ".")
    }  # fmt: skip


@cache
def plugin_edges() -> frozenset[tuple[str, str]]:
    """(module, named module) pairs from the string constants of the two packages."""
    return frozenset(
        edge for name, path in modules().items() for edge in plugin_edges_of(name, path.read_text(encoding="utf-8"))
    )


def all_edges() -> frozenset[tuple[str, str]]:
    return import_edges() | plugin_edges()


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


def upward_edges(edges: Iterable[tuple[str, str]]) -> list[str]:
    """The edges that run from a lower layer to a higher one and are not listed in ``UPWARD_PLUGIN_EDGES``."""
    return sorted(
        f"{source} (layer {layer_of(source)}) -> {target} (layer {layer_of(target)})"
        for source, target in edges
        if layer_of(source) < layer_of(target) and (source, target) not in UPWARD_PLUGIN_EDGES
    )


def edges_into_agents(edges: Iterable[tuple[str, str]]) -> list[str]:
    """The edges from ``rlpa_env`` into ``agents`` that ``UPWARD_PLUGIN_EDGES`` does not list."""
    return sorted(
        f"{source} -> {target}"
        for source, target in edges
        if source.split(".")[0] == "rlpa_env" and target.split(".")[0] == "agents"
        and (source, target) not in UPWARD_PLUGIN_EDGES
    )  # fmt: skip


def _cycles(edges: Iterable[tuple[str, str]]) -> list[list[str]]:
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


def test_the_collector_sees_registry_strings_and_import_module_arguments() -> None:
    edges = plugin_edges()
    assert ("rlpa_env", "agents.sb3") in edges  # gymnasium entry point "agents.sb3:make_move_env"
    assert ("rlpa_env.episode", "agents.baselines") in edges  # AGENTS registry string
    assert ("rlpa_env.backends", "rlpa_env.backends.openai_backend") in edges  # backend registry string
    assert ("rlpa_env.profiles.bank", "rlpa_env.profiles") not in edges  # a parent package is no edge


def test_a_planted_plugin_edge_is_found_and_fails_the_checks() -> None:
    planted = (
        "import importlib\n"
        "def make():\n"
        '    return importlib.import_module("agents.baselines")\n'
        'ENTRY = "rlpa_env.env:RLPAEnv"\n'
        'NOTE = "rlpa_env.nowhere is not a module, and this sentence names no module either"\n'
    )
    edges = plugin_edges_of("rlpa_env.text", planted)
    assert edges == {("rlpa_env.text", "agents.baselines"), ("rlpa_env.text", "rlpa_env.env")}
    assert edges_into_agents(edges) == ["rlpa_env.text -> agents.baselines"]
    assert upward_edges(edges) == [
        "rlpa_env.text (layer 0) -> agents.baselines (layer 7)",
        "rlpa_env.text (layer 0) -> rlpa_env.env (layer 4)",
    ]
    assert _cycles(set(all_edges()) | edges) != []  # rlpa_env.env imports rlpa_env.text


def test_every_listed_plugin_edge_exists() -> None:
    assert sorted(set(UPWARD_PLUGIN_EDGES) - plugin_edges()) == []


def test_every_module_belongs_to_a_layer() -> None:
    for module in modules():
        layer_of(module)


def test_no_import_runs_from_a_lower_layer_to_a_higher_one() -> None:
    assert [edge for edge in import_edges() if edge in UPWARD_PLUGIN_EDGES] == []  # the list is for plugins only
    assert upward_edges(all_edges()) == []


def test_rlpa_env_never_imports_agents() -> None:
    assert edges_into_agents(all_edges()) == []


def test_no_files_import_each_other_in_a_cycle() -> None:
    assert _cycles(all_edges()) == []


def _unlisted_edges() -> set[tuple[str, str]]:
    return {edge for edge in all_edges() if edge not in UPWARD_PLUGIN_EDGES}


def test_no_packages_import_each_other_in_a_cycle() -> None:
    package_edges = {(package_of(s), package_of(t)) for s, t in _unlisted_edges() if package_of(s) != package_of(t)}
    assert _cycles(package_edges) == []


def test_the_two_top_level_packages_do_not_import_each_other() -> None:
    top_edges = {(s.split(".")[0], t.split(".")[0]) for s, t in _unlisted_edges()}
    assert ("agents", "rlpa_env") in top_edges
    assert _cycles({(s, t) for s, t in top_edges if s != t}) == []


def test_the_layers_are_stated_in_the_package_docstring() -> None:
    doc = " ".join((rlpa_env.__doc__ or "").split())
    assert "text/parsing/spaces -> profiles -> reply analysis -> users/rewards -> env/episode -> eval -> cli" in doc
    assert "agents on top" in doc
