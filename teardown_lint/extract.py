"""Parse stage: one libcst parse per file, turned into `FileFacts`.

The extractor keeps only what the analysis reads: call sites with their arguments summarised,
bindings (who aliases what), and the control flow around them. It resolves no names: that needs
the whole project, and happens when facts are linked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from .facts import (
    Arg,
    Bind,
    Call,
    Class,
    Eval,
    FileFacts,
    Function,
    If,
    Jump,
    Loc,
    Loop,
    Node,
    Param,
    Ref,
    Return,
    Try,
    With,
    Yield,
)

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*))?", re.I)
_IGNORE = re.compile(r"#\s*teardown-lint:\s*ignore(?:\[(?P<codes>[^\]]*)\])?")
_TEXT_MAX = 120
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def extract(source: bytes, path: str, module: str, is_package: bool = False) -> FileFacts:
    """Facts of one file; a file that does not decode or parse yields facts with `error` set."""
    try:
        tree = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        return _broken(path, module, is_package, f"syntax error at {exc.raw_line}:{exc.raw_column + 1}")
    except (UnicodeError, LookupError, ValueError, SyntaxError) as exc:
        # libcst raises a plain SyntaxError for undecodable bytes and unknown codecs
        return _broken(path, module, is_package, f"cannot decode or parse: {exc}")
    try:
        text = source.decode(tree.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        return _broken(path, module, is_package, f"cannot decode: {exc}")
    # Lines as libcst counts them: only \n, \r\n and \r end a line (not \f or \u2028).
    lines = tuple(_LINE_BREAK.split(text))
    wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    builder = _Builder(module, lines, positions, is_package)
    body = builder.module(tree)
    return FileFacts(
        path=path,
        module=module,
        is_package=is_package,
        imports=tuple(builder.imports.items()),
        star_imports=tuple(builder.star_imports),
        functions=tuple(builder.functions),
        classes=tuple(builder.classes),
        body=body,
        evidence=tuple(builder.module_ctx.evidence),
        plugins=tuple(builder.plugins),
        suppressions=_suppressions(lines),
        lines=lines,
    )


def _broken(path: str, module: str, is_package: bool, message: str) -> FileFacts:
    return FileFacts(path, module, is_package, (), (), (), (), (), error=message)


def _suppressions(lines: tuple[str, ...]) -> tuple[tuple[int, tuple[str, ...]], ...]:
    found = []
    for number, line in enumerate(lines, 1):
        if "#" not in line:
            continue
        for pattern in (_NOQA, _IGNORE):
            match = pattern.search(line)
            if match:
                codes = match.group("codes")
                parsed = tuple(c.strip().upper() for c in codes.split(",") if c.strip()) if codes else ("*",)
                found.append((number, parsed))
    return tuple(found)


@dataclass
class _Ctx:
    """What the builder tracks while inside one function (or the module, or a class body)."""

    qualname: str
    loop_depth: int = 0
    generator: bool = False
    evidence: list = field(default_factory=list)
    consts: dict = field(default_factory=dict)  # name -> string constant, for SQL in variables
    subst: dict = field(default_factory=dict)  # comprehension variable -> refs it iterates over
    local_defs: dict = field(default_factory=dict)
    stmt: Loc | None = None
    names: set | None = None  # while summarising an argument: the names it uses


class _Builder:
    def __init__(self, module: str, lines: tuple[str, ...], positions, is_package: bool) -> None:
        self.module_name = module
        self.is_package = is_package
        self.lines = lines
        self.positions = positions
        self.imports: dict[str, str] = {}
        self.star_imports: list[str] = []
        self.functions: list[Function] = []
        self.classes: list[Class] = []
        self.next_call = 0
        self.module_ctx = _Ctx("")
        self.plugins: list[str] = []

    # ---- locations and text -------------------------------------------------------------------

    def loc(self, node: cst.CSTNode) -> Loc:
        r = self.positions[node]
        return Loc(r.start.line, r.start.column + 1, r.end.line, r.end.column + 1)

    def header(self, node: cst.CSTNode) -> Loc:
        """The first line of a (compound) statement."""
        r = self.positions[node]
        line = self.lines[r.start.line - 1] if r.start.line <= len(self.lines) else ""
        return Loc(r.start.line, r.start.column + 1, r.start.line, len(line.rstrip()) + 1)

    def text(self, loc: Loc) -> str:
        if loc.line > len(self.lines):
            return ""
        first = self.lines[loc.line - 1]
        if loc.end_line == loc.line:
            out = first[loc.col - 1 : loc.end_col - 1]
        else:
            out = first[loc.col - 1 :].rstrip() + " …"
        return out if len(out) <= _TEXT_MAX else out[: _TEXT_MAX - 1] + "…"

    # ---- module, classes, functions -----------------------------------------------------------

    def module(self, tree: cst.Module) -> tuple[Node, ...]:
        return self.block(tree.body, self.module_ctx, class_name=None)

    def resolve_relative(self, module: cst.BaseExpression | None, dots: int) -> str:
        base = _dotted(module) if module is not None else ""
        if not dots:
            return base
        parts = self.module_name.split(".")
        # A package's own module name is its `.`; a plain module's `.` is its package.
        anchor = parts[: len(parts) - dots + (1 if self.is_package else 0)]
        return ".".join([p for p in anchor if p] + ([base] if base else []))

    def import_stmt(self, node: cst.Import | cst.ImportFrom, ctx: _Ctx) -> list[Bind]:
        binds: list[Bind] = []

        def bind(local: str, qualified: str) -> None:
            if ctx is self.module_ctx:
                self.imports[local] = qualified
            else:
                binds.append(Bind(local, (Ref("@mod", (qualified,)),)))

        if isinstance(node, cst.Import):
            for alias in node.names:
                full = _dotted(alias.name)
                if alias.asname is not None:
                    bind(_dotted(alias.asname.name), full)
                else:
                    bind(full.split(".")[0], full.split(".")[0])
            return binds
        source = self.resolve_relative(node.module, len(node.relative))
        if isinstance(node.names, cst.ImportStar):
            if ctx is self.module_ctx:
                self.star_imports.append(source)
            return binds
        for alias in node.names:
            name = _dotted(alias.name)
            local = _dotted(alias.asname.name) if alias.asname is not None else name
            bind(local, f"{source}.{name}" if source else name)
        return binds

    def function(self, node: cst.FunctionDef, class_name: str | None, outer: _Ctx | None) -> str:
        if outer is not None and outer.qualname:
            qualname = f"{outer.qualname}.<locals>.{node.name.value}"
        elif class_name:
            qualname = f"{class_name}.{node.name.value}"
        else:
            qualname = node.name.value
        ctx = _Ctx(qualname)
        decorators = tuple(self.decorator(d.decorator, ctx) for d in node.decorators)
        params = self.params(node.params)
        body = self.block(_statements(node.body), ctx, class_name=None)
        self.functions.append(
            Function(
                qualname=qualname,
                name=node.name.value,
                params=params,
                decorators=decorators,
                body=body,
                loc=self.loc(node.name),
                is_async=node.asynchronous is not None,
                is_generator=ctx.generator,
                class_name=class_name,
                parent=outer.qualname if outer is not None and outer.qualname else None,
                local_defs=tuple(ctx.local_defs.items()),
                evidence=tuple(ctx.evidence),
            )
        )
        return qualname

    def lambda_(self, node: cst.Lambda, ctx: _Ctx) -> str:
        loc = self.loc(node)
        qualname = f"{ctx.qualname or '<module>'}.<lambda:{loc.line}:{loc.col}>"
        inner = _Ctx(qualname, stmt=ctx.stmt)
        calls: list[Call] = []
        refs = self.value(node.body, inner, calls)
        body = (Return(Eval(tuple(calls), (Bind("<value>", refs),), ctx.stmt or loc), ctx.stmt or loc),)
        self.functions.append(
            Function(
                qualname=qualname,
                name="<lambda>",
                params=self.params(node.params),
                decorators=(),
                body=body,
                loc=loc,
                parent=ctx.qualname or None,
                evidence=tuple(inner.evidence),
                is_lambda=True,
            )
        )
        return qualname

    def params(self, params: cst.Parameters) -> tuple[Param, ...]:
        out = []
        for p in (*params.posonly_params, *params.params):
            out.append(Param(p.name.value, _annotation(p)))
        if isinstance(params.star_arg, cst.Param):
            out.append(Param(params.star_arg.name.value, None, "vararg"))
        for p in params.kwonly_params:
            out.append(Param(p.name.value, _annotation(p), "kwonly"))
        if params.star_kwarg is not None:
            out.append(Param(params.star_kwarg.name.value, None, "kwarg"))
        return tuple(out)

    def decorator(self, expr: cst.BaseExpression, ctx: _Ctx) -> Call:
        ctx.stmt = self.header(expr)
        calls: list[Call] = []
        if isinstance(expr, cst.Call):
            self.value(expr, ctx, calls)
            return calls[-1]
        refs = self.value(expr, ctx, calls)
        loc = self.loc(expr)
        return self.new_call(refs[0] if refs else Ref(""), (), (), loc, ctx, synthetic="decorator")

    def class_(self, node: cst.ClassDef, outer_class: str | None) -> None:
        qualname = f"{outer_class}.{node.name.value}" if outer_class else node.name.value
        ctx = _Ctx("")
        bases = []
        for arg in node.bases:
            refs = self.value(arg.value, ctx, [])
            bases.append(refs[0] if refs else Ref(""))
        decorators = tuple(self.decorator(d.decorator, ctx) for d in node.decorators)
        methods: list[tuple[str, str]] = []
        body: list[Node] = []
        for stmt in _statements(node.body):
            if isinstance(stmt, cst.FunctionDef):
                methods.append((stmt.name.value, self.function(stmt, qualname, None)))
            elif isinstance(stmt, cst.ClassDef):
                self.class_(stmt, qualname)
            else:
                body.extend(self.statement(stmt, ctx, class_name=qualname))
        self.module_ctx.evidence.extend(ctx.evidence)
        self.classes.append(
            Class(qualname, node.name.value, tuple(bases), decorators, tuple(methods), tuple(body), self.loc(node.name))
        )

    # ---- statements ---------------------------------------------------------------------------

    def block(self, statements, ctx: _Ctx, class_name: str | None) -> tuple[Node, ...]:
        out: list[Node] = []
        for stmt in statements:
            out.extend(self.statement(stmt, ctx, class_name))
        return tuple(out)

    def statement(self, stmt: cst.CSTNode, ctx: _Ctx, class_name: str | None) -> list[Node]:
        if isinstance(stmt, cst.BaseSmallStatement):  # from a one-line suite
            ctx.stmt = self.loc(stmt)
            node = self.small(stmt, ctx)
            return [node] if node is not None else []
        if isinstance(stmt, cst.SimpleStatementLine):
            out: list[Node] = []
            for small in stmt.body:
                ctx.stmt = self.loc(small) if len(stmt.body) > 1 else self.loc(stmt)
                node = self.small(small, ctx)
                if node is not None:
                    out.append(node)
            return out
        ctx.stmt = self.header(stmt)
        loc = ctx.stmt
        if isinstance(stmt, cst.FunctionDef):
            if ctx is self.module_ctx:
                self.function(stmt, None, None)
                return []
            qualname = self.function(stmt, None, ctx)
            ctx.local_defs[stmt.name.value] = qualname
            return [Eval((), (Bind(stmt.name.value, (Ref("@fn", (qualname,)),)),), loc)]
        if isinstance(stmt, cst.ClassDef):
            if ctx is self.module_ctx:
                self.class_(stmt, None)
            return []
        if isinstance(stmt, cst.If):
            return [self.if_(stmt, ctx, class_name)]
        if isinstance(stmt, (cst.For, cst.While)):
            return [self.loop(stmt, ctx, class_name)]
        if isinstance(stmt, (cst.Try, cst.TryStar)):
            handlers = tuple(self.block(_statements(h.body), ctx, class_name) for h in stmt.handlers)
            return [
                Try(
                    body=self.block(_statements(stmt.body), ctx, class_name),
                    handlers=handlers,
                    orelse=self.block(_statements(stmt.orelse.body), ctx, class_name) if stmt.orelse else (),
                    final=self.block(_statements(stmt.finalbody.body), ctx, class_name) if stmt.finalbody else (),
                    loc=loc,
                )
            ]
        if isinstance(stmt, cst.With):
            return [self.with_(stmt, ctx, class_name)]
        if isinstance(stmt, cst.Match):
            calls: list[Call] = []
            self.value(stmt.subject, ctx, calls)
            arms = tuple(self.block(_statements(case.body), ctx, class_name) for case in stmt.cases)
            return [If(Eval(tuple(calls), (), loc), arms + ((),), loc)]
        return []

    def small(self, node: cst.BaseSmallStatement, ctx: _Ctx) -> Node | None:
        loc = ctx.stmt
        calls: list[Call] = []
        if isinstance(node, cst.Expr):
            if isinstance(node.value, cst.Yield):
                return self.yield_(node.value, ctx, calls, loc, target=None)
            self.value(node.value, ctx, calls)
            return Eval(tuple(calls), (), loc) if calls else None
        if isinstance(node, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            value = node.value
            if value is None:
                return None
            targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
            if isinstance(value, cst.Yield):
                return self.yield_(value, ctx, calls, loc, target=targets[0])
            refs = self.value(value, ctx, calls)
            if isinstance(node, cst.AugAssign):
                return Eval(tuple(calls), (), loc) if calls else None
            binds: list[Bind] = []
            for target in targets:
                binds.extend(self.assign(target, value, refs, ctx))
                if ctx is self.module_ctx and isinstance(target, cst.Name) and target.value == "pytest_plugins":
                    self.plugins.extend(_strings(value))
            return Eval(tuple(calls), tuple(binds), loc)
        if isinstance(node, cst.Return):
            refs = self.value(node.value, ctx, calls) if node.value is not None else ()
            return Return(Eval(tuple(calls), (Bind("<value>", refs),), loc), loc)
        if isinstance(node, cst.Raise):
            if node.exc is not None:
                self.value(node.exc, ctx, calls)
            return Jump("raise", Eval(tuple(calls), (), loc), loc)
        if isinstance(node, (cst.Break, cst.Continue)):
            return Jump("break" if isinstance(node, cst.Break) else "continue", Eval((), (), loc), loc)
        if isinstance(node, cst.Assert):
            self.value(node.test, ctx, calls)
            return Eval(tuple(calls), (), loc) if calls else None
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            binds = self.import_stmt(node, ctx)
            return Eval((), tuple(binds), loc) if binds else None
        if isinstance(node, cst.Del):
            return None
        return None

    def yield_(self, node: cst.Yield, ctx: _Ctx, calls: list[Call], loc: Loc, target) -> Yield:
        ctx.generator = True
        value = node.value
        refs: tuple[Ref, ...] = ()
        if isinstance(value, cst.From):
            refs = self.value(value.item, ctx, calls)
        elif value is not None:
            refs = self.value(value, ctx, calls)
        return Yield(Eval(tuple(calls), (Bind("<value>", refs),), loc), loc)

    def assign(self, target: cst.BaseExpression, value, refs, ctx: _Ctx, index: int = -1) -> list[Bind]:
        const = _const(value)
        if isinstance(target, cst.Name):
            if const is not None:
                ctx.evidence.append((target.value, const))
                if isinstance(const[0], str):
                    ctx.consts[target.value] = const[0]
            return [Bind(target.value, refs, index)]
        if isinstance(target, cst.Attribute):
            if const is not None:
                ctx.evidence.append((target.attr.value, const))
            dotted = _dotted(target)
            if dotted and dotted.count(".") == 1:
                # `self.x = …`, `cls.x = …`, `module.x = …` (xunit): instance/module attributes
                return [Bind(dotted, refs, index)]
            return []
        if isinstance(target, cst.Subscript):
            key = _subscript_key(target)
            if key is not None and const is not None:
                ctx.evidence.append((key, const))
            return []
        if isinstance(target, (cst.Tuple, cst.List)):
            elements = [e.value for e in target.elements]
            if isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == len(elements):
                out = []
                for t, v in zip(elements, value.elements):
                    out.extend(self.assign(t, v.value, self.value(v.value, ctx, []), ctx))
                return out
            out = []
            for position, t in enumerate(elements):
                if isinstance(t, cst.StarredElement):
                    out.extend(self.assign(t.value, None, refs, ctx))
                    continue
                out.extend(self.assign(t, None, refs, ctx, index=position))
            return out
        return []

    def if_(self, node: cst.If, ctx: _Ctx, class_name) -> If:
        loc = ctx.stmt
        calls: list[Call] = []
        self.value(node.test, ctx, calls)
        test = Eval(tuple(calls), (), loc)
        body = self.block(_statements(node.body), ctx, class_name)
        if isinstance(node.orelse, cst.If):
            ctx.stmt = self.header(node.orelse)
            orelse: tuple[Node, ...] = (self.if_(node.orelse, ctx, class_name),)
        elif isinstance(node.orelse, cst.Else):
            orelse = self.block(_statements(node.orelse.body), ctx, class_name)
        else:
            orelse = ()
        guard, empty_arm = _guard(node.test, ctx)
        return If(test, (body, orelse), loc, guard, empty_arm)

    def loop(self, node: cst.For | cst.While, ctx: _Ctx, class_name) -> Loop:
        loc = ctx.stmt
        calls: list[Call] = []
        binds: tuple[Bind, ...] = ()
        ctx.loop_depth += 1
        try:
            if isinstance(node, cst.For):
                refs = self.value(node.iter, ctx, calls)
                binds = tuple(self.assign(node.target, None, refs, ctx))
                runs_once = _nonempty_iterable(node.iter)
            else:
                self.value(node.test, ctx, calls)
                runs_once = _truthy_constant(node.test)
            body = self.block(_statements(node.body), ctx, class_name)
        finally:
            ctx.loop_depth -= 1
        orelse = self.block(_statements(node.orelse.body), ctx, class_name) if node.orelse else ()
        return Loop(Eval(tuple(calls), binds, loc), body, orelse, runs_once, loc)

    def with_(self, node: cst.With, ctx: _Ctx, class_name) -> With:
        loc = ctx.stmt
        calls: list[Call] = []
        binds: list[Bind] = []
        exits: list[Call] = []
        kind = "aexit" if node.asynchronous is not None else "exit"
        for item in node.items:
            refs = self.value(item.item, ctx, calls)
            if item.asname is not None:
                binds.extend(self.assign(item.asname.name, None, refs, ctx))
            for ref in refs[:1]:
                func = Ref(ref.root, ref.attrs + (f"__{kind}__",), ref.call)
                exits.append(self.new_call(func, (), (), loc, ctx, synthetic=kind))
        body = self.block(_statements(node.body), ctx, class_name)
        return With(Eval(tuple(calls), tuple(binds), loc), tuple(reversed(exits)), body, loc)

    # ---- expressions --------------------------------------------------------------------------

    def new_call(self, func: Ref, args, kwargs, loc: Loc, ctx: _Ctx, awaited=False, synthetic="") -> Call:
        call = Call(
            id=self.next_call,
            func=func,
            args=args,
            kwargs=kwargs,
            loc=loc,
            stmt=ctx.stmt or loc,
            text=self.text(loc),
            awaited=awaited,
            synthetic=synthetic,
            in_loop=ctx.loop_depth > 0,
        )
        self.next_call += 1
        return call

    def value(self, expr, ctx: _Ctx, calls: list[Call], awaited: bool = False) -> tuple[Ref, ...]:
        """Record the calls of `expr` in evaluation order; return what its value may alias."""
        if expr is None:
            return ()
        if isinstance(expr, cst.Name):
            if expr.value in ("None", "True", "False"):
                return ()  # constants alias nothing
            if ctx.names is not None:
                ctx.names.add(expr.value)
            if expr.value in ctx.subst:
                return ctx.subst[expr.value]
            return (Ref(expr.value),)
        if isinstance(expr, cst.Attribute):
            base = self.value(expr.value, ctx, calls)
            return tuple(Ref(b.root, b.attrs + (expr.attr.value,), b.call) for b in base) or (
                Ref("", (expr.attr.value,)),
            )
        if isinstance(expr, cst.Call):
            return self.call(expr, ctx, calls, awaited)
        if isinstance(expr, cst.Await):
            inner = expr.expression
            if isinstance(inner, cst.Call):
                return self.value(inner, ctx, calls, awaited=True)
            refs = self.value(inner, ctx, calls)
            for ref in refs[:1]:
                func = Ref(ref.root, ref.attrs + ("__await__",), ref.call)
                calls.append(self.new_call(func, (), (), self.loc(expr), ctx, synthetic="await"))
            return refs
        if isinstance(expr, cst.Lambda):
            return (Ref("@fn", (self.lambda_(expr, ctx),)),)
        if isinstance(expr, (cst.List, cst.Dict)) and not expr.elements:
            return (Ref("@new"),)  # an empty container, filled later (`results.append(job)`)
        if isinstance(expr, (cst.List, cst.Tuple, cst.Set)):
            out: list[Ref] = []
            for element in expr.elements:
                out.extend(self.value(element.value, ctx, calls))
            return tuple(out)
        if isinstance(expr, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
            return self.comprehension(expr, ctx, calls)
        if isinstance(expr, cst.Dict):
            for element in expr.elements:
                if isinstance(element, cst.DictElement):
                    key = _const(element.key)
                    const = _const(element.value)
                    if key is not None and isinstance(key[0], str) and const is not None:
                        ctx.evidence.append((key[0], const))
                    self.value(element.key, ctx, calls)
                    self.value(element.value, ctx, calls)
                else:
                    self.value(element.value, ctx, calls)
            return ()
        if isinstance(expr, cst.Subscript):
            base = self.value(expr.value, ctx, calls)
            for element in expr.slice:
                if isinstance(element.slice, cst.Index):
                    self.value(element.slice.value, ctx, calls)
            return base
        if isinstance(expr, cst.BinaryOperation):
            left = self.value(expr.left, ctx, calls)
            right = self.value(expr.right, ctx, calls)
            return left + right
        if isinstance(expr, cst.BooleanOperation):
            return self.value(expr.left, ctx, calls) + self.value(expr.right, ctx, calls)
        if isinstance(expr, cst.Comparison):
            self.value(expr.left, ctx, calls)
            for target in expr.comparisons:
                self.value(target.comparator, ctx, calls)
            return ()
        if isinstance(expr, cst.UnaryOperation):
            self.value(expr.expression, ctx, calls)
            return ()
        if isinstance(expr, cst.IfExp):
            self.value(expr.test, ctx, calls)
            return self.value(expr.body, ctx, calls) + self.value(expr.orelse, ctx, calls)
        if isinstance(expr, cst.NamedExpr):
            refs = self.value(expr.value, ctx, calls)
            return refs
        if isinstance(expr, cst.StarredElement):
            return self.value(expr.value, ctx, calls)
        if isinstance(expr, cst.FormattedString):
            for part in expr.parts:
                if isinstance(part, cst.FormattedStringExpression):
                    self.value(part.expression, ctx, calls)
            return ()
        if isinstance(expr, cst.ConcatenatedString):
            self.value(expr.left, ctx, calls)
            self.value(expr.right, ctx, calls)
            return ()
        if isinstance(expr, cst.Yield):
            ctx.generator = True
            if expr.value is not None:
                inner = expr.value.item if isinstance(expr.value, cst.From) else expr.value
                self.value(inner, ctx, calls)
            return ()
        return ()

    def comprehension(self, expr, ctx: _Ctx, calls: list[Call]) -> tuple[Ref, ...]:
        saved = dict(ctx.subst)
        ctx.loop_depth += 1
        try:
            clause = expr.for_in
            while clause is not None:
                refs = self.value(clause.iter, ctx, calls)
                for name in _target_names(clause.target):
                    ctx.subst[name] = refs
                for cond in clause.ifs:
                    self.value(cond.test, ctx, calls)
                clause = clause.inner_for_in
            if isinstance(expr, cst.DictComp):
                self.value(expr.key, ctx, calls)
                return self.value(expr.value, ctx, calls)
            return self.value(expr.elt, ctx, calls)
        finally:
            ctx.loop_depth -= 1
            ctx.subst = saved

    def call(self, node: cst.Call, ctx: _Ctx, calls: list[Call], awaited: bool) -> tuple[Ref, ...]:
        func_refs = self.value(node.func, ctx, calls) or (Ref(""),)
        args: list[Arg] = []
        kwargs: list[tuple[str, Arg]] = []
        for arg in node.args:
            summary = self.arg(arg, ctx, calls)
            if arg.keyword is not None:
                kwargs.append((arg.keyword.value, summary))
                if summary.const is not None:
                    ctx.evidence.append((arg.keyword.value, summary.const))
            else:
                args.append(summary)
        # `(a or b).delete()`, `[f.result() for f in (x, y)]`: the callee may be any of them.
        out = []
        for func in func_refs[:8]:
            call = self.new_call(func, tuple(args), tuple(kwargs), self.loc(node), ctx, awaited=awaited)
            calls.append(call)
            out.append(Ref("", (), call.id))
        return tuple(out)

    def arg(self, arg: cst.Arg, ctx: _Ctx, calls: list[Call]) -> Arg:
        expr = arg.value
        before = len(calls)
        outer_sink, ctx.names = ctx.names, set()
        try:
            refs = self.value(expr, ctx, calls)
            names = ctx.names
        finally:
            if outer_sink is not None:
                outer_sink |= ctx.names
            ctx.names = outer_sink
        const = _const(expr)
        text = _leading_text(expr)
        if text is None and isinstance(expr, cst.Name) and expr.value in ctx.consts:
            text = ctx.consts[expr.value]
        if text is None and isinstance(expr, cst.Call):
            # text("DELETE …"), sql.SQL("TRUNCATE …"): the statement is the first argument.
            inner = calls[-1] if len(calls) > before else None
            if inner is not None and inner.args and inner.args[0].text is not None:
                text = inner.args[0].text
        elems = refs if isinstance(expr, (cst.List, cst.Tuple, cst.Set)) else ()
        loc = self.loc(expr)
        return Arg(
            ref=refs[0] if len(refs) == 1 else None,
            const=const,
            text=text,
            names=tuple(sorted(names)),
            elems=elems,
            starred=arg.star == "*",
            source=self.text(loc),
        )


# ---- small pure helpers --------------------------------------------------------------------------


def _statements(block) -> list:
    """The statements of a block; a one-line suite (`if x: y()`) yields its small statements."""
    if block is None:
        return []
    return list(block.body)


def _dotted(node) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr.value}" if base else ""
    return ""


def _annotation(param: cst.Param) -> Ref | None:
    if param.annotation is None:
        return None
    dotted = _dotted(param.annotation.annotation)
    if not dotted:
        return None
    root, *attrs = dotted.split(".")
    return Ref(root, tuple(attrs))


def _const(node) -> tuple | None:
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - odd literals are simply not constants
            return None
        return (value if isinstance(value, str) else value.decode("latin-1"),)
    if isinstance(node, cst.Integer):
        try:
            return (int(node.value.replace("_", ""), 0),)
        except ValueError:
            return None
    if isinstance(node, cst.Float):
        try:
            return (float(node.value.replace("_", "")),)
        except ValueError:
            return None
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return ({"True": True, "False": False, "None": None}[node.value],)
    if isinstance(node, cst.ConcatenatedString):
        text = _leading_text(node)
        return (text,) if text is not None and "{" not in text else None
    return None


def _leading_text(node) -> str | None:
    """The literal text a string expression starts with (enough to see `DELETE FROM …`)."""
    if isinstance(node, cst.SimpleString):
        const = _const(node)
        return const[0] if const else None
    if isinstance(node, cst.ConcatenatedString):
        left = _leading_text(node.left)
        right = _leading_text(node.right)
        return (left or "") + (right or "") if left is not None else None
    if isinstance(node, cst.FormattedString):
        out = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                out.append(part.value)
            else:
                out.append("{}")
        return "".join(out)
    return None


def _strings(node) -> list[str]:
    """String constants of a literal (`"a.b"`, `["a", "b"]`, `("a",)`)."""
    const = _const(node)
    if const is not None:
        return [const[0]] if isinstance(const[0], str) else []
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        return [s for element in node.elements for s in _strings(element.value)]
    return []


def _guard(test, ctx: _Ctx) -> tuple[Ref | None, int]:
    """`if x is not None` (x is None on the else arm, 1), `if x is None` / `if not x` (arm 0),
    `if x` (arm 1): which variable the test checks for None, and on which arm it is None."""
    negate = False
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test, negate = test.expression, True
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.comparisons[0]
        if isinstance(target.comparator, cst.Name) and target.comparator.value == "None":
            if isinstance(target.operator, cst.IsNot):
                none_arm = 1
            elif isinstance(target.operator, cst.Is):
                none_arm = 0
            else:
                return None, -1
            test = test.left
        else:
            return None, -1
    else:
        none_arm = 1
    dotted = _dotted(test)
    if not dotted or dotted.split(".")[0] in ctx.subst:
        return None, -1
    root, *attrs = dotted.split(".")
    return Ref(root, tuple(attrs)), (1 - none_arm if negate else none_arm)


def _subscript_key(node: cst.Subscript) -> str | None:
    if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        const = _const(node.slice[0].slice.value)
        if const is not None and isinstance(const[0], str):
            return const[0]
    return None


def _target_names(node) -> list[str]:
    if isinstance(node, cst.Name):
        return [node.value]
    if isinstance(node, (cst.Tuple, cst.List)):
        out = []
        for element in node.elements:
            out.extend(_target_names(element.value))
        return out
    return []


def _truthy_constant(node) -> bool:
    const = _const(node)
    return const is not None and bool(const[0])


def _nonempty_iterable(node) -> bool:
    if isinstance(node, (cst.List, cst.Tuple)) and node.elements:
        return True
    if isinstance(node, cst.Call) and _dotted(node.func) == "range" and node.args:
        bound = _const(node.args[-1].value) if len(node.args) == 1 else None
        return bool(bound and isinstance(bound[0], int) and bound[0] > 0)
    return False
