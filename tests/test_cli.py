"""The command line contract (DESIGN.md section 4): exit codes, output formats, configuration,
suppressions. Each test builds a small project in tmp_path and runs `teardown-lint` in it."""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import teardown_lint
from conftest import CROSS_FILE, HAZARD_TEST, SAFE_TEST, celery_project, hazard_test, locate, package_env

pytestmark = pytest.mark.usefixtures("no_color")


def hazard_files(delete_comment: str = "", enqueue_comment: str = "") -> dict[str, str]:
    return celery_project(hazard_test(delete_comment, enqueue_comment))


def safe_files() -> dict[str, str]:
    return celery_project(SAFE_TEST, path="tests/test_safe.py")


def pyproject(root: Path, text: str) -> None:
    (root / "pyproject.toml").write_text(text.strip() + "\n", encoding="utf-8")


# ---- exit codes ---------------------------------------------------------------------------------


def test_clean_tree_exits_0(make_project, run):
    root = make_project(safe_files())
    result = run(root, "check")
    assert result.exit_code == 0, result.output
    assert "All checks passed!" in result.output


def test_findings_exit_1(make_project, run):
    root = make_project(hazard_files())
    result = run(root, "check")
    assert result.exit_code == 1, result.output
    assert "Found 1 error." in result.output


def test_two_findings_are_counted(make_project, run):
    files = hazard_files()
    files["tests/test_more.py"] = HAZARD_TEST
    root = make_project(files)
    result = run(root, "check")
    assert result.exit_code == 1, result.output
    assert "Found 2 errors." in result.output


def test_exit_zero_flag(make_project, run):
    root = make_project(hazard_files())
    result = run(root, "check", "--exit-zero")
    assert result.exit_code == 0, result.output
    assert "Found 1 error." in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--no-such-option"],
        ["check", "--output-format", "xml"],
        ["check", "does/not/exist"],
        ["no-such-command"],
        ["rule"],
    ],
    ids=["unknown-option", "bad-output-format", "nonexistent-path", "unknown-command", "missing-argument"],
)
def test_usage_errors_exit_2(make_project, run, args):
    root = make_project(hazard_files())
    result = run(root, *args)
    assert result.exit_code == 2, result.output


@pytest.mark.parametrize(
    "table",
    [
        "[tool.teardown-lint]\nno-such-key = 1",
        '[tool.teardown-lint]\nselect = ["XYZ999"]',
        '[tool.teardown-lint]\nignore = ["TDL999"]',
        '[tool.teardown-lint.per-file-ignores]\n"tests/*" = ["NOPE1"]',
        '[tool.teardown-lint.calls]\nspawn = ["tests.helpers.start"]',
        '[tool.teardown-lint]\nselect = "TDL001" = ',
    ],
    ids=["unknown-key", "unknown-select-code", "unknown-ignore-code", "unknown-per-file-code", "unknown-effect", "bad-toml"],
)
def test_bad_config_exits_2(make_project, run, table):
    root = make_project(hazard_files())
    pyproject(root, table)
    result = run(root, "check")
    assert result.exit_code == 2, result.output
    assert "error" in result.output.lower()


# ---- JSON ----------------------------------------------------------------------------------------

FINDING_KEYS = {
    "rule": str,
    "name": str,
    "path": str,
    "line": int,
    "column": int,
    "end_line": int,
    "end_column": int,
    "message": str,
    "severity": str,
    "confidence": str,
    "related": list,
}
RELATED_KEYS = {"path": str, "line": int, "column": int, "message": str}


def check_json_shape(payload: dict) -> None:
    assert set(payload) == {"version", "findings", "errors"}
    assert payload["version"] == teardown_lint.__version__
    assert isinstance(payload["findings"], list)
    assert isinstance(payload["errors"], list)
    for finding in payload["findings"]:
        assert set(finding) == set(FINDING_KEYS) | {"fix"}
        for key, kind in FINDING_KEYS.items():
            assert isinstance(finding[key], kind) and not isinstance(finding[key], bool), (key, finding[key])
        assert finding["severity"] in ("error", "warning")
        assert finding["confidence"] in ("high", "medium", "low")
        assert finding["line"] >= 1 and finding["column"] >= 1
        assert (finding["end_line"], finding["end_column"]) >= (finding["line"], finding["column"])
        assert "\\" not in finding["path"] and not finding["path"].startswith(("/", "./"))
        for related in finding["related"]:
            assert set(related) == set(RELATED_KEYS)
            for key, kind in RELATED_KEYS.items():
                assert isinstance(related[key], kind), (key, related[key])
            assert related["line"] >= 1 and related["column"] >= 1
            assert "\\" not in related["path"] and not related["path"].startswith("/")
        fix = finding["fix"]
        if fix is not None:
            assert set(fix) >= {"applicability", "message", "edits"}
            assert fix["applicability"] in ("safe", "unsafe", "display-only")
            assert isinstance(fix["edits"], list)
    for error in payload["errors"]:
        assert set(error) == {"path", "message"}
        assert isinstance(error["path"], str) and isinstance(error["message"], str)


def test_json_output_matches_the_contract(make_project, run):
    root = make_project(hazard_files())
    result = run(root, "check", "--output-format", "json")
    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    check_json_shape(payload)
    assert payload["errors"] == []
    [finding] = payload["findings"]
    test_file = root / "tests/test_courses.py"
    assert finding["rule"] == "TDL001"
    assert finding["name"] == "delete-before-drain"
    assert finding["path"] == "tests/test_courses.py"
    assert (finding["line"], finding["column"]) == locate(test_file, "course.delete()")
    assert finding["end_line"] == finding["line"]
    assert finding["end_column"] == finding["column"] + len("course.delete()")
    assert finding["severity"] == "error"
    enqueue = locate(test_file, "process_document.delay(")
    assert any(
        r["path"] == "tests/test_courses.py" and (r["line"], r["column"]) == enqueue for r in finding["related"]
    ), finding["related"]


def test_json_paths_use_slashes_in_nested_directories(make_project, run):
    files = hazard_files()
    files["tests/deep/er/__init__.py"] = ""
    files["tests/deep/__init__.py"] = ""
    files["tests/deep/er/test_nested.py"] = files.pop("tests/test_courses.py")
    root = make_project(files)
    payload = json.loads(run(root, "check", "-f", "json").stdout)
    assert [f["path"] for f in payload["findings"]] == ["tests/deep/er/test_nested.py"]


def test_json_paths_are_relative_to_the_current_directory(make_project, run):
    """Run from a subdirectory of the project (the pyproject.toml is above the cwd)."""
    root = make_project(hazard_files())
    pyproject(root, "[tool.teardown-lint]")
    result = run(root / "tests", "check", "-f", "json")
    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    check_json_shape(payload)
    [finding] = payload["findings"]
    assert finding["path"] == "test_courses.py"
    assert {r["path"] for r in finding["related"]} == {"test_courses.py"}


def test_syntax_error_is_reported_and_other_files_are_linted(make_project, run):
    files = hazard_files()
    files["tests/test_broken.py"] = "def test_broken(:\n    pass\n"
    root = make_project(files)
    result = run(root, "check", "-f", "json")
    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    check_json_shape(payload)
    assert [e["path"] for e in payload["errors"]] == ["tests/test_broken.py"]
    assert "syntax error" in payload["errors"][0]["message"]
    assert [f["path"] for f in payload["findings"]] == ["tests/test_courses.py"]


def test_syntax_error_is_shown_in_text_output(make_project, run):
    files = safe_files()
    files["tests/test_broken.py"] = "x = = 1\n"
    root = make_project(files)
    result = run(root, "check")
    assert result.exit_code in (0, 1), result.output
    assert "error: tests/test_broken.py: syntax error" in result.output


def test_bad_encoding_is_reported_and_other_files_are_linted(make_project, run):
    root = make_project(hazard_files())
    (root / "tests/test_latin1.py").write_bytes(b'NAME = "caf\xe9"\n\n\ndef test_name():\n    assert NAME\n')
    result = run(root, "check", "-f", "json")
    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    assert [e["path"] for e in payload["errors"]] == ["tests/test_latin1.py"]
    assert [f["path"] for f in payload["findings"]] == ["tests/test_courses.py"]


def test_one_line_compound_statement_does_not_crash_the_run(make_project, run):
    files = hazard_files()
    files["tests/test_small.py"] = "class Meta: pass\n\n\ndef test_meta():\n    if Meta: pass\n"
    root = make_project(files)
    result = run(root, "check", "-f", "json")
    assert result.exit_code == 1, result.output
    assert [f["path"] for f in json.loads(result.stdout)["findings"]] == ["tests/test_courses.py"]


# ---- suppressions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delete_comment", "enqueue_comment", "exit_code"),
    [
        ("", "", 1),
        ("  # noqa: TDL001", "", 0),
        ("  # noqa:TDL001", "", 0),
        ("  # noqa", "", 0),
        ("  # noqa: E501, TDL001", "", 0),
        ("  # teardown-lint: ignore[TDL001]", "", 0),
        ("  # teardown-lint: ignore", "", 0),
        ("  # noqa: XYZ999", "", 1),
        ("  # teardown-lint: ignore[XYZ999]", "", 1),
        ("", "  # noqa: TDL001", 1),  # not the finding's line
    ],
    ids=[
        "none",
        "noqa-code",
        "noqa-code-no-space",
        "noqa-bare",
        "noqa-list",
        "ignore-code",
        "ignore-bare",
        "noqa-other-code",
        "ignore-other-code",
        "noqa-on-enqueue-line",
    ],
)
def test_suppressions(make_project, run, delete_comment, enqueue_comment, exit_code):
    root = make_project(hazard_files(delete_comment, enqueue_comment))
    result = run(root, "check")
    assert result.exit_code == exit_code, result.output


def test_noqa_after_a_form_feed(make_project, run):
    files = hazard_files("  # noqa: TDL001")
    files["tests/test_courses.py"] = "# section one\n\x0c\n" + files["tests/test_courses.py"]
    root = make_project(files)
    result = run(root, "check")
    assert result.exit_code == 0, result.output


# ---- rule selection ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "exit_code"),
    [
        ([], 1),
        (["--select", "TDL001"], 1),
        (["--select", "TDL"], 1),
        (["--select", "ALL"], 1),
        (["--ignore", "TDL001"], 0),
        (["--ignore", "TDL"], 0),
        (["--select", "TDL", "--ignore", "TDL001"], 0),
        (["--select", "TDL001", "--ignore", "TDL"], 1),  # the more specific selector wins
        (["--select", "TDL001", "--ignore", "TDL001"], 0),  # a tie: ignore wins
        (["--select", "ALL", "--ignore", "TDL001"], 0),
        (["--ignore", "ALL", "--select", "TDL001"], 1),
        (["--select", "TDL001,TDL"], 1),
        (["--select", "XYZ"], 2),
        (["--ignore", "XYZ1"], 2),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else str(v),
)
def test_select_and_ignore(make_project, run, args, exit_code):
    root = make_project(hazard_files())
    result = run(root, "check", *args)
    assert result.exit_code == exit_code, result.output


@pytest.mark.parametrize(
    ("table", "args", "exit_code"),
    [
        ('[tool.teardown-lint]\nselect = ["TDL001"]', [], 1),
        ('[tool.teardown-lint]\nignore = ["TDL001"]', [], 0),
        ("[tool.teardown-lint]\nselect = []", [], 0),
        ('[tool.teardown-lint]\nselect = []\nextend-select = ["TDL001"]', [], 1),
        ("[tool.teardown-lint]\nselect = []", ["--extend-select", "TDL001"], 1),
        ('[tool.teardown-lint]\nextend-ignore = ["TDL"]', [], 0),
        ('[tool.teardown-lint]\nselect = ["TDL001"]', ["--ignore", "TDL001"], 0),
    ],
    ids=["config-select", "config-ignore", "config-select-empty", "config-extend-select", "cli-extend-select",
         "config-extend-ignore", "cli-ignore-over-config-select"],
)
def test_config_selection(make_project, run, table, args, exit_code):
    root = make_project(hazard_files())
    pyproject(root, table)
    result = run(root, "check", *args)
    assert result.exit_code == exit_code, result.output


def test_cli_select_overrides_configured_ignore(make_project, run):
    root = make_project(hazard_files())
    pyproject(root, '[tool.teardown-lint]\nignore = ["TDL001"]')
    result = run(root, "check", "--select", "TDL001")
    assert result.exit_code == 1, result.output




@pytest.mark.parametrize(
    ("pattern", "codes", "exit_code"),
    [
        ("tests/test_courses.py", '["TDL001"]', 0),
        ("tests/*.py", '["TDL001"]', 0),
        pytest.param("tests/**/*.py", '["TDL001"]', 0, id="globstar"),
        ("test_courses.py", '["TDL001"]', 0),  # a bare file name matches in any directory
        ("tests/test_courses.py", '["TDL"]', 0),  # prefixes work
        ("other/*.py", '["TDL001"]', 1),
        ("tests/test_other.py", '["TDL001"]', 1),
    ],
)
def test_per_file_ignores(make_project, run, pattern, codes, exit_code):
    root = make_project(hazard_files())
    pyproject(root, f'[tool.teardown-lint.per-file-ignores]\n"{pattern}" = {codes}')
    result = run(root, "check")
    assert result.exit_code == exit_code, result.output


@pytest.mark.parametrize(
    ("patterns", "exit_code"),
    [
        ('["tests/test_courses.py"]', 0),
        ('["tests"]', 0),
        ('["tests/"]', 0),
        ('["test_*.py"]', 0),
        pytest.param('["tests/**/test_*.py"]', 0, id="globstar"),
        ('["legacy"]', 1),
        ('["other/*"]', 1),
    ],
)
def test_exclude(make_project, run, patterns, exit_code):
    root = make_project(hazard_files())
    pyproject(root, f"[tool.teardown-lint]\nexclude = {patterns}")
    result = run(root, "check")
    assert result.exit_code == exit_code, result.output


def test_exclude_skips_a_nested_directory_by_name(make_project, run):
    files = safe_files()
    files["tests/legacy/__init__.py"] = ""
    files["tests/legacy/test_old.py"] = HAZARD_TEST
    root = make_project(files)
    assert run(root, "check").exit_code == 1
    pyproject(root, '[tool.teardown-lint]\nexclude = ["legacy"]')
    assert run(root, "check").exit_code == 0
    pyproject(root, '[tool.teardown-lint]\nextend-exclude = ["tests/legacy"]')
    assert run(root, "check").exit_code == 0


def test_an_excluded_file_named_explicitly_is_still_linted(make_project, run):
    """Like Ruff without --force-exclude: a path given on the command line is linted."""
    root = make_project(hazard_files())
    pyproject(root, '[tool.teardown-lint]\nexclude = ["tests/test_courses.py"]')
    assert run(root, "check").exit_code == 0
    assert run(root, "check", "tests/test_courses.py").exit_code == 1


def test_config_option_reads_another_pyproject(make_project, run, tmp_path):
    root = make_project(hazard_files())
    other = tmp_path / "elsewhere" / "pyproject.toml"
    other.parent.mkdir()
    other.write_text('[tool.teardown-lint]\nignore = ["TDL001"]\n', encoding="utf-8")
    assert run(root, "check").exit_code == 1
    result = run(root, "check", "--config", str(other), str(root))
    assert result.exit_code == 0, result.output


# ---- text output ---------------------------------------------------------------------------------


def test_full_output(make_project, run):
    root = make_project(hazard_files())
    result = run(root, "check", "--output-format", "full")
    assert result.exit_code == 1, result.output
    test_file = root / "tests/test_courses.py"
    line, column = locate(test_file, "course.delete()")
    enqueue_line, enqueue_column = locate(test_file, "process_document.delay(")
    lines = result.output.splitlines()
    assert lines[0].startswith(f"tests/test_courses.py:{line}:{column}: TDL001 "), lines[0]
    assert "process_document" in lines[0]
    # the source line, with a gutter and a caret underline
    assert any(re.fullmatch(rf"{line} \|     course\.delete\(\)", text) for text in lines), result.output
    assert any(re.search(r"\|\s+\^{15}\s", text) for text in lines), result.output
    # the related location, in Ruff's `:::` style, with its own source line
    assert any(text.strip() == f"::: tests/test_courses.py:{enqueue_line}:{enqueue_column}" for text in lines), result.output
    assert any(re.fullmatch(rf"{enqueue_line} \|     process_document\.delay\(.*", text) for text in lines)
    assert any(text.strip().startswith("= help: ") for text in lines), result.output
    assert lines[-1] == "Found 1 error."


def test_full_is_the_default(make_project, run):
    root = make_project(hazard_files())
    assert run(root, "check").output == run(root, "check", "--output-format", "full").output


def test_concise_output(make_project, run):
    files = hazard_files()
    files["tests/test_more.py"] = HAZARD_TEST
    root = make_project(files)
    result = run(root, "check", "--output-format", "concise")
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 3, result.output
    for text in lines[:2]:
        assert re.fullmatch(r"tests/test_(courses|more)\.py:\d+:\d+: TDL001 \S.*", text), text
    assert lines[-1] == "Found 2 errors."


def test_concise_clean(make_project, run):
    root = make_project(safe_files())
    result = run(root, "check", "-f", "concise")
    assert result.output.strip() == "All checks passed!"


# ---- the project around the files given -----------------------------------------------------------


def test_single_file_reads_conftest_and_helpers(make_project, run):
    root = make_project(CROSS_FILE)
    result = run(root, "check", "-f", "json", "tests/test_courses.py")
    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    check_json_shape(payload)
    [finding] = payload["findings"]
    assert finding["path"] == "tests/conftest.py"
    assert (finding["line"], finding["column"]) == locate(root / "tests/conftest.py", "purge_course(course)")
    related = {(r["path"], r["line"]) for r in finding["related"]}
    assert ("tests/test_courses.py", locate(root / "tests/test_courses.py", ".delay(")[0]) in related
    assert ("tests/helpers/cleanup.py", locate(root / "tests/helpers/cleanup.py", "course.delete()")[0]) in related


def test_single_file_reports_only_its_own_tests(make_project, run):
    root = make_project(CROSS_FILE)
    result = run(root, "check", "tests/test_other.py")
    assert result.exit_code == 0, result.output
    assert "All checks passed!" in result.output


CONFIGURED = {
    "tests/__init__.py": "",
    "tests/api.py": '''
        import requests


        def request_generation(course_id):
            return requests.post("http://localhost:8000/generate", json={"course": course_id})
    ''',
    "tests/helpers.py": '''
        def purge_course(course_id):
            print("purging", course_id)
    ''',
    "tests/test_generate.py": '''
        import pytest

        from tests.api import request_generation
        from tests.helpers import purge_course


        @pytest.fixture
        def course_id():
            yield 42
            purge_course(42)


        def test_generate(course_id):
            request_generation(course_id)
    ''',
}


@pytest.mark.parametrize(
    "calls",
    [
        'enqueue = ["tests.api.request_generation"]\ndelete = ["tests.helpers.purge_course"]',
        'enqueue = ["tests.api.request_*"]\ndelete = ["tests.helpers.*"]',
    ],
    ids=["exact", "globs"],
)
def test_configured_calls(make_project, run, calls):
    root = make_project(CONFIGURED)
    assert run(root, "check").exit_code == 0, "project helpers are unknown without configuration"
    pyproject(root, f"[tool.teardown-lint.calls]\n{calls}")
    result = run(root, "check", "-f", "json")
    assert result.exit_code == 1, result.output
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["path"] == "tests/test_generate.py"
    assert finding["line"] == locate(root / "tests/test_generate.py", "purge_course(42)")[0]


def test_configured_wait_clears_the_finding(make_project, run):
    files = dict(CONFIGURED)
    # indented as CONFIGURED's sources are (make_project dedents): a syntax error would fail the run
    files["tests/helpers.py"] += "\n\n        def wait_for_all_jobs():\n            pass\n"
    files["tests/test_generate.py"] = files["tests/test_generate.py"].replace(
        "from tests.helpers import purge_course", "from tests.helpers import purge_course, wait_for_all_jobs"
    ).replace("    request_generation(course_id)", "    request_generation(course_id)\n            wait_for_all_jobs()")
    root = make_project(files)
    pyproject(
        root,
        "[tool.teardown-lint.calls]\n"
        'enqueue = ["tests.api.request_generation"]\n'
        'delete = ["tests.helpers.purge_course"]\n'
        'wait = ["tests.helpers.wait_for_all_jobs"]',
    )
    result = run(root, "check")
    assert result.exit_code == 0, result.output


def test_pyproject_without_our_table_is_not_the_project(make_project, run, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "outer"\n', encoding="utf-8")
    # no __init__.py files: `helpers.cleanup` is only found relative to the project's own root
    root = make_project(
        {
            "helpers/cleanup.py": "def purge_course(course):\n    course.delete()\n",
            "tests/conftest.py": CROSS_FILE["tests/conftest.py"].replace("tests.helpers.cleanup", "helpers.cleanup"),
            "tests/test_courses.py": CROSS_FILE["tests/test_courses.py"],
        }
    )
    assert root.parent == tmp_path
    result = run(root, "check", "-f", "concise")
    assert result.exit_code == 1, result.output


def test_readme_quick_start_finds_the_incident(run):
    """README's quick start: `cd fixtures/incident/hazard_t055_full_pipeline && teardown-lint check`
    (inside the repository, below its pyproject.toml) exits 1 with the two findings."""
    from conftest import FIXTURES

    case = FIXTURES / "incident" / "hazard_t055_full_pipeline"
    result = run(case, "check")
    assert result.exit_code == 1, result.output
    assert "Found 2 errors." in result.output


def test_readme_shows_the_incident_findings(run):
    """The output pasted in README.md reports the same locations as the tool does now."""
    from conftest import FIXTURES, REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    heading = re.compile(r"^(\S+:\d+:\d+: TDL\d+) ", re.M)
    pasted = heading.findall(readme)
    result = run(FIXTURES / "incident" / "hazard_t055_full_pipeline", "check", "-f", "concise")
    assert pasted == heading.findall(result.output)
    assert result.output.strip().splitlines()[-1] in readme
    assert "pip install . && (cd fixtures/incident/hazard_t055_full_pipeline && teardown-lint check)" in readme
    assert "pip install '.[test]' && python -m pytest" in readme


# ---- rule docs -----------------------------------------------------------------------------------


def test_rule_prints_the_doc(run, tmp_path):
    result = run(tmp_path, "rule", "TDL001")
    assert result.exit_code == 0, result.output
    for section in ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety"):
        assert section in result.output, section
    assert "delete-before-drain" in result.output


def test_rule_unknown_code_exits_2(run, tmp_path):
    result = run(tmp_path, "rule", "TDL999")
    assert result.exit_code == 2, result.output
    assert "TDL999" in result.output


def test_version(run, tmp_path):
    result = run(tmp_path, "--version")
    assert result.exit_code == 0
    assert teardown_lint.__version__ in result.output


# ---- contract items not implemented yet ------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["sarif", "github"])
def test_contract_output_formats(make_project, run, output_format):
    root = make_project(hazard_files())
    result = run(root, "check", "--output-format", output_format)
    assert result.exit_code == 1, result.output


def test_contract_fix_command(make_project, run):
    root = make_project(hazard_files())
    result = run(root, "fix", "--diff")
    assert result.exit_code != 2, result.output


# ---- python -m teardown_lint ----------------------------------------------------------------------


def test_python_dash_m(make_project):
    root = make_project(hazard_files())
    env = package_env()
    proc = subprocess.run(
        [sys.executable, "-m", "teardown_lint", "check", "--output-format", "json"],
        cwd=root, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    payload = json.loads(proc.stdout)
    check_json_shape(payload)
    assert [(f["rule"], f["path"]) for f in payload["findings"]] == [("TDL001", "tests/test_courses.py")]


def _console(root: Path, *args: str) -> subprocess.CompletedProcess:
    """`console_main` (the console script and `python -m`) with ARGS, after an atexit hook."""
    env = package_env()
    script = ("import atexit, sys\nfrom teardown_lint.cli import console_main\n"
              "atexit.register(lambda: print('finalized', file=sys.stderr))\n"
              f"sys.argv = ['teardown-lint', *{list(args)!r}]\nconsole_main()\n")
    return subprocess.run([sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True,
                          timeout=120)


def test_the_console_script_exits_at_once_with_the_commands_code_and_output(make_project):
    """It ends with `os._exit` (no interpreter teardown: atexit hooks do not run), after
    flushing what the command printed."""
    root = make_project(hazard_files())
    found = _console(root, "check", "--output-format", "json")
    assert found.returncode == 1 and "finalized" not in found.stderr, found.stderr
    assert [f["rule"] for f in json.loads(found.stdout)["findings"]] == ["TDL001"]
    clean = _console(root, "check", "--exit-zero", "-q")
    assert clean.returncode == 0 and "TDL001" in clean.stdout
    usage = _console(root, "check", "--no-such-option")
    assert usage.returncode == 2 and "No such option" in usage.stderr
    assert _console(root, "--version").stdout.startswith("teardown-lint, version")


def test_the_console_script_keeps_the_analysis_until_its_exit(make_project, run, monkeypatch):
    """`console_main` ends with `os._exit`, so `check` hands its result (the linked index, every
    fact) to `heap.keep` rather than freeing it one object at a time as it returns; under click's
    runner, as in every other caller, nothing is kept."""
    from teardown_lint import cli, heap

    root = make_project(hazard_files())
    monkeypatch.setattr(heap, "_KEPT", None)
    run(root, "check", "--exit-zero")
    assert heap._KEPT is None
    seen = {}
    monkeypatch.setattr(cli, "main", lambda: seen.setdefault("keeping", heap._KEPT is not None))
    monkeypatch.setattr(cli.os, "_exit", lambda code: seen.setdefault("code", code))
    cli.console_main()
    assert seen == {"keeping": True, "code": 0}
    monkeypatch.undo()
    monkeypatch.setattr(heap, "_KEPT", [])  # as console_main leaves it
    run(root, "check", "--exit-zero", "--no-cache")
    kept = heap._KEPT
    assert len(kept) == 1 and kept[0].index is not None and [f.rule for f in kept[0].findings] == ["TDL001"]


def test_the_installed_console_script_is_console_main():
    scripts = [e for e in importlib.metadata.entry_points(group="console_scripts") if e.name == "teardown-lint"]
    if not scripts:
        pytest.skip("teardown-lint is not installed (CI installs it)")
    assert scripts[0].value == "teardown_lint.cli:console_main"


@pytest.mark.parametrize(
    "gitignore, exit_code",
    [
        ("tests/\n", 0),  # the whole directory
        ("test_*.py\n", 0),  # a bare glob matches in any directory
        ("/test_courses.py\n", 1),  # anchored at the root: tests/test_courses.py is kept
        ("tests/*.py\n!tests/test_courses.py\n", 1),  # a negation re-includes
        ("build/\n", 1),
    ],
)
def test_gitignore_is_honoured(make_project, run, gitignore, exit_code):
    root = make_project(hazard_files())
    (root / ".gitignore").write_text(gitignore, encoding="utf-8")
    pyproject(root, "[tool.teardown-lint]")
    result = run(root, "check", "-f", "concise")
    assert result.exit_code == exit_code, result.output
