"""Check stage (TDL001): drive the walker through each test's lifecycle in the order pytest or
unittest runs it, and report teardown deletes that run while started work may be pending.

Fixtures are walked with the rest of the lifecycle as the continuation of their `yield`, which
gives pytest's nesting of setups and teardowns; cleanups run LIFO when their owner is torn down.
"""

from __future__ import annotations

from dataclasses import replace

from .facts import Call, Function, Loc
from .findings import Finding, Work
from .graph import CallGraph, ImportGraph
from .lifecycle import FixtureDef, Lifecycle, fixture_key
from .packs import Rule
from .project import UNKNOWN, Index, Val, fid
from .walker import WALK_BUDGET, Frame, State, Walker, _origins, join_vals

CODE = "TDL001"
NAME = "delete-before-drain"


class Checker(Walker):
    """TDL001 over lifecycles."""

    replays_setup = True  # `class_setup`: walk a class's setup once for the tests that share it

    def __init__(self, index: Index, graph: CallGraph | None = None, imports: ImportGraph | None = None) -> None:
        super().__init__(index, graph)
        self.findings: dict[tuple[str, int, int], Finding] = {}
        self.imports = imports if imports is not None else ImportGraph(index)
        self._inline_by_file: dict[str, frozenset] = {}
        self.builder_request = FixtureDef("request", None, type_name=self.knowledge.fixture_types.get("request", ""))
        self._setups: dict[tuple, tuple[State, int]] = {}  # `class_setup`'s outcomes

    def inline_in_scope(self, path: str) -> frozenset:
        """Families run inline by module-level settings the test's files can see."""
        if path not in self._inline_by_file:
            evidence = [e for p in self.imports.scope(path) for e in self.index.files[p].evidence]
            self._inline_by_file[path] = self.knowledge.inline_for(evidence)
        return self._inline_by_file[path]

    def run(self, lc: Lifecycle) -> None:
        self.lc = lc
        self.budget = WALK_BUDGET
        self.fixture_values: dict[str, Val] = {}
        self.request_val = self._plugin_value(self.builder_request)
        self.file_inline = self.inline_in_scope(lc.path)
        state = State(inline=self.file_inline | self.knowledge.inline_for(lc.evidence),
                      gates=frozenset(lc.gates))
        state = self._decorators(lc.facts, lc.decorators, state)
        state = self.class_setup(lc, state)
        state = self.fixtures(lc, 0, state) or state
        for function_id in lc.class_teardown + lc.module_teardown:
            state = self.call_function(function_id, state, kind="teardown") or state
        state = self.run_cleanups(state, "class")

    def class_setup(self, lc: Lifecycle, state: State) -> State:
        """`setUpModule` and `setUpClass` (and pytest's `setup_module`, `setup_class`): walked from
        a state that only the test's marks and patches set, so the tests of a class that share
        those share the outcome, walked once per batch: on a fifth of Django's test modules,
        whose `TestCase.setUpClass` reaches deep into Django, 76,605 function walks instead of
        135,608. Each test is still charged the walks it took against its budget."""
        functions = lc.module_setup + lc.class_setup
        if not functions:
            return state
        key = (tuple(functions), state.inline, state.gates, state.patched) if self.replays_setup else None
        known = self._setups.get(key) if key is not None else None
        if known is not None:
            after, walks = known
            self.budget -= walks
            return after.copy()
        budget = self.budget
        for function_id in functions:
            state = self.call_function(function_id, state, kind="fixture") or state
        if key is not None and self.budget > 0:  # not cut short by the budget
            self._setups[key] = (state.copy(), budget - self.budget)
        return state

    def fixtures(self, lc: Lifecycle, i: int, state: State) -> State | None:
        if i == len(lc.fixtures):
            return self.core(lc, state)
        fx = lc.fixtures[i]
        key = fixture_key(fx)
        if fx.function_id is None:
            self.fixture_values[key] = self._plugin_value(fx)
            if fx.gate:
                state = state.copy()
                state.gates = state.gates | {fx.gate}
            state = self.fixtures(lc, i + 1, state)
            if state is not None and fx.implicit_delete:
                self.implicit(lc, state, fx.implicit_delete)
            return state
        entry = self.index.function(fx.function_id)
        if entry is None:
            return self.fixtures(lc, i + 1, state)
        facts, function = entry
        state.inline = state.inline | self.knowledge.inline_for(function.evidence)
        inline_family = self.knowledge.inline_fixtures.get(fx.name)
        if inline_family and _truthy_evidence(function):
            state.inline = state.inline | {inline_family}
        args = {p: self.fixture_values.get(fixture_key(d), UNKNOWN) for p, d in lc.deps.get(key, {}).items()}
        args.setdefault("request", self.request_val)
        origin = f"fixture:{fx.name}"

        def on_yield(s: State, value: Val) -> State | None:
            self.fixture_values[key] = replace(value, origin=origin)
            return self.fixtures(lc, i + 1, s)

        frame = Frame(facts, function, kind="fixture", owner=key, where=f"fixture `{fx.name}`")
        if function.is_generator:
            frame.on_yield = on_yield
            out = self.walk_function(frame, state, args, self_val=self._self_val(lc))
        else:
            out = self.walk_function(frame, state, args, self_val=self._self_val(lc))
            if out is not None:
                value = join_vals([v for _, v in frame.returns]) if frame.returns else UNKNOWN
                self.fixture_values[key] = replace(value, origin=origin)
                out = self.fixtures(lc, i + 1, out)
        if out is None:
            return None
        return self.run_cleanups(out, key)

    def core(self, lc: Lifecycle, state: State) -> State | None:
        self_val = self._self_val(lc)
        for function_id in lc.setup:
            state = self.call_function(function_id, state, kind="fixture", self_val=self_val) or state
        params = [p.name for p in lc.function.params if p.kind in ("positional", "kwonly")]
        if lc.cls is not None and params:
            params = params[1:]
        args = {"request": self.request_val}
        for name in params:
            for fx in lc.fixtures:
                if fx.name == name:
                    args[name] = self.fixture_values.get(fixture_key(fx), UNKNOWN)
        frame = Frame(lc.facts, lc.function, kind="test")
        out = self.walk_function(frame, state, args, self_val=self_val)
        state = out if out is not None else state
        for function_id in lc.teardown:
            state = self.call_function(function_id, state, kind="teardown", self_val=self_val) or state
        state = self.run_cleanups(state, "test")
        if lc.implicit_delete:
            self.implicit(lc, state, lc.implicit_delete)
        return state

    def implicit(self, lc: Lifecycle, state: State, what: str) -> None:
        pending = self.live(state)
        if pending:
            self.report(lc.facts.path, lc.function.loc, None, what, pending, "implicit", frozenset(), state.waits)

    def call_function(self, function_id, state, kind, self_val=None, where="") -> State | None:
        entry = self.index.function(function_id)
        if entry is None:
            return state
        facts, function = entry
        frame = Frame(facts, function, kind=kind, teardown=kind == "teardown", where=where or f"`{function.name}`")
        return self.walk_function(frame, state, {}, self_val=self_val)

    def run_cleanups(self, state: State, owner: str) -> State:
        mine = [c for c in state.cleanups if c.owner == owner]
        if not mine:
            return state
        state = state.copy()
        state.cleanups = tuple(c for c in state.cleanups if c.owner != owner)
        for registration in reversed(mine):
            frame = Frame(
                self.index.files.get(registration.path) or self.lc.facts, None, kind="teardown", teardown=True,
                anchor=(registration.path, registration.stmt), where="a registered cleanup",
            )
            state = self.invoke(registration.callback, registration.args, state, frame, registration.call,
                                closure=registration.closure) or state
        return state

    def _self_val(self, lc: Lifecycle) -> Val | None:
        if lc.cls is None:
            return None
        return Val("inst", self.index.class_names(lc.facts, lc.cls), ref=fid(lc.facts.path, lc.cls.qualname), obj=1)

    def _plugin_value(self, fx: FixtureDef) -> Val:
        origin = f"fixture:{fx.name}"
        if fx.type_name:
            return Val("inst", self.index.type_names(fx.type_name), obj=self.new_id(), origin=origin)
        return Val("ext", ("?",), origin=origin)

    def on_delete(self, rule: Rule, call: Call, receiver: Val, state: State, frame: Frame) -> None:
        if not frame.teardown:
            return
        pending = self.live(state)
        if pending:
            anchor = frame.anchor or (frame.facts.path, call.stmt)
            links = frozenset(_origins(receiver, self.arg_vals(call, state, frame))) | self.statement_origins(
                call, state, frame
            )
            what = _deleted(rule, call, receiver)
            delete = (frame.facts.path, call) if call.id >= 0 else None
            self.report(anchor[0], anchor[1], delete, what, pending, frame.where or "teardown", links, state.waits)

    def report(self, path: str, loc: Loc, delete, what: str, pending: list[Work], where: str,
               links: frozenset, waits: frozenset = frozenset()) -> None:
        key = (path, loc.line, loc.col)
        finding = self.findings.get(key)
        if finding is None:
            finding = Finding(CODE, NAME, path, loc, what=what, where=where, delete=delete and (delete[0], delete[1].loc, delete[1].text))
            self.findings[key] = finding
        for work in pending:
            finding.add_work(work, linked=bool(links & work.links))
        if finding.near_miss is None:
            finding.near_miss = _near_miss(finding.works[0], waits)


def _deleted(rule: Rule, call: Call, receiver: Val) -> str:
    """How the finding names what is deleted: the SQL, the path argument, or the receiver."""
    if rule.sql and call.args and call.args[0].text:
        return f"`{' '.join(call.args[0].text.split())[:60]}`"
    if receiver.origin.startswith("fixture:") and rule.what != "arg0":
        return f"`{receiver.origin.split(':', 1)[1]}`"
    if call.args and (rule.what == "arg0" or (rule.what == "" and receiver.kind in ("ext", "module") and not receiver.known)):
        return f"`{call.args[0].source}`"
    callee_text = call.text.split("(", 1)[0]
    method = call.func.attrs[-1] if call.func.attrs else (callee_text.rsplit(".", 1)[-1] if "." in callee_text else "")
    cut = call.text.rfind(f".{method}(") if method else -1
    if cut > 0:
        return f"`{call.text[:cut]}`"  # `supabase.table("courses")`, `Course.objects.filter(…)`
    if call.args:
        return f"`{call.args[0].source}`"
    return f"`{call.text.split('(', 1)[0]}`"


def _truthy_evidence(function: Function) -> bool:
    return any(const and const[0] for _, const in function.evidence)


def _near_miss(work: Work, waits: frozenset):
    """The wait that exists but does not cover `work`: on only some paths, or for other work."""
    seen = sorted(waits, key=lambda w: (w.path, w.loc.line))
    for wait in seen:
        if work.id in wait.covered or (work.parent and work.parent in wait.covered):
            if work.parent and work.id not in wait.covered:
                return None  # a chain: the message already says why
            return (wait, "covers it on some paths only")
    for wait in seen:
        if wait.covered:
            return (wait, "waits for other work, not this one")
    return None
