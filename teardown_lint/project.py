"""Link stage: the facts of every file read, indexed, with the light name resolution the
analysis needs (imports, module-level definitions and assignments, class bases).

A `Val` is what the analysis knows of a value: the qualified names it may be known by (most
specific first), which project function or class it is, which started work it stands for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .discover import Modules, Project
from .facts import Call, Class, Eval, FileFacts, Function, Ref, evals_of
from .packs import Knowledge

UNKNOWN_NAMES = ("?",)


@dataclass(frozen=True)
class Val:
    kind: str = "ext"  # ext | inst | func | class | module
    names: tuple[str, ...] = UNKNOWN_NAMES
    ref: str = ""  # function id, class id or module name
    handles: frozenset = frozenset()  # ids of started work this value stands for
    obj: int = 0  # identity of an object created during the walk (a queue, an executor)
    origin: str = ""  # what the value is, for linking deletes to jobs: "fixture:course"
    bound: "Val | None" = None  # the receiver, for attributes and bound methods
    elems: tuple = ()  # the elements of a tuple/list value, when known by position

    @property
    def known(self) -> bool:
        return self.names != UNKNOWN_NAMES


UNKNOWN = Val()


@lru_cache(maxsize=1 << 16)
def _attribute_names(names: tuple[str, ...], attr: str) -> tuple[str, ...]:
    return tuple(f"{n}.{attr}" for n in names)


def evolve(val: Val, **changes) -> Val:
    """`dataclasses.replace` for a `Val`, without its per-field checks: about 5x faster, and the
    walker makes a few million on a large suite. Equivalent because `Val` has no
    `__post_init__` and every field is an `__init__` field."""
    new = object.__new__(Val)
    state = new.__dict__
    state.update(val.__dict__)
    state.update(changes)
    return new


def fid(path: str, qualname: str) -> str:
    """A function's (or class's) id: its file, so that two `conftest.py` never collide."""
    return f"{path}:{qualname}"


@dataclass
class Index:
    """Facts of the files read, with lookups by module, function id and class id."""

    project: Project
    knowledge: Knowledge
    files: dict[str, FileFacts] = field(default_factory=dict)  # relative path -> facts
    modules: Modules = field(default_factory=Modules)  # every module alias -> facts
    functions: dict[str, tuple[FileFacts, Function]] = field(default_factory=dict)
    classes: dict[str, tuple[FileFacts, Class]] = field(default_factory=dict)
    _globals: dict[tuple[str, str], Val] = field(default_factory=dict)
    _resolving: set = field(default_factory=set)
    _by_name: dict | None = None
    _mro: dict = field(default_factory=dict)
    _methods: dict = field(default_factory=dict)

    def add(self, facts: FileFacts) -> None:
        self.files[facts.path] = facts
        source = self.project.files.get(facts.path)
        for alias in (facts.module, *(source.aliases if source else ())):
            self.modules.add(alias, facts, facts.path)
        for function in facts.functions:
            self.functions[fid(facts.path, function.qualname)] = (facts, function)
        for cls in facts.classes:
            self.classes[fid(facts.path, cls.qualname)] = (facts, cls)

    # ---- module-level names -------------------------------------------------------------------

    def module_val(self, facts: FileFacts) -> Val:
        return Val("module", (facts.module,), facts.path)

    def resolve_dotted(self, dotted: str, near: str = "") -> Val:
        """A qualified name (as written in the file at `near`): into the project where it points
        there, else an external name."""
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            facts = self.modules.get(".".join(parts[:cut]), near)
            if facts is None:
                continue
            val = self.module_val(facts)
            for attr in parts[cut:]:
                val = self.member(val, attr)
            return val
        return Val("ext", (dotted,))

    def global_name(self, facts: FileFacts, name: str) -> Val | None:
        key = (facts.path, name)
        if key in self._globals:
            return self._globals[key]
        if key in self._resolving:
            return None
        self._resolving.add(key)
        try:
            val = self._global_name(facts, name)
        finally:
            self._resolving.discard(key)
        self._globals[key] = val  # `None` too: builtins and unknown names are asked for often
        return val

    def _global_name(self, facts: FileFacts, name: str) -> Val | None:
        entry = self.functions.get(fid(facts.path, name))
        if entry is not None and entry[1].class_name is None:
            return self.function_val(facts, entry[1])
        for cls in facts.classes:
            if cls.qualname == name:
                return self.class_val(facts, cls)
        # `broker = InMemoryBroker()` under `if TESTING:` and another broker under `else:`: the
        # first binding whose value is known stands for the name.
        values = [self.eval_static(facts, ref, ev) for bind, ev in _module_bindings(facts, name) for ref in bind.values]
        if values:
            known = [v for v in values if v.known] or values
            return evolve(known[0], origin=f"global:{facts.module}.{name}")
        for local, qualified in facts.imports:
            if local == name:
                return self.resolve_dotted(qualified, facts.path)
        for star in facts.star_imports:
            other = self.modules.get(star, facts.path)
            if other is not None and other is not facts:
                found = self.global_name(other, name)
                if found is not None:
                    return found
        return None

    def eval_static(self, facts: FileFacts, ref: Ref, stmt: Eval | None) -> Val:
        """A reference at module level (no walk): names, module globals and call results."""
        if ref.call >= 0:
            call = facts.calls.get(ref.call)
            val = self.call_result_static(facts, call) if call is not None else UNKNOWN
        elif ref.root in ("@mod", "@fn") and ref.attrs:
            if ref.root == "@mod":
                val = self.resolve_dotted(ref.attrs[0], facts.path)
            else:
                entry = self.functions.get(fid(facts.path, ref.attrs[0]))
                val = self.function_val(*entry) if entry else UNKNOWN
            for attr in ref.attrs[1:]:
                val = self.member(val, attr)
            return val
        elif ref.root:
            val = self.global_name(facts, ref.root) or Val("ext", (ref.root,))
        else:
            return UNKNOWN
        for attr in ref.attrs:
            val = self.member(val, attr)
        return val

    def call_result_static(self, facts: FileFacts, call: Call) -> Val:
        callee = self.eval_static(facts, call.func, None)
        return self.construct(callee, obj=hash((facts.path, call.id)) & 0x7FFFFFFF or 1)

    def construct(self, callee: Val, obj: int) -> Val:
        """The value a call returns when nothing is walked: pack `returns`, classes, constructors."""
        returned = self.knowledge.returns_of(callee.names)
        if returned is not None:
            return Val("inst", self.type_names(returned), obj=obj)
        if callee.kind == "class":
            return Val("inst", callee.names, ref=callee.ref, obj=obj)
        first = callee.names[0]
        last = first.rsplit(".", 1)[-1]
        if callee.kind == "ext" and callee.known and last[:1].isupper():
            return Val("inst", self.type_names(first), obj=obj)
        return UNKNOWN

    def type_names(self, qualified: str) -> tuple[str, ...]:
        val = self.resolve_dotted(qualified) if "." in qualified else None
        if val is not None and val.kind == "class":
            return val.names
        return (qualified,)

    # ---- functions and classes ----------------------------------------------------------------

    def function_val(self, facts: FileFacts, function: Function, bound: Val | None = None) -> Val:
        path = f"{facts.module}.{function.qualname}"
        names = [path]
        source = self.project.files.get(facts.path)
        if source is not None:
            names += [f"{alias}.{function.qualname}" for alias in source.aliases]
        for decorator in function.decorators:
            decorated = self.knowledge.returns_of(self.eval_static(facts, decorator.func, None).names)
            if decorated is not None:
                names.append(decorated)
        return Val("func", tuple(names), ref=fid(facts.path, function.qualname), bound=bound)

    def class_val(self, facts: FileFacts, cls: Class) -> Val:
        return Val("class", self.class_names(facts, cls), ref=fid(facts.path, cls.qualname))

    def class_names(self, facts: FileFacts, cls: Class, depth: int = 0) -> tuple[str, ...]:
        names = [f"{facts.module}.{cls.qualname}"]
        if depth > 10:
            return tuple(names)
        for base in cls.bases:
            val = self.eval_static(facts, base, None)
            for name in val.names:
                if name not in names and name != "?":
                    names.append(name)
        return tuple(names)

    def mro(self, cid: str, depth: int = 0) -> list[tuple[FileFacts, Class]]:
        """The project classes a class inherits from, nearest first (computed once per class)."""
        if depth == 0:
            if cid not in self._mro:
                self._mro[cid] = self._compute_mro(cid, 0)
            return self._mro[cid]
        return self._compute_mro(cid, depth)

    def _compute_mro(self, cid: str, depth: int) -> list[tuple[FileFacts, Class]]:
        entry = self.classes.get(cid)
        if entry is None or depth > 10:
            return []
        out = [entry]
        facts, cls = entry
        for base in cls.bases:
            val = self.eval_static(facts, base, None)
            if val.kind == "class":
                out += [e for e in self.mro(val.ref, depth + 1) if e not in out]
        return out

    def method(self, cid: str, name: str) -> tuple[FileFacts, Function] | None:
        key = (cid, name)
        if key not in self._methods:
            self._methods[key] = self._method(cid, name)
        return self._methods[key]

    def _method(self, cid: str, name: str) -> tuple[FileFacts, Function] | None:
        for facts, cls in self.mro(cid):
            for method_name, qualname in cls.methods:
                if method_name == name:
                    return self.functions.get(fid(facts.path, qualname))
        return None

    def member(self, val: Val, attr: str) -> Val:
        """`val.attr`, by the same rules for every kind of value."""
        if val.kind == "module":
            facts = self.files.get(val.ref)
            found = self.global_name(facts, attr) if facts is not None else None
            if found is not None:
                return found
            submodule = self.modules.get(f"{val.names[0]}.{attr}", val.ref)
            if submodule is not None:
                return self.module_val(submodule)
            return Val("ext", (f"{val.names[0]}.{attr}",))
        if val.kind in ("class", "inst") and val.ref:
            found = self.method(val.ref, attr)
            if found is not None:
                method = self.function_val(*found, bound=val if val.kind == "inst" else None)
                return evolve(method, names=method.names + _attribute_names(val.names[1:], attr))
        return Val("ext", _attribute_names(val.names, attr), origin=val.origin, bound=val)

    def function(self, function_id: str) -> tuple[FileFacts, Function] | None:
        return self.functions.get(function_id)

    def function_named(self, name: str) -> Val:
        """The one module-level function of that name outside the tests, if there is exactly one."""
        if self._by_name is None:
            self._by_name = {}
            for facts, function in self.functions.values():
                if function.class_name is None and function.parent is None and "test" not in facts.path.split("/")[0]:
                    self._by_name.setdefault(function.name, []).append((facts, function))
        found = self._by_name.get(name, [])
        if not found:
            # a job named like a constant (`"DOCUMENT_PROCESSING"`) dispatched to a handler named
            # after it (`handle_document_processing`, `document_processing_job`)
            key = "_".join(part for part in re.split(r"\W+", name.lower()) if part)
            found = [
                entry for function_name, entries in self._by_name.items()
                if key and (function_name == key or function_name.endswith("_" + key) or function_name.startswith(key + "_"))
                for entry in entries
            ]
        return self.function_val(*found[0]) if len(found) == 1 else UNKNOWN

    def memo(self) -> tuple[int, int, int]:
        """A mark in the name-resolution caches, to `restore` them to later."""
        return len(self._globals), len(self._mro), len(self._methods)

    def restore(self, memo: tuple[int, int, int]) -> None:
        """Forget what the caches learnt since `memo`. The cycle guard of `global_name` makes what
        they hold depend on the order questions come in, so the engine restores them before each
        batch of target files: a file's findings then do not depend on which files were checked
        before it in the same process, and `--jobs` cannot change them. Entries are only ever
        added, so the newest (last inserted) are the ones to drop."""
        for table, size in zip((self._globals, self._mro, self._methods), memo):
            while len(table) > size:
                table.popitem()
        self._resolving.clear()


def _module_bindings(facts: FileFacts, name: str):
    """Module-level assignments to `name`, those under `if`/`try` included, in source order."""
    return [(bind, ev) for ev in evals_of(facts.body) for bind in ev.binds if bind.target == name]
