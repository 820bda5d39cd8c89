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

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
RULES = REPO / "rules"

if os.environ.get("TEARDOWN_LINT_TEST_INSTALLED"):
    sys.path[:] = [p for p in sys.path if Path(p or os.curdir).resolve() != REPO]
    import teardown_lint

    _where = Path(teardown_lint.__file__).resolve()
    if REPO in _where.parents:
        raise RuntimeError(f"expected the installed teardown_lint, imported {_where}")


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
