"""The fixture suites: every case folder `fixtures/<family>/<case>/` is linted and compared with
its inline `# error: TDL001` expectations (see fixtures/README.md)."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from teardown_lint.testing import actual, expected

CASES = sorted(p for p in FIXTURES.glob("*/*") if p.is_dir() and not p.name.startswith((".", "__")))


def _id(case) -> str:
    return f"{case.parent.name}/{case.name}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_case(case):
    want = expected(case)
    got, findings = actual(case)
    assert got == want, (
        f"missing: {sorted(want - got)}\n"
        f"extra:   {sorted(got - want)}\n"
        + "\n".join(f"  {f.path}:{f.loc.line}: {f.message}" for f in findings)
    )


def test_case_names_and_expectations():
    assert len(CASES) >= 40, f"only {len(CASES)} fixture cases"
    problems = []
    for case in CASES:
        count = len(expected(case))
        if case.name.startswith("hazard_"):
            if count == 0:
                problems.append(f"{_id(case)}: a hazard case with no `# error:` expectation")
        elif case.name.startswith("safe_"):
            if count:
                problems.append(f"{_id(case)}: a safe case with {count} expectation(s)")
        else:
            problems.append(f"{_id(case)}: name must start with hazard_ or safe_")
    assert not problems, "\n".join(problems)


def test_every_case_has_python_files():
    empty = [_id(c) for c in CASES if not any(c.rglob("*.py"))]
    assert not empty, f"cases without Python files: {empty}"
