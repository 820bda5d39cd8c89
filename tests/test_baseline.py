"""Fingerprints and the baseline (`--write-baseline` / `--baseline`).

What must hold: a recorded finding stays recorded when code moves above it or something else in the
file is renamed; a new finding, or one more occurrence of a recorded one, is reported; entries no
longer found are listed as stale; a bad baseline file is a usage error (exit 2).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import CELERY_TASKS, HAZARD_TEST as HAZARD, SAFE_TEST as SAFE, celery_project
from teardown_lint import fingerprint

# the shared tasks module with a second task
TASKS = CELERY_TASKS + '''

@shared_task
def index_course(course_id):
    return course_id
'''

# the same delete twice in one teardown: two findings with one identity
TWICE = HAZARD.replace("    course.delete()\n", "    course.delete()\n    course.delete()\n")
THRICE = HAZARD.replace("    course.delete()\n", "    course.delete()\n    course.delete()\n    course.delete()\n")


pytestmark = pytest.mark.usefixtures("no_color")


@pytest.fixture
def proj(make_project):
    """`proj(test_source, **more_files)`: a project whose tests/test_courses.py is `test_source`."""

    def make(test_source: str = HAZARD, extra: dict | None = None) -> Path:
        return make_project({**celery_project(test_source, tasks=TASKS), **(extra or {})})

    return make


def rewrite(root: Path, source: str, relative: str = "tests/test_courses.py") -> None:
    """Replace a file as make_project writes it (without the sources' leading newline)."""
    (root / relative).write_text(source.lstrip("\n"), encoding="utf-8")


def findings(result) -> list[dict]:
    return json.loads(result.stdout)["findings"]


def sarif_fingerprints(run, root: Path) -> list[str]:
    payload = json.loads(run(root, "check", "-f", "sarif").stdout)
    return [r["partialFingerprints"]["teardownLint/v1"] for r in payload["runs"][0]["results"]]


# ---- writing -------------------------------------------------------------------------------------


def test_write_baseline_records_findings_for_people_and_exits_0(proj, run):
    root = proj()
    result = run(root, "check", "--write-baseline", "baseline.json")
    assert result.exit_code == 0, result.output
    assert "Wrote 1 finding (1 entry) to the baseline baseline.json." in result.stderr
    payload = json.loads((root / "baseline.json").read_text(encoding="utf-8"))
    (entry,) = payload["findings"]
    assert entry["count"] == 1
    assert entry["rule"] == "TDL001" and entry["path"] == "tests/test_courses.py"
    assert entry["message"].startswith("teardown deletes `course`")
    assert re.fullmatch(r"[0-9a-f]{16}", entry["fingerprint"])


def test_baseline_hides_what_it_records(proj, run):
    root = proj()
    run(root, "check", "--write-baseline", "baseline.json")
    result = run(root, "check", "--baseline", "baseline.json")
    assert result.exit_code == 0, result.output
    assert "All checks passed!" in result.stdout
    assert "1 finding recorded in the baseline is not shown." in result.stdout
    assert "stale" not in result.stdout


def test_baseline_paths_and_fingerprints_do_not_depend_on_the_current_directory(proj, run):
    root = proj()
    (root / "pyproject.toml").write_text("[tool.teardown-lint]\n", encoding="utf-8")
    run(root, "check", "--write-baseline", "from-root.json")
    run(root / "tests", "check", "--write-baseline", "../from-tests.json")
    assert json.loads((root / "from-root.json").read_text()) == json.loads((root / "from-tests.json").read_text())
    result = run(root / "tests", "check", "--baseline", "../from-root.json")
    assert result.exit_code == 0, result.output


# ---- surviving unrelated edits ---------------------------------------------------------------------


def test_finding_survives_a_line_shift_above_it(proj, run):
    root = proj()
    before = sarif_fingerprints(run, root)
    run(root, "check", "--write-baseline", "baseline.json")
    shifted = HAZARD.replace(
        "import pytest\n",
        'import os\nimport pytest\n\nLIMIT = 3\n\n\ndef helper(x):\n    """Unrelated."""\n    return x * 2\n\n',
    )
    rewrite(root, shifted)
    moved = json.loads(run(root, "check", "-f", "json").stdout)["findings"]
    assert moved[0]["line"] > 11  # the finding really moved
    assert sarif_fingerprints(run, root) == before
    result = run(root, "check", "--baseline", "baseline.json")
    assert result.exit_code == 0, result.output
    assert "stale" not in result.stdout


def test_finding_survives_a_rename_elsewhere_in_the_file(proj, run):
    root = proj()
    run(root, "check", "--write-baseline", "baseline.json")
    renamed = HAZARD.replace("def test_upload(course):", "def test_upload_syllabus(course):")
    renamed += '\n\ndef test_title(course):\n    assert course.title == "Intro"\n'
    rewrite(root, renamed)
    result = run(root, "check", "--baseline", "baseline.json", "-f", "json")
    assert result.exit_code == 0, result.output
    assert findings(result) == []
    assert "stale" not in result.stderr


def test_finding_survives_reformatting_and_a_comment_on_the_delete(proj, run):
    root = proj()
    run(root, "check", "--write-baseline", "baseline.json")
    rewrite(root, HAZARD.replace("    course.delete()\n", "    course.delete(  )  # cleanup\n"))
    assert run(root, "check", "--baseline", "baseline.json").exit_code == 0


def test_a_different_delete_is_a_new_finding(proj, run):
    root = proj()
    run(root, "check", "--write-baseline", "baseline.json")
    rewrite(root, HAZARD.replace("    course.delete()\n", "    Course.objects.all().delete()\n"))
    result = run(root, "check", "--baseline", "baseline.json")
    assert result.exit_code == 1, result.output
    assert "Found 1 error." in result.stdout
    assert "1 baseline entry is stale" in result.stdout


def test_renaming_the_enclosing_fixture_is_a_new_finding(proj, run):
    root = proj()
    run(root, "check", "--write-baseline", "baseline.json")
    renamed = HAZARD.replace("def course(db):", "def lesson(db):").replace("(course)", "(lesson)")
    renamed = renamed.replace("process_document.delay(course.id", "process_document.delay(lesson.id")
    rewrite(root, renamed)
    assert run(root, "check", "--baseline", "baseline.json").exit_code == 1


# ---- new findings, counts, stale entries -------------------------------------------------------------


def test_a_new_finding_is_reported_alone(proj, run):
    root = proj()
    run(root, "check", "--write-baseline", "baseline.json")
    (root / "tests/test_more.py").write_text(HAZARD.replace("syllabus.pdf", "notes.pdf"), encoding="utf-8")
    result = run(root, "check", "--baseline", "baseline.json", "-f", "json")
    assert result.exit_code == 1
    assert [f["path"] for f in findings(result)] == ["tests/test_more.py"]


def test_duplicates_are_counted(proj, run):
    root = proj(TWICE)
    first = run(root, "check", "-f", "json")
    assert len(findings(first)) == 2
    prints = sarif_fingerprints(run, root)
    assert len(set(prints)) == 2  # the occurrence index keeps them apart
    run(root, "check", "--write-baseline", "baseline.json")
    (entry,) = json.loads((root / "baseline.json").read_text())["findings"]
    assert entry["count"] == 2
    assert run(root, "check", "--baseline", "baseline.json").exit_code == 0

    rewrite(root, THRICE)  # one more occurrence than recorded: the extra one is new
    result = run(root, "check", "--baseline", "baseline.json", "-f", "json")
    assert result.exit_code == 1
    assert len(findings(result)) == 1
    assert "2 findings recorded in the baseline are not shown." in result.stderr

    rewrite(root, HAZARD)  # one fewer: one stale occurrence
    result = run(root, "check", "--baseline", "baseline.json")
    assert result.exit_code == 0
    assert "1 baseline entry is stale" in result.stdout


def test_fixed_findings_are_listed_as_stale(proj, run):
    root = proj()
    run(root, "check", "--write-baseline", "baseline.json")
    rewrite(root, SAFE)
    result = run(root, "check", "--baseline", "baseline.json")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "1 baseline entry is stale (no longer found); rewrite the baseline with --write-baseline to drop it:" in lines
    assert any(line.startswith("  tests/test_courses.py: TDL001 teardown deletes `course`") for line in lines)


def test_stale_entries_go_to_stderr_for_machine_formats(proj, run):
    root = proj()
    run(root, "check", "--write-baseline", "baseline.json")
    rewrite(root, SAFE)
    result = run(root, "check", "--baseline", "baseline.json", "-f", "json")
    assert findings(result) == []
    assert "1 baseline entry is stale" in result.stderr


def test_stale_paths_are_relative_to_the_current_directory(proj, run):
    root = proj()
    (root / "pyproject.toml").write_text("[tool.teardown-lint]\n", encoding="utf-8")
    run(root, "check", "--write-baseline", "baseline.json")
    rewrite(root, SAFE)
    result = run(root / "tests", "check", "--baseline", "../baseline.json")
    assert "  test_courses.py: TDL001" in result.stdout


def test_files_not_checked_have_no_stale_entries(proj, run):
    root = proj(extra={"tests/test_other.py": "def test_nothing():\n    assert True\n"})
    run(root, "check", "--write-baseline", "baseline.json")
    result = run(root, "check", "--baseline", "baseline.json", "tests/test_other.py")
    assert result.exit_code == 0
    assert "stale" not in result.stdout


def test_disabled_rules_have_no_stale_entries(proj, run):
    root = proj()
    run(root, "check", "--write-baseline", "baseline.json")
    result = run(root, "check", "--baseline", "baseline.json", "--ignore", "TDL001")
    assert result.exit_code == 0
    assert "stale" not in result.stdout


# ---- bad baselines -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "not found"),
        ("{not json", "invalid JSON"),
        ("[]", "not a teardown-lint baseline"),
        ('{"findings": []}', "not a teardown-lint baseline"),
        ('{"teardown-lint-baseline": 99, "findings": []}', "not supported"),
        ('{"teardown-lint-baseline": 1, "findings": {}}', "must be a list"),
        ('{"teardown-lint-baseline": 1, "findings": [1]}', "must be an object"),
        ('{"teardown-lint-baseline": 1, "findings": [{"rule": "TDL001", "path": "x.py"}]}', "`fingerprint`"),
        ('{"teardown-lint-baseline": 1, "findings": [{"fingerprint": "ab", "rule": "TDL001", "path": "x.py", "count": 0}]}',
         "`count`"),
    ],
    ids=["missing", "bad-json", "a-list", "no-marker", "future-format", "findings-not-list", "entry-not-object",
         "no-fingerprint", "zero-count"],
)
def test_bad_baseline_is_a_usage_error(proj, run, content, message):
    root = proj()
    if content is not None:
        (root / "baseline.json").write_text(content, encoding="utf-8")
    result = run(root, "check", "--baseline", "baseline.json")
    assert result.exit_code == 2, result.output
    assert "error:" in result.stderr and message in result.stderr


def test_baseline_and_write_baseline_together_is_a_usage_error(proj, run):
    root = proj()
    run(root, "check", "--write-baseline", "baseline.json")
    assert run(root, "check", "--baseline", "baseline.json", "--write-baseline", "b2.json").exit_code == 2


def test_entries_repeated_by_hand_add_up(proj, run):
    root = proj(TWICE)
    run(root, "check", "--write-baseline", "baseline.json")
    payload = json.loads((root / "baseline.json").read_text())
    entry = payload["findings"][0]
    payload["findings"] = [{**entry, "count": 1}, {**entry, "count": 1}]
    (root / "baseline.json").write_text(json.dumps(payload), encoding="utf-8")
    assert run(root, "check", "--baseline", "baseline.json").exit_code == 0


# ---- normalisation ---------------------------------------------------------------------------------


def test_normalised_text_ignores_layout_and_comments():
    one = ("    course.delete()  # noqa: TDL001",)
    two = ("    course . delete(   )",)
    assert fingerprint.normalised(one, 1, 5, 1, 36) == fingerprint.normalised(two, 1, 5, 1, 25) == "course . delete ( )"
    multi = ("    Course.objects.filter(", "        id=1,  # the first", "    ).delete()")
    assert fingerprint.normalised(multi, 1, 5, 3, 15) == "Course . objects . filter ( id = 1 , ) . delete ( )"


def test_normalised_text_of_a_compound_statement_is_its_header():
    lines = ("    with cleanup(course):  # deletes on exit", "        step_one()", "        step_two()")
    assert fingerprint.normalised(lines, 1, 5, 3, 19) == "with cleanup ( course ) :"


def test_normalised_text_survives_a_fragment_tokenize_cannot_finish():
    assert fingerprint.normalised(("    call(1,  2,",), 1, 5, 1, 16) == "call(1, 2,"


def test_identity_separates_findings_that_differ_only_in_what_they_delete():
    """Findings whose statements have no tokens (a TDL100 comment) are told apart by `what`."""
    from teardown_lint.facts import Loc
    from teardown_lint.findings import Finding

    lines = ("def test_x():", "    pass  # noqa: TDL001", "    pass  # noqa: TDL002")
    sources = {"tests/test_x.py": lines}
    one = Finding("TDL100", "unused-suppression", "tests/test_x.py", Loc(2, 11, 2, 25), what="# noqa: TDL001", where="")
    two = Finding("TDL100", "unused-suppression", "tests/test_x.py", Loc(3, 11, 3, 25), what="# noqa: TDL002", where="")
    assert fingerprint.identity(one, sources) != fingerprint.identity(two, sources)
    moved = Finding("TDL100", "unused-suppression", "tests/test_x.py", Loc(3, 11, 3, 25), what="# noqa: TDL001", where="")
    assert fingerprint.identity(one, {"tests/test_x.py": lines}) == fingerprint.identity(moved, sources)
