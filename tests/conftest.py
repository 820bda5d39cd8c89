"""Shared helpers for the test suite.

CI (`.ci/run`) installs the package into a fresh virtualenv and sets
`TEARDOWN_LINT_TEST_INSTALLED=1`: then the source tree is taken off `sys.path` (where
`python -m pytest` puts the current directory) so that the tests exercise the installed wheel,
packs included, and a dependency missing from pyproject.toml fails the run. Locally, without the
variable, whichever `teardown_lint` is importable is tested.
"""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
RULES = REPO / "rules"

if os.environ.get("TEARDOWN_LINT_TEST_INSTALLED"):
    sys.path[:] = [p for p in sys.path if Path(p or os.curdir).resolve() != REPO]
    import teardown_lint

    _where = Path(teardown_lint.__file__).resolve()
    if REPO in _where.parents:
        raise RuntimeError(f"expected the installed teardown_lint, imported {_where}")


def package_env() -> dict[str, str]:
    """The environment for the package under test in a fresh interpreter (`python -m`, `-c`):
    importable from any directory, installed or not, and without colours."""
    import teardown_lint

    env = dict(os.environ, NO_COLOR="1")
    env.pop("FORCE_COLOR", None)  # it wins over NO_COLOR (force-color.org)
    package_parent = str(Path(teardown_lint.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent, env.get("PYTHONPATH")]))
    return env


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write `{relative path: source}` under `root` (sources are dedented)."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def make_project(tmp_path):
    """`make_project({path: source})` writes a small project into tmp_path and returns its root."""

    def make(files: dict[str, str], name: str = "proj") -> Path:
        return write_tree(tmp_path / name, files)

    return make


# ---- a one-app Celery project, shared by the CLI-level tests --------------------------------------

CELERY_TASKS = '''
from celery import shared_task


@shared_task
def process_document(course_id, name):
    return name
'''

# `{header}` is a first line (a file-level suppression), the comments go at the end of the delete
# and of the enqueue line (line-level suppressions); all empty in HAZARD_TEST.
_HAZARD_TEMPLATE = '''{header}
import pytest

from app.models import Course
from app.tasks import process_document


@pytest.fixture
def course(db):
    course = Course.objects.create(title="Intro")
    yield course
    course.delete(){delete_comment}


def test_upload(course):
    process_document.delay(course.id, "syllabus.pdf"){enqueue_comment}
'''


def hazard_test(delete_comment: str = "", enqueue_comment: str = "", header: str = "") -> str:
    """The one-hazard test module (TDL001: the fixture deletes the course the unawaited job needs),
    with optional comments on its delete and enqueue lines and an optional first line."""
    return _HAZARD_TEMPLATE.format(header=header, delete_comment=delete_comment, enqueue_comment=enqueue_comment)


HAZARD_TEST = hazard_test()

# HAZARD_TEST with the job waited for before the teardown: no finding.
SAFE_TEST = HAZARD_TEST.replace(
    '    process_document.delay(course.id, "syllabus.pdf")\n',
    '    result = process_document.delay(course.id, "syllabus.pdf")\n    result.get(timeout=30)\n',
)


def celery_project(test_source: str = HAZARD_TEST, path: str = "tests/test_courses.py",
                   tasks: str = CELERY_TASKS) -> dict[str, str]:
    """The files of a project with an `app` package (its Celery tasks module) and one test module."""
    return {"app/__init__.py": "", "app/tasks.py": tasks, "tests/__init__.py": "", path: test_source}


# The fixture lives in conftest.py, its delete in a helper module, the job in the test file.
CROSS_FILE = {
    "app/__init__.py": "",
    "app/tasks.py": CELERY_TASKS,
    "tests/__init__.py": "",
    "tests/helpers/__init__.py": "",
    "tests/helpers/cleanup.py": '''
        def purge_course(course):
            course.delete()
    ''',
    "tests/conftest.py": '''
        import pytest

        from app.models import Course
        from tests.helpers.cleanup import purge_course


        @pytest.fixture
        def course(db):
            course = Course.objects.create(title="Intro")
            yield course
            purge_course(course)
    ''',
    "tests/test_courses.py": '''
        from app.tasks import process_document


        def test_upload(course):
            process_document.delay(course.id, "syllabus.pdf")
    ''',
    "tests/test_other.py": '''
        def test_title(course):
            assert course.title == "Intro"
    ''',
}


def locate(path: Path, needle: str) -> tuple[int, int]:
    """1-based (line, column) of the first occurrence of `needle` in a file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in {path}")


@pytest.fixture
def no_color(monkeypatch):
    """Plain output whatever the caller's environment (modules opt in with `usefixtures`)."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def run(monkeypatch):
    """`run(root, *args)`: invoke the CLI through click's CliRunner with `root` as the cwd."""
    from teardown_lint import cli  # after the module-level check of which teardown_lint is imported

    def invoke(root: Path, *args: str):
        monkeypatch.chdir(root)
        return CliRunner().invoke(cli.main, list(args), catch_exceptions=False)

    return invoke
