"""Call-graph stage: which project functions call which, and which helpers are worth walking.

The graph answers one question for the walker: can walking into this helper change anything the
check sees? A helper that, transitively, makes no call a pack could classify, returns no value
and sets no attribute is skipped wherever it is called without arguments.

It is answered on demand, for the helpers the walker reaches: a run reads far more functions
(the project code its tests import: 16,351 for a fifth of sqlalchemy's tests) than its tests
reach, and building the whole graph up front was the largest cost of linking that no `--jobs`
divides (1.2 s there). What a function does itself depends only on its facts and the packs, and
is kept for the run; its static callees come from name resolution, which the engine rewinds
before each batch of files (`Index.restore`), so they are forgotten with it (`restore`) and a
file's answers do not depend on which files were checked before it.
"""

from __future__ import annotations

import fnmatch
import re

from .facts import Function, evals_of
from .project import Index, fid


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
        self.index = index
        self._segments, globs = last_segments(index)
        self._matches_glob = re.compile("|".join(map(fnmatch.translate, globs))).match if globs else None
        self._classifiable: dict[str, bool] = {}  # a callee's last name -> may a pack classify or type it
        self._direct: dict[str, bool] = {}  # function -> does it matter by itself (kept for the run)
        # from name resolution, forgotten by `restore`:
        self._callees: dict[str, tuple[str, ...]] = {}  # function -> the functions it calls, statically
        self._relevant: dict[str, bool] = {}  # function -> the answer of `needs_walk`
        self._targets: dict[tuple, str | None] = {}  # (path, callee) -> function, for module-level names

    def restore(self) -> None:
        """Forget what came from name resolution, as the index does (`Index.restore`)."""
        self._callees.clear()
        self._relevant.clear()
        self._targets.clear()

    def needs_walk(self, function_id: str) -> bool:
        """True when the function, or a function it calls (statically, transitively), matters."""
        if self.direct(function_id):
            return True
        known = self._relevant.get(function_id)
        if known is not None:
            return known
        # depth first through the static callees, until one that matters; when none does,
        # nothing the search reached matters either (it reaches no more than the start does)
        seen, stack = {function_id}, [function_id]
        while stack:
            node = stack.pop()
            if self.direct(node) or self._relevant.get(node):
                self._relevant[function_id] = True
                return True
            for callee in self.callees(node):
                if callee not in seen:
                    seen.add(callee)
                    stack.append(callee)
        for node in seen:
            self._relevant[node] = False
        return False

    def direct(self, function_id: str) -> bool:
        """Does the function matter by itself: a call a pack may classify or type, an object built
        (`Worker(...)`), an await or a `with` exit, a generator (it hands back what it makes), an
        attribute set, or a parameter returned. An unknown function is assumed to."""
        known = self._direct.get(function_id)
        if known is None:
            entry = self.index.function(function_id)
            known = self._direct[function_id] = entry is None or self._matters(entry[1])
        return known

    def _matters(self, function: Function) -> bool:
        if function.is_generator:
            return True
        classifiable = self._classifiable
        params = None
        for ev in evals_of(function.body):
            for call in ev.calls:
                if call.synthetic:
                    return True
                name = call.func.attrs[-1] if call.func.attrs else call.func.root
                known = classifiable.get(name)
                if known is None:
                    known = classifiable[name] = bool(
                        name in self._segments or name[:1].isupper()
                        or (self._matches_glob and self._matches_glob(name)))
                if known:
                    return True
            for bind in ev.binds:
                if "." in bind.target:
                    return True
                if bind.target == "<value>":
                    if params is None:
                        params = {p.name for p in function.params}
                    if any(ref.root in params for ref in bind.values):
                        return True
        return False

    def callees(self, function_id: str) -> tuple[str, ...]:
        """The project functions it calls that are known without walking it, in call order."""
        found = self._callees.get(function_id)
        if found is None:
            entry = self.index.function(function_id)
            targets: dict[str, None] = {}
            if entry is not None:
                facts, function = entry
                for ev in evals_of(function.body):
                    for call in ev.calls:
                        target = self._static_target(facts, function, call)
                        if target is not None:
                            targets[target] = None
            found = self._callees[function_id] = tuple(targets)
        return found

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


class ImportGraph:
    """Which project files a test file can see: what it and its conftest.py chain import,
    transitively. Module-level settings (`app.conf.task_always_eager = True`) in those files, or
    in a configuration module of the same project, apply to its tests; in a monorepo, another
    sub-project's settings do not. A file's imports are looked up when a search first reaches it
    (they depend only on its facts and the modules read)."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self._imports: dict[str, tuple[str, ...]] = {}
        self._scopes: dict[str, frozenset[str]] = {}
        self._config_dirs: dict[str, str] | None = None

    def imports(self, path: str) -> tuple[str, ...]:
        """The files it imports (the deepest module of a dotted name that was read)."""
        found = self._imports.get(path)
        if found is None:
            facts = self.index.files.get(path)
            targets: dict[str, None] = {}
            for dotted in facts.imported if facts is not None else ():
                parts = dotted.split(".")
                for cut in range(len(parts), 0, -1):
                    target = self.index.modules.get(".".join(parts[:cut]), path)
                    if target is not None:
                        targets[target.path] = None
                        break
            found = self._imports[path] = tuple(targets)
        return found

    def scope(self, path: str) -> frozenset[str]:
        if path not in self._scopes:
            starts = [path] + [c.relative for c in self.index.project.conftests_above(path)]
            stack = [start for start in starts if start in self.index.files]
            seen = set(stack)
            while stack:
                for imported in self.imports(stack.pop()):
                    if imported not in seen:
                        seen.add(imported)
                        stack.append(imported)
            if self._config_dirs is None:
                self._config_dirs = {
                    p: _project_dir(self.index, p) for p in self.index.files if self.index.knowledge.is_config_file(p)
                }
            config_files = [p for p, directory in self._config_dirs.items() if _is_below(path, directory)]
            self._scopes[path] = frozenset(seen | set(config_files))
        return self._scopes[path]


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
