"""Per-file facts: everything later stages need from one parse, as plain picklable data.

Facts are syntax only (no library knowledge), so they can be computed in worker processes and
cached by content hash; packs and configuration are applied later, when the project is linked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

# Facts are never changed once extracted, but they are not `frozen`: a frozen dataclass sets
# each field through `object.__setattr__`, which makes building one 3.6x slower (4 fields:
# 0.75 against 0.21 us). Extraction builds a few million of them and a parallel run loads as
# many from its workers (Django's tests: 2.47 -> 1.0 s for 2,483 files). They hash and compare
# by value as frozen ones did; tests/test_speed.py checks that checking leaves them unchanged.
record = dataclass(slots=True, unsafe_hash=True)


@record
class Loc:
    """1-based line and column; the end column is exclusive."""

    line: int
    col: int
    end_line: int
    end_col: int


@record
class Ref:
    """A dotted expression: `root.attrs...`, or `<call result>.attrs...` when `call` >= 0.

    `root` is "" when the expression does not start with a plain name (a literal, a subscript…)
    and is not a call either; such a reference resolves to nothing.
    """

    root: str
    attrs: tuple[str, ...] = ()
    call: int = -1

    def dotted(self) -> str:
        return ".".join((self.root, *self.attrs)) if self.root else ".".join(self.attrs)


@record
class Arg:
    """One argument of a call, summarised."""

    ref: Ref | None = None  # the argument is a dotted name or a call result
    const: tuple | None = None  # (value,) for str/int/float/bool/None literals
    text: str | None = None  # leading literal text (strings, f-strings, text("...")), for SQL
    names: tuple[str, ...] = ()  # root names used anywhere in the argument
    elems: tuple[Ref, ...] = ()  # elements of a list/tuple/set display
    starred: bool = False
    source: str = ""  # the argument's source, shortened


@record
class Call:
    """A call site (or a synthetic one: `await x`, a `with` exit, an iteration)."""

    id: int
    func: Ref
    args: tuple[Arg, ...]
    kwargs: tuple[tuple[str, Arg], ...]
    loc: Loc
    stmt: Loc  # the statement that holds the call: where a fix would go
    text: str  # the call's source, shortened
    awaited: bool = False
    synthetic: str = ""  # "" | "await" | "exit" | "aexit"
    in_loop: bool = False  # inside a loop of the same function

    def kw(self, name: str) -> Arg | None:
        for key, arg in self.kwargs:
            if key == name:
                return arg
        return None


@record
class Bind:
    """`target = value`: the target names the union of `values` (aliases, call results)."""

    target: str  # a name, or a dotted `self.attr`
    values: tuple[Ref, ...]
    index: int = -1  # `a, b = value`: the target takes element `index` of the value


@record
class Eval:
    """A simple statement: its calls in evaluation order, then its bindings."""

    calls: tuple[Call, ...]
    binds: tuple[Bind, ...]
    loc: Loc


@record
class If:
    test: Eval
    arms: tuple[tuple["Node", ...], ...]  # the else arm is always present (maybe empty)
    loc: Loc
    guard: Ref | None = None  # `if x is not None:` / `if x:` / `if not x:` / `if x is None:`
    empty_arm: int = -1  # the arm on which `guard` is None (or falsy)


@record
class Loop:
    head: Eval  # iterable/condition calls, and the loop target's bindings
    body: tuple["Node", ...]
    orelse: tuple["Node", ...]
    runs_once: bool  # `while True`, `for _ in range(N>0)`: the body runs at least once
    loc: Loc


@record
class Try:
    body: tuple["Node", ...]
    handlers: tuple[tuple["Node", ...], ...]
    orelse: tuple["Node", ...]
    final: tuple["Node", ...]
    loc: Loc


@record
class With:
    enter: Eval  # the context expressions' calls and the `as` bindings
    exits: tuple[Call, ...]  # synthetic `__exit__`/`__aexit__` calls, innermost last
    body: tuple["Node", ...]
    loc: Loc


@record
class Yield:
    value: Eval  # calls in the yielded expression; binds "<value>" to it
    loc: Loc


@record
class Return:
    value: Eval  # binds "<value>" to the returned expression
    loc: Loc


@record
class Jump:
    kind: str  # "raise" | "break" | "continue"
    value: Eval
    loc: Loc


Node = Union[Eval, If, Loop, Try, With, Yield, Return, Jump]


@record
class Param:
    name: str
    annotation: Ref | None = None
    kind: str = "positional"  # positional | vararg | kwonly | kwarg


@record
class Function:
    """A function, method, nested def or lambda, with its body as a small program."""

    qualname: str  # `test_x`, `TestX.test_y`, `outer.<locals>.inner`, `f.<lambda:12>`
    name: str
    params: tuple[Param, ...]
    decorators: tuple[Call, ...]  # each decorator as a call (no-argument ones too)
    body: tuple[Node, ...]
    loc: Loc  # the `def` line (name position)
    is_async: bool = False
    is_generator: bool = False
    class_name: str | None = None  # the directly enclosing class, for methods
    parent: str | None = None  # the enclosing function's qualname, for nested defs
    local_defs: tuple[tuple[str, str], ...] = ()  # name -> qualname of nested defs
    evidence: tuple[tuple[str, tuple], ...] = ()  # (setting key, (value,)) seen in the body
    is_lambda: bool = False


@record
class Class:
    qualname: str
    name: str
    bases: tuple[Ref, ...]
    decorators: tuple[Call, ...]
    methods: tuple[tuple[str, str], ...]  # name -> function qualname
    body: tuple[Node, ...]  # class-level statements (assignments such as `pytestmark`)
    loc: Loc


@record
class FileFacts:
    path: str  # relative to the project root, with `/`
    module: str  # dotted module name as pytest would import it
    is_package: bool
    imports: tuple[tuple[str, str], ...]  # local name -> qualified name
    star_imports: tuple[str, ...]
    functions: tuple[Function, ...]
    classes: tuple[Class, ...]
    body: tuple[Node, ...]  # module-level statements
    evidence: tuple[tuple[str, tuple], ...] = ()
    plugins: tuple[str, ...] = ()  # `pytest_plugins = [...]`
    error: str | None = None  # set when the file could not be read or parsed
    suppressions: tuple[tuple[int, tuple[str, ...]], ...] = ()  # line -> codes ("*" = all)
    lines: tuple[str, ...] = field(default=(), repr=False)  # the source, for reports
    # Derived from the fields above when extracted (`derive`), so that the walks they take run
    # where extraction runs, in worker processes, not in the one that links and reads on.
    imported: tuple[str, ...] = ()  # every module the file imports, sorted (`imported_modules`)
    calls: dict = field(default_factory=dict, compare=False, hash=False, repr=False)  # call id -> call

    def function(self, qualname: str) -> Function | None:
        for fn in self.functions:
            if fn.qualname == qualname:
                return fn
        return None


def derive(facts: FileFacts) -> FileFacts:
    """Fill in what `FileFacts` keeps of its own fields (`imported`, `calls`)."""
    facts.imported = tuple(sorted(imported_modules(facts)))
    facts.calls = {call.id: call for call in all_calls(facts)}
    return facts


def evals_of(nodes):
    """Every `Eval` in a program, nested ones included."""
    for node in nodes:
        if isinstance(node, Eval):
            yield node
        elif isinstance(node, If):
            yield node.test
            for arm in node.arms:
                yield from evals_of(arm)
        elif isinstance(node, Loop):
            yield node.head
            yield from evals_of(node.body)
            yield from evals_of(node.orelse)
        elif isinstance(node, Try):
            yield from evals_of(node.body)
            for handler in node.handlers:
                yield from evals_of(handler)
            yield from evals_of(node.orelse)
            yield from evals_of(node.final)
        elif isinstance(node, With):
            yield node.enter
            yield Eval(node.exits, (), node.loc)
            yield from evals_of(node.body)
        elif isinstance(node, (Yield, Return, Jump)):
            yield node.value


def all_calls(facts: FileFacts):
    """Every call recorded in a file's statements, decorators included."""
    for ev in evals_of(facts.body):
        yield from ev.calls
    for function in facts.functions:
        yield from function.decorators
        for ev in evals_of(function.body):
            yield from ev.calls
    for cls in facts.classes:
        yield from cls.decorators
        for ev in evals_of(cls.body):
            yield from ev.calls


def imported_modules(facts: FileFacts) -> set[str]:
    """Modules the file imports: at module level, by star, as pytest plugins, inside functions."""
    names = {qualified for _, qualified in facts.imports} | set(facts.star_imports) | set(facts.plugins)
    for function in facts.functions:
        for ev in evals_of(function.body):
            for bind in ev.binds:
                for ref in bind.values:
                    if ref.root == "@mod":
                        names.add(ref.attrs[0])
    return names
