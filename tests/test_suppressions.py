"""Suppression comments (teardown_lint/suppressions.py): the line and file-level forms, and
TDL100, the report of suppressions that silence nothing (Ruff's RUF100)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CELERY_TASKS, hazard_test
from teardown_lint import reporters
from teardown_lint.suppressions import parse

CONFTEST_FIXTURE = '''{header}
import pytest

from app.models import Course


@pytest.fixture
def course(db):
    course = Course.objects.create(title="Intro")
    yield course
    course.delete(){comment}
'''

USES_CONFTEST = '''{header}
from app.tasks import process_document


def test_upload(course):
    process_document.delay(course.id, "syllabus.pdf")
'''

QUIET = '''{header}
def test_nothing():
    value = 1{comment}
    assert value
'''


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "proj"
    base = {"pyproject.toml": "[tool.teardown-lint]\n", "app/__init__.py": "", "app/tasks.py": CELERY_TASKS,
            "tests/__init__.py": ""}
    for relative, text in {**base, **files}.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.lstrip("\n"), encoding="utf-8")
    return root


def hazard(comment: str = "", header: str = "") -> dict[str, str]:
    return {"tests/test_courses.py": hazard_test(delete_comment=comment, header=header)}


def quiet(comment: str = "", header: str = "") -> dict[str, str]:
    return {"tests/test_quiet.py": QUIET.format(comment=comment, header=header)}


@pytest.fixture
def lint(monkeypatch, run):
    """`lint(root, *args)` -> (exit code, JSON payload, stderr) of `check -f json`."""

    def invoke(root: Path, *args: str):
        monkeypatch.setenv("NO_COLOR", "1")
        result = run(root, "check", "-f", "json", *args)
        return result.exit_code, json.loads(result.stdout), result.stderr

    return invoke


def rules_at(payload) -> list[tuple[str, str, int]]:
    return [(f["rule"], f["path"], f["line"]) for f in payload["findings"]]


# ---- parsing ----------------------------------------------------------------------------------------


def one(source: str):
    parsed = parse(tuple(source.split("\n")))
    assert len(parsed.directives) == 1, parsed
    return parsed.directives[0]


@pytest.mark.parametrize(
    ("source", "form", "codes"),
    [
        ("x = 1  # noqa", "noqa", ()),
        ("x = 1  # noqa: TDL001", "noqa", ("TDL001",)),
        ("x = 1  # noqa:TDL001,E501", "noqa", ("TDL001", "E501")),
        ("x = 1  # noqa: TDL001 E501", "noqa", ("TDL001", "E501")),
        ("x = 1  # NOQA: tdl001", "noqa", ("TDL001",)),
        ("x = 1  # noqa   : TDL001", "noqa", ("TDL001",)),  # Ruff's lexer allows the space
        ("x = 1  # noqa because the job is eager", "noqa", ()),
        ("x = 1  # noqa: TDL001 the job is eager here", "noqa", ("TDL001",)),
        ("x = 1  # type: ignore  # noqa: TDL001", "noqa", ("TDL001",)),
        ("x = 1  # teardown-lint: ignore", "ignore", ()),
        ("x = 1  # teardown-lint: ignore[TDL001]", "ignore", ("TDL001",)),
        ("x = 1  # teardown-lint: ignore[TDL001, TDL100]", "ignore", ("TDL001", "TDL100")),
        ("# teardown-lint: noqa", "file", ()),
        ("    # teardown-lint: noqa: TDL001", "file", ("TDL001",)),
    ],
)
def test_forms(source, form, codes):
    directive = one(source)
    assert (directive.form, directive.codes) == (form, codes)


def test_location_is_the_directive_itself():
    directive = one("course.delete()  # type: ignore  # noqa: TDL001")
    line = "course.delete()  # type: ignore  # noqa: TDL001"
    assert directive.line == 1
    assert line[directive.col - 1:directive.end_col - 1] == "# noqa: TDL001" == directive.text


@pytest.mark.parametrize(
    "source",
    [
        'x = "# noqa: TDL001"',  # in a string, not a comment
        'x = """\n# teardown-lint: noqa\n"""',
        "x = 1  # noqa:",  # codes expected (Ruff: invalid, ignored)
        "x = 1  # noqa: see ticket",
        "x = 1  # noqaTDL001",
        "x = 1  # this is not noqa",
        "x = 1  # flake8: noqa",  # other tools' file-level forms are theirs
        "x = 1  # ruff: noqa: TDL001",
    ],
)
def test_not_directives(source):
    assert parse(tuple(source.split("\n"))).directives == []


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("x = 1  # teardown-lint: noqa", "line of its own"),
        ("x = 1  # teardown-lint: ignore[TDL001", "closing"),
        ("# teardown-lint: noqa:", "expects codes"),
        ("x = 1  # teardown-lint: disable[TDL001]", "unknown directive"),
    ],
)
def test_malformed_own_directives_warn_and_do_nothing(source, words):
    parsed = parse((source,))
    assert parsed.directives == []
    [(line, message)] = parsed.warnings
    assert line == 1 and words in message


COMMENTS_SOURCE = r'''a = "# noqa: TDL001"  # noqa: TDL001
b = """
  # teardown-lint: noqa
"""  # teardown-lint: ignore[TDL001]
c = f"{a!r:>10}" + r"\\" + "\"" + 'it''s' # noqa
    # teardown-lint: noqa: TDL001
d = """x""" # NOQA:TDL001
e = '\'# noqa'  # not a directive in the string, a comment without one
'''


def test_comments_are_found_as_tokenize_finds_them():
    import io
    import tokenize

    tokens = [t for t in tokenize.generate_tokens(io.StringIO(COMMENTS_SOURCE).readline)
              if t.type == tokenize.COMMENT and ("noqa" in t.string.lower() or "teardown-lint" in t.string)]
    parsed = parse(tuple(COMMENTS_SOURCE.split("\n")))
    assert [(d.line, d.col - 1) for d in parsed.directives] == [t.start for t in tokens]
    assert [d.form for d in parsed.directives] == ["noqa", "ignore", "noqa", "file", "noqa"]


def test_files_without_directives_are_not_scanned(monkeypatch):
    from teardown_lint import suppressions

    class Boom:
        def finditer(self, text):
            raise AssertionError("scanned a file that mentions no directive")

    monkeypatch.setattr(suppressions, "_STRINGS_OR_COMMENT", Boom())
    assert parse(("import os", "x = 1  # a comment")).directives == []
    with pytest.raises(AssertionError):
        parse(("x = 1  # noqa",))


# ---- line and file-level suppressions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "header", "code"),
    [
        ("", "", 1),
        ("  # noqa: TDL001", "", 0),
        ("", "# teardown-lint: noqa", 0),
        ("", "# teardown-lint: noqa: TDL001", 0),
        ("", "# teardown-lint: noqa: TDL100", 1),  # other codes only
        ("", "# teardown-lint: noqa: E501", 1),
        ("", "x = 1  # teardown-lint: noqa", 1),  # not on a line of its own: ignored, with a warning
        ('  ; note = "# noqa: TDL001"', "", 1),  # in a string: not a comment
    ],
    ids=["none", "line", "file-blanket", "file-code", "file-other-rule", "file-other-tool", "file-trailing",
         "in-a-string"],
)
def test_file_level(tmp_path, lint, comment, header, code):
    root = project(tmp_path, hazard(comment, header))
    exit_code, payload, stderr = lint(root)
    assert exit_code == code, payload
    assert ("line of its own" in stderr) == header.startswith("x = 1")


def test_file_level_covers_findings_located_in_its_own_file_only(tmp_path, lint):
    files = {
        "tests/conftest.py": CONFTEST_FIXTURE.format(header="", comment=""),
        "tests/test_upload.py": USES_CONFTEST.format(header="# teardown-lint: noqa"),
    }
    root = project(tmp_path, files)
    exit_code, payload, _ = lint(root)
    assert exit_code == 1
    assert rules_at(payload) == [("TDL001", "tests/conftest.py", 10)], "the finding is in conftest.py"
    files["tests/conftest.py"] = CONFTEST_FIXTURE.format(header="# teardown-lint: noqa: TDL001", comment="")
    root = project(tmp_path, files)
    assert lint(root)[0] == 0


# ---- TDL100: unused suppressions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "reported"),
    [
        ([], False),  # off by default, as Ruff's RUF100
        (["--select", "TDL"], False),  # the bare prefix (the default) does not select it
        (["--extend-select", "TDL100"], True),
        (["--select", "TDL1"], True),
        (["--select", "ALL"], True),
        (["--extend-select", "TDL100", "--ignore", "TDL100"], False),
    ],
)
def test_tdl100_is_selected_on_purpose(tmp_path, lint, args, reported):
    root = project(tmp_path, quiet("  # noqa: TDL001"))
    exit_code, payload, _ = lint(root, *args)
    assert [f["rule"] for f in payload["findings"]] == (["TDL100"] if reported else [])
    assert exit_code == (1 if reported else 0)


def test_tdl100_in_configuration(tmp_path, lint):
    root = project(tmp_path, {**quiet("  # noqa: TDL001"), "pyproject.toml": '[tool.teardown-lint]\nextend-select = ["TDL100"]\n'})
    assert [f["rule"] for f in lint(root)[1]["findings"]] == ["TDL100"]
    root = project(tmp_path, {**quiet("  # noqa: TDL001"), "pyproject.toml": '[tool.teardown-lint]\nextend-select = ["TDL100"]\n'
                              '[tool.teardown-lint.per-file-ignores]\n"tests/test_quiet.py" = ["TDL100"]\n'})
    assert lint(root)[1]["findings"] == []


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("  # noqa: TDL001", "unused `noqa` directive (unused: `TDL001`)"),
        ("  # noqa: TDL001, E501", "unused `noqa` directive (unused: `TDL001`)"),
        ("  # noqa: TDL999", "unused `noqa` directive (unknown: `TDL999`)"),
        ("  # noqa: TDL001, TDL001", "unused `noqa` directive (unused: `TDL001`; duplicated: `TDL001`)"),
        ("  # teardown-lint: ignore", "unused blanket `teardown-lint: ignore` directive"),
        ("  # teardown-lint: ignore[TDL001]", "unused `teardown-lint: ignore` directive (unused: `TDL001`)"),
        ("  # teardown-lint: ignore[E501]", "unused `teardown-lint: ignore` directive (unknown: `E501`)"),
        ("  # noqa", None),  # a bare noqa may serve another linter
        ("  # noqa: E501", None),  # another linter's code
        ("  # noqa: TDL001, TDL100", None),  # kept on purpose
        ("  # noqa  # teardown-lint: ignore[TDL001]", None),  # the bare noqa on the line silences TDL100 too
    ],
)
def test_unused_line_directives(tmp_path, lint, comment, message):
    root = project(tmp_path, quiet(comment))
    exit_code, payload, _ = lint(root, "--extend-select", "TDL100")
    if message is None:
        assert (exit_code, payload["findings"]) == (0, [])
        return
    [finding] = payload["findings"]
    assert finding["message"] == message
    line = (root / "tests/test_quiet.py").read_text(encoding="utf-8").splitlines()[finding["line"] - 1]
    assert line[finding["column"] - 1:].startswith("# ")  # points at the comment, not the code
    assert (finding["rule"], finding["name"], finding["fix"], finding["related"]) == ("TDL100", "unused-suppression", None, [])


def test_help_says_what_to_remove(tmp_path, run):
    root = project(tmp_path, quiet("  # noqa: TDL001, E501"))
    result = run(root, "check", "--extend-select", "TDL100")
    assert "= help: remove `TDL001` from the directive" in result.stdout
    assert "suppresses nothing" in result.stdout


def test_used_suppressions_are_not_reported(tmp_path, lint):
    for comment in ("  # noqa: TDL001", "  # noqa", "  # teardown-lint: ignore[TDL001]", "  # teardown-lint: ignore"):
        root = project(tmp_path, hazard(comment))
        exit_code, payload, _ = lint(root, "--extend-select", "TDL100")
        assert (exit_code, payload["findings"]) == (0, []), comment


def test_a_line_directive_under_a_file_level_one_is_redundant(tmp_path, lint):
    root = project(tmp_path, hazard("  # noqa: TDL001", header="# teardown-lint: noqa: TDL001"))
    exit_code, payload, _ = lint(root, "--extend-select", "TDL100")
    assert exit_code == 1
    [finding] = payload["findings"]
    assert finding["rule"] == "TDL100" and "`noqa` directive (unused: `TDL001`)" in finding["message"]


@pytest.mark.parametrize(
    ("header", "reports"),
    [
        ("# teardown-lint: noqa: TDL001", [(1, "unused file-level `teardown-lint: noqa` directive (unused: `TDL001`)")]),
        ("# teardown-lint: noqa", [(1, "unused blanket file-level `teardown-lint: noqa` directive")]),
        # the blanket one silences every rule in the file, TDL100 about the other one included,
        # but never the report about itself
        ("# teardown-lint: noqa: TDL001\n# teardown-lint: noqa",
         [(2, "unused blanket file-level `teardown-lint: noqa` directive")]),
    ],
)
def test_unused_file_level_directives(tmp_path, lint, header, reports):
    root = project(tmp_path, quiet(header=header))
    exit_code, payload, _ = lint(root, "--extend-select", "TDL100")
    assert exit_code == 1
    assert [(f["line"], f["message"]) for f in payload["findings"]] == reports


def test_codes_that_are_not_enabled_are_reported_as_such(tmp_path, lint):
    root = project(tmp_path, hazard("  # noqa: TDL001"))
    exit_code, payload, _ = lint(root, "--ignore", "TDL001", "--extend-select", "TDL100")
    assert exit_code == 1
    assert [f["message"] for f in payload["findings"]] == ["unused `noqa` directive (non-enabled: `TDL001`)"]


def test_conftest_directives_are_judged_only_when_every_test_module_was_checked(tmp_path, lint):
    files = {
        "tests/conftest.py": CONFTEST_FIXTURE.format(header="", comment="  # noqa: TDL001"),
        "tests/test_upload.py": USES_CONFTEST.format(header=""),
        **quiet("  # noqa: TDL001"),
    }
    root = project(tmp_path, files)
    # the whole project: the conftest.py directive is used (test_upload reaches it)
    exit_code, payload, _ = lint(root, "--extend-select", "TDL100")
    assert rules_at(payload) == [("TDL100", "tests/test_quiet.py", 2)]
    # pre-commit passes a few files: test_upload's users of the fixture are not checked, so the
    # conftest.py directive cannot be called unused; the test module given is still judged
    exit_code, payload, _ = lint(root, "--extend-select", "TDL100", "tests/test_quiet.py", "tests/conftest.py")
    assert rules_at(payload) == [("TDL100", "tests/test_quiet.py", 2)]
    # and once the directive really is unused, a whole run says so
    files["tests/test_upload.py"] = USES_CONFTEST.format(header="").replace(
        '    process_document.delay(course.id, "syllabus.pdf")',
        '    process_document.delay(course.id, "syllabus.pdf").get(timeout=30)')
    root = project(tmp_path, files)
    exit_code, payload, _ = lint(root, "--extend-select", "TDL100")
    assert rules_at(payload) == [("TDL100", "tests/conftest.py", 10), ("TDL100", "tests/test_quiet.py", 2)]


@pytest.mark.parametrize("output_format", sorted(reporters.FORMATS))
def test_every_output_format_carries_tdl100(tmp_path, run, output_format):
    root = project(tmp_path, quiet("  # noqa: TDL001"))
    result = run(root, "check", "-f", output_format, "--extend-select", "TDL100")
    assert result.exit_code == 1, result.output
    assert "TDL100" in result.stdout


def test_suppressed_findings_are_counted(tmp_path, monkeypatch):
    from teardown_lint import config as config_module
    from teardown_lint.engine import run

    root = project(tmp_path, hazard(header="# teardown-lint: noqa"))
    monkeypatch.chdir(root)
    result = run(config_module.load(), [root])
    assert (result.findings, result.suppressed) == ([], 1)
