"""Locations from `ast` must be the ones libcst gave (reports, fixes and suppressions rely on them).

The extractor parses with `ast`, whose columns are UTF-8 byte offsets and whose ranges differ from
libcst's in places (a def's location, a tuple's parentheses). libcst stays a dependency, so its
PositionProvider serves as the oracle here: over the fixtures tree and over generated programs,
every call, await, decorator, def/class name, lambda and argument source the facts hold must sit
exactly where libcst puts the corresponding node. Targeted tests pin the conversions one by one.
"""

from __future__ import annotations

import sys
import textwrap
import warnings

import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from libcst.metadata import MetadataWrapper, PositionProvider

from conftest import FIXTURES
from teardown_lint.extract import extract
from teardown_lint.facts import Call, FileFacts
from teardown_lint.facts import all_calls

TEXT_MAX = 120


def facts_of(source: str | bytes) -> FileFacts:
    data = source if isinstance(source, bytes) else textwrap.dedent(source).lstrip("\n").encode("utf-8")
    facts = extract(data, "pkg/mod.py", "pkg.mod")
    assert facts.error is None, facts.error
    return facts


def calls_named(facts: FileFacts, name: str) -> list[Call]:
    return [c for c in all_calls(facts) if c.func.dotted().endswith(name) and not c.synthetic]


# ---- libcst as the oracle ---------------------------------------------------------------------


def _span(positions, node) -> tuple[int, int, int, int]:
    r = positions[node]
    return (r.start.line, r.start.column + 1, r.end.line, r.end.column + 1)


def _shortened(lines: tuple[str, ...], span) -> str:
    """The source at `span` as the facts shorten it (first line, `…` when it goes on)."""
    line, col, end_line, end_col = span
    first = lines[line - 1]
    out = first[col - 1 : end_col - 1] if end_line == line else first[col - 1 :].rstrip() + " …"
    return out if len(out) <= TEXT_MAX else out[: TEXT_MAX - 1] + "…"


def libcst_spans(source: bytes) -> dict:
    """Start -> spans (calls: with their arguments' spans) of the nodes the facts locate, as libcst
    reports them; chained calls (`a.b().c()`) share a start."""
    module = cst.parse_module(source)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    found: dict[str, dict] = {"call": {}, "await": {}, "lambda": {}, "decorator": {}, "name": {}}

    def add(kind: str, span, args=()) -> None:
        found[kind].setdefault(span[:2], {})[span] = args

    for node in positions:
        if isinstance(node, cst.Call):
            args = [(a.keyword.value if a.keyword else None, _span(positions, a.value)) for a in node.args]
            add("call", _span(positions, node), args)
        elif isinstance(node, cst.Await):
            add("await", _span(positions, node))
        elif isinstance(node, cst.Lambda):
            add("lambda", _span(positions, node))
        elif isinstance(node, cst.Decorator):
            add("decorator", _span(positions, node.decorator))
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            add("name", _span(positions, node.name))
    return found


def assert_positions_match_libcst(source: bytes, facts: FileFacts, where: str = "") -> int:
    """Every located fact against libcst's span at the same start; returns how many were checked."""
    assert facts.error is None, (where, facts.error)
    spans = libcst_spans(source)
    lines = facts.lines
    checked = 0
    for call in all_calls(facts):
        loc = (call.loc.line, call.loc.col, call.loc.end_line, call.loc.end_col)
        if call.synthetic in ("exit", "aexit"):
            continue  # placed on the `with` statement
        kind = {"": "call", "await": "await", "decorator": "decorator"}[call.synthetic]
        at_start = spans[kind].get(loc[:2], {})
        assert loc in at_start, (where, call.text, loc, f"libcst {kind} spans there: {list(at_start)}")
        assert call.text == _shortened(lines, loc), (where, call.text)
        if kind == "call":
            args = at_start[loc]
            expected = [_shortened(lines, s) for key, s in args if key is None]
            assert [a.source for a in call.args] == expected, (where, call.text)
            expected_kw = [(key, _shortened(lines, s)) for key, s in args if key is not None]
            assert [(key, a.source) for key, a in call.kwargs] == expected_kw, (where, call.text)
        checked += 1
    for kind, qualname, loc in [
        *(("lambda" if f.is_lambda else "name", f.qualname, f.loc) for f in facts.functions),
        *(("name", c.qualname, c.loc) for c in facts.classes),
    ]:
        span = (loc.line, loc.col, loc.end_line, loc.end_col)
        assert span in spans[kind].get(span[:2], {}), (where, qualname, span, spans[kind].get(span[:2]))
        checked += 1
    return checked


FAMILIES = sorted(p for p in FIXTURES.iterdir() if p.is_dir())


@pytest.mark.parametrize("family", FAMILIES, ids=[f.name for f in FAMILIES])
def test_fixture_positions_are_libcsts(family):
    checked = 0
    for path in sorted(family.rglob("*.py")):
        source = path.read_bytes()
        checked += assert_positions_match_libcst(source, extract(source, "m.py", "m"), str(path.relative_to(FIXTURES)))
    assert checked > 10, f"hardly anything located in {family.name}"


# Generated programs: pieces exercising every place where ast and libcst ranges differ, put
# together, optionally nested, with non-ASCII text before the nodes and other line endings.
PIECES = [
    "@pytest.fixture\n@other . thing(1)\ndef fx(): pass\n",
    "@ (dec)\nclass \\\n  Klass(Base): pass\n",
    "async  def \\\n  coro(): await (x)\n",
    "x = (f(a))\ny = ((g))(b)\n",
    "f((1, 2), ( 3 , ), (), ( ), ((a), b), (a), b)\n",
    "f(x for x in y)\ng((x for x in y if (z)) )\nh(( x for x in (y) ) , 1)\n",
    "f(  # c (\n    (  # d\n        a,\n        b,  # e )\n    ),\n)\n",
    "f(\n    x\n    for x in y  # c\n)\n",
    "q('DELETE ' 'FROM t', 'a{' 'b', f'x' 'y', f'DELETE\\n{t}', f'{x=}', f'{{a}} {b}', rf'\\d{c}')\n",
    "q(f'{a[\"k\"]}', f\"{b['}']}\", f'''{c:{w}.{p}}''', f'{ {1: 2}[1] }', 'x' f'{y}' 'z')\n",
    "r = await q.get()\nawait (asyncio.sleep(1))\nv = [await a for a in b]\n",
    "g = lambda x, *a, k=1, **kw: (x.delete(), a)\nh = (lambda: 1)\n",
    "a = [j.get() for j in js if j.ready()]\nb = {k: v() for k, v in d}\n",
    "with a() as (b, c), d as e.f:\n    pass\n",
    "async def t():\n    async with a() as b:\n        async for c in d():\n            pass\n",
    "match f():\n    case {'a': 1} if g():\n        h()\n    case _:\n        pass\n",
    "try:\n    a()\nexcept* ValueError:\n    b()\nfinally:\n    d()\n",
    "if (n := f()) is not None:\n    n.delete()\n",
    "f(*a, b, *c, k=1, **d)\nf(k=1, *a)\nf(a=g(), *h(), **i())\n",
    "s = 'é'; f('ü', é)\nt = '𝑥'; g('😀', b'x')\n",
    "x = 1; y = f(2) ;\nz = 3 ;  # c\n",
    "x = a if b() else c()\ny = e() and f() or g()\n",
    "f(\n    'DELETE FROM x '\n    f'WHERE {y}'\n)\n",
    "obj.attr[0].method()()\nsuper().tearDown()\n",
]


def _compiles(source: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "m.py", "exec", flags=0x400, dont_inherit=True)  # ast only
    except SyntaxError:
        return False
    return True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=6),
    st.booleans(),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(["", "é", "自", "😀"]),
)
def test_generated_positions_are_libcsts(pieces, nested, newline, prefix):
    source = "".join(pieces)
    if nested:
        source = "async def test_wrapper(request):\n" + textwrap.indent(source, "    ") + "    pass\n"
    if prefix:  # non-ASCII before every call on the line
        source = source.replace("f(", f"f('{prefix}', ").replace("g(", f"'{prefix}'; g(")
    if not _compiles(source):
        return
    data = source.replace("\n", newline).encode("utf-8")
    assert_positions_match_libcst(data, extract(data, "m.py", "m"), source)


# ---- targeted cases -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('x = "é"; f("ü", b)\n', (1, 10, 1, 19)),  # 2-byte characters
        ('x = "自己"; f(1)\n', (1, 11, 1, 15)),  # 3-byte characters
        ('s = "😀"; f(1)\n', (1, 10, 1, 14)),  # a 4-byte character
        ('a = "é"; f(\n    "ü",\n  b)\n', (1, 10, 3, 5)),  # ends on a later line
        ("自己.f(1)\n", (1, 1, 1, 8)),  # a non-ASCII name
    ],
    ids=["latin", "cjk", "emoji", "multiline", "identifier"],
)
def test_columns_count_characters_not_bytes(source, expected):
    facts = facts_of(source.encode("utf-8"))
    [call] = [c for c in all_calls(facts) if not c.synthetic]
    assert (call.loc.line, call.loc.col, call.loc.end_line, call.loc.end_col) == expected
    assert call.text.startswith(call.func.dotted())


def test_non_ascii_argument_sources():
    facts = facts_of('x = "é"; run("ü", (a, "é"), (y for y in "ü"), k=ö)\n'.encode())
    [call] = calls_named(facts, "run")
    assert [a.source for a in call.args] == ['"ü"', 'a, "é"', 'y for y in "ü"']
    assert call.kwargs[0][0] == "k" and call.kwargs[0][1].source == "ö"


def test_a_def_is_located_on_its_name_after_decorators():
    facts = facts_of(
        """
        import pytest

        @pytest.fixture(
            scope="module",
        )
        @other
        async   def \\
            course(db):
            yield db
        """
    )
    function = facts.function("course")
    assert (function.loc.line, function.loc.col, function.loc.end_line, function.loc.end_col) == (8, 5, 8, 11)
    fixture, other = function.decorators
    assert (fixture.loc.line, fixture.loc.col, fixture.loc.end_line) == (3, 2, 5)
    assert fixture.stmt.line == 3 and fixture.text == "pytest.fixture( …"
    assert other.synthetic == "decorator" and (other.loc.line, other.loc.col, other.loc.end_col) == (6, 2, 7)


def test_a_class_is_located_on_its_name():
    facts = facts_of("@dataclass\nclass   Course(Base):\n    pass\n")
    [cls] = facts.classes
    assert (cls.loc.line, cls.loc.col, cls.loc.end_col) == (2, 9, 15)


def test_parenthesised_expressions():
    facts = facts_of(
        """
        x = (make(a))
        ((get))(b)
        run((1, 2), (a), (y for y in z), ((3,)), ())
        each(y for y in z)
        """
    )
    [make] = calls_named(facts, "make")
    assert (make.loc.col, make.loc.end_col) == (6, 13) and make.stmt.col == 1
    [get] = calls_named(facts, "get")
    assert get.text == "((get))(b)"
    [run] = calls_named(facts, "run")
    assert [a.source for a in run.args] == ["1, 2", "a", "y for y in z", "3,", ""]
    [each] = calls_named(facts, "each")
    assert [a.source for a in each.args] == ["y for y in z"]


def test_statements_on_one_line_each_have_their_own_range():
    facts = facts_of("a = f(1); b = g(2) ;  # c\n")
    first, second = facts.body
    assert (first.loc.col, first.loc.end_col) == (1, 9)
    assert (second.loc.col, second.loc.end_col) == (11, 19)


def test_keyword_arguments_before_star_args_keep_source_order():
    facts = facts_of("f(a=g(), *h(), **i())\n")
    ids = {c.func.root: c.id for c in all_calls(facts)}
    assert ids["g"] < ids["h"] < ids["i"] < ids["f"]
    [f] = calls_named(facts, "f")
    assert [a.source for a in f.args] == ["h()", "i()"] and [a.starred for a in f.args] == [True, False]


def test_fstring_text_is_kept_as_written():
    facts = facts_of("run(f'DELETE\\n{t}', f'{x=} {{a}}', f'n={n = }', 'a{' 'b', 'ab' 'c', f'x' 'y', f'x')\n")
    [run] = calls_named(facts, "run")
    assert [a.text for a in run.args] == ["DELETE\\n{}", "{} {{a}}", "n={}", "a{b", "abc", "xy", "x"]
    # implicitly concatenated literals with a brace, and lone f-strings, were never constants
    assert [a.const for a in run.args] == [None, None, None, None, ("abc",), ("xy",), None]


LF_SOURCE = 'import os\n\ndef test_x(tmp):\n    job = start("é")\n    os.remove(tmp)  # noqa: TDL001\n'


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_other_line_endings_give_the_same_facts(newline):
    expected = facts_of(LF_SOURCE.encode("utf-8"))
    facts = facts_of(LF_SOURCE.replace("\n", newline).encode("utf-8"))
    assert facts == expected
    assert facts.lines[4] == "    os.remove(tmp)  # noqa: TDL001"


def test_a_bom_is_not_part_of_the_first_line():
    facts = facts_of(b"\xef\xbb\xbf" + b"run(1)\n")
    assert facts.lines[0] == "run(1)"
    [run] = calls_named(facts, "run")
    assert (run.loc.col, run.loc.end_col) == (1, 7)


def test_a_coding_cookie_decodes_and_columns_count_characters():
    facts = facts_of(b'# -*- coding: latin-1 -*-\nx = "\xe9\xe9"; run("\xfc")\n')
    assert facts.lines[1] == 'x = "éé"; run("ü")'
    [run] = calls_named(facts, "run")
    assert (run.loc.line, run.loc.col, run.loc.end_col) == (2, 11, 19)
    assert run.args[0].const == ("ü",)


def test_a_form_feed_before_code_counts_as_a_column():
    # libcst dropped a leading form feed from its columns ("f(1" instead of "f(1)"); ast does not
    facts = facts_of(b"\x0crun(1)\n")
    [run] = calls_named(facts, "run")
    assert (run.loc.col, run.text) == (2, "run(1)")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (b"x = (\n", "syntax error at 1:5"),
        (b"def f(:\n    pass\n", "syntax error at 1:7"),
        (b"x = 1\n\x00\n", "syntax error at 2:1"),
    ],
    ids=["unclosed", "bad-def", "nul"],
)
def test_syntax_errors_say_where(source, message):
    assert extract(source, "m.py", "m").error == message


def test_parse_warnings_do_not_turn_into_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        facts = extract(b'pattern = "\\d+"\nrun(pattern)\n', "m.py", "m")
    assert facts.error is None and calls_named(facts, "run")


def test_newer_grammar_follows_the_running_python():
    facts = extract(b"type Alias = list[int]\n", "m.py", "m")
    if sys.version_info >= (3, 12):
        assert facts.error is None
    else:
        assert facts.error is not None and facts.error.startswith("syntax error at 1:")


def test_too_deeply_nested_code_gives_an_error_not_an_exception():
    facts = extract(b"x = " + b" + ".join([b"a"] * 20000) + b"\n", "m.py", "m")
    assert facts.error is not None
