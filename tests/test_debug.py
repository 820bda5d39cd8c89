"""`teardown-lint debug PATH` (teardown_lint/explain.py): the resolved configuration and each
test's lifecycle with every call classified, and the pack or configuration entry behind it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, HAZARD_TEST, RULES, celery_project
from teardown_lint import config as config_module
from teardown_lint.explain import explain
from teardown_lint.packs import tomllib
from teardown_lint.testing import actual

# the one-hazard module, and a test that waits for its job
TESTS = HAZARD_TEST + '''

def test_waits(course):
    result = process_document.delay(course.id, "syllabus.pdf")
    result.get(timeout=30)
'''

HELPERS = '''
from tests.api import request_generation


def start(course_id):
    request_generation(course_id)


def purge(course_id):
    return course_id
'''

API = '''
def request_generation(course_id):
    return course_id
'''

CONFIGURED_TEST = '''
import pytest

from tests.helpers import purge, start


@pytest.fixture
def course(request):
    course_id = 42
    request.addfinalizer(lambda: purge(course_id))
    return course_id


def test_generate(course):
    start(course)
'''


def base_files() -> dict[str, str]:
    return celery_project(TESTS)


def configured_files() -> dict[str, str]:
    return {"tests/__init__.py": "", "tests/api.py": API, "tests/helpers.py": HELPERS,
            "tests/test_generate.py": CONFIGURED_TEST}


@pytest.fixture
def debug(run):
    """`debug(root, *args)` -> click result of `teardown-lint debug ...` run in `root`."""

    def invoke(root: Path, *args: str):
        return run(root, "debug", *args)

    return invoke


def as_data(debug, root: Path, path: str) -> dict:
    result = debug(root, path, "--output-format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_by_name(data: dict, node_id: str) -> dict:
    for entry in data["files"]:
        for test in entry["tests"]:
            if test["node_id"] == node_id:
                return test
    raise AssertionError(f"{node_id} not in {[t['node_id'] for e in data['files'] for t in e['tests']]}")


test_by_name.__test__ = False  # a helper, not a test


def calls(test: dict) -> list[dict]:
    return [e for e in test["events"] if e["type"] == "call"]


def pack_entry(origin: str, effect: str, entry: int) -> dict:
    """The table entry a rule's provenance names, read from the pack file itself."""
    assert origin.startswith("rules/"), origin
    data = tomllib.loads((RULES / origin.split("/", 1)[1]).read_text(encoding="utf-8"))
    return data[effect][entry - 1]


# ---- configuration --------------------------------------------------------------------------------


def test_configuration_is_shown(make_project, debug):
    files = base_files()
    files["pyproject.toml"] = ('[tool.teardown-lint]\nignore = ["TDL100"]\nexclude = ["legacy"]\n'
                               '[tool.teardown-lint.calls]\nwait = ["tests.helpers.drain"]\n')
    root = make_project(files)
    data = as_data(debug, root, "tests/test_courses.py")
    config = data["configuration"]
    assert config["root"] == str(root.resolve())
    assert config["config_file"] == str((root / "pyproject.toml").resolve())
    assert (config["select"], config["ignore"], config["exclude"]) == (["TDL"], ["TDL100"], ["legacy"])
    assert config["enabled_rules"] == ["TDL001"]
    assert config["calls"] == {"wait": ["tests.helpers.drain"]}
    assert len(config["packs"]) == len(list(RULES.glob("*.toml")))
    assert "celery" in config["packs"]
    assert {"tests/test_courses.py", "app/tasks.py"} <= set(config["files_read"])
    assert config["pytest"]["python_files"] == ["test_*.py", "*_test.py"]
    text = debug(root, "tests/test_courses.py").stdout
    for words in ("project root", str(root.resolve()), "wait = tests.helpers.drain", "enabled rules     TDL001",
                  "celery"):
        assert words in text, words


def test_without_configuration(make_project, debug):
    root = make_project(base_files())
    result = debug(root, "tests/test_courses.py")
    assert result.exit_code == 0
    assert "none: defaults" in result.stdout


# ---- lifecycles ------------------------------------------------------------------------------------


def test_lifecycle_in_order_with_pack_provenance(make_project, debug):
    root = make_project(base_files())
    data = as_data(debug, root, "tests/test_courses.py")
    test = test_by_name(data, "tests/test_courses.py::test_upload")
    assert [f["name"] for f in test["fixtures"]] == ["db", "course"]
    assert test["fixtures"][1]["defined"] == "tests/test_courses.py:8"
    phases = [e["title"] for e in test["events"] if e["type"] == "phase"]
    assert phases == ["setup of fixture `course`", "test body of `test_upload`",
                      "teardown of fixture `course` (after its yield)"]
    effects = [(e["line"], e["effect"]) for e in calls(test)]
    assert effects == [(9, "-"), (15, "enqueue"), (11, "delete")]
    enqueue, delete = calls(test)[1], calls(test)[2]
    for event in (enqueue, delete):
        rule = event["rule"]
        entry = pack_entry(rule["origin"], rule["effect"], rule["entry"])
        assert rule["pattern"] in entry["calls"], (rule, entry)  # the provenance names the real entry
    assert enqueue["rule"]["origin"] == "rules/celery.toml"
    assert "pending now: 1" in enqueue["note"]
    assert "TDL001" in delete["note"] and "process_document" in delete["note"]
    [finding] = test["findings"]
    assert (finding["rule"], finding["line"], finding["status"]) == ("TDL001", 11, "reported")


def test_a_wait_says_what_it_covers(make_project, debug):
    root = make_project(base_files())
    test = test_by_name(as_data(debug, root, "tests/test_courses.py"), "tests/test_courses.py::test_waits")
    wait = [e for e in calls(test) if e["effect"] == "wait"]
    assert len(wait) == 1 and "clears `process_document`" in wait[0]["note"]
    delete = [e for e in calls(test) if e["effect"] == "delete"]
    assert "nothing pending" in delete[0]["note"]
    assert test["findings"] == []


def test_unknown_helper_then_configured(make_project, debug):
    """The point of `debug`: see the qualified name of a helper the packs do not know, configure
    it, and see the configuration entry classify it."""
    root = make_project(configured_files())
    test = test_by_name(as_data(debug, root, "tests/test_generate.py"), "tests/test_generate.py::test_generate")
    [unknown] = [e for e in calls(test) if e["text"] == "request_generation(course_id)"]
    assert unknown["effect"] == "call" and "`tests.api.request_generation`" in unknown["why"]
    assert unknown["note"] == "followed"  # it has arguments: what it does with them may matter
    assert unknown["depth"] == 1, "inside the helper `start`, which is followed"
    [start] = [e for e in calls(test) if e["text"] == "start(course)"]
    assert start["effect"] == "call" and start["note"] == "followed"

    (root / "pyproject.toml").write_text(
        '[tool.teardown-lint.calls]\nenqueue = ["tests.api.request_generation"]\ndelete = ["tests.helpers.purge"]\n',
        encoding="utf-8")
    data = as_data(debug, root, "tests/test_generate.py")
    test = test_by_name(data, "tests/test_generate.py::test_generate")
    [enqueue] = [e for e in calls(test) if e["text"] == "request_generation(course_id)"]
    assert enqueue["effect"] == "enqueue"
    assert enqueue["rule"]["origin"] == "[tool.teardown-lint.calls]"
    assert (enqueue["rule"]["entry"], enqueue["rule"]["pattern"]) == (1, "tests.api.request_generation")
    assert "[tool.teardown-lint.calls] enqueue[1]" in enqueue["why"]
    phases = [e["title"] for e in test["events"] if e["type"] == "phase"]
    assert phases[-1] == "cleanups registered by fixture `course` (last registered first)"
    [delete] = [e for e in calls(test) if e["effect"] == "delete"]
    assert delete["rule"]["origin"] == "[tool.teardown-lint.calls]" and "TDL001" in delete["note"]
    assert [f["status"] for f in test["findings"]] == ["reported"]


def test_helpers_that_cannot_matter_are_not_followed(make_project, debug):
    files = base_files()
    files["tests/test_courses.py"] = TESTS.replace(
        "def test_upload(course):\n", "def log():\n    print('x')\n\n\ndef test_upload(course):\n    log()\n")
    root = make_project(files)
    test = test_by_name(as_data(debug, root, "tests/test_courses.py"), "tests/test_courses.py::test_upload")
    [log] = [e for e in calls(test) if e["text"] == "log()"]
    assert (log["effect"], log["note"]) == ("call", "not followed: nothing it reaches has an effect")
    assert not [e for e in calls(test) if e["text"].startswith("print(")]


def test_patched_and_inline_work(make_project, debug):
    files = base_files()
    files["tests/test_more.py"] = '''
from unittest import mock

import pytest

from app.tasks import process_document


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


@mock.patch("app.tasks.process_document.delay")
def test_patched(delay):
    process_document.delay(1, "x")


def test_eager(eager):
    process_document.delay(1, "x")
'''
    root = make_project(files)
    data = as_data(debug, root, "tests/test_more.py")
    patched = test_by_name(data, "tests/test_more.py::test_patched")
    [call] = calls(patched)
    assert call["effect"] == "-" and "patched" in call["why"]
    assert any(e["type"] == "note" and "app.tasks.process_document.delay" in e["text"] for e in patched["events"])
    eager = test_by_name(data, "tests/test_more.py::test_eager")
    [enqueue] = [e for e in calls(eager) if e["effect"] == "enqueue"]
    assert "runs inline" in enqueue["note"]


def test_suppressed_and_ignored_findings_say_why(make_project, debug):
    files = base_files()
    files["tests/test_courses.py"] = TESTS.replace("    course.delete()", "    course.delete()  # noqa: TDL001")
    root = make_project(files)
    test = test_by_name(as_data(debug, root, "tests/test_courses.py"), "tests/test_courses.py::test_upload")
    assert [f["status"] for f in test["findings"]] == ["suppressed by `# noqa: TDL001` (line 11)"]
    files = base_files()
    files["pyproject.toml"] = '[tool.teardown-lint.per-file-ignores]\n"tests/*" = ["TDL001"]\n'
    root = make_project(files, name="ignored")
    test = test_by_name(as_data(debug, root, "tests/test_courses.py"), "tests/test_courses.py::test_upload")
    assert [f["status"] for f in test["findings"]] == [
        "not reported: per-file-ignores disable TDL001 for tests/test_courses.py"]


def test_files_that_are_not_test_modules_or_do_not_parse(make_project, debug):
    files = base_files()
    files["tests/test_broken.py"] = "def test_x(:\n"
    root = make_project(files)
    data = as_data(debug, root, "tests")
    by_path = {entry["path"]: entry for entry in data["files"]}
    assert "syntax error" in by_path["tests/test_broken.py"]["error"]
    assert by_path["tests/__init__.py"]["test_module"] is False
    text = debug(root, "tests").stdout
    assert "could not be checked: syntax error" in text
    assert "not a test module" in text


def test_text_output(make_project, debug):
    root = make_project(base_files())
    result = debug(root, "tests/test_courses.py")
    assert result.exit_code == 0
    text = result.stdout
    order = [text.index(words) for words in (
        "tests/test_courses.py::test_upload", "setup of fixture `course`", "test body of `test_upload`",
        "enqueue  process_document.delay", "rules/celery.toml [[enqueue]] #",
        "teardown of fixture `course` (after its yield)", "delete   course.delete()", "reported")]
    assert order == sorted(order)


def test_paths_are_relative_to_the_current_directory(make_project, debug):
    root = make_project(base_files())
    (root / "pyproject.toml").write_text("[tool.teardown-lint]\n", encoding="utf-8")
    data = as_data(debug, root / "tests", "test_courses.py")
    [entry] = data["files"]
    assert entry["path"] == "test_courses.py"
    test = entry["tests"][0]
    assert test["findings"][0]["path"] == "test_courses.py"
    assert {e["path"] for e in calls(test)} == {"test_courses.py"}


def test_usage_errors_exit_2(make_project, debug):
    root = make_project(base_files())
    assert debug(root, "missing.py").exit_code == 2
    assert debug(root).exit_code == 2
    (root / "pyproject.toml").write_text("[tool.teardown-lint]\nbogus = 1\n", encoding="utf-8")
    result = debug(root, "tests/test_courses.py")
    assert result.exit_code == 2 and "unknown key" in result.stderr


# ---- the trace is the checker's own walk -------------------------------------------------------------


def _sample_cases() -> list[Path]:
    """The first hazard and the first safe case of every fixture family."""
    out = []
    for family in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        cases = sorted(p for p in family.iterdir() if p.is_dir())
        for prefix in ("hazard_", "safe_"):
            out += [c for c in cases if c.name.startswith(prefix)][:1]
    return out


@pytest.mark.parametrize("case", _sample_cases(), ids=lambda c: f"{c.parent.name}/{c.name}")
def test_trace_agrees_with_check(case):
    cfg = config_module.load(cwd=case) if (case / "pyproject.toml").exists() else config_module.Config(root=case)
    cfg.root = case.resolve()
    data = explain(cfg, [case.resolve()])
    traced = {(f["path"], f["line"], f["rule"]) for entry in data["files"] for test in entry["tests"]
              for f in test["findings"] if f["status"] == "reported"}
    checked, _ = actual(case)
    assert traced == checked
