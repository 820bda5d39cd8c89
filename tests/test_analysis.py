"""The analysis beyond fixture locations: messages, chains, confidence, the call graph, and
single-file runs that must still read configuration modules."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from conftest import FIXTURES, write_tree
from teardown_lint import config as config_module, packs
from teardown_lint.cli import main
from teardown_lint.discover import list_project
from teardown_lint.engine import read_facts, run
from teardown_lint.graph import CallGraph
from teardown_lint.project import Index, fid


def findings(root: Path):
    cfg = config_module.Config(root=root.resolve())
    return run(cfg, [root.resolve()]).findings


def test_job_chain_finding_names_the_chain_and_asks_for_a_drain():
    (finding,) = findings(FIXTURES / "chains" / "hazard_celery_chain_first_job_waited")
    assert "started by" in finding.message and "does not cover" in finding.message
    assert "drain" in finding.help
    assert any("by job" in r["message"] for r in finding.related())


def test_linked_fixture_value_gives_high_confidence(tmp_path):
    root = write_tree(tmp_path / "p", {
        "app/__init__.py": "",
        "app/tasks.py": """
            from celery import shared_task

            @shared_task
            def index(course_id):
                pass
        """,
        "tests/test_x.py": """
            import pytest
            from app.tasks import index

            @pytest.fixture
            def course():
                course = make_course()
                yield course
                course.delete()

            @pytest.fixture
            def other():
                thing = make_thing()
                yield thing
                thing.delete()

            def test_linked(course):
                index.delay(course.id)

            def test_unlinked(course, other):
                index.delay(42)
        """,
    })
    by_line = {f.loc.line: f for f in findings(root)}
    assert by_line[8].confidence == "high"  # `course` is passed to the job
    assert by_line[14].confidence == "medium"  # `other` is not


def test_message_names_what_is_deleted_and_the_job():
    (finding,) = findings(FIXTURES / "celery" / "hazard_delay_fixture_delete")
    assert finding.message.startswith("teardown deletes `")
    assert "Celery task `" in finding.message
    assert finding.help.startswith("before the delete, wait for the task")


def test_single_file_run_reads_configuration_modules(tmp_path):
    """`CELERY_TASK_ALWAYS_EAGER = True` in a settings module no test imports still applies."""
    files = {
        "pyproject.toml": "[tool.teardown-lint]\n",
        "proj/__init__.py": "",
        "proj/settings.py": "CELERY_TASK_ALWAYS_EAGER = True\n",
        "app/__init__.py": "",
        "app/tasks.py": "from celery import shared_task\n\n@shared_task\ndef index(x):\n    pass\n",
        "tests/test_x.py": """
            import pytest
            from app.tasks import index

            @pytest.fixture
            def course():
                c = make()
                yield c
                c.delete()

            def test_x(course):
                index.delay(course.id)
        """,
    }
    root = write_tree(tmp_path / "eager", files)

    def check_single_file() -> int:
        previous = Path.cwd()
        os.chdir(root)
        try:
            return CliRunner().invoke(main, ["check", "tests/test_x.py", "-f", "json"]).exit_code
        finally:
            os.chdir(previous)

    assert check_single_file() == 0
    (root / "proj/settings.py").write_text("CELERY_TASK_ALWAYS_EAGER = False\n")
    assert check_single_file() == 1


def _index(root: Path) -> Index:
    cfg = config_module.Config(root=root.resolve())
    project = list_project(cfg)
    index = Index(project, packs.load())
    for source in project.files.values():
        index.add(read_facts(source))
    return index


def test_call_graph_marks_helpers_that_can_matter(tmp_path):
    root = write_tree(tmp_path / "g", {
        "helpers.py": """
            def log(message):
                print(message)

            def start(course):
                process.delay(course.id)

            def outer(course):
                log("x")
                start(course)

            def ping(n):
                if n:
                    pong(n - 1)

            def pong(n):
                ping(n)

            def tick(course):
                tock(course)

            def tock(course):
                tick(course)
                start(course)
        """,
    })
    index = _index(root)
    graph = CallGraph(index)
    # answered on demand, the same in any order: the search through a cycle reaches `start`
    functions = sorted(index.functions)
    answers = {f: graph.needs_walk(f) for f in functions}
    backwards = CallGraph(index)
    assert {f: backwards.needs_walk(f) for f in reversed(functions)} == answers
    assert graph.needs_walk(fid("helpers.py", "tick")) and graph.needs_walk(fid("helpers.py", "tock"))
    graph.restore()  # forgets what name resolution told it, not what it can find again
    assert {f: graph.needs_walk(f) for f in functions} == answers
    assert not graph.needs_walk(fid("helpers.py", "log"))
    assert graph.needs_walk(fid("helpers.py", "start"))
    assert graph.needs_walk(fid("helpers.py", "outer"))  # through `start`
    assert fid("helpers.py", "start") in graph.callees(fid("helpers.py", "outer"))
    assert not graph.needs_walk(fid("helpers.py", "ping"))  # a cycle that reaches nothing
    assert not graph.needs_walk(fid("helpers.py", "pong"))


def test_recursive_helpers_terminate_and_still_find_the_hazard():
    found = findings(FIXTURES / "helpers" / "hazard_recursive_purge_helper")
    assert len(found) == 1


def test_monorepo_sub_projects_keep_their_own_imports_and_settings(tmp_path):
    """Two sub-projects with the same `app.tasks` and a settings module each: an eager setting in
    one does not silence the other, and each test's import resolves inside its own sub-project."""
    task = "from celery import shared_task\n\n@shared_task\ndef index(x):\n    pass\n"
    test = """
        import pytest
        from app.tasks import index

        @pytest.fixture
        def course():
            c = make()
            yield c
            c.delete()

        def test_x(course):
            index.delay(course.id)
    """
    root = write_tree(tmp_path / "mono", {
        "eager/pyproject.toml": "[project]\nname = 'eager'\n",
        "eager/settings.py": "CELERY_TASK_ALWAYS_EAGER = True\n",
        "eager/app/tasks.py": task,
        "eager/tests/test_x.py": test,
        "live/pyproject.toml": "[project]\nname = 'live'\n",
        "live/settings.py": "CELERY_TASK_ALWAYS_EAGER = False\n",
        "live/app/tasks.py": task,
        "live/tests/test_x.py": test,
    })
    assert [(f.path, f.loc.line) for f in findings(root)] == [("live/tests/test_x.py", 8)]


def test_message_says_why_an_existing_wait_does_not_cover_the_work():
    (other,) = findings(FIXTURES / "paths" / "hazard_second_handle_not_waited")
    assert "`r1.get(timeout=30)`" in other.message and "waits for other work" in other.message
    assert any(r["message"] == "this wait waits for other work, not this one" for r in other.related())
    (branch,) = findings(FIXTURES / "paths" / "hazard_wait_in_one_branch")
    assert "covers it on some paths only" in branch.message


def test_calling_a_lambda_or_nested_function_value_directly(tmp_path):
    """Regression (seen in Django's own tests): `(lambda: ...)()` crashed the walker."""
    root = write_tree(tmp_path / "lam", {
        "tests/test_x.py": """
            import shutil
            import threading

            def test_x(tmp_path):
                (lambda: 1)()
                start = lambda: threading.Thread(target=print).start()
                start()
                try:
                    pass
                finally:
                    shutil.rmtree(tmp_path)
        """,
    })
    (finding,) = findings(root)
    assert finding.loc.line == 11


def test_an_internal_error_in_one_test_is_reported_and_the_rest_is_checked(tmp_path, monkeypatch):
    from teardown_lint import check

    root = write_tree(tmp_path / "boom", {
        "tests/test_a.py": "import shutil, threading\n\ndef test_a(tmp_path):\n    try:\n        threading.Thread(target=print).start()\n    finally:\n        shutil.rmtree(tmp_path)\n",
        "tests/test_b.py": "def test_b():\n    pass\n",
    })
    original = check.Checker.run

    def run(self, lc):
        if lc.node_id.endswith("test_b"):
            raise RuntimeError("boom")
        return original(self, lc)

    monkeypatch.setattr(check.Checker, "run", run)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", "-f", "json"])
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert [f["path"] for f in payload["findings"]] == ["tests/test_a.py"]
    assert payload["errors"][0]["path"] == "tests/test_b.py" and "boom" in payload["errors"][0]["message"]


def test_incident_finding_shows_the_chained_stage_3_job():
    """`queue.add("DOCUMENT_PROCESSING", …)` is processed by `handle_document_processing`, which
    chains STAGE_3_SUMMARIZATION: the finding points at that second job too."""
    first, second = findings(FIXTURES / "incident" / "hazard_t055_full_pipeline")
    for finding in (first, second):
        assert "`DOCUMENT_PROCESSING`" in finding.message
        chained = [r for r in finding.related() if "by job `DOCUMENT_PROCESSING`" in r["message"]]
        assert [(r["path"], r["line"]) for r in chained] == [("src/orchestrator/handlers/document_processing.py", 21)]
