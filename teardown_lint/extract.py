"""Parse stage: one `ast` parse per file, turned into `FileFacts`.

The extractor keeps only what the analysis reads: call sites with their arguments summarised,
bindings (who aliases what), and the control flow around them. It resolves no names: that needs
the whole project, and happens when facts are linked.

It parses with the standard library's `ast` (C parser; libcst's parse plus its position metadata
cost about 40x more) yet gives the facts libcst gave, locations included: 1-based lines, 1-based
columns counted in characters (ast counts UTF-8 bytes), a def's or class's location on its name,
an argument's source without its tuple's or generator's own parentheses.

`ast.parse` accepts only the running interpreter's grammar: a file using newer syntax (say PEP 695
`type X = ...` read by Python 3.11) is reported as a syntax error, where libcst, which carries its
own grammar, parsed it. That is accepted: tests are written for the Python that runs them.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from dataclasses import dataclass, field

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
    derive,
)

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*))?", re.I)
_IGNORE = re.compile(r"#\s*teardown-lint:\s*ignore(?:\[(?P<codes>[^\]]*)\])?")
_TEXT_MAX = 120
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_TRIES = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)  # except* is 3.11+
_SEQUENCES = (ast.List, ast.Tuple, ast.Set)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_SEQUENCE_TYPES = frozenset(_SEQUENCES)  # for `type(node) in`: faster than isinstance
_COMPREHENSION_TYPES = frozenset(_COMPREHENSIONS)
_COMPOUND_TYPES = frozenset(
    (*_FUNCTIONS, ast.ClassDef, ast.If, ast.For, ast.AsyncFor, ast.While, *_TRIES, ast.With, ast.AsyncWith, ast.Match)
)


def extract(source: bytes, path: str, module: str, is_package: bool = False) -> FileFacts:
    """Facts of one file; a file that does not decode or parse yields facts with `error` set."""
    try:
        # PEP 263 cookie or UTF-8 BOM (`utf-8-sig` drops it), as the interpreter would read it
        encoding = tokenize.detect_encoding(io.BytesIO(source).readline)[0]
        text = source.decode(encoding)
    except (UnicodeError, LookupError, SyntaxError) as exc:
        return _broken(path, module, is_package, f"cannot decode or parse: {exc}")
    nul = text.find("\0")
    if nul >= 0:  # ast refuses these with no position
        before = _LINE_BREAK.split(text[:nul])
        return _broken(path, module, is_package, f"syntax error at {len(before)}:{len(before[-1]) + 1}")
    try:
        with warnings.catch_warnings():
            # invalid escapes and the like warn at parse time; `-W error` would make them errors
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except SyntaxError as exc:
        return _broken(path, module, is_package, f"syntax error at {exc.lineno or 1}:{exc.offset or 1}")
    except UnicodeError as exc:  # lone surrogates (say from a `raw_unicode_escape` cookie)
        return _broken(path, module, is_package, f"cannot decode or parse: {exc}")
    except (RecursionError, MemoryError):  # CPython could not compile it either
        return _broken(path, module, is_package, "cannot parse: too deeply nested")
    # Lines as the parser counts them: only \n, \r\n and \r end a line (not \f or \u2028).
    lines = tuple(_LINE_BREAK.split(text))
    builder = _Builder(module, text, lines, is_package)
    try:
        body = builder.module(tree)
    except RecursionError:
        return _broken(path, module, is_package, "cannot analyse: too deeply nested")
    return derive(FileFacts(
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
    ))


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


class _Source:
    """The decoded text and its lines; ast's byte columns turned into character columns."""

    def __init__(self, text: str, lines: tuple[str, ...]) -> None:
        self.text = text
        self.lines = lines
        self.ascii = text.isascii()  # then bytes are characters: the common, fast case
        # 1-based numbers of the lines where they are not, with their UTF-8 bytes once needed
        self._wide: dict[int, bytes | None] = (
            {} if self.ascii else {n: None for n, line in enumerate(lines, 1) if not line.isascii()}
        )
        self._starts: list[int] | None = None

    def col(self, line: int, offset: int) -> int:
        """0-based character column of UTF-8 byte `offset` on 1-based `line`."""
        if line not in self._wide:
            return offset
        encoded = self._wide[line]
        if encoded is None:
            encoded = self._wide[line] = self.lines[line - 1].encode("utf-8")
        return len(encoded[:offset].decode("utf-8", "replace"))

    def start(self, node: ast.AST) -> tuple[int, int]:
        return node.lineno, self.col(node.lineno, node.col_offset)

    def end(self, node: ast.AST) -> tuple[int, int]:
        return node.end_lineno, self.col(node.end_lineno, node.end_col_offset)

    def segment(self, node: ast.AST) -> str:
        """The node's exact source (line endings as written)."""
        if node.lineno == node.end_lineno:
            line = node.lineno
            return self.lines[line - 1][self.col(line, node.col_offset) : self.col(line, node.end_col_offset)]
        if self._starts is None:
            self._starts = [0] + [m.end() for m in _LINE_BREAK.finditer(self.text)]
        (line, col), (end_line, end_col) = self.start(node), self.end(node)
        return self.text[self._starts[line - 1] + col : self._starts[end_line - 1] + end_col]

    def significant(self, start: tuple[int, int], stop: tuple[int, int]):
        """(line, col, char) of the tokens' characters between two token boundaries, skipping
        blanks, comments and backslash continuations; no string literal may start in between."""
        line, col = start
        while (line, col) < stop:
            text = self.lines[line - 1]
            if col >= len(text) or text[col] == "#" or (text[col] == "\\" and col == len(text) - 1):
                line, col = line + 1, 0
                continue
            char = text[col]
            if char not in " \t\x0c":
                yield line, col, char
            col += 1

    def name(self, node: ast.AST, keywords: int) -> Loc:
        """The name after `keywords` leading words (`async def NAME`, `class NAME`)."""
        line, col = self.start(node)
        words = 0
        while True:
            text = self.lines[line - 1]
            match = _WORD.match(text, col)
            if match is None:  # a backslash continuation: the next word is on the next line
                if line >= node.end_lineno:  # cannot happen in code that parsed; never loop
                    return Loc(node.lineno, col + 1, node.lineno, col + 1)
                line, col = line + 1, 0
                continue
            if words == keywords:
                return Loc(line, match.start(1) + 1, line, match.end(1) + 1)
            words += 1
            col = match.end(1)


_WORD = re.compile(r"[ \t\x0c]*([^\s(\[:\\]+)")


class _Builder:
    def __init__(self, module: str, text: str, lines: tuple[str, ...], is_package: bool) -> None:
        self.module_name = module
        self.is_package = is_package
        self.lines = lines
        self.src = _Source(text, lines)
        self.ascii = self.src.ascii
        self.imports: dict[str, str] = {}
        self.star_imports: list[str] = []
        self.functions: list[Function] = []
        self.classes: list[Class] = []
        self.next_call = 0
        self.module_ctx = _Ctx("")
        self.plugins: list[str] = []
        # Equal small facts recur through a file (`self`, `self.client`, the argument `job`). Built
        # once and shared, each is pickled once and referred back to after: on a fifth of
        # sqlalchemy's tests, 10% smaller facts and a quarter fewer instructions to encode and
        # decode them (callgrind), which two-job runs pay on every fact a worker sends. Facts are
        # never changed once built, so sharing them is safe.
        self.shared_refs: dict[tuple, Ref] = {}
        self.shared_params: dict[tuple, Param] = {}
        self.shared_args: dict[tuple, Arg] = {}

    def ref(self, root: str, attrs: tuple[str, ...] = ()) -> Ref:
        """`root.attrs...`, a name (not a call's result): one object per value in the file."""
        key = (root, attrs)
        found = self.shared_refs.get(key)
        if found is None:
            found = self.shared_refs[key] = Ref(root, attrs)
        return found

    def param(self, name: str, kind: str, annotation: Ref | None) -> Param:
        if annotation is not None:
            return Param(name, annotation, kind)
        key = (name, kind)
        found = self.shared_params.get(key)
        if found is None:
            found = self.shared_params[key] = Param(name, None, kind)
        return found

    def new_arg(self, ref: Ref | None, const: tuple | None, text: str | None, names: tuple[str, ...],
                elems: tuple[Ref, ...], starred: bool, source: str) -> Arg:
        """An argument; one object per value when it holds no call result and no display."""
        if elems or (ref is not None and ref.call >= 0):
            return Arg(ref, const, text, names, elems, starred, source)
        # the ref by identity: a shared one stands for its value, and any other is kept alive by
        # the argument stored here, so its id is not reused while this file is built
        key = (id(ref), const, text, names, starred, source)
        found = self.shared_args.get(key)
        if found is None:
            found = self.shared_args[key] = Arg(ref, const, text, names, elems, starred, source)
        return found

    # ---- locations and text -------------------------------------------------------------------

    def loc(self, node: ast.AST) -> Loc:
        line, col, end_line, end_col = node.lineno, node.col_offset, node.end_lineno, node.end_col_offset
        if not self.ascii:
            col, end_col = self.src.col(line, col), self.src.col(end_line, end_col)
        return Loc(line, col + 1, end_line, end_col + 1)

    def expr_loc(self, node: ast.expr) -> Loc:
        """Where libcst placed an expression: ast's range, except that a tuple's or a generator's
        own parentheses (and a lone generator argument's call parentheses) are left out."""
        if isinstance(node, ast.GeneratorExp):
            last = node.generators[-1]
            return self.inside_parens(node, last.ifs[-1] if last.ifs else last.iter)
        if isinstance(node, ast.Tuple) and self.own_parens(node):
            return self.inside_parens(node, node.elts[-1] if node.elts else None)
        return self.loc(node)

    def own_parens(self, node: ast.Tuple) -> bool:
        """Whether the tuple's range starts with its own `(`, not its first element's."""
        if not node.elts:
            return True
        src = self.src
        start, first = src.start(node), node.elts[0]
        if self.lines[start[0] - 1][start[1]] != "(":
            return False
        opening = sum(1 for _ in src.significant(start, src.start(first)))  # only `(` can be there
        closing = 0
        for _, _, char in src.significant(src.end(first), src.end(node)):
            if char != ")":
                break
            closing += 1
        return opening > closing

    def inside_parens(self, node: ast.expr, last: ast.expr | None) -> Loc:
        """The range between the node's first `(` and last `)`, blanks and comments excluded."""
        src = self.src
        (line, col), (end_line, end_col) = src.start(node), src.end(node)
        close = (end_line, end_col - 1)
        begin = end = (line, col + 1)
        if last is not None:
            for found in src.significant(begin, close):
                begin = found[:2]
                break
            end = src.end(last)
            for found_line, found_col, _ in src.significant(end, close):
                end = (found_line, found_col + 1)
        return Loc(begin[0], begin[1] + 1, end[0], end[1] + 1)

    def header(self, node: ast.AST) -> Loc:
        """The first line of a (compound) statement."""
        line, col = self.src.start(node)
        text = self.lines[line - 1] if line <= len(self.lines) else ""
        return Loc(line, col + 1, line, len(text.rstrip()) + 1)

    def text(self, loc: Loc) -> str:
        if loc.line > len(self.lines):
            return ""
        first = self.lines[loc.line - 1]
        if loc.end_line == loc.line:
            out = first[loc.col - 1 : loc.end_col - 1]
        else:
            out = first[loc.col - 1 :].rstrip() + " …"
        return out if len(out) <= _TEXT_MAX else out[: _TEXT_MAX - 1] + "…"

    # ---- literals -----------------------------------------------------------------------------

    def const(self, node) -> tuple | None:
        """(value,) of a str/bytes/int/float/bool/None literal."""
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, (str, bytes)):
                value = value if isinstance(value, str) else value.decode("latin-1")
                # libcst took `"a{" "b"` (implicitly concatenated) for a possible format string
                if "{" in value and len(self.string_pieces(node)) > 1:
                    return None
                return (value,)
            if value is None or isinstance(value, (bool, int, float)):
                return (value,)
            return None
        if isinstance(node, ast.JoinedStr):
            # only a concatenation such as f"abc" "def" can be constant: text without fields
            if any(isinstance(part, ast.FormattedValue) for part in node.values):
                return None
            pieces = self.string_pieces(node)
            text = "".join(pieces)
            return (text,) if len(pieces) > 1 and "{" not in text else None
        return None

    def leading_text(self, node) -> str | None:
        """The literal text a string expression starts with (enough to see `DELETE FROM …`);
        an f-string's literal parts as written (escapes and `{{` kept), `{}` for each field."""
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bytes):
                return value.decode("latin-1")
            return value if isinstance(value, str) else None
        if isinstance(node, ast.JoinedStr):
            parsed = "".join(p.value if isinstance(p, ast.Constant) else "{}" for p in node.values)
            segment = self.src.segment(node)
            if any(mark in segment for mark in ("\\", "{{", "}}", "\r")) or _DEBUG_FIELD.search(segment):
                # written and parsed text differ (escapes, `{{`, the `x=` that ast makes of `{x=}`)
                return "".join(self.string_pieces(node)) or parsed
            return parsed
        return None

    def string_pieces(self, node: ast.expr) -> list[str]:
        """The implicitly concatenated literals of a string expression, as libcst read them."""
        try:
            return _string_pieces(self.src.segment(node))
        except (ValueError, SyntaxError, IndexError):
            return []

    def strings(self, node) -> list[str]:
        """String constants of a literal (`"a.b"`, `["a", "b"]`, `("a",)`)."""
        const = self.const(node)
        if const is not None:
            return [const[0]] if isinstance(const[0], str) else []
        if isinstance(node, _SEQUENCES):
            return [s for element in node.elts for s in self.strings(_unstarred(element))]
        return []

    # ---- module, classes, functions -----------------------------------------------------------

    def module(self, tree: ast.Module) -> tuple[Node, ...]:
        return self.block(tree.body, self.module_ctx, class_name=None)

    def resolve_relative(self, module: str | None, dots: int) -> str:
        base = module or ""
        if not dots:
            return base
        parts = self.module_name.split(".")
        # A package's own module name is its `.`; a plain module's `.` is its package.
        anchor = parts[: len(parts) - dots + (1 if self.is_package else 0)]
        return ".".join([p for p in anchor if p] + ([base] if base else []))

    def import_stmt(self, node: ast.Import | ast.ImportFrom, ctx: _Ctx) -> list[Bind]:
        binds: list[Bind] = []

        def bind(local: str, qualified: str) -> None:
            if ctx is self.module_ctx:
                self.imports[local] = qualified
            else:
                binds.append(Bind(local, (Ref("@mod", (qualified,)),)))

        if isinstance(node, ast.Import):
            for alias in node.names:
                full = alias.name
                if alias.asname is not None:
                    bind(alias.asname, full)
                else:
                    bind(full.split(".")[0], full.split(".")[0])
            return binds
        source = self.resolve_relative(node.module, node.level)
        if node.names[0].name == "*":
            if ctx is self.module_ctx:
                self.star_imports.append(source)
            return binds
        for alias in node.names:
            name = alias.name
            local = alias.asname if alias.asname is not None else name
            bind(local, f"{source}.{name}" if source else name)
        return binds

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, class_name: str | None, outer: _Ctx | None) -> str:
        if outer is not None and outer.qualname:
            qualname = f"{outer.qualname}.<locals>.{node.name}"
        elif class_name:
            qualname = f"{class_name}.{node.name}"
        else:
            qualname = node.name
        ctx = _Ctx(qualname)
        decorators = tuple(self.decorator(d, ctx) for d in node.decorator_list)
        params = self.params(node.args)
        body = self.block(node.body, ctx, class_name=None)
        is_async = isinstance(node, ast.AsyncFunctionDef)
        self.functions.append(
            Function(
                qualname=qualname,
                name=node.name,
                params=params,
                decorators=decorators,
                body=body,
                loc=self.src.name(node, 2 if is_async else 1),
                is_async=is_async,
                is_generator=ctx.generator,
                class_name=class_name,
                parent=outer.qualname if outer is not None and outer.qualname else None,
                local_defs=tuple(ctx.local_defs.items()),
                evidence=tuple(ctx.evidence),
            )
        )
        return qualname

    def lambda_(self, node: ast.Lambda, ctx: _Ctx) -> str:
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
                params=self.params(node.args),
                decorators=(),
                body=body,
                loc=loc,
                parent=ctx.qualname or None,
                evidence=tuple(inner.evidence),
                is_lambda=True,
            )
        )
        return qualname

    def params(self, params: ast.arguments) -> tuple[Param, ...]:
        out = []
        for p in (*params.posonlyargs, *params.args):
            out.append(self.param(p.arg, "positional", _annotation(p)))
        if params.vararg is not None:
            out.append(self.param(params.vararg.arg, "vararg", None))
        for p in params.kwonlyargs:
            out.append(self.param(p.arg, "kwonly", _annotation(p)))
        if params.kwarg is not None:
            out.append(self.param(params.kwarg.arg, "kwarg", None))
        return tuple(out)

    def decorator(self, expr: ast.expr, ctx: _Ctx) -> Call:
        ctx.stmt = self.header(expr)
        calls: list[Call] = []
        if isinstance(expr, ast.Call):
            self.value(expr, ctx, calls)
            return calls[-1]
        refs = self.value(expr, ctx, calls)
        loc = self.expr_loc(expr)
        return self.new_call(refs[0] if refs else Ref(""), (), (), loc, ctx, synthetic="decorator")

    def class_(self, node: ast.ClassDef, outer_class: str | None) -> None:
        qualname = f"{outer_class}.{node.name}" if outer_class else node.name
        ctx = _Ctx("")
        bases = []
        for base in node.bases:
            refs = self.value(base, ctx, [])
            bases.append(refs[0] if refs else Ref(""))
        decorators = tuple(self.decorator(d, ctx) for d in node.decorator_list)
        methods: list[tuple[str, str]] = []
        body: list[Node] = []
        for stmt in node.body:
            if isinstance(stmt, _FUNCTIONS):
                methods.append((stmt.name, self.function(stmt, qualname, None)))
            elif isinstance(stmt, ast.ClassDef):
                self.class_(stmt, qualname)
            else:
                body.extend(self.statement(stmt, ctx, class_name=qualname))
        self.module_ctx.evidence.extend(ctx.evidence)
        self.classes.append(
            Class(qualname, node.name, tuple(bases), decorators, tuple(methods), tuple(body), self.src.name(node, 1))
        )

    # ---- statements ---------------------------------------------------------------------------

    def block(self, statements: list[ast.stmt], ctx: _Ctx, class_name: str | None) -> tuple[Node, ...]:
        out: list[Node] = []
        for stmt in statements:
            out.extend(self.statement(stmt, ctx, class_name))
        return tuple(out)

    def statement(self, stmt: ast.stmt, ctx: _Ctx, class_name: str | None) -> list[Node]:
        if type(stmt) not in _COMPOUND_TYPES:
            # libcst's range of a simple statement (`;` excluded) is ast's
            ctx.stmt = self.loc(stmt)
            node = self.small(stmt, ctx)
            return [node] if node is not None else []
        ctx.stmt = self.header(stmt)
        loc = ctx.stmt
        if isinstance(stmt, _FUNCTIONS):
            if ctx is self.module_ctx:
                self.function(stmt, None, None)
                return []
            qualname = self.function(stmt, None, ctx)
            ctx.local_defs[stmt.name] = qualname
            return [Eval((), (Bind(stmt.name, (Ref("@fn", (qualname,)),)),), loc)]
        if isinstance(stmt, ast.ClassDef):
            if ctx is self.module_ctx:
                self.class_(stmt, None)
            return []
        if isinstance(stmt, ast.If):
            return [self.if_(stmt, ctx, class_name)]
        if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            return [self.loop(stmt, ctx, class_name)]
        if isinstance(stmt, _TRIES):
            handlers = tuple(self.block(h.body, ctx, class_name) for h in stmt.handlers)
            return [
                Try(
                    body=self.block(stmt.body, ctx, class_name),
                    handlers=handlers,
                    orelse=self.block(stmt.orelse, ctx, class_name),
                    final=self.block(stmt.finalbody, ctx, class_name),
                    loc=loc,
                )
            ]
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            return [self.with_(stmt, ctx, class_name)]
        if isinstance(stmt, ast.Match):
            calls: list[Call] = []
            self.value(stmt.subject, ctx, calls)
            arms = tuple(self.block(case.body, ctx, class_name) for case in stmt.cases)
            return [If(Eval(tuple(calls), (), loc), arms + ((),), loc)]
        return []

    def small(self, node: ast.stmt, ctx: _Ctx) -> Node | None:
        loc = ctx.stmt
        calls: list[Call] = []
        if isinstance(node, ast.Expr):
            if isinstance(node.value, (ast.Yield, ast.YieldFrom)):
                return self.yield_(node.value, ctx, calls, loc, target=None)
            self.value(node.value, ctx, calls)
            return Eval(tuple(calls), (), loc) if calls else None
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            value = node.value
            if value is None:
                return None
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if isinstance(value, (ast.Yield, ast.YieldFrom)):
                return self.yield_(value, ctx, calls, loc, target=targets[0])
            refs = self.value(value, ctx, calls)
            if isinstance(node, ast.AugAssign):
                return Eval(tuple(calls), (), loc) if calls else None
            binds: list[Bind] = []
            for target in targets:
                binds.extend(self.assign(target, value, refs, ctx))
                if ctx is self.module_ctx and isinstance(target, ast.Name) and target.id == "pytest_plugins":
                    self.plugins.extend(self.strings(value))
            return Eval(tuple(calls), tuple(binds), loc)
        if isinstance(node, ast.Return):
            refs = self.value(node.value, ctx, calls) if node.value is not None else ()
            return Return(Eval(tuple(calls), (Bind("<value>", refs),), loc), loc)
        if isinstance(node, ast.Raise):
            if node.exc is not None:
                self.value(node.exc, ctx, calls)
            return Jump("raise", Eval(tuple(calls), (), loc), loc)
        if isinstance(node, (ast.Break, ast.Continue)):
            return Jump("break" if isinstance(node, ast.Break) else "continue", Eval((), (), loc), loc)
        if isinstance(node, ast.Assert):
            self.value(node.test, ctx, calls)
            return Eval(tuple(calls), (), loc) if calls else None
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            binds = self.import_stmt(node, ctx)
            return Eval((), tuple(binds), loc) if binds else None
        return None  # del, pass, global, nonlocal, type aliases

    def yield_(self, node: ast.Yield | ast.YieldFrom, ctx: _Ctx, calls: list[Call], loc: Loc, target) -> Yield:
        ctx.generator = True
        refs: tuple[Ref, ...] = ()
        if node.value is not None:
            refs = self.value(node.value, ctx, calls)
        return Yield(Eval(tuple(calls), (Bind("<value>", refs),), loc), loc)

    def assign(self, target: ast.expr, value, refs, ctx: _Ctx, index: int = -1) -> list[Bind]:
        const = self.const(value)
        if isinstance(target, ast.Name):
            if const is not None:
                ctx.evidence.append((target.id, const))
                if isinstance(const[0], str):
                    ctx.consts[target.id] = const[0]
            return [Bind(target.id, refs, index)]
        if isinstance(target, ast.Attribute):
            if const is not None:
                ctx.evidence.append((target.attr, const))
            dotted = _dotted(target)
            if dotted and dotted.count(".") == 1:
                # `self.x = …`, `cls.x = …`, `module.x = …` (xunit): instance/module attributes
                return [Bind(dotted, refs, index)]
            return []
        if isinstance(target, ast.Subscript):
            key = self.subscript_key(target)
            if key is not None and const is not None:
                ctx.evidence.append((key, const))
            return []
        if isinstance(target, (ast.Tuple, ast.List)):
            # a starred target (`a, *rest = …`) binds like a plain one, at its position
            elements = [_unstarred(e) for e in target.elts]
            if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(elements):
                out = []
                for t, v in zip(elements, value.elts):
                    v = _unstarred(v)
                    out.extend(self.assign(t, v, self.value(v, ctx, []), ctx))
                return out
            out = []
            for position, t in enumerate(elements):
                out.extend(self.assign(t, None, refs, ctx, index=position))
            return out
        return []

    def if_(self, node: ast.If, ctx: _Ctx, class_name) -> If:
        loc = ctx.stmt
        calls: list[Call] = []
        self.value(node.test, ctx, calls)
        test = Eval(tuple(calls), (), loc)
        body = self.block(node.body, ctx, class_name)
        orelse = self.block(node.orelse, ctx, class_name)  # an `elif` is an `if` alone in there
        guard, empty_arm = _guard(node.test, ctx)
        return If(test, (body, orelse), loc, guard, empty_arm)

    def loop(self, node: ast.For | ast.AsyncFor | ast.While, ctx: _Ctx, class_name) -> Loop:
        loc = ctx.stmt
        calls: list[Call] = []
        binds: tuple[Bind, ...] = ()
        ctx.loop_depth += 1
        try:
            if isinstance(node, ast.While):
                self.value(node.test, ctx, calls)
                runs_once = self.truthy_constant(node.test)
            else:
                refs = self.value(node.iter, ctx, calls)
                binds = tuple(self.assign(node.target, None, refs, ctx))
                runs_once = self.nonempty_iterable(node.iter)
            body = self.block(node.body, ctx, class_name)
        finally:
            ctx.loop_depth -= 1
        orelse = self.block(node.orelse, ctx, class_name)
        return Loop(Eval(tuple(calls), binds, loc), body, orelse, runs_once, loc)

    def with_(self, node: ast.With | ast.AsyncWith, ctx: _Ctx, class_name) -> With:
        loc = ctx.stmt
        calls: list[Call] = []
        binds: list[Bind] = []
        exits: list[Call] = []
        kind = "aexit" if isinstance(node, ast.AsyncWith) else "exit"
        for item in node.items:
            refs = self.value(item.context_expr, ctx, calls)
            if item.optional_vars is not None:
                binds.extend(self.assign(item.optional_vars, None, refs, ctx))
            for ref in refs[:1]:
                func = Ref(ref.root, ref.attrs + (f"__{kind}__",), ref.call)
                exits.append(self.new_call(func, (), (), loc, ctx, synthetic=kind))
        body = self.block(node.body, ctx, class_name)
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
        kind = type(expr)
        if kind is ast.Name:
            if ctx.names is not None:
                ctx.names.add(expr.id)
            if expr.id in ctx.subst:
                return ctx.subst[expr.id]
            return (self.ref(expr.id),)
        if kind is ast.Constant:
            return ()  # constants alias nothing
        if kind is ast.Attribute:
            base = self.value(expr.value, ctx, calls)
            if len(base) == 1:
                b = base[0]
                attrs = b.attrs + (expr.attr,)
                return (self.ref(b.root, attrs) if b.call < 0 else Ref(b.root, attrs, b.call),)
            return tuple(Ref(b.root, b.attrs + (expr.attr,), b.call) for b in base) or (Ref("", (expr.attr,)),)
        if kind is ast.Call:
            return self.call(expr, ctx, calls, awaited)
        if kind is ast.Await:
            inner = expr.value
            if isinstance(inner, ast.Call):
                return self.value(inner, ctx, calls, awaited=True)
            refs = self.value(inner, ctx, calls)
            for ref in refs[:1]:
                func = Ref(ref.root, ref.attrs + ("__await__",), ref.call)
                calls.append(self.new_call(func, (), (), self.loc(expr), ctx, synthetic="await"))
            return refs
        if kind is ast.Lambda:
            return (Ref("@fn", (self.lambda_(expr, ctx),)),)
        if (kind is ast.List and not expr.elts) or (kind is ast.Dict and not expr.keys):
            return (Ref("@new"),)  # an empty container, filled later (`results.append(job)`)
        if kind in _SEQUENCE_TYPES:
            out: list[Ref] = []
            for element in expr.elts:
                out.extend(self.value(element, ctx, calls))
            return tuple(out)
        if kind in _COMPREHENSION_TYPES:
            return self.comprehension(expr, ctx, calls)
        if kind is ast.Dict:
            for key, item in zip(expr.keys, expr.values):
                if key is not None:
                    key_const = self.const(key)
                    const = self.const(item)
                    if key_const is not None and isinstance(key_const[0], str) and const is not None:
                        ctx.evidence.append((key_const[0], const))
                    self.value(key, ctx, calls)
                self.value(item, ctx, calls)
            return ()
        if kind is ast.Subscript:
            base = self.value(expr.value, ctx, calls)
            self.value(expr.slice, ctx, calls)  # a slice (`a[1:n]`) is not looked into
            return base
        if kind is ast.BinOp:
            left = self.value(expr.left, ctx, calls)
            right = self.value(expr.right, ctx, calls)
            return left + right
        if kind is ast.BoolOp:
            out = []
            for operand in expr.values:
                out.extend(self.value(operand, ctx, calls))
            return tuple(out)
        if kind is ast.Compare:
            self.value(expr.left, ctx, calls)
            for comparator in expr.comparators:
                self.value(comparator, ctx, calls)
            return ()
        if kind is ast.UnaryOp:
            self.value(expr.operand, ctx, calls)
            return ()
        if kind is ast.IfExp:
            self.value(expr.test, ctx, calls)
            return self.value(expr.body, ctx, calls) + self.value(expr.orelse, ctx, calls)
        if kind is ast.NamedExpr:
            return self.value(expr.value, ctx, calls)
        if kind is ast.Starred:
            return self.value(expr.value, ctx, calls)
        if kind is ast.JoinedStr:
            for part in expr.values:
                if type(part) is ast.FormattedValue:
                    self.value(part.value, ctx, calls)
            return ()
        if kind is ast.Yield or kind is ast.YieldFrom:
            ctx.generator = True
            self.value(expr.value, ctx, calls)
            return ()
        return ()

    def comprehension(self, expr, ctx: _Ctx, calls: list[Call]) -> tuple[Ref, ...]:
        saved = dict(ctx.subst)
        ctx.loop_depth += 1
        try:
            for clause in expr.generators:
                refs = self.value(clause.iter, ctx, calls)
                for name in _target_names(clause.target):
                    ctx.subst[name] = refs
                for cond in clause.ifs:
                    self.value(cond, ctx, calls)
            if isinstance(expr, ast.DictComp):
                self.value(expr.key, ctx, calls)
                return self.value(expr.value, ctx, calls)
            return self.value(expr.elt, ctx, calls)
        finally:
            ctx.loop_depth -= 1
            ctx.subst = saved

    def call(self, node: ast.Call, ctx: _Ctx, calls: list[Call], awaited: bool) -> tuple[Ref, ...]:
        func_refs = self.value(node.func, ctx, calls) or (Ref(""),)
        args: list[Arg] = []
        kwargs: list[tuple[str, Arg]] = []
        for arg in _arguments(node):
            if isinstance(arg, ast.keyword):
                summary = self.arg(arg.value, ctx, calls)  # `**kw` counts as a positional argument
                if arg.arg is not None:
                    kwargs.append((arg.arg, summary))
                    if summary.const is not None:
                        ctx.evidence.append((arg.arg, summary.const))
                else:
                    args.append(summary)
            else:
                starred = isinstance(arg, ast.Starred)
                args.append(self.arg(arg.value if starred else arg, ctx, calls, starred))
        # `(a or b).delete()`, `[f.result() for f in (x, y)]`: the callee may be any of them.
        out = []
        loc = self.loc(node)
        for func in func_refs[:8]:
            call = self.new_call(func, tuple(args), tuple(kwargs), loc, ctx, awaited=awaited)
            calls.append(call)
            out.append(Ref("", (), call.id))
        return tuple(out)

    def arg(self, expr: ast.expr, ctx: _Ctx, calls: list[Call], starred: bool = False) -> Arg:
        before = len(calls)
        outer_sink, ctx.names = ctx.names, set()
        try:
            refs = self.value(expr, ctx, calls)
            names = ctx.names
        finally:
            if outer_sink is not None:
                outer_sink |= ctx.names
            ctx.names = outer_sink
        const = self.const(expr)
        text = self.leading_text(expr)
        if text is None and isinstance(expr, ast.Name) and expr.id in ctx.consts:
            text = ctx.consts[expr.id]
        if text is None and isinstance(expr, ast.Call):
            # text("DELETE …"), sql.SQL("TRUNCATE …"): the statement is the first argument.
            inner = calls[-1] if len(calls) > before else None
            if inner is not None and inner.args and inner.args[0].text is not None:
                text = inner.args[0].text
        elems = refs if isinstance(expr, _SEQUENCES) else ()
        return self.new_arg(refs[0] if len(refs) == 1 else None, const, text, tuple(sorted(names)), elems, starred,
                            self.text(self.expr_loc(expr)))

    # ---- small predicates on literals ---------------------------------------------------------

    def subscript_key(self, node: ast.Subscript) -> str | None:
        if not isinstance(node.slice, (ast.Slice, ast.Tuple)):
            const = self.const(node.slice)
            if const is not None and isinstance(const[0], str):
                return const[0]
        return None

    def truthy_constant(self, node) -> bool:
        const = self.const(node)
        return const is not None and bool(const[0])

    def nonempty_iterable(self, node) -> bool:
        if isinstance(node, (ast.List, ast.Tuple)) and node.elts:
            return True
        if isinstance(node, ast.Call) and _dotted(node.func) == "range" and (node.args or node.keywords):
            arguments = _arguments(node)
            if len(arguments) != 1:
                return False
            only = arguments[0]
            bound = self.const(only.value if isinstance(only, (ast.keyword, ast.Starred)) else only)
            return bool(bound and isinstance(bound[0], int) and bound[0] > 0)
        return False


# ---- small pure helpers --------------------------------------------------------------------------


def _arguments(node: ast.Call) -> list:
    """Positional and keyword arguments in source order (`f(a=1, *rest)` evaluates `1` first)."""
    if not node.keywords:
        return node.args
    if not node.args:
        return node.keywords
    return sorted((*node.args, *node.keywords), key=lambda a: (a.lineno, a.col_offset))


def _unstarred(node: ast.expr) -> ast.expr:
    return node.value if isinstance(node, ast.Starred) else node


def _dotted(node) -> str:
    """`a.b.c` of a dotted name; libcst saw True/False/None as names, and so do we."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, bool)):
        return str(node.value)
    return ""


def _annotation(param: ast.arg) -> Ref | None:
    if param.annotation is None:
        return None
    dotted = _dotted(param.annotation)
    if not dotted:
        return None
    root, *attrs = dotted.split(".")
    return Ref(root, tuple(attrs))


def _guard(test, ctx: _Ctx) -> tuple[Ref | None, int]:
    """`if x is not None` (x is None on the else arm, 1), `if x is None` / `if not x` (arm 0),
    `if x` (arm 1): which variable the test checks for None, and on which arm it is None."""
    negate = False
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, negate = test.operand, True
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        comparator = test.comparators[0]
        if isinstance(comparator, ast.Constant) and comparator.value is None:
            if isinstance(test.ops[0], ast.IsNot):
                none_arm = 1
            elif isinstance(test.ops[0], ast.Is):
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


def _target_names(node) -> list[str]:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, (ast.Tuple, ast.List)):
        out = []
        for element in node.elts:
            out.extend(_target_names(_unstarred(element)))
        return out
    return []


# ---- string literals as written ------------------------------------------------------------------

_DEBUG_FIELD = re.compile(r"=\s*[}!:]")  # the end of a self-documenting field, `{x=}`
_STRING_START = re.compile(r"([A-Za-z]*)('''|\"\"\"|'|\")")


def _string_pieces(source: str) -> list[str]:
    """The literals of an (implicitly concatenated) string expression's source, as libcst read
    them: a plain literal's value; an f-string's literal text as written, `{}` for each field."""
    out: list[str] = []
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char in " \t\x0c\r\n\\":
            i += 1
        elif char == "#":
            newline = source.find("\n", i)
            i = n if newline < 0 else newline
        else:
            match = _STRING_START.match(source, i)
            if match is None:
                raise ValueError(f"not a string literal at {i}")
            prefix, quote = match.group(1).lower(), match.group(2)
            if "f" in prefix:
                text, end = _fstring_body(source, match.end(), quote, raw="r" in prefix)
                out.append(text)
            else:
                end = _string_end(source, match.end(), quote)
                value = ast.literal_eval(source[i:end])
                out.append(value.decode("latin-1") if isinstance(value, bytes) else value)
            i = end
    return out


def _string_end(source: str, i: int, quote: str) -> int:
    """Index just past the closing `quote` of a plain literal whose body starts at `i`."""
    while not source.startswith(quote, i):
        i += 2 if source[i] == "\\" else 1
        if i >= len(source):
            raise ValueError("unterminated string")
    return i + len(quote)


def _fstring_body(source: str, i: int, quote: str, raw: bool) -> tuple[str, int]:
    """An f-string's text as libcst kept it (`{}` per field) and the index past its end."""
    out: list[str] = []
    while not source.startswith(quote, i):
        char = source[i]
        if char == "\\" and not raw and source.startswith("N{", i + 1):
            end = source.index("}", i) + 1  # \N{NAME} is an escape, not a field
            out.append(source[i:end])
            i = end
        elif char == "\\" and source[i + 1 : i + 2] not in ("{", "}"):
            out.append(source[i : i + 2])
            i += 2
        elif source.startswith("{{", i) or source.startswith("}}", i):
            out.append(source[i : i + 2])
            i += 2
        elif char == "{":
            i = _field_end(source, i)
            out.append("{}")
        else:
            out.append(char)
            i += 1
        if i >= len(source):
            raise ValueError("unterminated f-string")
    return "".join(out), i + len(quote)


def _field_end(source: str, i: int) -> int:
    """Index just past the `}` closing the replacement field that opens at `i`."""
    depth = 0
    while True:
        char = source[i]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return i + 1
        elif char in "'\"":
            quote = source[i : i + 3] if source[i : i + 3] in ("'''", '"""') else char
            start = i
            while start > 0 and source[start - 1].isalpha():
                start -= 1
            prefix = source[start:i].lower()
            if "f" in prefix:
                _, i = _fstring_body(source, i + len(quote), quote, raw="r" in prefix)
            else:
                i = _string_end(source, i + len(quote), quote)
            continue
        i += 1
