"""Lifecycle stage: for each test, what pytest or unittest runs around it, in order.

The plan is data; `check.py` walks it. Fixture resolution follows pytest: the test's class, its
module (and names it imports), `pytest_plugins`, conftest.py files from the nearest up, then
plugin fixtures known to the packs; autouse first, then `usefixtures`, then arguments; sorted
by scope, each fixture after the fixtures it requests.
"""

from __future__ import annotations

import configparser
import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

from .facts import Call, Class, Eval, FileFacts, Function
from .packs import tomllib
from .project import Index, Val, fid

SCOPES = {"session": 0, "package": 1, "module": 2, "class": 3, "function": 4}
NOT_FIXTURES = {"self", "cls", "request"}


@dataclass(frozen=True)
class FixtureDef:
    name: str
    function_id: str | None  # None: a plugin fixture the project does not define
    scope: str = "function"
    autouse: bool = False
    params: tuple[str, ...] = ()
    where: str = ""  # module, class id or "plugin"
    implicit_delete: str = ""  # what the framework deletes when this fixture is torn down
    gate: str = ""  # a gate the fixture opens (transactional_db: on_commit callbacks run)
    type_name: str = ""  # the value's type, for plugin fixtures known to packs


@dataclass
class Lifecycle:
    test_id: str  # function id of the test
    node_id: str  # tests/test_x.py::TestX::test_y
    path: str
    facts: FileFacts
    function: Function
    cls: Class | None = None
    fixtures: list[FixtureDef] = field(default_factory=list)  # setup order
    deps: dict[str, dict[str, FixtureDef]] = field(default_factory=dict)  # fixture id -> param -> def
    module_setup: list[str] = field(default_factory=list)  # function ids
    module_teardown: list[str] = field(default_factory=list)
    class_setup: list[str] = field(default_factory=list)
    class_teardown: list[str] = field(default_factory=list)
    setup: list[str] = field(default_factory=list)
    teardown: list[str] = field(default_factory=list)
    implicit_delete: str = ""  # after the test's own teardown (TransactionTestCase flush)
    decorators: list[Call] = field(default_factory=list)  # test and class decorators (patches, marks)
    evidence: list = field(default_factory=list)
    is_unittest: bool = False
    gates: set = field(default_factory=set)  # opened for the whole lifecycle


@dataclass
class PytestSettings:
    """What pytest collects: `python_files`, `python_classes`, `python_functions` (its defaults,
    or the project's `[tool.pytest.ini_options]` / pytest.ini / tox.ini / setup.cfg)."""

    python_files: tuple[str, ...] = ("test_*.py", "*_test.py")
    python_classes: tuple[str, ...] = ("Test",)
    python_functions: tuple[str, ...] = ("test",)

    @classmethod
    def read(cls, root: Path) -> "PytestSettings":
        found: dict[str, list[str]] = {}
        pyproject = root / "pyproject.toml"
        if pyproject.is_file():
            try:
                table = tomllib.loads(pyproject.read_text(encoding="utf-8"))
                options = table.get("tool", {}).get("pytest", {}).get("ini_options", {})
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                options = {}
            for key in ("python_files", "python_classes", "python_functions"):
                value = options.get(key)
                if value:
                    found[key] = value.split() if isinstance(value, str) else [str(v) for v in value]
        for name, section in (("pytest.ini", "pytest"), ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
            path = root / name
            if found or not path.is_file():
                continue
            parser = configparser.ConfigParser(interpolation=None)
            try:
                parser.read(path, encoding="utf-8")
            except (configparser.Error, UnicodeDecodeError):
                continue
            if parser.has_section(section):
                for key in ("python_files", "python_classes", "python_functions"):
                    if parser.has_option(section, key):
                        found[key] = parser.get(section, key).split()
        return cls(**{key: tuple(value) for key, value in found.items()})


def node_id(facts: FileFacts, function: Function, cls: Class | None, *_) -> str:
    """pytest's node id of a test (`tests/test_x.py::TestX::test_y`); takes what `Builder.tests` lists."""
    return f"{facts.path}::{cls.qualname.replace('.', '::')}::{function.name}" if cls else f"{facts.path}::{function.name}"


class Builder:
    def __init__(self, index: Index, settings: PytestSettings | None = None) -> None:
        self.index = index
        self.knowledge = index.knowledge
        self.settings = settings or PytestSettings.read(index.project.root)
        self._fixtures: dict[str, dict[str, FixtureDef]] = {}  # module or class id -> name -> def

    # ---- fixtures -----------------------------------------------------------------------------

    def fixture_def(self, facts: FileFacts, function: Function, where: str) -> FixtureDef | None:
        for decorator in function.decorators:
            callee = self.index.eval_static(facts, decorator.func, None)
            if not set(callee.names) & self.knowledge.fixture_decorators:
                continue
            name = _const_kw(decorator, "name") or function.name
            scope = _const_kw(decorator, "scope") or "function"
            autouse = bool(_const_kw(decorator, "autouse"))
            params = tuple(p.name for p in function.params if p.name not in NOT_FIXTURES and p.kind != "kwarg")
            if function.class_name:
                params = tuple(p for p in params if p != function.params[0].name) if function.params else params
            return FixtureDef(name, fid(facts.path, function.qualname), str(scope), autouse, params, where)
        return None

    def fixtures_in_module(self, facts: FileFacts) -> dict[str, FixtureDef]:
        key = facts.path
        if key not in self._fixtures:
            found: dict[str, FixtureDef] = {}
            for function in facts.functions:
                if function.class_name is None and function.parent is None:
                    fx = self.fixture_def(facts, function, facts.module)
                    if fx is not None:
                        found[fx.name] = fx
            # fixtures imported by name (`from tests.fixtures import course`) or by star
            for local, qualified in facts.imports:
                if local in found:
                    continue
                val = self.index.resolve_dotted(qualified, facts.path)
                fx = self._fixture_of_val(val)
                if fx is not None:
                    found[local] = fx
            for star in facts.star_imports:
                other = self.index.modules.get(star, facts.path)
                if other is not None and other is not facts:
                    for name, fx in self.fixtures_in_module(other).items():
                        found.setdefault(name, fx)
            self._fixtures[key] = found
        return self._fixtures[key]

    def _fixture_of_val(self, val: Val) -> FixtureDef | None:
        if val.kind != "func":
            return None
        entry = self.index.function(val.ref)
        if entry is None:
            return None
        facts, function = entry
        if function.class_name is not None:
            return None
        return self.fixture_def(facts, function, facts.module)

    def fixtures_in_class(self, facts: FileFacts, cls: Class) -> dict[str, FixtureDef]:
        key = fid(facts.path, cls.qualname)
        if key not in self._fixtures:
            found: dict[str, FixtureDef] = {}
            for base_facts, base in reversed(self.index.mro(key)):
                for _, qualname in base.methods:
                    entry = self.index.function(fid(base_facts.path, qualname))
                    if entry is None:
                        continue
                    fx = self.fixture_def(entry[0], entry[1], key)
                    if fx is not None:
                        found[fx.name] = fx
            self._fixtures[key] = found
        return self._fixtures[key]

    def visible(self, facts: FileFacts, cls: Class | None) -> list[dict[str, FixtureDef]]:
        """Fixture tables a test sees, nearest first."""
        tables = []
        if cls is not None:
            tables.append(self.fixtures_in_class(facts, cls))
        tables.append(self.fixtures_in_module(facts))
        conftests = self.index.project.conftests_above(facts.path)
        plugin_modules: list[str] = []
        for source in [facts, *[self.index.files.get(c.relative) for c in conftests]]:
            if source is not None:
                plugin_modules += list(source.plugins)
        for source in reversed(conftests):
            conftest = self.index.files.get(source.relative)
            if conftest is not None and conftest is not facts:
                tables.append(self.fixtures_in_module(conftest))
        for plugin in plugin_modules:
            module = self.index.modules.get(plugin, facts.path)
            if module is not None:
                tables.append(self.fixtures_in_module(module))
        return tables

    def resolve(self, name: str, tables, below: FixtureDef | None = None) -> FixtureDef:
        skipping = below is not None and below.name == name
        for table in tables:
            fx = table.get(name)
            if fx is None:
                continue
            if skipping:
                if fx.function_id == below.function_id:
                    skipping = False
                continue
            return fx
        return self.plugin_fixture(name)

    def plugin_fixture(self, name: str) -> FixtureDef:
        implicit = gate = ""
        for rule in self.knowledge.implicit_deletes:
            if rule.fixture == name:
                implicit, gate = rule.what, rule.opens
        return FixtureDef(
            name, None, "function", where="plugin", implicit_delete=implicit, gate=gate,
            type_name=self.knowledge.fixture_types.get(name, ""),
        )

    # ---- tests --------------------------------------------------------------------------------

    def is_test_file(self, facts: FileFacts) -> bool:
        name = facts.path.rsplit("/", 1)[-1]
        return any(fnmatch.fnmatchcase(name, p) for p in self.settings.python_files)

    def is_testcase(self, facts: FileFacts, cls: Class) -> bool:
        names = self.index.class_names(facts, cls)
        return bool(set(names) & self.knowledge.testcase_bases)

    def lifecycles(self, facts: FileFacts) -> list[Lifecycle]:
        return [self.lifecycle(*test) for test in self.tests(facts)]

    def tests(self, facts: FileFacts) -> list[tuple]:
        """The file's tests in pytest's order, each as the arguments `lifecycle` takes: finding
        them costs a fraction of building their lifecycles, so a part of a big file (the
        engine's checking batches) builds only its own."""
        if facts.error is not None or not self.is_test_file(facts):
            return []
        out: list[tuple] = []
        for function in facts.functions:
            if function.class_name is None and function.parent is None and self._test_name(function.name):
                if self._is_fixture(facts, function):
                    continue
                out.append((facts, function, None))
        for cls in facts.classes:
            unittest = self.is_testcase(facts, cls)
            if not unittest and not any(cls.name.startswith(p) for p in self.settings.python_classes):
                continue
            if not unittest and any(m == "__init__" for m, _ in cls.methods):
                continue
            cid = fid(facts.path, cls.qualname)
            seen = set()
            for base_facts, base in self.index.mro(cid):
                for method_name, qualname in base.methods:
                    if method_name in seen or not method_name.startswith("test"):
                        continue
                    seen.add(method_name)
                    entry = self.index.function(fid(base_facts.path, qualname))
                    if entry is None or self._is_fixture(*entry):
                        continue
                    out.append((facts, entry[1], cls, unittest, entry[0]))
        return out

    def _test_name(self, name: str) -> bool:
        return any(name.startswith(p) for p in self.settings.python_functions)

    def _is_fixture(self, facts: FileFacts, function: Function) -> bool:
        return self.fixture_def(facts, function, "") is not None

    def lifecycle(self, facts, function, cls, unittest=False, defined_in=None) -> Lifecycle:
        defined_in = defined_in or facts
        lc = Lifecycle(fid(defined_in.path, function.qualname), node_id(facts, function, cls), facts.path, defined_in,
                       function, cls)
        lc.is_unittest = unittest
        lc.decorators = list(function.decorators)
        cid = fid(facts.path, cls.qualname) if cls else None
        if cls is not None:
            for _, base in self.index.mro(cid):
                lc.decorators += list(base.decorators)
        marks = self._marks(facts, cls, function)
        tables = self.visible(facts, cls)

        # xunit and unittest methods
        lc.module_setup = _present(facts, "setup_module")
        lc.module_teardown = _present(facts, "teardown_module")
        if cls is None:
            lc.setup = _present(facts, "setup_function")
            lc.teardown = _present(facts, "teardown_function")
        else:
            def found(*names: str) -> list[str]:
                methods = (self.index.method(cid, name) for name in names)
                return [fid(m[0].path, m[1].qualname) for m in methods if m is not None]

            if unittest:
                lc.class_setup = found("setUpClass")
                lc.class_teardown = found("tearDownClass")
                lc.setup = found("setUp", "asyncSetUp")
                lc.teardown = found("asyncTearDown", "tearDown")
                for rule in self.knowledge.implicit_deletes:
                    if rule.base and rule.base in self.index.class_names(facts, cls):
                        lc.implicit_delete = rule.what
                        if rule.opens:
                            lc.gates.add(rule.opens)
            else:
                lc.class_setup = found("setup_class")
                lc.class_teardown = found("teardown_class")
                lc.setup = found("setup_method")
                lc.teardown = found("teardown_method")

        # fixtures: autouse, usefixtures, arguments
        requested: list[FixtureDef] = []
        for table in reversed(tables):
            requested += [fx for fx in table.values() if fx.autouse]
        for name in marks.usefixtures:
            requested.append(self.resolve(name, tables))
        params = [p.name for p in function.params if p.kind in ("positional", "kwonly")]
        if cls is not None and params:
            params = params[1:]
        for name in params:
            if name not in NOT_FIXTURES:
                requested.append(self.resolve(name, tables))
        for what, gate in marks.implicit_deletes:
            requested.insert(0, FixtureDef("<mark>", None, "function", where="plugin", implicit_delete=what, gate=gate))

        closure: list[FixtureDef] = []

        def add(fx: FixtureDef) -> None:
            if any(f is fx or (f.function_id and f.function_id == fx.function_id and f.name == fx.name) for f in closure):
                return
            closure.append(fx)
            deps = {}
            for param in fx.params:
                dep = self.resolve(param, tables, below=fx if param == fx.name else None)
                deps[param] = dep
            lc.deps[fixture_key(fx)] = deps
            for dep in deps.values():
                add(dep)

        for fx in requested:
            add(fx)
        closure.sort(key=lambda f: SCOPES.get(f.scope, 4))
        ordered: list[FixtureDef] = []

        def setup(fx: FixtureDef, stack=()) -> None:
            if fx in ordered or fx in stack:
                return
            for dep in lc.deps.get(fixture_key(fx), {}).values():
                setup(dep, stack + (fx,))
            ordered.append(fx)

        for fx in closure:
            setup(fx)
        lc.fixtures = ordered
        lc.evidence = list(marks.evidence)
        return lc

    def _marks(self, facts: FileFacts, cls: Class | None, function: Function) -> "_Marks":
        marks = _Marks()
        calls: list[tuple[FileFacts, Call]] = [(facts, c) for c in function.decorators]
        if cls is not None:
            for base_facts, base in self.index.mro(fid(facts.path, cls.qualname)):
                calls += [(base_facts, c) for c in base.decorators]
                calls += [(base_facts, c) for c in _pytestmark(base.body)]
        calls += [(facts, c) for c in _pytestmark(facts.body)]
        for source, call in calls:
            names = self.index.eval_static(source, call.func, None).names
            if any(n.endswith("mark.usefixtures") for n in names):
                marks.usefixtures += [a.const[0] for a in call.args if a.const and isinstance(a.const[0], str)]
            for rule in self.knowledge.implicit_deletes:
                if rule.mark and rule.mark in names and all(
                    (call.kw(k) is not None and call.kw(k).const == (v,)) for k, v in rule.when
                ):
                    marks.implicit_deletes.append((rule.what, rule.opens))
            marks.evidence += [(k, a.const) for k, a in call.kwargs if a.const is not None]
        return marks


@dataclass
class _Marks:
    usefixtures: list[str] = field(default_factory=list)
    implicit_deletes: list[str] = field(default_factory=list)
    evidence: list = field(default_factory=list)


def fixture_key(fx: FixtureDef) -> str:
    """A fixture's identity in a lifecycle (two fixtures may share a name: an override)."""
    return f"{fx.function_id or 'plugin'}#{fx.name}"


def _present(facts: FileFacts, name: str) -> list[str]:
    function = facts.function(name)
    return [fid(facts.path, name)] if function is not None else []


def _const_kw(call: Call, name: str):
    arg = call.kw(name)
    return arg.const[0] if arg is not None and arg.const is not None else None


def _pytestmark(body) -> list[Call]:
    out = []
    for node in body:
        if isinstance(node, Eval) and any(b.target == "pytestmark" for b in node.binds):
            out += list(node.calls)
    return out
