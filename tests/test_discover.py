"""Discovery: which files a project has and the dotted names pytest and imports know them by."""

from __future__ import annotations

import pytest

from teardown_lint import discover
from teardown_lint.config import Config

from conftest import write_tree

TREE = {
    "conftest.py": "",
    "app/__init__.py": "",
    "app/tasks.py": "",
    "app/sub/__init__.py": "",
    "app/sub/deep.py": "",
    "tests/helpers.py": "",  # not a package: the test directory is on sys.path
    "tests/unit/__init__.py": "",
    "tests/unit/test_a.py": "",
    "src/lib/__init__.py": "",
    "src/lib/core.py": "",
    "venv_any_name/pyvenv.cfg": "",
    "venv_any_name/lib/x.py": "",
    "build/generated.py": "",
    "node_modules/pkg/setup.py": "",
    "pkg.egg-info/a.py": "",
    "ignored/a.py": "",
    "app/ignored_too.py": "",
    "skipme/b.py": "",
    "notes.txt": "",
    ".gitignore": "ignored/\n*_too.py\n",
}


def _listed(root, exclude=()):
    return discover.list_project(Config(root=root, exclude=list(exclude)))


def test_listing_names_files_as_pytest_would(tmp_path):
    root = write_tree(tmp_path / "proj", TREE)
    project = _listed(root, exclude=["skipme"])
    assert list(project.files) == [
        "conftest.py", "app/__init__.py", "app/tasks.py", "app/sub/__init__.py", "app/sub/deep.py",
        "src/lib/__init__.py", "src/lib/core.py", "tests/helpers.py", "tests/unit/__init__.py",
        "tests/unit/test_a.py",
    ]
    names = {path: (f.module, f.is_package, f.aliases) for path, f in project.files.items()}
    assert names["app/sub/deep.py"] == ("app.sub.deep", False, ("sub.deep",))
    assert names["app/sub/__init__.py"] == ("app.sub", True, ())
    assert names["tests/helpers.py"] == ("helpers", False, ("tests.helpers",))
    assert names["tests/unit/test_a.py"] == ("unit.test_a", False, ("tests.unit.test_a",))
    assert names["src/lib/core.py"] == ("lib.core", False, ("src.lib.core",))
    assert names["conftest.py"] == ("conftest", False, ())
    assert project.resolve_module("lib.core").relative == "src/lib/core.py"
    assert project.resolve_module("src.lib.core").relative == "src/lib/core.py"
    assert project.module_of("app.tasks.add.delay") == (project.files["app/tasks.py"], "add.delay")
    for path, source in project.files.items():
        assert source.path == root / path


def test_a_root_that_is_a_package_names_itself(tmp_path):
    root = write_tree(tmp_path / "proj", {"__init__.py": "", "mod.py": "", "sub/__init__.py": "", "sub/m.py": ""})
    project = _listed(root)
    assert project.files["mod.py"].module == "proj.mod"
    assert project.files["sub/m.py"].module == "proj.sub.m"
    assert project.files["__init__.py"].module == "proj"


@pytest.mark.parametrize("files", [TREE, {"__init__.py": "", "a/__init__.py": "", "a/b/c.py": "", "x/__init__.py": ""}])
def test_the_listing_and_a_file_described_alone_agree(tmp_path, files):
    """`list_project` remembers which directories are packages as it walks; `describe` looks."""
    root = write_tree(tmp_path / "proj", files)
    for path, source in _listed(root).files.items():
        assert discover.describe(root, root / path) == source
