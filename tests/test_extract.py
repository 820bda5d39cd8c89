"""The parse stage: one file in, plain picklable facts out, whatever the file holds."""

from __future__ import annotations

import pickle
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, write_tree
from teardown_lint import cache as cache_module, discover
from teardown_lint import facts as facts_module
from teardown_lint.extract import extract
from teardown_lint.facts import Call, Eval, FileFacts, Ref

FAMILIES = sorted(p for p in FIXTURES.iterdir() if p.is_dir())


def facts_of(source: str, path: str = "pkg/mod.py", module: str = "pkg.mod", is_package: bool = False) -> FileFacts:
    return extract(textwrap.dedent(source).lstrip("\n").encode("utf-8"), path, module, is_package)


def all_calls(facts: FileFacts) -> list[Call]:
    return list(facts_module.all_calls(facts))


# ---- facts are plain data -----------------------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES, ids=[f.name for f in FAMILIES])
def test_fixture_facts_pickle_round_trip(family):
    count = 0
    for case in sorted(p for p in family.iterdir() if p.is_dir()):
        root = case.resolve()
        for path in sorted(root.rglob("*.py")):
            source = discover.describe(root, path)
            facts = extract(path.read_bytes(), source.relative, source.module, source.is_package)
            assert facts.error is None, f"{case.name}/{source.relative}: {facts.error}"
            assert pickle.loads(pickle.dumps(facts)) == facts, f"{case.name}/{source.relative}"
            count += 1
    assert count, f"no Python files in {family.name}"


def test_facts_are_hashable_and_comparable():
    source = """
        import pytest

        @pytest.fixture
        def course(db):
            course = make()
            yield course
            course.delete()
    """
    first, second = facts_of(source), facts_of(source)
    assert first == second
    assert hash(first.functions) == hash(second.functions)


# ---- never raises ------------------------------------------------------------------------------------

SNIPPETS = [
    "import os\n",
    "import a.b.c\n",
    "import a.b as ab\n",
    "from .helpers import purge\n",
    "from . import tasks\n",
    "from ..up import thing as other\n",
    "from app.tasks import *\n",
    "x = task.delay(1, key='v')\n",
    "result = process.apply_async(args=[1], countdown=5)\n",
    "result.get(timeout=30)\n",
    "a, (b, c) = pair()\n",
    "a = b = c.d().e\n",
    "x: int = 1\n",
    "x += q.count\n",
    "del x\n",
    "print(*args, **kwargs)\n",
    "obj.attr[0].method()()\n",
    "(a.b)(c)(d)\n",
    "super().tearDown()\n",
    "print(f'{x!r:>10} {y.z()}')\n",
    'cursor.execute("DELETE FROM t WHERE id = %s", (1,))\n',
    'cursor.execute(f"TRUNCATE {table}")\n',
    "session.execute(text('DROP TABLE x'))\n",
    "pytestmark = [pytest.mark.usefixtures('db'), pytest.mark.django_db(transaction=True)]\n",
    "pytest_plugins = ['a.b', \"c\"]\n",
    "request.addfinalizer(lambda: shutil.rmtree(path))\n",
    "x = 1  # noqa: TDL001\n",
    "y = 2  # teardown-lint: ignore[TDL001]\n",
    "[j.cancel() for j in jobs if j]\n",
    "{k: v.get() for k, v in results.items()}\n",
    "gen = (t.join() for t in threads)\n",
    "value = a if b.ready() else c.wait()\n",
    "with open(p) as f, lock:\n    f.read()\n",
    "with (ThreadPoolExecutor() as ex, other()):\n    ex.submit(f, 1)\n",
    "try:\n    run()\nexcept ValueError as e:\n    raise RuntimeError() from e\nelse:\n    ok()\nfinally:\n    cleanup()\n",
    "try:\n    pass\nexcept* ValueError:\n    pass\n",
    "for i in range(3):\n    q.enqueue(f, i)\nelse:\n    pass\n",
    "while q.count:\n    time.sleep(1)\n    if done():\n        break\n    continue\n",
    "if a:\n    r.get()\nelif b:\n    pass\nelse:\n    r.revoke()\n",
    "match cmd:\n    case {'a': 1}:\n        go()\n    case [x, *rest]:\n        pass\n    case _:\n        pass\n",
    "@pytest.fixture\ndef course(db):\n    c = Course.objects.create()\n    yield c\n    c.delete()\n",
    "@pytest.fixture(scope='module', autouse=True, name='n')\ndef fx(request):\n    request.addfinalizer(cleanup)\n    return 1\n",
    "async def test_a(queue):\n    t = asyncio.create_task(work())\n    await t\n    async with lock:\n        pass\n",
    "async def g():\n    async for x in aiter():\n        yield x\n    await asyncio.gather(*tasks, return_exceptions=True)\n",
    "class TestX(unittest.TestCase):\n    def setUp(self):\n        self.addCleanup(self.obj.delete)\n    def test_y(self):\n        pass\n",
    "@decorator(arg)\nclass C(Base, metaclass=M):\n    attr = 1\n    @staticmethod\n    def m(*a, b=1, **k):\n        ...\n",
    "def outer():\n    def inner():\n        nonlocal z\n        return lambda y=1: y.delete()\n    global g\n    return inner\n",
    "f = lambda: (yield)\n",
    "def gen():\n    x = yield from other()\n    return x\n",
    "type Alias = list[int]\n",
    "def generic[T](x: T) -> T:\n    return x\n",
    "assert x, 'message'\n",
    "\n",
    "# just a comment\n",
    '"""a docstring"""\n',
    "x = 1; y = 2\n",
    "\x0c\n",
    "x = (1,\n     2)\n",
    # broken or misplaced code: facts with `error`, never an exception
    "    indented = 1\n",
    "def broken(:\n",
    "x = (\n",
    "return 1\n",
    "await x\n",
    "yield\n",
    "break\n",
    "else:\n",
    "\t\tmixed = 1\n",
    "\\\n",
    "'unterminated\n",
    "def f():\nreturn\n",
]


# Compound statements with their body on the same line (`def f(): pass`, `if x: y()`).
ONE_LINERS = [
    "def f(): pass\n",
    "class Meta: pass\n",
    "if not ready: wait()\n",
    "for j in jobs: j.cancel()\n",
    "while q.count: time.sleep(1)\n",
    "with lock: shared.delete()\n",
    "try: a()\nfinally: b()\n",
    "def g():\n    if x: return y.get()\n",
]


def check_facts(source: str, facts) -> None:
    assert isinstance(facts, FileFacts)
    assert facts.path == "pkg/mod.py" and facts.module == "pkg.mod"
    if facts.error is not None:
        assert isinstance(facts.error, str) and facts.error
        return
    assert pickle.loads(pickle.dumps(facts)) == facts


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_extract_never_raises_on_text(text):
    facts = extract(text.encode("utf-8", "surrogatepass"), "pkg/mod.py", "pkg.mod")
    check_facts(text, facts)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SNIPPETS), max_size=12), st.booleans(), st.booleans())
def test_extract_never_raises_on_assembled_programs(snippets, nested, crlf):
    source = "".join(snippets)
    if nested:
        source = "def test_wrapper(request):\n" + textwrap.indent(source, "    ") + "    pass\n"
    if crlf:
        source = source.replace("\n", "\r\n")
    facts = extract(source.encode("utf-8"), "pkg/mod.py", "pkg.mod")
    check_facts(source, facts)
    try:
        compile(source, "pkg/mod.py", "exec", dont_inherit=True)
    except SyntaxError:
        return
    if all(s in SNIPPETS[: SNIPPETS.index("    indented = 1\n")] for s in snippets) and "type " not in source and "[T]" not in source:
        # valid Python built from valid snippets must parse
        assert facts.error is None, (source, facts.error)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SNIPPETS + ONE_LINERS), max_size=12), st.booleans())
def test_extract_never_raises_with_one_line_bodies(snippets, nested):
    source = "".join(snippets)
    if nested:
        source = "def test_wrapper(request):\n" + textwrap.indent(source, "    ") + "    pass\n"
    check_facts(source, extract(source.encode("utf-8"), "pkg/mod.py", "pkg.mod"))


@pytest.mark.parametrize("source", ONE_LINERS, ids=[s.split(":")[0].replace("\n", " ") for s in ONE_LINERS])
def test_one_line_compound_statements(source):
    facts = extract(source.encode("utf-8"), "pkg/mod.py", "pkg.mod")
    assert facts.error is None


@pytest.mark.parametrize(
    "source",
    [b"def f(:\n    pass\n", b"x = = 1\n", b"    x = 1\n", b"x = (\n", b"x = 1\n\x00\n", b"class C:\n"],
    ids=["bad-def", "double-equals", "indent", "unclosed", "nul", "empty-class"],
)
def test_syntax_errors_give_facts_with_error(source):
    facts = extract(source, "tests/test_x.py", "tests.test_x")
    assert facts.error is not None and "syntax error" in facts.error
    assert facts.functions == () and facts.path == "tests/test_x.py"


@pytest.mark.parametrize(
    "source",
    [
        b'x = "caf\xe9"\n',
        b"# coding: no-such-codec\nx = 1\n",
        "x = 1\n".encode("utf-16"),
        b'# coding: raw_unicode_escape\nx = "\\ud800"\n',
    ],
    ids=["latin1-bytes", "unknown-codec", "utf16", "lone-surrogate"],
)
def test_bad_encoding_gives_facts_with_error(source):
    facts = extract(source, "tests/test_x.py", "tests.test_x")
    assert facts.error is not None


def test_a_coding_cookie_is_honoured():
    facts = extract(b'# -*- coding: latin-1 -*-\nNAME = "caf\xe9"\n', "m.py", "m")
    assert facts.error is None
    assert facts.lines[1] == 'NAME = "café"'


# ---- lines and locations ------------------------------------------------------------------------------


def test_lines_and_locations_agree():
    facts = facts_of(
        """
        import pytest


        @pytest.fixture
        def course(db):
            course = make_course()
            yield course
            course.delete()  # noqa: TDL001
        """
    )
    [delete] = [c for c in all_calls(facts) if c.text == "course.delete()"]
    assert delete.loc.line == 8 and delete.loc.col == 5
    assert facts.lines[delete.loc.line - 1].strip().startswith("course.delete()")
    assert facts.suppressions == ((8, ("TDL001",)),)


@pytest.mark.parametrize("separator", ["\x0c", "\u2028", "\x1c"], ids=["form-feed", "line-separator", "file-separator"])
def test_lines_agree_with_locations_after_unusual_line_breaks(separator):
    source = f"# page one {separator}\n\n\ndef test_it(course):\n    course.delete()  # noqa: TDL001\n"
    facts = extract(source.encode("utf-8"), "tests/test_x.py", "tests.test_x")
    assert facts.error is None
    [delete] = [c for c in all_calls(facts) if c.func.attrs == ("delete",)]
    assert delete.text == "course.delete()"
    assert facts.lines[delete.loc.line - 1].strip().startswith("course.delete()")
    assert facts.suppressions == ((delete.loc.line, ("TDL001",)),)


# ---- imports ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "module", "is_package", "source", "expected"),
    [
        ("pkg/mod.py", "pkg.mod", False, "from .helpers import x", ("x", "pkg.helpers.x")),
        ("pkg/mod.py", "pkg.mod", False, "from .helpers import x as y", ("y", "pkg.helpers.x")),
        ("pkg/mod.py", "pkg.mod", False, "from . import helpers", ("helpers", "pkg.helpers")),
        ("pkg/sub/mod.py", "pkg.sub.mod", False, "from ..other import y", ("y", "pkg.other.y")),
        ("pkg/sub/mod.py", "pkg.sub.mod", False, "from .. import other", ("other", "pkg.other")),
        ("pkg/__init__.py", "pkg", True, "from .helpers import x", ("x", "pkg.helpers.x")),
        ("pkg/sub/__init__.py", "pkg.sub", True, "from ..helpers import x", ("x", "pkg.helpers.x")),
        ("pkg/mod.py", "pkg.mod", False, "from app.tasks import run", ("run", "app.tasks.run")),
        ("pkg/mod.py", "pkg.mod", False, "import a.b.c", ("a", "a")),
        ("pkg/mod.py", "pkg.mod", False, "import a.b as ab", ("ab", "a.b")),
    ],
)
def test_imports_resolve(path, module, is_package, source, expected):
    facts = extract(source.encode() + b"\n", path, module, is_package)
    assert facts.error is None
    assert expected in facts.imports, facts.imports


def test_relative_star_import():
    facts = facts_of("from .helpers import *\n")
    assert facts.star_imports == ("pkg.helpers",)


def test_relative_import_inside_a_function_binds_the_qualified_name():
    facts = facts_of(
        """
        def helper():
            from .helpers import x
            return x
        """
    )
    function = facts.function("helper")
    binds = [b for node in function.body if isinstance(node, Eval) for b in node.binds if b.target == "x"]
    assert binds and binds[0].values == (Ref("@mod", ("pkg.helpers.x",)),)


def test_relative_imports_with_discovered_module_names(tmp_path):
    root = write_tree(
        tmp_path,
        {
            "pkg/__init__.py": "from .helpers import x\n",
            "pkg/helpers.py": "x = 1\n",
            "pkg/mod.py": "from .helpers import x\nfrom . import helpers\n",
        },
    )
    for relative in ("pkg/__init__.py", "pkg/mod.py"):
        source = discover.describe(root, root / relative)
        facts = extract((root / relative).read_bytes(), source.relative, source.module, source.is_package)
        assert ("x", "pkg.helpers.x") in facts.imports, (relative, source.module, facts.imports)
    source = discover.describe(root, root / "pkg/mod.py")
    assert source.module == "pkg.mod"


def test_equal_names_parameters_and_arguments_are_one_object_per_file():
    """A file says `self`, `self.client` and `job` many times: each value is built once and shared,
    so it is pickled once (a cache entry, or what a worker sends back, is smaller and quicker to
    encode and decode). Calls, and other files' facts, are never shared."""
    source = """
        class TestJobs:
            def test_one(self, job):
                self.client.post(job, 1)
                self.client.post(job, 1)

            def test_two(self, job):
                self.client.get(job)
        """
    facts = facts_of(source)
    one, two = (fn for fn in facts.functions if fn.name.startswith("test"))
    assert one.params[0] is two.params[0] and one.params[1] is two.params[1]  # `self`, `job`
    posts = [call for call in all_calls(facts) if call.func.attrs == ("client", "post")]
    get = next(call for call in all_calls(facts) if call.func.attrs == ("client", "get"))
    assert posts[0].func is posts[1].func  # `self.client.post`
    assert posts[0].args[0] is posts[1].args[0] is get.args[0]  # `job`
    assert posts[0].args[1] is posts[1].args[1]  # the literal `1`
    assert posts[0] is not posts[1] and posts[0].id != posts[1].id  # calls stay apart
    other = facts_of(source, path="pkg/other.py", module="pkg.other")
    assert other.functions[0].params[0] == one.params[0] and other.functions[0].params[0] is not one.params[0]
    blob = cache_module.dumps(facts)
    again = cache_module.loads(blob)
    assert again == facts
    assert again.functions[0].params[0] is again.functions[1].params[0]  # sharing survives the cache


def test_facts_carry_what_they_import_and_their_calls_by_id():
    """Derived when extracted, in whichever process extracts: the modules a file imports (also
    inside functions and as pytest plugins), and its calls by id, as walking the facts finds them."""
    facts = facts_of(
        """
        import os.path
        from app import tasks
        from lib.helpers import *
        pytest_plugins = ["plugins.db"]

        def test_it():
            from app.models import Course
            tasks.process.delay(Course.objects.create().id)
        """
    )
    assert facts.imported == ("app.models.Course", "app.tasks", "lib.helpers", "os", "plugins.db")
    walked = all_calls(facts)
    assert facts.calls == {call.id: call for call in walked} and len(walked) == 2
    assert all(facts.calls[call.id] is call for call in walked)
    assert facts.imported == tuple(sorted(facts_module.imported_modules(facts)))
    again = cache_module.loads(cache_module.dumps(facts))
    assert again == facts and again.imported == facts.imported
    assert {i: c for i, c in again.calls.items()} == facts.calls
