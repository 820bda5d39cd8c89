"""The walker: an abstract interpreter over the facts' small programs.

`State` holds the work that may be pending (a may-analysis: branches join by union), what
variables hold, the patches and gates in force, and the cleanups registered so far. Calls are
classified by the packs; calls into the project are followed (helpers, callbacks, job bodies for
chains). What a rule does with a delete is the subclass's business (`on_delete`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

from .facts import (
    Call,
    Eval,
    FileFacts,
    Function,
    If,
    Jump,
    Loc,
    Loop,
    Ref,
    Return,
    Try,
    With,
    Yield,
)
from .findings import Seen, Work  # what a walk records, kept with the findings that carry it
from .graph import CallGraph
from .packs import Rule
from .project import UNKNOWN, Index, Val, evolve, fid

MAX_DEPTH = 12  # helpers deeper than this are treated as opaque
WALK_BUDGET = 500  # function walks per lifecycle: bounds the cost of tests that reach framework code


@dataclass(frozen=True)
class Registration:
    owner: str  # the fixture key, "test" or "class"
    callback: Val
    args: tuple[Val, ...]
    path: str
    stmt: Loc
    closure: dict = field(default_factory=dict, compare=False)
    call: Call | None = field(default=None, compare=False)  # the registering call


@dataclass
class State:
    env: dict = field(default_factory=dict)
    attrs: dict = field(default_factory=dict)  # `self.x` of the test instance
    pending: frozenset = frozenset()
    cleanups: tuple = ()
    patched: frozenset = frozenset()
    inline: frozenset = frozenset()
    gates: frozenset = frozenset()  # conditions in force, such as "commit" (on_commit callbacks run)
    waits: frozenset = frozenset()  # waits and cancels seen: `Seen`, to explain why one does not cover
    heap: dict = field(default_factory=dict)  # container object id -> what was put in it (joined)

    def copy(self) -> "State":
        # the walker copies a state at every branch and call (millions on a large suite): copying
        # the instance dictionary is twice as fast as the dataclass constructor. This is
        # `project.evolve` written out: through it, with its keyword arguments, a copy costs 29% more
        new = object.__new__(State)
        fields = new.__dict__
        fields.update(self.__dict__)
        fields["env"], fields["attrs"], fields["heap"] = dict(self.env), dict(self.attrs), dict(self.heap)
        return new


def join(states: list["State | None"]) -> "State | None":
    live = [s for s in states if s is not None]
    if not live:
        return None
    if len(live) == 1:
        return live[0]
    out = live[0].copy()
    # Most of what two states hold is shared: both come from one state copied at a branch or a
    # call. Comparing whole sets, tuples and tables first is done in C, identity first; only
    # what differs is joined entry by entry (the entry loops below do nothing on equal tables).
    for other in live[1:]:
        if other.pending is not out.pending:
            out.pending = out.pending | other.pending
        if other.patched is not out.patched:
            out.patched = out.patched & other.patched
        if other.inline is not out.inline:
            out.inline = out.inline & other.inline
        if other.gates is not out.gates:
            out.gates = out.gates & other.gates
        if other.waits is not out.waits:
            out.waits = out.waits | other.waits
        if other.heap != out.heap:
            for obj, held in other.heap.items():
                current = out.heap.get(obj)
                if current is None:
                    out.heap[obj] = held
                elif current is not held:  # most entries are shared by both states: nothing to join
                    out.heap[obj] = join_vals([current, held])
        if other.cleanups != out.cleanups:
            out.cleanups = out.cleanups + tuple(c for c in other.cleanups if c not in out.cleanups)
        for mine, theirs in ((out.env, other.env), (out.attrs, other.attrs)):
            if mine == theirs:
                continue
            for key, val in theirs.items():
                current = mine.get(key)
                if current is None:
                    mine[key] = val
                elif current is not val and current != val:
                    mine[key] = _merge(current, val)
    return out


def _merge(a: Val, b: Val) -> Val:
    # `threads = []` on one path and the appended Thread on another: keep what is known
    if not a.known and b.known:
        a, b = b, a
    if not b.known:
        return evolve(a, handles=a.handles | b.handles)
    return evolve(
        a,
        handles=a.handles | b.handles,
        obj=a.obj if a.obj == b.obj else 0,
        origin=a.origin if a.origin == b.origin else a.origin or b.origin,
    )


@dataclass
class Frame:
    facts: FileFacts
    function: Function | None
    kind: str = "helper"  # helper | test | fixture | teardown | job
    teardown: bool = False
    anchor: tuple[str, Loc] | None = None  # inherited teardown statement
    on_yield: Callable | None = None
    returns: list = field(default_factory=list)
    breaks: list = field(default_factory=list)
    values: dict = field(default_factory=dict)  # call id -> Val in this activation
    yielded: Val | None = None
    polled: int = 0
    owner: str = "test"  # who registered cleanups belong to
    where: str = ""  # "fixture `course`", for messages
    self_obj: int = 0  # identity of `self` in a method
    statement: Eval | None = None  # the statement being evaluated
    through: tuple[str, ...] = ()


class Walker:
    """Walks functions with a `State`; subclasses decide what a delete in teardown means."""

    def __init__(self, index: Index, graph: CallGraph | None = None) -> None:
        """`graph`: a call graph already built for `index` (the engine builds it once, then
        walks each batch of files with a fresh walker)."""
        self.index = index
        self.knowledge = index.knowledge
        self._ids = 0
        self._chains: dict = {}
        self._stack: list[str] = []
        self.file_inline: frozenset = frozenset()
        self.graph = graph if graph is not None else CallGraph(index)
        self.budget = WALK_BUDGET

    def new_id(self) -> int:
        self._ids += 1
        return self._ids

    def on_delete(self, rule: Rule, call: Call, receiver: Val, state: State, frame: Frame) -> None:
        """A delete the walk reached; the rule decides whether it is a finding."""

    def _decorators(self, facts: FileFacts, decorators: list[Call], state: State) -> State:
        frame = Frame(facts, None)
        for call in decorators:
            callee = self.eval_ref(call.func, state, frame)
            rule = self.knowledge.classify(callee.names, call)
            if rule is not None and rule.effect == "patch":
                state.patched = state.patched | self.patch_targets(call, state, frame)
        return state

    # ---- walking programs ---------------------------------------------------------------------

    def walk_function(self, frame: Frame, state: State, args: dict, self_val: Val | None = None,
                      positional: tuple = (), closure: dict | None = None) -> State | None:
        function = frame.function
        if function is None:
            return state
        key = fid(frame.facts.path, function.qualname)
        if key in self._stack or len(self._stack) > MAX_DEPTH or self.budget <= 0:
            return state
        self.budget -= 1
        self._stack.append(key)
        try:
            caller_env = state.env
            state = state.copy()
            state.env = dict(closure) if closure and function.parent else {}
            params = list(function.params)
            if self_val is not None and params and function.class_name is not None:
                state.env[params[0].name] = self_val
                frame.self_obj = self_val.obj
                params = params[1:]
            plain = [p for p in params if p.kind == "positional"]
            for param, val in zip(plain, positional):
                state.env[param.name] = val
            for param in params:
                if param.kind == "vararg":
                    extra = list(positional[len(plain):])
                    state.env[param.name] = evolve(join_vals(extra), elems=tuple(extra)) if extra else UNKNOWN
            for param in params:
                if param.name in args:
                    state.env[param.name] = args[param.name]
                elif param.name not in state.env and param.annotation is not None:
                    annotated = self.index.eval_static(frame.facts, param.annotation, None)
                    if annotated.known:
                        state.env[param.name] = Val("inst", annotated.names, ref=annotated.ref, obj=self.new_id())
            state.inline = state.inline | self.knowledge.inline_for(function.evidence)
            state = self._decorators(frame.facts, [d for d in function.decorators], state)
            end = self.block(function.body, state, frame)
            finals = [end] + [s for s, _ in frame.returns]
            out = join(finals)
            if out is not None:
                out.env = caller_env
            return out
        finally:
            self._stack.pop()

    def block(self, nodes, state: State | None, frame: Frame) -> State | None:
        for node in nodes:
            if state is None:
                return None
            state = self.node(node, state, frame)
        return state

    def node(self, node, state: State, frame: Frame) -> State | None:
        if isinstance(node, Eval):
            return self.eval(node, state, frame)
        if isinstance(node, If):
            state = self.eval(node.test, state, frame)
            arms = []
            for number, arm in enumerate(node.arms):
                entry = state.copy()
                if number == node.empty_arm and node.guard is not None:
                    entry.pending = entry.pending - self.held_by(self.eval_ref(node.guard, state, frame), state)
                arms.append(self.block(arm, entry, frame))
            return join(arms)
        if isinstance(node, Loop):
            return self.loop(node, state, frame)
        if isinstance(node, Try):
            return self.try_(node, state, frame)
        if isinstance(node, With):
            return self.with_(node, state, frame)
        if isinstance(node, Yield):
            state = self.eval(node.value, state, frame)
            value = self.bound_value(node.value, state, frame)
            if frame.on_yield is not None and not frame.teardown:
                # names yielded are the fixture's value from here on
                for bind in node.value.binds:
                    for ref in bind.values:
                        if ref.root and not ref.attrs and ref.root in state.env:
                            state.env[ref.root] = evolve(state.env[ref.root], origin=f"fixture:{frame.owner.split('#')[-1]}")
                caller_env = state.env
                out = frame.on_yield(state, value)
                frame.teardown = True
                if out is None:
                    return None
                out.env = caller_env
                return out
            return state
        if isinstance(node, Return):
            state = self.eval(node.value, state, frame)
            frame.returns.append((state, self.bound_value(node.value, state, frame)))
            return None
        if isinstance(node, Jump):
            state = self.eval(node.value, state, frame)
            if node.kind in ("break", "continue") and frame.breaks:
                frame.breaks[-1].append(state)
            return None
        return state

    def held_by(self, val: Val, state: State) -> frozenset:
        """Work a value stands for: its handles, work started through it (a queue, an
        executor), or by its methods. On a path where the value is None, none of it exists."""
        if not val.handles and not val.obj:
            return frozenset()
        return frozenset(
            w for w in state.pending if w.id in val.handles or (val.obj and val.obj in (w.via, w.owner))
        )

    def bound_value(self, ev: Eval, state: State, frame: Frame) -> Val:
        for bind in ev.binds:
            if bind.target == "<value>":
                return self.values_of(bind.values, state, frame)
        return UNKNOWN

    def values_of(self, refs, state: State, frame: Frame) -> Val:
        """What a binding's right-hand side holds: one value, or a tuple of them."""
        if not refs:
            return UNKNOWN
        vals = [self.eval_ref(r, state, frame) for r in refs]
        if len(vals) == 1:
            return vals[0]
        return evolve(join_vals(vals), elems=tuple(vals))

    def loop(self, node: Loop, state: State, frame: Frame) -> State | None:
        polled = frame.polled
        state = self.eval(node.head, state, frame)
        frame.breaks.append([])
        body_end = self.block(node.body, state.copy(), frame)
        breaks = frame.breaks.pop()
        did_poll = frame.polled > polled
        skipped = state
        if body_end is not None and node.head.binds:
            # `for r in results: r.get()`: a loop that waits on each element of a container of
            # handles has no path on which those handles stay pending (an empty container has none).
            held = self.values_of(node.head.binds[0].values, state, frame)
            done = {
                w for w in state.pending
                if (w.id in held.handles or (w.via and w.via == held.obj)) and w not in body_end.pending
            }
            if done:
                skipped = state.copy()
                skipped.pending = state.pending - done
        exits = [body_end] + ([] if (node.runs_once or did_poll) else [skipped])
        normal = join(exits)
        if node.orelse and normal is not None:
            normal = self.block(node.orelse, normal, frame)
        return join([normal] + breaks)

    def try_(self, node: Try, state: State, frame: Frame) -> State | None:
        returns_before = len(frame.returns)
        body = self.block(node.body, state.copy(), frame)
        handler_entry = join([state, body])
        handlers = [self.block(h, handler_entry.copy(), frame) for h in node.handlers] if handler_entry else []
        orelse = self.block(node.orelse, body, frame) if body is not None else None
        normal = join([orelse] + handlers)
        if not node.final:
            return normal
        teardown = frame.teardown
        if frame.kind == "test":
            frame.teardown = True
        try:
            # returns inside the try also run the finally
            pending_returns = frame.returns[returns_before:]
            del frame.returns[returns_before:]
            for ret_state, value in pending_returns:
                out = self.block(node.final, ret_state.copy(), frame)
                if out is not None:
                    frame.returns.append((out, value))
            if normal is None:
                return None
            return self.block(node.final, normal, frame)
        finally:
            frame.teardown = teardown

    def with_(self, node: With, state: State, frame: Frame) -> State | None:
        patched, gates = state.patched, state.gates
        state = self.eval(node.enter, state, frame)
        out = self.block(node.body, state, frame)
        if out is None:
            return None
        teardown = frame.teardown
        anchor = frame.anchor
        if frame.kind == "test":
            frame.teardown = True
            frame.anchor = frame.anchor or (frame.facts.path, node.loc)
        try:
            for call in node.exits:
                out = self.call(call, out, frame)
        finally:
            frame.teardown, frame.anchor = teardown, anchor
        # patches and gates opened by the `with` end with it
        out.patched, out.gates = patched, gates
        return out

    def statement_origins(self, call: Call, state: State, frame: Frame) -> frozenset:
        """What the names used in the call's statement stand for (`fixture:course`), so that a job
        given `{"courseId": course_id}` links to a delete of `.eq("id", course_id)`."""
        calls = frame.statement.calls if frame.statement is not None and call in frame.statement.calls else (call,)
        names = {name for c in calls for arg in (*c.args, *(a for _, a in c.kwargs)) for name in arg.names}
        names.update(c.func.root for c in calls if c.func.root and not c.func.root.startswith("@"))
        return frozenset(state.env[n].origin for n in names if n in state.env and state.env[n].origin)

    def eval(self, ev: Eval, state: State, frame: Frame) -> State:
        frame.statement = ev
        for call in ev.calls:
            state = self.call(call, state, frame) or state
        for bind in ev.binds:
            if bind.target == "<value>":
                continue
            val = self.values_of(bind.values, state, frame)
            if bind.index >= 0:
                val = val.elems[bind.index] if bind.index < len(val.elems) else evolve(val, elems=())
            if "." in bind.target:
                state.attrs[_attr_key(*bind.target.split(".", 1))] = val
            else:
                state.env[bind.target] = val
        return state

    # ---- values -------------------------------------------------------------------------------

    def eval_ref(self, ref, state: State, frame: Frame) -> Val:
        if ref.call >= 0:
            val = frame.values.get(ref.call, UNKNOWN)
            attrs = ref.attrs
        elif ref.root in ("@fn", "@mod"):
            if not ref.attrs:
                return UNKNOWN
            if ref.root == "@fn":
                entry = self.index.function(fid(frame.facts.path, ref.attrs[0]))
                val = self.index.function_val(*entry) if entry else UNKNOWN
            else:
                val = self.index.resolve_dotted(ref.attrs[0], frame.facts.path)
            attrs = ref.attrs[1:]
        elif ref.root == "@new":
            return Val("ext", ("?",), obj=self.new_id())  # `[]`, `{}`: a new container, typed by its elements
        elif not ref.root:
            return UNKNOWN
        else:
            attrs = ref.attrs
            if attrs and _attr_key(ref.root, attrs[0]) in state.attrs:
                val = state.attrs[_attr_key(ref.root, attrs[0])]
                attrs = attrs[1:]
            elif ref.root in state.env:
                val = state.env[ref.root]
            else:
                val = self._name(ref.root, frame)
        if val.obj and val.obj in state.heap and not attrs:
            # a container shared between frames (a fixture's list a test appends to)
            val = evolve(join_vals([val, state.heap[val.obj]]), obj=val.obj)
        for attr in attrs:
            val = self.index.member(val, attr)
        return val

    def _name(self, name: str, frame: Frame) -> Val:
        function = frame.function
        while function is not None:
            for local, qualname in function.local_defs:
                if local == name:
                    entry = self.index.function(fid(frame.facts.path, qualname))
                    if entry:
                        return self.index.function_val(*entry)
            parent = function.parent
            entry = self.index.function(fid(frame.facts.path, parent)) if parent else None
            function = entry[1] if entry else None
        return self.index.global_name(frame.facts, name) or Val("ext", (name,))

    # ---- calls --------------------------------------------------------------------------------

    def call(self, call: Call, state: State, frame: Frame) -> State | None:
        if call.synthetic == "decorator":
            return state
        func = call.func
        # `@fn`/`@mod` references carry their target in the first attribute: not a receiver
        own = 1 if func.root.startswith("@") else 0
        has_receiver = len(func.attrs) > own
        receiver = self.eval_ref(Ref(func.root, func.attrs[:-1], func.call), state, frame) if has_receiver else None
        callee = self.index.member(receiver, func.attrs[-1]) if receiver is not None else self.eval_ref(func, state, frame)
        if receiver is not None and callee.bound is None:
            callee = evolve(callee, bound=receiver)
        names = callee.names
        if callee.kind == "func" and names and call.synthetic == "":
            names = names + tuple(f"{n}.__call__" for n in names[1:])
        elif callee.kind == "inst" and call.synthetic == "":
            # calling an object: `chord(header)(callback)`, `result(blocking=True)`
            names = tuple(f"{n}.__call__" for n in names)
            callee = evolve(callee, names=names)
        elif callee.names == ("super",) and frame.function is not None and frame.function.class_name:
            frame.values[call.id] = self._super(frame, state)
            return state
        if state.patched and _patched(names, state.patched):
            frame.values[call.id] = UNKNOWN
            return state
        rule = self.knowledge.classify(names, call)
        if rule is None:
            return self.plain_call(call, callee, state, frame)
        return self.effect(rule, call, callee, state, frame)

    def plain_call(self, call: Call, callee: Val, state: State, frame: Frame) -> State | None:
        if callee.kind == "func" and not call.synthetic:
            entry = self.index.function(callee.ref)
            if entry is not None and not self.graph.needs_walk(callee.ref) and not call.args:
                entry = None
            if entry is not None and (not entry[1].is_async or call.awaited):
                args = self.arg_vals(call, state, frame)
                sub = Frame(entry[0], entry[1], kind="helper", teardown=frame.teardown,
                            anchor=frame.anchor or ((frame.facts.path, call.stmt) if frame.teardown else None),
                            owner=frame.owner, through=frame.through + (entry[1].name,))
                self_val = _instance(callee.bound)
                out = self.walk_function(sub, state, args[1], self_val=self_val, positional=args[0],
                                         closure=state.env)
                frame.values[call.id] = join_vals([v for _, v in sub.returns]) if sub.returns else UNKNOWN
                return out
        if call.synthetic:
            frame.values[call.id] = callee.bound or UNKNOWN
            return state
        frame.values[call.id] = self.index.construct(callee, obj=self.new_id())
        func = call.func
        if func.attrs and func.attrs[-1] in _GROWS and len(func.attrs) <= 2 and func.root:
            # `results.append(job)`, `self.pending.append(job)`: the container now holds it too
            table, key = (state.env, func.root) if len(func.attrs) == 1 else (state.attrs, _attr_key(func.root, func.attrs[0]))
            if key in table:
                container = table[key]
                added = self.arg_vals(call, state, frame)[0]
                if container.obj:
                    state.heap[container.obj] = join_vals([state.heap.get(container.obj, UNKNOWN), *added])
                table[key] = join_vals([container, *added])
        return state

    def _super(self, frame: Frame, state: State) -> Val:
        """`super()` in a method: the instance, seen from the next project class in the MRO."""
        cid = fid(frame.facts.path, frame.function.class_name)
        self_val = state.env.get(frame.function.params[0].name) if frame.function.params else None
        for facts, cls in self.index.mro(cid)[1:]:
            return Val("inst", self.index.class_names(facts, cls), ref=fid(facts.path, cls.qualname),
                       obj=self_val.obj if self_val else 0)
        return UNKNOWN

    def arg_vals(self, call: Call, state: State, frame: Frame) -> tuple[tuple[Val, ...], dict]:
        positional = tuple(self.eval_ref(a.ref, state, frame) if a.ref else UNKNOWN for a in call.args if not a.starred)
        keywords = {k: (self.eval_ref(a.ref, state, frame) if a.ref else UNKNOWN) for k, a in call.kwargs}
        return positional, keywords

    def effect(self, rule: Rule, call: Call, callee: Val, state: State, frame: Frame,
               receiver: Val | None = None) -> State | None:
        if receiver is None:
            # `obj.method(...)`: the receiver is `obj`; `task(...)`/`result(...)`: the called value itself
            receiver = (callee.bound or UNKNOWN) if call.func.attrs else callee
        effect = rule.effect
        frame.values[call.id] = self.index.construct(callee, obj=self.new_id())
        if effect == "none":
            return state
        if effect == "patch":
            state.patched = state.patched | self.patch_targets(call, state, frame)
            frame.values[call.id] = UNKNOWN
            return state
        if effect == "enqueue":
            return self.enqueue(rule, call, callee, receiver, state, frame)
        if effect in ("wait", "cancel"):
            if rule.in_loop:
                frame.polled += 1
            covered = self.covered(rule, call, receiver, state, frame)
            state = state.copy()
            if call.id >= 0:
                state.waits = state.waits | {Seen(frame.facts.path, call.loc, call.text, frozenset(w.id for w in covered))}
            if not covered:
                return state
            if effect == "cancel" and rule.then_wait:
                state.pending = frozenset(
                    replace(w, cancel_requested=True) if w in covered else w for w in state.pending
                )
            else:
                state.pending = state.pending - covered
            return state
        if effect == "delete":
            self.on_delete(rule, call, receiver, state, frame)
            return state
        if effect == "register":
            if not call.args:
                return state
            callback = self.eval_ref(call.args[0].ref, state, frame) if call.args[0].ref else UNKNOWN
            rest = tuple(self.eval_ref(a.ref, state, frame) if a.ref else UNKNOWN for a in call.args[1:])
            owner = frame.owner if rule.phase == "fixture" else rule.phase
            registration = Registration(owner, callback, rest, frame.facts.path, call.stmt, dict(state.env), call)
            state = state.copy()
            state.cleanups = state.cleanups + (registration,)
            return state
        if effect == "invoke":
            if rule.gate and rule.gate not in state.gates:
                return state  # e.g. on_commit outside a transactional test: the callback never runs
            if call.args and call.args[0].ref:
                callback = self.eval_ref(call.args[0].ref, state, frame)
                return self.invoke(callback, (), state, frame, call) or state
        if effect == "gate":
            state = state.copy()
            state.gates = state.gates | {rule.gate}
            return state
        if effect == "alias":
            first = call.args[0].ref if call.args else None
            frame.values[call.id] = self.eval_ref(first, state, frame) if first is not None else UNKNOWN
        return state

    def invoke(self, callback: Val, args: tuple, state: State, frame: Frame, call: Call | None,
               closure: dict | None = None) -> State | None:
        """Run a callback (a registered cleanup, an on_commit function) at this point."""
        if callback.kind == "func":
            entry = self.index.function(callback.ref)
            if entry is None:
                return state
            sub = Frame(entry[0], entry[1], kind="helper", teardown=frame.teardown, anchor=frame.anchor,
                        owner=frame.owner, where=frame.where)
            self_val = _instance(callback.bound)
            return self.walk_function(sub, state, {}, self_val=self_val, positional=args,
                                      closure=closure if closure is not None else state.env)
        # A library callable (`obj.delete`, `shutil.rmtree`, `partial(task.delay, pk)`): classify it
        # as a call with the registration's remaining arguments, made at the anchor.
        here = frame.anchor[1] if frame.anchor else (call.stmt if call else Loc(0, 0, 0, 0))
        source = call.args[0].source if call and call.args else callback.names[0]
        fake = Call(-1, func=Ref(""), args=call.args[1:] if call else (), kwargs=call.kwargs if call else (),
                    loc=here, stmt=here, text=f"{source}()")
        names = callback.names + (tuple(f"{n}.__call__" for n in callback.names) if callback.kind == "inst" else ())
        rule = self.knowledge.classify(names, fake)
        if rule is None:
            return state
        saved = state.env
        state = state.copy()
        state.env = dict(closure) if closure is not None else dict(saved)
        out = self.effect(rule, fake, callback, state, frame, receiver=callback.bound or UNKNOWN)
        if out is not None:
            out.env = saved
        return out

    def enqueue(self, rule: Rule, call: Call, callee: Val, receiver: Val, state: State, frame: Frame) -> State:
        if rule.family in state.inline:
            return state
        job_val = self._target(rule, call, receiver, state, frame)
        job_name = job_val.names[0].rsplit(".", 1)[-1] if job_val.kind == "func" else ""
        if call.args and call.args[0].const and isinstance(call.args[0].const[0], str) and rule.target in ("arg0", "none"):
            job_name = call.args[0].const[0]  # `queue.add("DOCUMENT_PROCESSING", …)`, `send_task("name")`
        args = self.arg_vals(call, state, frame)
        work = Work(
            id=self.new_id(),
            family=rule.family,
            label=rule.label,
            path=frame.facts.path,
            loc=call.loc,
            text=call.text,
            job=job_name,
            job_ref=job_val.ref if job_val.kind == "func" else "",
            hint=rule.hint,
            fix=rule.fix,
            via=receiver.obj,
            owner=frame.self_obj,
            through=frame.through,
            links=frozenset(_origins(UNKNOWN, args)) | self.statement_origins(call, state, frame),
        )
        children = self.chain(job_val.ref) if job_val.kind == "func" else ()
        state = state.copy()
        state.pending = state.pending | {work} | {
            replace(child, id=self.new_id(), parent=work.id, parent_job=job_name or work.text) for child in children
        }
        result = frame.values.get(call.id, UNKNOWN)
        if not result.known:
            result = Val("inst", ("?",), obj=self.new_id())
        frame.values[call.id] = evolve(result, handles=frozenset({work.id}))
        return state

    def _target(self, rule: Rule, call: Call, receiver: Val, state: State, frame: Frame) -> Val:
        if rule.target == "receiver":
            return receiver
        if rule.target.startswith("arg") and rule.target[3:].isdigit():
            index = int(rule.target[3:])
            if index < len(call.args) and call.args[index].ref is not None:
                val = self.eval_ref(call.args[index].ref, state, frame)
                if call.args[index].ref.call >= 0:
                    # create_task(coro()): the job is the coroutine function that was called
                    inner = frame.facts.calls.get(call.args[index].ref.call)
                    if inner is not None:
                        val = self.eval_ref(inner.func, state, frame)
                return val
            if index < len(call.args) and call.args[index].const and isinstance(call.args[index].const[0], str):
                # a job named by a string: a dotted path (`send_task("app.tasks.x")`) or a function
                # name registered with the worker (`enqueue_job("crawl_site")`)
                name = call.args[index].const[0]
                val = self.index.resolve_dotted(name, frame.facts.path)
                return val if val.kind == "func" else self.index.function_named(name.rsplit(".", 1)[-1])
        if rule.target.startswith("kw:"):
            arg = call.kw(rule.target[3:])
            if arg is not None and arg.ref is not None:
                return self.eval_ref(arg.ref, state, frame)
        return UNKNOWN

    def chain(self, function_id: str) -> tuple[Work, ...]:
        """Work a job's own function leaves pending: jobs it starts that nothing in it waits for."""
        key = (function_id, self.file_inline)
        if key in self._chains:
            return self._chains[key]
        self._chains[key] = ()
        entry = self.index.function(function_id)
        if entry is None:
            return ()
        frame = Frame(entry[0], entry[1], kind="job")
        saved, self.budget = self.budget, WALK_BUDGET  # memoised: not cut short by the caller's budget
        try:
            out = self.walk_function(frame, State(inline=self.file_inline), {})
        finally:
            self.budget = saved
        result = tuple(sorted(out.pending, key=lambda w: w.id)) if out is not None else ()
        self._chains[key] = result
        return result

    def covered(self, rule: Rule, call: Call, receiver: Val, state: State, frame: Frame) -> frozenset:
        args = ()
        if rule.covers in ("args", "queue"):
            vals = []
            for arg in call.args:
                if arg.ref is not None:
                    vals.append(self.eval_ref(arg.ref, state, frame))
                for elem in arg.elems:
                    vals.append(self.eval_ref(elem, state, frame))
            args = tuple(vals)
        return frozenset(w for w in state.pending if self._covers(rule, w, receiver, args))

    def _covers(self, rule: Rule, work: Work, receiver: Val, args: tuple) -> bool:
        if rule.covers == "all":
            return True
        if rule.covers == "family":
            return work.family == rule.family
        if rule.covers == "queue":
            # `broker.join(actor.queue_name)`: the queue of that job function; a queue named by a
            # string could be any of the family's queues.
            for holder in args:
                owner = holder.bound
                if owner is not None and owner.kind == "func":
                    if work.job_ref == owner.ref:
                        return True
                elif work.family == rule.family:
                    return True
            return False
        holders = (receiver,) if rule.covers == "receiver" else args
        for holder in holders:
            if work.id in holder.handles or (work.via and work.via == holder.obj):
                return True
        return False

    def patch_targets(self, call: Call, state: State, frame: Frame) -> frozenset:
        targets = set()
        if call.args and call.args[0].const and isinstance(call.args[0].const[0], str):
            dotted = call.args[0].const[0]
            targets.add(dotted)
            # the patched object's own path, not the library type it shares with its siblings
            targets.update(n for n in self.index.resolve_dotted(dotted, frame.facts.path).names[:1] if n != "?")
        elif len(call.args) >= 2 and call.args[0].ref is not None and call.args[1].const:
            owner = self.eval_ref(call.args[0].ref, state, frame)
            attr = call.args[1].const[0]
            if isinstance(attr, str):
                targets.update(f"{n}.{attr}" for n in owner.names[:1] if n != "?")
        return frozenset(targets)

    def live(self, state: State) -> list[Work]:
        return sorted((w for w in state.pending if w.family not in state.inline), key=lambda w: (w.path, w.loc.line, w.id))


def _instance(bound: Val | None) -> Val | None:
    """The `self` a bound method is called with: an instance receiver, not a module or class."""
    return bound if bound is not None and bound.kind == "inst" else None


def _attr_key(root: str, attr: str) -> str:
    """`self.x` and `cls.x` name the same attribute of the test instance."""
    return f"{'self' if root in ('self', 'cls') else root}.{attr}"
_GROWS = {"append", "extend", "add", "insert", "appendleft", "put", "put_nowait", "update"}


def join_vals(vals: list[Val]) -> Val:
    vals = [v for v in vals if v is not None]
    if not vals:
        return UNKNOWN
    out = vals[0]
    for other in vals[1:]:
        if other is not out and other != out:
            if out.known:
                out = _merge(out, other)
            else:
                # an untyped container takes its elements' type and keeps its own identity
                out = evolve(other, handles=other.handles | out.handles, obj=out.obj or other.obj)
    return out


def _patched(names, patched) -> bool:
    for name in names:
        for target in patched:
            if name == target or name.startswith(target + "."):
                return True
    return False


def _origins(receiver: Val, args) -> set[str]:
    out = set()
    if receiver.origin:
        out.add(receiver.origin)
    positional, keywords = args
    for val in (*positional, *keywords.values()):
        if val.origin:
            out.add(val.origin)
    return out
