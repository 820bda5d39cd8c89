"""Call-graph stage: which project functions call which, built once from the facts (networkx).

The graph answers one question for the walker, computed once per function over strongly
connected components (so recursion is handled): can walking into this helper change anything
the check sees? A helper that, transitively, makes no call a pack could classify, returns no
value and sets no attribute is skipped wherever it is called.
"""

from __future__ import annotations

import fnmatch
import re

from .facts import Function
from .project import Index, evals_of, fid


def last_segments(index: Index) -> tuple[set[str], list[str]]:
    """Method names a pack could classify: exact ones, and globs such as `delete_*`."""
    knowledge = index.knowledge
    exact = {name.rsplit(".", 1)[-1] for name in knowledge.exact}
    exact.update(key for key in knowledge.globs if key != "*")
    exact.update({"__call__", "__exit__", "__aexit__", "__await__"})
    # calls whose result a pack types (`create_pool()`, `get_queue()`): their callers must be walked
    exact.update(name.rsplit(".", 1)[-1] for name in knowledge.returns)
    globs = sorted({rule.pattern.rsplit(".", 1)[-1] for rule in knowledge.globs.get("*", ())})
    return exact, globs


class CallGraph:
    def __init__(self, index: Index) -> None:
        import networkx as nx  # here: a warm run, answered from the cache, builds no graph (0.17 s)

        self.index = index
        self.graph = nx.DiGraph()
        self.relevant: dict[str, bool] = {}
        self._targets: dict[tuple, str | None] = {}  # (path, callee) -> function, for module-level names
        segments, segment_globs = last_segments(index)
        matches_glob = re.compile("|".join(map(fnmatch.translate, segment_globs))).match if segment_globs else None
        classifiable: dict[str, bool] = {}  # a callee's last name -> may a pack classify or type it
        direct: dict[str, bool] = {}
        edges = []
        for function_id, (facts, function) in index.functions.items():
            # a generator hands back what it makes; `return param` or `self.x = ...` can carry work
            hit = function.is_generator
            params = {p.name for p in function.params}
            for ev in evals_of(function.body):
                for call in ev.calls:
                    name = call.func.attrs[-1] if call.func.attrs else call.func.root
                    known = classifiable.get(name)
                    if known is None:  # a call a pack may classify or type, an object built (`Worker(...)`)
                        known = classifiable[name] = bool(
                            name in segments or name[:1].isupper() or (matches_glob and matches_glob(name)))
                    if known or call.synthetic:  # an await, a `with` exit
                        hit = True
                    target = self._static_target(facts, function, call)
                    if target is not None:
                        edges.append((function_id, target))
                if not hit:
                    hit = any("." in bind.target or (bind.target == "<value>" and any(ref.root in params for ref in bind.values))
                              for bind in ev.binds)
            direct[function_id] = hit
        self.graph.add_nodes_from(direct)
        self.graph.add_edges_from(edges)
        condensed = nx.condensation(self.graph)
        members = condensed.graph["mapping"]
        component_hit: dict[int, bool] = {}
        for component in reversed(list(nx.topological_sort(condensed))):
            nodes = condensed.nodes[component]["members"]
            hit = any(direct.get(n, True) for n in nodes) or any(
                component_hit[succ] for succ in condensed.successors(component)
            )
            component_hit[component] = hit
        for node, component in members.items():
            self.relevant[node] = component_hit[component]
        self.recursive = {
            n for c in condensed.nodes if len(condensed.nodes[c]["members"]) > 1 for n in condensed.nodes[c]["members"]
        } | {n for n in self.graph.nodes if self.graph.has_edge(n, n)}

    def _static_target(self, facts, function: Function, call) -> str | None:
        ref = call.func
        if ref.call >= 0 or not ref.root or ref.root.startswith("@"):
            if ref.root == "@fn":
                return fid(facts.path, ref.attrs[0])
            return None
        for local, qualname in function.local_defs:
            if local == ref.root and not ref.attrs:
                return fid(facts.path, qualname)
        if ref.root in ("self", "cls") and len(ref.attrs) == 1 and function.class_name:
            found = self.index.method(fid(facts.path, function.class_name), ref.attrs[0])
            return fid(found[0].path, found[1].qualname) if found else None
        key = (facts.path, ref)  # a module-level name: the same wherever the file calls it
        if key not in self._targets:
            self._targets[key] = self._global_target(facts, ref)
        return self._targets[key]

    def _global_target(self, facts, ref) -> str | None:
        val = self.index.global_name(facts, ref.root)
        if val is None:
            return None
        for attr in ref.attrs:
            val = self.index.member(val, attr)
        return val.ref if val.kind == "func" else None

    def needs_walk(self, function_id: str) -> bool:
        return self.relevant.get(function_id, True)


class ImportGraph:
    """Which project files a test file can see: what it and its conftest.py chain import,
    transitively. Module-level settings (`app.conf.task_always_eager = True`) in those files, or
    in a configuration module of the same project, apply to its tests; in a monorepo, another
    sub-project's settings do not."""

    def __init__(self, index: Index) -> None:
        import networkx as nx

        self.index = index
        self.graph = nx.DiGraph()
        for path, facts in index.files.items():
            self.graph.add_node(path)
            for dotted in imported_modules(facts):
                parts = dotted.split(".")
                for cut in range(len(parts), 0, -1):
                    target = index.modules.get(".".join(parts[:cut]), path)
                    if target is not None:
                        self.graph.add_edge(path, target.path)
                        break
        self._scopes: dict[str, frozenset[str]] = {}
        self._config_dirs: dict[str, str] | None = None

    def scope(self, path: str) -> frozenset[str]:
        if path not in self._scopes:
            starts = [path] + [c.relative for c in self.index.project.conftests_above(path)]
            seen: set[str] = set()
            import networkx as nx

            for start in starts:
                if start in self.graph:
                    seen.add(start)
                    seen.update(nx.descendants(self.graph, start))
            if self._config_dirs is None:
                self._config_dirs = {
                    p: _project_dir(self.index, p) for p in self.index.files if self.index.knowledge.is_config_file(p)
                }
            config_files = [p for p, directory in self._config_dirs.items() if _is_below(path, directory)]
            self._scopes[path] = frozenset(seen | set(config_files))
        return self._scopes[path]


def imported_modules(facts) -> set[str]:
    names = {qualified for _, qualified in facts.imports} | set(facts.star_imports) | set(facts.plugins)
    for function in facts.functions:
        for ev in evals_of(function.body):
            for bind in ev.binds:
                for ref in bind.values:
                    if ref.root == "@mod":
                        names.add(ref.attrs[0])
    return names


def _project_dir(index: Index, path: str) -> str:
    """The sub-project a file belongs to: its nearest ancestor with a pyproject.toml, setup.cfg,
    setup.py or .git (the project root when there is none)."""
    parts = path.split("/")[:-1]
    for cut in range(len(parts), 0, -1):
        directory = index.project.root.joinpath(*parts[:cut])
        if any((directory / marker).exists() for marker in ("pyproject.toml", "setup.cfg", "setup.py", ".git")):
            return "/".join(parts[:cut])
    return ""


def _is_below(path: str, directory: str) -> bool:
    return not directory or path.startswith(directory.rstrip("/") + "/")
