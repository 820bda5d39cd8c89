"""Fixes stage: where a wait or cancel goes for a TDL001 finding, and the libcst edit that puts it there.

Planning works on the libcst tree of each file involved (parsed only for files with findings). A
plan is a set of operations on original nodes (bind a call's result, insert statements before or
after a statement, add an import); `render` applies the operations of any subset of plans in one
transformation, so one finding's fix (for the JSON `fix` field) and all of a file's fixes (for
`teardown-lint fix`) come from the same code. What is written comes from the packs' templates.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, fields

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import MetadataWrapper, PositionProvider
from libcst.metadata.position_provider import NEWLINE_RE, PositionProvidingCodegenState

from .config import FixSettings
from .findings import Edit, Fix  # noqa: F401 - what a plan renders to; findings carry them

SETUP_METHODS = {"setUp", "asyncSetUp", "setup_method", "setup"}
REGISTERED = "a registered cleanup"


class Unfixable(Exception):
    """Why a finding gets no automatic fix (shown to the user)."""


@dataclass
class Plan:
    """The operations that fix one finding, on the trees of the files involved."""

    message: str
    binds: dict = field(default_factory=dict)  # path -> {small statement node: (name, attribute?)}
    before: dict = field(default_factory=dict)  # path -> {statement node: [code]}
    after: dict = field(default_factory=dict)
    imports: dict = field(default_factory=dict)  # path -> [import statement]
    receivers: dict = field(default_factory=dict)  # path -> {call node: name its receiver is bound to}

    def insert(self, mode: str, path: str, anchor, code: str) -> None:
        """Put `code` before or after the statement `anchor` (once)."""
        codes = getattr(self, mode).setdefault(path, {}).setdefault(anchor, [])
        if code not in codes:
            codes.append(code)

    def paths(self) -> set[str]:
        return set(self.binds) | set(self.before) | set(self.after) | set(self.imports) | set(self.receivers)


_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def edges(root: cst.CSTNode):
    """(parent, child) for every node below `root`, read from the nodes' dataclass fields.

    libcst's ParentNodeProvider and visitors go through its visitor machinery, which rebuilds
    every node it passes; this is about 10x faster (1,988 lines of rq's tests: 0.62 s -> 0.06 s),
    and was most of the time `check` spent planning fixes (tests/test_fix.py compares the two)."""
    stack = [root]
    node_type = cst.CSTNode
    while stack:
        node = stack.pop()
        kind = type(node)
        names = _CHILD_FIELDS.get(kind)
        if names is None:
            names = _CHILD_FIELDS[kind] = tuple(f.name for f in fields(kind))
        for name in names:
            value = getattr(node, name)
            if isinstance(value, node_type):
                yield node, value
                stack.append(value)
            elif isinstance(value, (tuple, list)):
                for child in value:
                    if isinstance(child, node_type):
                        yield node, child
                        stack.append(child)


def positions_of(module: cst.Module) -> dict:
    """libcst's PositionProvider ranges of every node. Run through `MetadataWrapper.resolve`, the
    provider also walks the whole tree with an empty batch of visitors, which is 40% of its cost;
    the provider's own computation (its documented `_gen_impl` hook) is run here directly, and
    the wrapper serves if a libcst release changes that (tests/test_fix.py compares the two)."""
    try:
        provider = PositionProvider()
        provider._gen_impl(module)
        return provider._computed
    except AttributeError:  # pragma: no cover - a libcst without these internals
        return dict(MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider))


class _Spans(CodegenState):
    """Generates the module's code, counting lines and columns as libcst's position state does,
    but records only where each region starts (line, column, indentation) and the line after it."""

    def __init__(self, module: cst.Module, regions: dict) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.line, self.column = 1, 0
        self.regions = regions  # id(node) -> node: ids, since a CSTNode hashes in Python
        self.spans: dict = {}

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self._advance(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self._advance(value)

    def _advance(self, value: str) -> None:
        if "\n" not in value and "\r" not in value:
            self.column += len(value)
            return
        segments = NEWLINE_RE.split(value)
        if len(segments) == 1:
            self.column += len(value)
        else:
            self.line += len(segments) - 1
            self.column = len(segments[-1])

    def before_codegen(self, node) -> None:
        if id(node) in self.regions:
            self.spans[node] = (self.line, self.column, tuple(self.indent_tokens))

    def after_codegen(self, node) -> None:
        if id(node) in self.regions:
            self.spans[node] += (self.line,)


class Positions:
    """PositionProvider's ranges, computed region by region when first asked for. A region is a
    statement of the module or of a class body (a test method); fixing a finding needs the
    positions of a few of them, and libcst's position codegen of a whole file costs three times
    a plain one. Each region is generated from the line, column and indentation it starts at in
    the whole file, so its ranges are exactly the whole file's (tests/test_fix.py compares them)."""

    def __init__(self, module: cst.Module, parents: dict) -> None:
        self.module = module
        self.parents = parents
        regions = {id(stmt): stmt for stmt in module.body}
        stack = [stmt for stmt in module.body if isinstance(stmt, cst.ClassDef)]
        while stack:
            cls = stack.pop()
            if isinstance(cls.body, cst.IndentedBlock):
                regions.update((id(stmt), stmt) for stmt in cls.body.body)
                stack.extend(stmt for stmt in cls.body.body if isinstance(stmt, cst.ClassDef))
        self.ranges: dict = {}
        self.starts: dict = {}  # (line, 1-based column) -> nodes starting there, of the regions done
        self.done: set = set()
        self.whole = False
        try:
            spans = _Spans(module, regions)
            module._codegen(spans)
            self.spans = spans.spans  # region -> (line, column, indentation, the line after it)
        except Exception:  # noqa: BLE001 - libcst's codegen state changed: every position at once
            self.spans = {}
            self._compute(None)

    def __getitem__(self, node):
        if node not in self.ranges:
            region = node
            while region is not None and region not in self.spans:
                region = self.parents.get(region)
            self._compute(region)
        return self.ranges[node]

    def starting_at(self, line: int, col: int) -> list:
        """The nodes that start at line:col."""
        inner = None
        for region, (first, _, _, after) in self.spans.items():
            if first <= line < after and (inner is None or self.spans[inner][0] <= first):
                inner = region
        self._compute(inner)
        return self.starts.get((line, col), [])

    def _compute(self, region) -> None:
        if self.whole or region in self.done:
            return
        if region is None:  # the module itself, or its header: every position at once
            computed = positions_of(self.module)
            self.whole = True
        else:
            self.done.add(region)
            line, column, indentation, _ = self.spans[region]
            provider = PositionProvider()
            state = PositionProvidingCodegenState(default_indent=self.module.default_indent,
                                                  default_newline=self.module.default_newline, provider=provider)
            state.line, state.column, state.indent_tokens = line, column, list(indentation)
            region._codegen(state)
            computed = provider._computed
        for node, r in computed.items():
            if node not in self.ranges:
                self.ranges[node] = r
                self.starts.setdefault((r.start.line, r.start.column + 1), []).append(node)


class Tree:
    """One file's libcst module with positions and parents, for finding nodes by location."""

    def __init__(self, path: str, source: bytes) -> None:
        self.path = path
        self.source = source
        self.module = cst.parse_module(source)
        self.parents = {child: parent for parent, child in edges(self.module)}
        self.positions = Positions(self.module, self.parents)
        self._names: dict = {}  # function node -> names it uses
        self._assigned: dict = {}  # function node -> names it assigns
        self._module_names: frozenset[str] | None = None
        self.claimed: dict = {}  # call node -> bound name, shared by the findings that bind it
        self.fresh: dict = {}  # function node -> names this fix introduced in it
        self.named = False  # whether planning chose a name here: a plan then depends on the ones before it

    def new_name(self, fn, base: str) -> str:
        """A name not used in `fn` (nor at module level, nor by another fix in `fn`)."""
        self.named = True
        taken = self.names_in(fn) | self.module_names() | self.fresh.setdefault(fn, set())
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}_{n}"
        self.fresh[fn].add(name)
        return name

    def claim(self, key, fn, base: str, prefix: str = "") -> str:
        """The name bound to `key` (a call, maybe with a role), chosen once for every finding
        (`new_name` marks the tree as `named`)."""
        if key not in self.claimed:
            self.claimed[key] = prefix + self.new_name(fn, base)
        return self.claimed[key]

    def node_at(self, line: int, col: int, kind) -> cst.CSTNode | None:
        """The outermost node of `kind` that starts at line:col (1-based column)."""
        best = None
        for node in self.positions.starting_at(line, col):
            if isinstance(node, kind) and (best is None or self._contains(node, best)):
                best = node
        return best

    def _contains(self, outer, inner) -> bool:
        a, b = self.positions[outer], self.positions[inner]
        return (a.start.line, a.start.column) <= (b.start.line, b.start.column) and (
            (a.end.line, a.end.column) >= (b.end.line, b.end.column))

    def statement_at(self, line: int, col: int) -> cst.CSTNode | None:
        """The block member (a statement line or a compound statement) whose statement starts at line:col."""
        node = self.node_at(line, col, (cst.BaseSmallStatement, cst.BaseCompoundStatement))
        return self.statement_of(node) if node is not None else None

    def ancestors(self, node):
        while node in self.parents:
            node = self.parents[node]
            yield node

    def small_of(self, node) -> cst.BaseSmallStatement | None:
        for parent in self.ancestors(node):
            if isinstance(parent, cst.BaseSmallStatement):
                return parent
            if isinstance(parent, (cst.BaseCompoundStatement, cst.BaseSuite)):
                return None
        return None

    def statement_of(self, node) -> cst.CSTNode:
        """The block member holding `node`: a SimpleStatementLine or a compound statement."""
        current = node
        for parent in self.ancestors(node):
            if isinstance(parent, (cst.IndentedBlock, cst.Module)):
                return current
            if isinstance(parent, cst.SimpleStatementSuite):
                return current
            current = parent
        return current

    def block_of(self, stmt) -> cst.CSTNode:
        return self.parents[stmt]

    def function_of(self, node) -> cst.FunctionDef | None:
        for parent in self.ancestors(node):
            if isinstance(parent, cst.FunctionDef):
                return parent
            if isinstance(parent, cst.Lambda):
                return None
        return None

    def class_of(self, function: cst.FunctionDef) -> cst.ClassDef | None:
        for parent in self.ancestors(function):
            if isinstance(parent, cst.ClassDef):
                return parent
            if isinstance(parent, cst.FunctionDef):
                return None
        return None

    def names_in(self, function) -> set[str]:
        if function not in self._names:
            root = function or self.module
            self._names[function] = {child.value for _, child in edges(root) if isinstance(child, cst.Name)}
        return self._names[function]

    def code(self, node) -> str:
        return self.module.code_for_node(node)

    def module_names(self) -> frozenset[str]:
        """Names bound at module level (imports, assignments, defs)."""
        if self._module_names is None:
            out: set[str] = set()
            for stmt in self.module.body:
                if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                    out.add(stmt.name.value)
                elif isinstance(stmt, cst.SimpleStatementLine):
                    for small in stmt.body:
                        if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(small.names, cst.ImportStar):
                            for alias in small.names:
                                target = alias.asname.name if alias.asname else alias.name
                                out.add(self.code(target).split(".")[0])
                        elif isinstance(small, cst.Assign):
                            out.update(t.target.value for t in small.targets if isinstance(t.target, cst.Name))
                        elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                            out.add(small.target.value)
            self._module_names = frozenset(out)
        return self._module_names

    def assigned_in(self, function) -> set[str]:
        """Plain names `function` assigns to (`x = ...`, anywhere in its body)."""
        if function not in self._assigned:
            self._assigned[function] = {child.target.value for _, child in edges(function)
                                        if isinstance(child, cst.AssignTarget) and isinstance(child.target, cst.Name)}
        return self._assigned[function]

    def is_before(self, a, b) -> bool:
        pa, pb = self.positions[a], self.positions[b]
        return (pa.start.line, pa.start.column) < (pb.start.line, pb.start.column)

    def inside_loop(self, stmt, stop) -> bool:
        for parent in self.ancestors(stmt):
            if parent is stop:
                return False
            if isinstance(parent, (cst.For, cst.While)):
                return True
        return False


# ---- planning ----------------------------------------------------------------------------------


def plan_units(finding, trees, settings: FixSettings, chosen=None) -> list[tuple[object, Plan | str]]:
    """One unit per job the test started: (work, its plan) or (work, why it cannot be fixed).

    A delete is often raced by jobs from several tests; each is fixed where it starts, so that a
    job that cannot be fixed does not hold back the others. `chosen(work)`: plan only those jobs
    (`fixer.attach` shares them out among processes by the file they start in).
    """
    delete_tree = trees(finding.path)
    delete_stmt = None
    if finding.where != "implicit":
        delete_stmt = delete_tree.statement_at(finding.loc.line, finding.loc.col)
        if delete_stmt is None:
            raise Unfixable("cannot find the delete statement")
    if settings.helper:
        out = Plan(message="")
        top = [w for w in finding.works if not w.parent] or finding.works
        _plan_helper(out, finding, delete_tree, delete_stmt, top, trees, settings)
        return [(top[0], out)]
    units: list = []
    for work in finding.works:
        if chosen is not None and not chosen(work):
            continue
        out = Plan(message="")
        try:
            if work.parent:
                out.message = _plan_child(out, finding, delete_tree, delete_stmt, work, trees, settings)
            else:
                out.message = _plan_work(out, finding, delete_tree, delete_stmt, work, trees, settings)
        except Unfixable as exc:
            units.append((work, str(exc)))
            continue
        units.append((work, out))
    return units


def merge(plans: list[Plan]) -> Plan:
    out = Plan(message="; ".join(dict.fromkeys(p.message for p in plans)))
    for p in plans:
        for name in ("binds", "receivers"):
            for path, table in getattr(p, name).items():
                getattr(out, name).setdefault(path, {}).update(table)
        for name in ("before", "after"):
            for path, table in getattr(p, name).items():
                for node, codes in table.items():
                    for code in codes:
                        out.insert(name, path, node, code)
        for path, lines in p.imports.items():
            mine = out.imports.setdefault(path, [])
            mine += [line for line in lines if line not in mine]
    return out


def _plan_child(out: Plan, finding, delete_tree: Tree, delete_stmt, work, trees, settings: FixSettings) -> str:
    """A job started by another job: reachable only when the wait drains a module-level object of the
    job's module (an RQ queue, a Dramatiq actor), which the test can import."""
    unreachable = Unfixable(
        f"the {work.label} `{work.job or work.text}` is started by the job `{work.parent_job}`, out of the "
        "test's reach (configure a project drain helper as [tool.teardown-lint.fix] wait)")
    template = dict(work.fix).get(settings.strategy) or dict(work.fix).get("wait") or ""
    if not template or "{handle}" in template or "{receiver}" not in template or trees.module_of is None:
        raise unreachable
    tree = trees(work.path)
    call = tree.node_at(work.loc.line, work.loc.col, cst.Call)
    if call is None or not isinstance(call.func, cst.Attribute) or not isinstance(call.func.value, cst.Name):
        raise unreachable
    name = call.func.value.value
    fn = tree.function_of(call)
    if name not in tree.module_names() or (fn is not None and (name in tree.assigned_in(fn) or name in _param_names(fn))):
        raise unreachable
    module = trees.module_of(work.path)
    values = {"receiver": name, "timeout": _number(settings.timeout), "timeout_ms": _number(settings.timeout * 1000)}
    code = _fill(template, values)
    if delete_stmt is not None and finding.where == REGISTERED:
        if "\n" in code or "await" in code:
            raise Unfixable("the wait is not a single expression, so it cannot be registered as a cleanup")
        code = f"{_registrar(delete_tree, delete_stmt)}(lambda: {code})"
        target, anchor, mode, where = delete_tree, delete_stmt, "after", "in a cleanup that runs before the delete"
    elif delete_stmt is not None:
        target, anchor, mode, where = delete_tree, _outside_loops(delete_tree, delete_stmt), "before", "before the delete"
    else:
        test = delete_tree.node_at(finding.loc.line, finding.loc.col, cst.Name)
        fn = delete_tree.function_of(test) if test is not None else None
        if fn is None:
            raise unreachable
        target, anchor, mode, where = delete_tree, fn.body.body[-1], "after", "at the end of the test"
    _require_async(target, anchor, code)
    present = target.module_names()
    if name in present and target.path != work.path:
        raise Unfixable(f"`{name}` already means something else in {target.path}")
    out.insert(mode, target.path, anchor, code)
    if target.path != work.path:
        out.imports.setdefault(target.path, []).append(f"from {module} import {name}")
    _imports(out, target, work, code)
    return f"{settings.strategy} for the {work.label} `{work.job or work.text}` that `{work.parent_job}` starts, {where}: `{_first_line(code)}`"


def _plan_helper(out: Plan, finding, delete_tree: Tree, delete_stmt, top, trees, settings: FixSettings) -> None:
    module, _, name = settings.helper.rpartition(".")
    call = f"{'await ' if settings.helper_async else ''}{name}()"
    if delete_stmt is not None and finding.where != REGISTERED:
        tree, anchor, where = delete_tree, delete_stmt, "before the delete"
        _require_async(tree, anchor, call)
        out.insert("before", tree.path, anchor, call)
    else:
        work = top[0]
        tree = trees(work.path)
        anchor, mode, where = _end_of_work(tree, work, finding)
        _require_async(tree, anchor, call)
        out.insert(mode, tree.path, anchor, call)
    if module and name not in tree.module_names():
        out.imports.setdefault(tree.path, []).append(f"from {module} import {name}")
    out.message = f"{settings.strategy} with `{settings.helper}()` {where}"


def _plan_work(out: Plan, finding, delete_tree: Tree, delete_stmt, work, trees, settings: FixSettings) -> str:
    strategy = settings.strategy
    template = dict(work.fix).get(strategy) or ""
    if not template and strategy == "cancel" and dict(work.fix).get("wait"):
        strategy, template = "wait", dict(work.fix)["wait"]  # a thread cannot be cancelled: wait for it
    if not template and work.family == "configured":
        raise Unfixable(f"work started by a configured helper: name your drain helper as [tool.teardown-lint.fix] {strategy}")
    if not template:
        raise Unfixable(f"no {strategy} template for the {work.label} (add one to its pack's [fix])")
    if started_outside_tests(work):
        raise Unfixable(f"the {work.label} is started inside `{work.through[-1]}` ({work.path}), outside the tests")
    tree = trees(work.path)
    call = tree.node_at(work.loc.line, work.loc.col, cst.Call)
    if call is None:
        raise Unfixable(f"cannot find the call `{work.text}`")
    start_stmt = tree.statement_of(call)
    start_fn = tree.function_of(call)
    values = {"timeout": _number(settings.timeout), "timeout_ms": _number(settings.timeout * 1000)}
    if "{receiver}" in template:
        func = call.func
        if not isinstance(func, cst.Attribute):
            raise Unfixable(f"`{work.text}` has no receiver to wait on")
        if isinstance(func.value, cst.Call):
            # `threading.Thread(...).start()`: name the object so that the wait can reach it
            values["receiver"] = _bind_receiver(out, tree, call, start_fn)
        else:
            values["receiver"] = tree.code(func.value)
    needs_handle = "{handle}" in template
    delete_fn = delete_tree.function_of(delete_stmt) if delete_stmt is not None else None
    same_function = delete_tree is tree and delete_fn is start_fn and start_fn is not None
    # 0. the delete is the exit of a `with` whose body starts the work: wait at the end of the body
    if (isinstance(delete_stmt, cst.With) and delete_tree is tree and _within(tree, start_stmt, delete_stmt.body)):
        last = delete_stmt.body.body[-1]
        if needs_handle:
            if not (_dominates(tree, start_stmt, last) or last is start_stmt):
                raise Unfixable("the work is started on some paths of the `with` body only")
            _bind_into(values, out, tree, call, start_fn, work)
        code = _fill(template, values)
        _require_async(tree, last, code)
        out.insert("after", tree.path, last, code)
        _imports(out, tree, work, code)
        return f"{strategy} for the {work.label} at the end of the `with` block: `{_first_line(code)}`"
    # 0b. the delete is in the `finally:` of the `try:` that starts the work: wait at the top of the
    # `finally:`, guarded, so that a failure before the start does not turn into a NameError there
    guarded = _finally_of(tree, start_stmt, delete_stmt) if delete_tree is tree and same_function else None
    if guarded is not None:
        anchor = guarded.finalbody.body.body[0]
        if needs_handle:
            _bind_into(values, out, tree, call, start_fn, work)
            if "_each" in values or "." in values["handle"]:
                raise Unfixable("the handle cannot be guarded in the `finally:`")
            code = _fill(template, values)
            out.insert("before", tree.path, guarded, f"{values['handle']} = None")
            code = f"if {values['handle']} is not None:\n" + "\n".join("    " + line for line in code.splitlines())
        else:
            code = _fill(template, values)
        _require_async(tree, anchor, code)
        out.insert("before", tree.path, anchor, code)
        _imports(out, tree, work, code)
        return f"{strategy} for the {work.label} in the test's `finally:`: `{_first_line(code)}`"
    # 1. before the delete, when what the template names is reachable there
    if delete_stmt is not None and finding.where != REGISTERED:
        reachable = None
        if same_function and tree.is_before(start_stmt, delete_stmt) and _dominates(tree, start_stmt, delete_stmt):
            reachable = "local"
        elif (not needs_handle and "receiver" in values and delete_fn is not None
              and _reachable(values["receiver"], tree, start_fn, delete_tree, delete_fn)):
            reachable = "receiver"
        elif (needs_handle and start_fn is not None and delete_fn is not None and delete_tree is tree
              and start_fn.name.value in SETUP_METHODS and tree.class_of(start_fn) is not None
              and tree.class_of(start_fn) is tree.class_of(delete_fn)):
            reachable = "attribute"
        if reachable:
            if needs_handle:
                _bind_into(values, out, tree, call, start_fn, work, attribute=reachable == "attribute")
            code = _fill(template, values)
            anchor = delete_stmt if reachable == "local" else _outside_loops(delete_tree, delete_stmt)
            _require_async(delete_tree, anchor, code)
            out.insert("before", delete_tree.path, anchor, code)
            _imports(out, delete_tree, work, code)
            return f"{strategy} for the {work.label} before the delete: `{_first_line(code)}`"
    # 2. a cleanup registered in the same function: register the wait after it (cleanups run LIFO)
    if delete_stmt is not None and finding.where == REGISTERED and same_function:
        if needs_handle:
            _bind_into(values, out, tree, call, start_fn, work)
        code = _fill(template, values)
        if "\n" in code or "await" in code:
            raise Unfixable("the wait is not a single expression, so it cannot be registered as a cleanup")
        registrar = _registrar(delete_tree, delete_stmt)
        later = delete_stmt if tree.is_before(start_stmt, delete_stmt) else start_stmt
        if not _dominates(tree, start_stmt, later) and later is not start_stmt:
            raise Unfixable("the job is started on some paths only")
        out.insert("after", tree.path, later, f"{registrar}(lambda: {code})")
        _imports(out, tree, work, code)
        return f"register a cleanup that runs before the delete: `{_first_line(code)}`"
    # 3. where the work's handle is last alive in the function that started it
    anywhere = not needs_handle and "receiver" in values and _reachable(values["receiver"], tree, start_fn, tree, start_fn)
    anchor, mode, where = _end_of_work(tree, work, finding, call=call, top_level=anywhere)
    if needs_handle or (mode == "before" and anchor is start_stmt):
        # (`return queue.add(...)` itself: bind it, wait, then return the name)
        _bind_into(values, out, tree, call, start_fn, work)
    code = _fill(template, values)
    if "receiver" in values and not _reachable(values["receiver"], tree, start_fn, tree, start_fn, local_ok=True):
        raise Unfixable(f"`{values['receiver']}` is not reachable {where}")
    _require_async(tree, anchor, code)
    out.insert(mode, tree.path, anchor, code)
    _imports(out, tree, work, code)
    return f"{strategy} for the {work.label} {where}: `{_first_line(code)}`"


def _end_of_work(tree: Tree, work, finding, call=None, top_level: bool = False):
    """(anchor statement, "after"/"before", description): the end of the block where the handle lives;
    with `top_level` (the wait names only a parameter or a global), the end of the function."""
    if work.through and not _test_code(work.path):
        # the work starts in application code: waiting there would change the application
        raise Unfixable(f"the {work.label} is started inside `{work.through[-1]}` ({work.path}), outside the tests")
    call = call or tree.node_at(work.loc.line, work.loc.col, cst.Call)
    if call is None:
        raise Unfixable(f"cannot find the call `{work.text}`")
    fn = tree.function_of(call)
    if fn is None:
        raise Unfixable("the work is started in a lambda or at module level, where no wait can go")
    if _is_fixture(fn) and not _has_yield(fn):
        raise Unfixable(f"the work is started in the setup of fixture `{fn.name.value}`, which has no teardown to wait in")
    stmt = tree.statement_of(call)
    block = tree.block_of(stmt)
    owner = tree.parents.get(block)
    # names bound inside `with` bodies stay alive after them: climb to the enclosing block
    while (isinstance(owner, cst.With) or (top_level and owner is not fn)) and owner is not None:
        if not isinstance(owner, cst.BaseCompoundStatement):
            owner = tree.parents.get(owner)  # an `else:`/`except:`/`finally:` clause: its statement
            continue
        stmt = owner
        block = tree.block_of(stmt)
        owner = tree.parents.get(block)
    body = list(block.body)
    last = body[-1]
    if owner is fn:
        where = "at the end of the test" if fn.name.value.startswith("test") else f"at the end of `{fn.name.value}`"
        if isinstance(last, cst.Try) and last.finalbody is not None and _within(tree, stmt, last.body):
            return last.finalbody.body.body[0], "before", "in the test's `finally:`"
        if isinstance(last, cst.Return) or (isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], cst.Return)):
            return last, "before", where
        return last, "after", where
    kind = {cst.For: "the loop body", cst.While: "the loop body", cst.If: "the branch", cst.Else: "the branch",
            cst.Try: "the `try:` body", cst.With: "the `with` body"}.get(type(owner), "its block")
    return last, "after", f"at the end of {kind} that starts it"


def _finally_of(tree: Tree, start_stmt, delete_stmt):
    """The `try:` statement whose body holds the start and whose `finally:` holds the delete."""
    if delete_stmt is None:
        return None
    for parent in tree.ancestors(delete_stmt):
        if isinstance(parent, cst.Try) and parent.finalbody is not None:
            if _within(tree, delete_stmt, parent.finalbody) and _within(tree, start_stmt, parent.body):
                return parent
            return None
        if isinstance(parent, cst.FunctionDef):
            return None
    return None


def _outside_loops(tree: Tree, stmt):
    """The statement to put a wait before: the delete, or the outermost loop around it in its function
    (`for key in keys: redis.delete(key)` is drained once, before the loop)."""
    anchor = stmt
    for parent in tree.ancestors(stmt):
        if isinstance(parent, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            break
        if isinstance(parent, (cst.For, cst.While)):
            anchor = parent
    return anchor


def started_outside_tests(work) -> bool:
    """A job started inside a helper outside the tests: no fix goes there, and planning refuses it
    before parsing the helper's file (application modules can be large)."""
    return bool(work.through) and not _test_code(work.path)


def _test_code(path: str) -> bool:
    """Test modules, conftest.py and helpers under a tests directory: code a fix may change."""
    parts = path.split("/")
    name = parts[-1]
    return name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py") or any(
        p in ("tests", "test", "testing") for p in parts[:-1])


def _within(tree: Tree, node, block) -> bool:
    return any(parent is block for parent in tree.ancestors(node))


def _dominates(tree: Tree, start_stmt, later) -> bool:
    """`start_stmt` runs whenever `later` does: its block encloses `later` (straight-line code)."""
    block = tree.block_of(start_stmt)
    return later in block.body or any(parent is block for parent in tree.ancestors(later))


def _reachable(expr: str, tree: Tree, fn, other_tree: Tree, other_fn, local_ok: bool = False) -> bool:
    """The receiver expression means the same object in `other_fn`: a shared parameter (a fixture),
    a module-level name, or `self.` within one class; or (local_ok) a local bound in the function."""
    root = re.match(r"[A-Za-z_][A-Za-z0-9_]*", expr)
    if not root:
        return False
    name = root.group(0)
    params = _param_names(other_fn)
    if name == "self":
        return other_fn is fn or (fn is not None and other_tree is tree and tree.class_of(fn) is not None
                                  and tree.class_of(fn) is other_tree.class_of(other_fn)
                                  and fn.name.value in SETUP_METHODS)
    if name in params and (fn is other_fn or name in _param_names(fn)):
        return True
    if name in other_tree.module_names() and (tree is other_tree or name in tree.module_names()):
        assigned = other_fn is not None and name in other_tree.assigned_in(other_fn)
        return not assigned
    return local_ok and other_fn is fn


def _param_names(fn) -> set[str]:
    """The names of a function's parameters (not *args or **kwargs); none for no function."""
    if fn is None:
        return set()
    p = fn.params
    return {param.name.value for param in (*p.posonly_params, *p.params, *p.kwonly_params)}


def _bind_into(values: dict, out: Plan, tree: Tree, call: cst.Call, fn, work, attribute: bool = False) -> None:
    """Set `{handle}`: the call's result by name, or each element of the list a comprehension builds
    (`results = [t.delay(x) for x in xs]` is waited for with a loop)."""
    base = dict(work.fix).get("bind", "handle")
    element = tree.parents.get(call)
    element = tree.parents.get(element) if isinstance(element, cst.Await) else element
    comp = element if isinstance(element, cst.ListComp) and (element.elt is call or getattr(element.elt, "expression", None) is call) else None
    if comp is None:
        values["handle"] = _bind(out, tree, call, fn, base, attribute)
        return
    values["_each"] = _bind(out, tree, comp, fn, base + "s", attribute)
    values["handle"] = tree.new_name(fn, base)


def _bind(out: Plan, tree: Tree, call: cst.Call, fn, base: str, attribute: bool = False) -> str:
    """The name the call's result is reachable by: its existing target, or a new one we bind."""
    small = tree.small_of(call)
    value = small.value if isinstance(small, (cst.Expr, cst.Assign, cst.AnnAssign)) else None
    direct = value is call or (isinstance(value, cst.Await) and value.expression is call)
    if isinstance(small, cst.Assign) and direct and len(small.targets) == 1:
        target = small.targets[0].target
        if isinstance(target, (cst.Name, cst.Attribute)):
            return tree.code(target)  # `result = …`, `self.result = …`
    if isinstance(small, cst.AnnAssign) and direct and isinstance(small.target, cst.Name):
        return small.target.value
    returned = isinstance(small, cst.Return) and (small.value is call or (
        isinstance(small.value, cst.Await) and small.value.expression is call))
    if not ((isinstance(small, cst.Expr) and direct) or returned):
        raise Unfixable(f"the result of `{tree.code(call)[:60]}` is not a plain statement, so it cannot be bound to a name")
    name = tree.claim((call, attribute), fn, base, "self." if attribute else "")
    if returned:
        # `return task.delay(...)`: bind, wait (before the return), then return the name
        stmt = tree.statement_of(small)
        codes = out.before.setdefault(tree.path, {}).setdefault(stmt, [])
        if f"{name} = {tree.code(small.value)}" not in codes:
            codes.insert(0, f"{name} = {tree.code(small.value)}")
    out.binds.setdefault(tree.path, {})[small] = name
    return name


def _bind_receiver(out: Plan, tree: Tree, call: cst.Call, fn) -> str:
    small = tree.small_of(call)
    value = getattr(small, "value", None)
    if not (isinstance(small, cst.Expr) and (value is call or (isinstance(value, cst.Await) and value.expression is call))):
        raise Unfixable(f"`{tree.code(call)[:60]}` is not a plain statement, so its object cannot be named")
    maker = call.func.value.func
    base = maker.attr.value if isinstance(maker, cst.Attribute) else getattr(maker, "value", "worker")
    base = re.sub(r"(?<!^)(?=[A-Z])", "_", base).lower() or "worker"
    name = tree.claim((call, "receiver"), fn, base)
    out.receivers.setdefault(tree.path, {})[call] = name
    stmt = tree.statement_of(call)
    codes = out.before.setdefault(tree.path, {}).setdefault(stmt, [])
    assignment = f"{name} = {tree.code(call.func.value)}"
    if assignment not in codes:
        codes.insert(0, assignment)
    return name


def _registrar(tree: Tree, stmt) -> str:
    small = stmt if isinstance(stmt, cst.BaseSmallStatement) else (
        stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) else None)
    value = getattr(small, "value", None)
    if isinstance(value, cst.Call):
        return tree.code(value.func)
    raise Unfixable("cannot tell how the cleanup was registered")


def _require_async(tree: Tree, anchor, code: str) -> None:
    if re.search(r"\bawait\b", code):
        fn = tree.function_of(anchor)
        if fn is None or fn.asynchronous is None:
            raise Unfixable("the wait must be awaited, but the place it goes is not an `async def`")


def _imports(out: Plan, tree: Tree, work, code: str) -> None:
    present = tree.module_names()
    for line in dict(work.fix).get("imports", ()):
        bound = line.split(" as ")[-1].split()[-1] if " as " in line else line.split()[-1]
        if line.startswith("import "):
            bound = line.split()[1].split(".")[0]
        if re.search(rf"\b{re.escape(bound)}\b", code) and bound not in present:
            out.imports.setdefault(tree.path, []).append(line)


def _is_fixture(fn: cst.FunctionDef) -> bool:
    """`@pytest.fixture`, `@pytest_asyncio.fixture(...)`, `@fixture`: the decorator's name ends in `fixture`."""
    for d in fn.decorators:
        target = d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator
        name = target.attr.value if isinstance(target, cst.Attribute) else getattr(target, "value", "")
        if name.endswith("fixture"):
            return True
    return False


def _has_yield(fn: cst.FunctionDef) -> bool:
    found = []

    class Yields(cst.CSTVisitor):
        def visit_Yield(self, node) -> None:
            found.append(node)

        def visit_FunctionDef(self, node) -> bool:
            return node is fn

    fn.visit(Yields())
    return bool(found)


def _fill(template: str, values: dict) -> str:
    def sub(match):
        key = match.group(1)
        if key not in values:
            raise Unfixable(f"the template needs `{{{key}}}`, which is not known here")
        return str(values[key])

    code = re.sub(r"\{(\w+)\}", sub, template.strip("\n"))
    if "_each" in values:
        body = "\n".join("    " + line for line in code.splitlines())
        code = f"for {values['handle']} in {values['_each']}:\n{body}"
    return code


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _first_line(code: str) -> str:
    lines = code.splitlines()
    return lines[0] + (" …" if len(lines) > 1 else "")


# ---- rendering ---------------------------------------------------------------------------------


def render(tree: Tree, plans: list[Plan]) -> bytes:
    """The file with the operations of `plans` applied (imports once, inserted code once)."""
    merged = merge(plans)
    binds, receivers = merged.binds.get(tree.path, {}), merged.receivers.get(tree.path, {})
    before, after = merged.before.get(tree.path, {}), merged.after.get(tree.path, {})
    imports = merged.imports.get(tree.path, [])
    if not (binds or receivers or before or after or imports):
        return tree.source
    anchors = [*binds, *receivers, *before, *after]
    keep = set(anchors).union(*(tree.ancestors(node) for node in anchors))
    module = tree.module.visit(_Apply(binds, before, after, receivers, keep))
    if imports:
        module = _add_imports(module, imports)
    return module.bytes


class _Apply(cst.CSTTransformer):
    """Applies the operations; it descends only into the nodes that hold an anchor (`keep`),
    so rendering one fix costs the path to it, not a walk of the whole file."""

    def __init__(self, binds, before, after, receivers, keep) -> None:
        self.binds, self.before, self.after, self.receivers = binds, before, after, receivers
        self.keep = keep

    def on_visit(self, node) -> bool:
        return node in self.keep

    def leave_Call(self, original, updated):
        name = self.receivers.get(original)
        if name is None:
            return updated
        return updated.with_changes(func=updated.func.with_changes(value=cst.Name(name)))

    def leave_Return(self, original, updated):
        name = self.binds.get(original)
        return updated if name is None else updated.with_changes(value=cst.parse_expression(name))

    def leave_Expr(self, original, updated):
        name = self.binds.get(original)
        if name is None:
            return updated
        return cst.Assign(targets=[cst.AssignTarget(cst.parse_expression(name))], value=updated.value,
                          semicolon=updated.semicolon)

    def leave_IndentedBlock(self, original, updated):
        return updated.with_changes(body=self._body(original.body, updated.body))

    def leave_Module(self, original, updated):
        return updated.with_changes(body=self._body(original.body, updated.body))

    def _body(self, originals, updateds):
        out = []
        for orig, new in zip(originals, updateds):
            pre = [stmt for code in self.before.get(orig, ()) for stmt in _statements(code)]
            if pre and new.leading_lines:
                # blank lines above the anchor go above what is inserted; its comments stay with it
                lead = list(new.leading_lines)
                blank = 0
                while blank < len(lead) and lead[blank].comment is None:
                    blank += 1
                pre[0] = pre[0].with_changes(leading_lines=lead[:blank])
                new = new.with_changes(leading_lines=lead[blank:])
            out += pre
            out.append(new)
            out += [stmt for code in self.after.get(orig, ()) for stmt in _statements(code)]
        return out


def _statements(code: str) -> list:
    return list(cst.parse_module(code + "\n").body)


def _add_imports(module: cst.Module, imports: list[str]) -> cst.Module:
    body = list(module.body)
    position = 0
    for i, stmt in enumerate(body):
        if isinstance(stmt, cst.SimpleStatementLine) and all(
            isinstance(s, (cst.Import, cst.ImportFrom)) or (i == 0 and isinstance(s, cst.Expr) and isinstance(s.value, (cst.SimpleString, cst.ConcatenatedString)))
            for s in stmt.body
        ):
            position = i + 1
        elif i > 0 or not isinstance(stmt, cst.SimpleStatementLine):
            break
    new = [cst.parse_statement(line + "\n") for line in imports]
    return module.with_changes(body=body[:position] + new + body[position:])


def edits(path: str, before: bytes, after: bytes, encoding: str = "utf-8") -> list[Edit]:
    """Whole-line replacements turning `before` into `after`."""
    old = before.decode(encoding, errors="replace").splitlines(keepends=True)
    new = after.decode(encoding, errors="replace").splitlines(keepends=True)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag != "equal":
            out.append(Edit(path, i1 + 1, 1, i2 + 1, 1, "".join(new[j1:j2])))
    return out
