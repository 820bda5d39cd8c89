"""Unit tests of the lifecycle stage: what pytest and unittest run around each test, in order.

The expected orders were checked against real pytest runs of the same layouts (fixtures appending
their names to a list)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_tree
from teardown_lint import discover, engine, packs
from teardown_lint.config import Config
from teardown_lint.lifecycle import Builder, Lifecycle, fixture_key
from teardown_lint.project import Index

KNOWLEDGE = packs.load()


class Analysis(dict):
    """Lifecycles by pytest node id, plus the index they were built from."""

    index: Index

    def where(self, function_id: str | None) -> str | None:
        """`path::qualname` of a function id, whatever the id's own format."""
        if function_id is None:
            return None
        entry = self.index.function(function_id)
        assert entry is not None, f"unknown function id {function_id!r}"
        return f"{entry[0].path}::{entry[1].qualname}"

    def hooks(self, ids: list[str]) -> list[str]:
        return [self.where(i) for i in ids]

    def fixtures(self, lc: Lifecycle) -> list[tuple[str, str | None]]:
        return [(fx.name, self.where(fx.function_id)) for fx in lc.fixtures]


def lifecycles(root: Path) -> Analysis:
    """Every lifecycle of a project, by pytest node id (all files read, as `engine.run` links them)."""
    project = discover.list_project(Config(root=root))
    index = Index(project, KNOWLEDGE)
    for source in project.files.values():
        index.add(engine.read_facts(source))
    builder = Builder(index)
    out = Analysis()
    out.index = index
    for path in sorted(index.files):
        for lc in builder.lifecycles(index.files[path]):
            out[lc.node_id] = lc
    return out


def names(lc: Lifecycle) -> list[str]:
    return [fx.name for fx in lc.fixtures]


CONFTEST = '''
import pytest


@pytest.fixture(scope="session")
def engine():
    yield "engine"


@pytest.fixture(scope="module")
def schema(engine):
    yield "schema"


@pytest.fixture
def db(schema):
    yield "db"


@pytest.fixture(autouse=True)
def auto_env():
    yield


@pytest.fixture
def user(db):
    return "user"


@pytest.fixture
def marker():
    yield
'''


@pytest.fixture
def project(tmp_path):
    return write_tree(
        tmp_path / "proj",
        {
            "tests/__init__.py": "",
            "tests/conftest.py": CONFTEST,
            "tests/test_order.py": '''
                import pytest


                @pytest.fixture
                def course(db, user):
                    yield "course"


                @pytest.fixture
                def plain():
                    yield


                @pytest.fixture(scope="module")
                def mod_fx():
                    yield


                @pytest.fixture(scope="session")
                def sess_fx():
                    yield


                def test_order(course, engine):
                    pass


                def test_scopes(plain, mod_fx, sess_fx):
                    pass
            ''',
        },
    )


# ---- fixture setup order -------------------------------------------------------------------------


def test_dependencies_before_dependents_and_scopes_first(project):
    found = lifecycles(project)
    lc = found["tests/test_order.py::test_order"]
    assert names(lc) == ["engine", "schema", "auto_env", "db", "user", "course"]
    assert [fx.scope for fx in lc.fixtures] == ["session", "module", "function", "function", "function", "function"]
    assert found.where(lc.fixtures[0].function_id) == "tests/conftest.py::engine"
    assert found.where(lc.fixtures[-1].function_id) == "tests/test_order.py::course"


def test_session_before_module_before_function_whatever_the_request_order(project):
    lc = lifecycles(project)["tests/test_order.py::test_scopes"]
    assert names(lc) == ["sess_fx", "mod_fx", "auto_env", "plain"]


def test_autouse_before_requested_fixtures(tmp_path):
    root = write_tree(
        tmp_path,
        {
            "tests/__init__.py": "",
            "tests/conftest.py": '''
                import pytest


                @pytest.fixture(autouse=True)
                def outer_auto():
                    yield
            ''',
            "tests/test_auto.py": '''
                import pytest


                @pytest.fixture
                def first():
                    yield


                @pytest.fixture(autouse=True)
                def inner_auto():
                    yield


                def test_it(first):
                    pass
            ''',
        },
    )
    lc = lifecycles(root)["tests/test_auto.py::test_it"]
    assert names(lc) == ["outer_auto", "inner_auto", "first"]


def test_fixture_deps_are_recorded(project):
    found = lifecycles(project)
    lc = found["tests/test_order.py::test_order"]
    course = lc.fixtures[-1]
    deps = lc.deps[fixture_key(course)]
    assert {name: found.where(fx.function_id) for name, fx in deps.items()} == {
        "db": "tests/conftest.py::db",
        "user": "tests/conftest.py::user",
    }


def test_unknown_fixture_is_a_plugin_fixture(tmp_path):
    root = write_tree(tmp_path, {"test_plugin.py": "def test_it(tmp_path, celery_app):\n    pass\n"})
    lc = lifecycles(root)["test_plugin.py::test_it"]
    assert names(lc) == ["tmp_path", "celery_app"]
    assert all(fx.function_id is None and fx.where == "plugin" for fx in lc.fixtures)
    assert lc.fixtures[1].type_name == "celery.Celery"


def test_fixture_name_argument_and_class_fixtures(tmp_path):
    root = write_tree(
        tmp_path,
        {
            "test_named.py": '''
                import pytest


                @pytest.fixture(name="course")
                def course_fixture():
                    yield


                class TestCourse:
                    @pytest.fixture
                    def helper(self, course):
                        yield

                    def test_it(self, helper):
                        pass
            ''',
        },
    )
    found = lifecycles(root)
    assert found.fixtures(found["test_named.py::TestCourse::test_it"]) == [
        ("course", "test_named.py::course_fixture"),
        ("helper", "test_named.py::TestCourse.helper"),
    ]


def test_pytest_plugins_fixtures_are_visible(tmp_path):
    root = write_tree(
        tmp_path,
        {
            "tests/__init__.py": "",
            "tests/plugins/__init__.py": "",
            "tests/plugins/db.py": '''
                import pytest


                @pytest.fixture
                def database():
                    yield
            ''',
            "tests/conftest.py": 'pytest_plugins = ["tests.plugins.db"]\n',
            "tests/test_db.py": "def test_it(database):\n    pass\n",
        },
    )
    found = lifecycles(root)
    assert found.fixtures(found["tests/test_db.py::test_it"]) == [("database", "tests/plugins/db.py::database")]


# ---- conftest overrides ----------------------------------------------------------------------------

OVERRIDE = {
    "tests/conftest.py": CONFTEST,
    "tests/sub/conftest.py": '''
        import pytest


        @pytest.fixture(autouse=True)
        def sub_auto():
            yield


        @pytest.fixture
        def user(user):
            return user + "!"
    ''',
    "tests/sub/test_override.py": "def test_override(user):\n    pass\n",
    "tests/test_top.py": "def test_top(user):\n    pass\n",
}


def test_conftest_override_requests_the_parent_fixture(tmp_path):
    root = write_tree(tmp_path, {**OVERRIDE, "tests/__init__.py": "", "tests/sub/__init__.py": ""})
    check_override(lifecycles(root))


def check_override(found: Analysis) -> None:
    lc = found["tests/sub/test_override.py::test_override"]
    assert found.fixtures(lc) == [
        ("engine", "tests/conftest.py::engine"),
        ("schema", "tests/conftest.py::schema"),
        ("auto_env", "tests/conftest.py::auto_env"),
        ("sub_auto", "tests/sub/conftest.py::sub_auto"),
        ("db", "tests/conftest.py::db"),
        ("user", "tests/conftest.py::user"),
        ("user", "tests/sub/conftest.py::user"),
    ]
    override = lc.fixtures[-1]
    assert found.where(lc.deps[fixture_key(override)]["user"].function_id) == "tests/conftest.py::user"
    # the sub-directory's conftest does not leak into the parent directory's tests
    top = found["tests/test_top.py::test_top"]
    assert found.fixtures(top) == [
        ("engine", "tests/conftest.py::engine"),
        ("schema", "tests/conftest.py::schema"),
        ("auto_env", "tests/conftest.py::auto_env"),
        ("db", "tests/conftest.py::db"),
        ("user", "tests/conftest.py::user"),
    ]


def test_conftest_override_without_packages(tmp_path):
    """Every conftest.py outside packages is module `conftest` to pytest: they must not be mixed up."""
    check_override(lifecycles(write_tree(tmp_path, OVERRIDE)))


# ---- marks -----------------------------------------------------------------------------------------


def test_usefixtures_marks(project):
    write_tree(
        project,
        {
            "tests/test_marks.py": '''
                import pytest

                pytestmark = pytest.mark.usefixtures("marker")


                @pytest.mark.usefixtures("db")
                def test_function_mark():
                    pass


                def test_module_mark_only():
                    pass


                @pytest.mark.usefixtures("user")
                class TestMarked:
                    def test_method(self):
                        pass
            ''',
        },
    )
    found = lifecycles(project)
    assert names(found["tests/test_marks.py::test_module_mark_only"]) == ["auto_env", "marker"]
    assert names(found["tests/test_marks.py::test_function_mark"]) == ["engine", "schema", "auto_env", "db", "marker"]
    assert names(found["tests/test_marks.py::TestMarked::test_method"]) == [
        "engine", "schema", "auto_env", "db", "user", "marker",
    ]


# ---- unittest ------------------------------------------------------------------------------------------


def test_unittest_hooks_through_a_base_class_in_another_module(tmp_path):
    root = write_tree(
        tmp_path,
        {
            "tests/__init__.py": "",
            "tests/base/__init__.py": "",
            "tests/base/cases.py": '''
                import unittest


                class BaseCase(unittest.TestCase):
                    @classmethod
                    def setUpClass(cls):
                        pass

                    @classmethod
                    def tearDownClass(cls):
                        pass

                    def setUp(self):
                        self.x = 1

                    def tearDown(self):
                        self.x = None
            ''',
            "tests/test_unit.py": '''
                from tests.base.cases import BaseCase


                class TestThing(BaseCase):
                    def test_thing(self):
                        pass

                    def helper(self):
                        pass


                class NotATest:
                    def test_ignored(self):
                        pass
            ''',
        },
    )
    found = lifecycles(root)
    assert list(found) == ["tests/test_unit.py::TestThing::test_thing"]
    lc = found["tests/test_unit.py::TestThing::test_thing"]
    assert lc.is_unittest
    assert found.hooks(lc.setup) == ["tests/base/cases.py::BaseCase.setUp"]
    assert found.hooks(lc.teardown) == ["tests/base/cases.py::BaseCase.tearDown"]
    assert found.hooks(lc.class_setup) == ["tests/base/cases.py::BaseCase.setUpClass"]
    assert found.hooks(lc.class_teardown) == ["tests/base/cases.py::BaseCase.tearDownClass"]


def test_unittest_own_teardown_overrides_the_base(tmp_path):
    root = write_tree(
        tmp_path,
        {
            "tests/__init__.py": "",
            "tests/base.py": '''
                import unittest


                class BaseCase(unittest.TestCase):
                    def tearDown(self):
                        pass
            ''',
            "tests/test_unit.py": '''
                from tests import base


                class TestThing(base.BaseCase):
                    def tearDown(self):
                        super().tearDown()

                    def test_thing(self):
                        pass
            ''',
        },
    )
    found = lifecycles(root)
    lc = found["tests/test_unit.py::TestThing::test_thing"]
    assert lc.is_unittest
    assert found.hooks(lc.teardown) == ["tests/test_unit.py::TestThing.tearDown"]
    assert lc.setup == []


def test_inherited_test_methods_are_collected(tmp_path):
    root = write_tree(
        tmp_path,
        {
            "tests/__init__.py": "",
            "tests/mixins.py": '''
                class UploadTests:
                    def test_upload(self):
                        pass
            ''',
            "tests/test_mixed.py": '''
                import unittest

                from tests.mixins import UploadTests


                class TestUpload(UploadTests, unittest.TestCase):
                    def setUp(self):
                        pass
            ''',
        },
    )
    found = lifecycles(root)
    lc = found["tests/test_mixed.py::TestUpload::test_upload"]
    assert found.where(lc.test_id) == "tests/mixins.py::UploadTests.test_upload"
    assert found.hooks(lc.setup) == ["tests/test_mixed.py::TestUpload.setUp"]


# ---- xunit-style hooks ---------------------------------------------------------------------------------


def test_xunit_hooks(tmp_path):
    root = write_tree(
        tmp_path,
        {
            "tests/__init__.py": "",
            "tests/test_xunit.py": '''
                def setup_module(module):
                    pass


                def teardown_module(module):
                    pass


                def setup_function(function):
                    pass


                def teardown_function(function):
                    pass


                def test_plain():
                    pass


                class TestHooks:
                    @classmethod
                    def setup_class(cls):
                        pass

                    @classmethod
                    def teardown_class(cls):
                        pass

                    def setup_method(self, method):
                        pass

                    def teardown_method(self, method):
                        pass

                    def test_method(self):
                        pass
            ''',
        },
    )
    found = lifecycles(root)
    plain = found["tests/test_xunit.py::test_plain"]
    assert found.hooks(plain.module_setup) == ["tests/test_xunit.py::setup_module"]
    assert found.hooks(plain.module_teardown) == ["tests/test_xunit.py::teardown_module"]
    assert found.hooks(plain.setup) == ["tests/test_xunit.py::setup_function"]
    assert found.hooks(plain.teardown) == ["tests/test_xunit.py::teardown_function"]
    method = found["tests/test_xunit.py::TestHooks::test_method"]
    assert not method.is_unittest
    assert found.hooks(method.module_setup) == ["tests/test_xunit.py::setup_module"]
    assert found.hooks(method.module_teardown) == ["tests/test_xunit.py::teardown_module"]
    assert found.hooks(method.class_setup) == ["tests/test_xunit.py::TestHooks.setup_class"]
    assert found.hooks(method.class_teardown) == ["tests/test_xunit.py::TestHooks.teardown_class"]
    # setup_function/teardown_function are for module-level tests only
    assert found.hooks(method.setup) == ["tests/test_xunit.py::TestHooks.setup_method"]
    assert found.hooks(method.teardown) == ["tests/test_xunit.py::TestHooks.teardown_method"]


def test_only_test_files_and_test_names(tmp_path):
    root = write_tree(
        tmp_path,
        {
            "tests/__init__.py": "",
            "tests/helpers.py": "def test_helper_like():\n    pass\n",
            "tests/test_names.py": '''
                import pytest


                @pytest.fixture
                def test_data():
                    return 1


                def helper():
                    pass


                def test_real(test_data):
                    pass


                class TestWithInit:
                    def __init__(self):
                        pass

                    def test_not_collected(self):
                        pass
            ''',
            "tests/checks_test.py": "def test_suffix_file():\n    pass\n",
        },
    )
    assert sorted(lifecycles(root)) == ["tests/checks_test.py::test_suffix_file", "tests/test_names.py::test_real"]


def test_pytest_collection_settings_are_read(tmp_path):
    """`python_files`/`python_functions` from `[tool.pytest.ini_options]` decide what is a test."""
    root = write_tree(tmp_path / "custom", {
        "pyproject.toml": '[tool.pytest.ini_options]\npython_files = ["check_*.py"]\npython_functions = "should_"\n',
        "check_courses.py": "def should_enqueue():\n    pass\n\ndef test_not_collected():\n    pass\n",
        "test_ignored.py": "def should_not_be_seen():\n    pass\n",
    })
    assert sorted(lifecycles(root)) == ["check_courses.py::should_enqueue"]
