"""`teardown-lint fix`: golden before/after files, and the guarantees the fixer makes.

Golden files live next to the file they fix, inside the hazard case: `tests/test_x.py.fixed` is what
`fix` (strategy wait) makes of `tests/test_x.py`, `tests/test_x.py.cancel.fixed` what `fix
--strategy cancel` makes of it. Run with TEARDOWN_LINT_UPDATE_GOLDEN=1 to rewrite them (then review
the diff).
"""

from __future__ import annotations

import ast
import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import CELERY_TASKS, FIXTURES, RULES
from teardown_lint import config as config_module
from teardown_lint import fixer, fixes, packs

UPDATE = bool(os.environ.get("TEARDOWN_LINT_UPDATE_GOLDEN"))

# (case, strategy): every library family with a fix template, and every insertion point
GOLDEN = [
    ("celery/hazard_delay_fixture_delete", "wait"),  # end of the test, result bound
    ("celery/hazard_delay_fixture_delete", "cancel"),
    ("celery/hazard_chord_unittest_teardown", "wait"),  # unittest tearDown
    ("rq/hazard_enqueue_no_drain", "wait"),  # a queue drain, import added
    ("rq/hazard_drain_in_one_branch", "wait"),  # before the delete, in the same fixture
    ("dramatiq/hazard_send_no_join", "wait"),
    ("arq/hazard_enqueue_job_no_result", "wait"),  # async
    ("huey/hazard_task_call_no_get", "wait"),
    ("taskiq/hazard_kiq_no_wait", "wait"),
    ("bullmq/hazard_add_no_wait", "wait"),  # a deadline-bounded poll
    ("incident/hazard_t055_full_pipeline", "wait"),
    ("asyncio/hazard_create_task_never_awaited", "wait"),
    ("asyncio/hazard_create_task_never_awaited", "cancel"),  # cancel, then await it
    ("asyncio/hazard_gather_misses_one_task", "wait"),
    ("threading/hazard_join_in_one_branch", "wait"),
    ("threading/hazard_addcleanup_lifo_order", "wait"),  # addCleanup: a cleanup registered after it
    ("pytest_fixtures/hazard_addfinalizer_wait_registered_first", "wait"),  # addfinalizer
    ("filesystem/hazard_temporary_directory_with_exit", "wait"),  # the end of a deleting with-block
    ("futures/hazard_rmtree_before_shutdown", "wait"),
    ("futures/hazard_shutdown_wait_false", "wait"),  # in a loop: the end of the loop body
    ("multiprocessing/hazard_process_not_joined", "wait"),
    ("subprocess/hazard_popen_never_waited", "wait"),
    ("subprocess/hazard_helper_starts_popen", "wait"),  # a test helper returning the handle
    ("redis/hazard_flushdb_autouse_fixture", "wait"),
    ("finally/hazard_finally_delete_without_wait", "wait"),  # the test's finally:
    ("unittest/hazard_async_teardown", "wait"),
    ("xunit/hazard_teardown_method", "wait"),
    ("async_fixtures/hazard_pytest_asyncio_yield_fixture", "wait"),
    ("helpers/hazard_cross_module_helpers", "wait"),
    ("pytest_fixtures/hazard_fixture_comprehension_results", "wait"),  # a list of handles
    ("configured/hazard_fix_project_helper", "wait"),  # the project's own drain helper
]


def _config(root: Path) -> config_module.Config:
    cfg = config_module.load(cwd=root) if (root / "pyproject.toml").exists() else config_module.Config(root=root)
    cfg.root = root.resolve()
    return cfg


def _copy(case: Path, tmp_path: Path) -> Path:
    root = tmp_path / case.name
    shutil.copytree(case, root, ignore=shutil.ignore_patterns("*.fixed"))
    return root


def _suffix(strategy: str) -> str:
    return ".fixed" if strategy == "wait" else f".{strategy}.fixed"


def _golden_files(case: Path, strategy: str) -> dict[str, Path]:
    suffix = _suffix(strategy)
    out = {}
    for path in case.rglob(f"*{suffix}"):
        if strategy == "wait" and path.name.endswith(".cancel.fixed"):
            continue
        out[path.relative_to(case).as_posix()[: -len(suffix)]] = path
    return out


@pytest.mark.parametrize("name,strategy", GOLDEN, ids=[f"{n}[{s}]" for n, s in GOLDEN])
def test_golden(name, strategy, tmp_path, monkeypatch):
    case = FIXTURES / name
    root = _copy(case, tmp_path)
    monkeypatch.chdir(root)
    cfg = _config(root)
    outcome = fixer.fix(cfg, [root], strategy)
    assert outcome.before.findings, "a golden case must have findings to fix"
    assert not outcome.unfixed, outcome.unfixed
    assert outcome.after.findings == [], [f.message for f in outcome.after.findings]
    changed = {path: (root / path).read_bytes() for path in outcome.changed}
    if UPDATE:
        for stale in _golden_files(case, strategy).values():
            stale.unlink()
        for path, data in changed.items():
            (case / (path + _suffix(strategy))).write_bytes(data)
        pytest.skip("golden files written")
    golden = _golden_files(case, strategy)
    assert set(changed) == set(golden), "the files the fix changed differ from the golden files"
    for path, data in changed.items():
        assert data.decode() == golden[path].read_text(encoding="utf-8"), path
        ast.parse(data)
    # a second run changes nothing
    again = fixer.fix(cfg, [root], strategy)
    assert not again.changed and not again.before.findings


def test_golden_cases_are_hazards_with_expectations():
    for name, _ in GOLDEN:
        case = FIXTURES / name
        assert case.name.startswith("hazard_") and case.is_dir(), name


FAMILIES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and any(p.glob("hazard_*")))


@pytest.mark.parametrize("family", FAMILIES)
def test_fix_never_breaks_and_is_idempotent(family, tmp_path):
    """Over every hazard case: each file still parses, nothing new is reported, and a second `fix`
    is a no-op. What is left unfixed is reported with a reason."""
    for case in sorted((FIXTURES / family).glob("hazard_*")):
        root = _copy(case, tmp_path)
        cfg = _config(root)
        first = fixer.fix(cfg, [root])
        for path in root.rglob("*.py"):
            ast.parse(path.read_bytes(), filename=str(path))
        before = {fixer._identity(f) for f in first.before.findings}
        after = {fixer._identity(f) for f in first.after.findings}
        assert after <= before, f"{case.name}: the fix made new findings appear: {after - before}"
        assert len(first.fixed) + len({fixer._identity(f) for f, _ in first.unfixed}) >= len(before), case.name
        assert all(reason for _, reason in first.unfixed)
        second = fixer.fix(cfg, [root])
        assert not second.changed, f"{case.name}: a second fix changed {sorted(second.changed)}"
        shutil.rmtree(root)


# ---- guarantees --------------------------------------------------------------------------------


def _hazard(make_project, test_source: str, conftest: str | None = None, extra: dict | None = None):
    files = {
        "app/__init__.py": "",
        "app/tasks.py": CELERY_TASKS,
        "tests/__init__.py": "",
        "tests/conftest.py": conftest or """
            import pytest

            from app.models import Course


            @pytest.fixture
            def course():
                course = Course.objects.create(title="Biology")
                yield course
                course.delete()
        """,
        "tests/test_docs.py": test_source,
        **(extra or {}),
    }
    return make_project(files)


def test_formatting_and_comments_are_kept(make_project, run):
    source = (
        "from app.tasks import process_document\n"
        "\n"
        "\n"
        "def test_queue(course):   # the test\n"
        "  # enqueue it\n"
        "  process_document.delay(course.id,   'a.pdf')  # trailing comment\n"
        "\n"
        "  assert  course.id  # odd spacing\n"
    )
    root = _hazard(make_project, "")
    (root / "tests/test_docs.py").write_text(source)
    assert run(root, "fix").exit_code == 0
    assert (root / "tests/test_docs.py").read_text() == (
        "from app.tasks import process_document\n"
        "\n"
        "\n"
        "def test_queue(course):   # the test\n"
        "  # enqueue it\n"
        "  result = process_document.delay(course.id,   'a.pdf')  # trailing comment\n"
        "\n"
        "  assert  course.id  # odd spacing\n"
        "  result.get(timeout=30, propagate=False)\n"
    )


def test_imports_are_added_once(make_project, run):
    root = make_project({
        "tests/test_tasks.py": """
            import asyncio
            import shutil

            import pytest


            async def crunch(path):
                await asyncio.sleep(1)


            @pytest.fixture
            def workdir(tmp_path):
                path = tmp_path / "w"
                path.mkdir()
                yield path
                shutil.rmtree(path)


            async def test_one(workdir):
                asyncio.create_task(crunch(workdir))


            async def test_two(workdir):
                asyncio.create_task(crunch(workdir))
        """,
    })
    result = run(root, "fix", "--strategy", "cancel")
    assert result.exit_code == 0, result.output
    text = (root / "tests/test_tasks.py").read_text()
    assert text.count("import asyncio") == 1
    assert text.count("import contextlib") == 1
    assert text.count("task.cancel()") == 2
    ast.parse(text)


def test_diff_writes_nothing(make_project, run):
    root = _hazard(make_project, """
        from app.tasks import process_document


        def test_queue(course):
            process_document.delay(course.id, "a.pdf")
    """)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    result = run(root, "fix", "--diff")
    assert result.exit_code == 1, result.output  # there is something to fix, as `ruff --diff`
    assert "+    result = process_document.delay(course.id, \"a.pdf\")" in result.output
    assert "+    result.get(timeout=30, propagate=False)" in result.output
    assert "--- a/tests/test_docs.py" in result.output
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
    assert "Would fix 1 finding in 1 file." in result.output


def test_exit_codes(make_project, run, tmp_path):
    root = _hazard(make_project, """
        from app.tasks import process_document


        def test_queue(course):
            process_document.delay(course.id, "a.pdf")
    """)
    assert run(root, "fix").exit_code == 0  # fixed: nothing left
    assert run(root, "fix").exit_code == 0
    assert run(root, "fix", "no/such/dir").exit_code == 2
    assert run(root, "fix", "--strategy", "drain").exit_code == 2
    (root / "pyproject.toml").write_text('[tool.teardown-lint.fix]\nstrategy = "later"\n')
    result = run(root, "fix")
    assert result.exit_code == 2 and "strategy" in result.output


def test_unfixable_finding_is_reported_and_files_untouched(make_project, run):
    """A chained job is out of the test's reach: exit 1, a reason, and no file written."""
    root = make_project({
        "app/__init__.py": "",
        "app/tasks.py": """
            from celery import shared_task


            @shared_task
            def summarize(course_id):
                return course_id


            @shared_task
            def process_document(course_id):
                summarize.delay(course_id)
        """,
        "tests/test_chain.py": """
            import pytest

            from app.models import Course
            from app.tasks import process_document


            @pytest.fixture
            def course():
                course = Course.objects.create(title="Biology")
                yield course
                course.delete()


            def test_chain(course):
                result = process_document.delay(course.id)
                result.get(timeout=10)
        """,
    })
    before = {p: p.read_bytes() for p in root.rglob("*.py")}
    result = run(root, "fix")
    assert result.exit_code == 1
    assert "not fixed: tests/test_chain.py:11:5: TDL001" in result.output
    assert "started by the job `process_document`" in result.output
    assert {p: p.read_bytes() for p in root.rglob("*.py")} == before


def test_a_fix_that_does_not_hold_is_not_written(make_project, run, monkeypatch):
    """Re-lint before writing: a template that waits for nothing leaves the finding, so no edit."""
    root = _hazard(make_project, """
        from app.tasks import process_document


        def test_queue(course):
            process_document.delay(course.id, "a.pdf")
    """)
    monkeypatch.setattr(fixes, "_fill", lambda template, values: "print('waiting')")
    before = (root / "tests/test_docs.py").read_bytes()
    result = run(root, "fix")
    assert result.exit_code == 1
    assert "after the fix, the re-lint still reports" in result.output
    assert (root / "tests/test_docs.py").read_bytes() == before


def test_a_fix_that_would_not_parse_is_not_written(make_project, run, monkeypatch):
    root = _hazard(make_project, """
        from app.tasks import process_document


        def test_queue(course):
            process_document.delay(course.id, "a.pdf")
    """)
    real = fixes._statements
    monkeypatch.setattr(fixes, "_statements", lambda code: real("x = (1 +\n   2)") if "get(" in code else real(code))
    monkeypatch.setattr(fixer, "_parses", lambda source: b"x = (1" not in source)
    before = (root / "tests/test_docs.py").read_bytes()
    result = run(root, "fix")
    assert result.exit_code == 1
    assert "would not parse" in result.output
    assert (root / "tests/test_docs.py").read_bytes() == before


def test_encoding_bom_and_line_endings_are_kept(make_project, run):
    root = _hazard(make_project, "")
    source = (
        "# -*- coding: latin-1 -*-\r\n"
        "from app.tasks import process_document\r\n"
        "\r\n"
        "\r\n"
        "def test_queue(course):\r\n"
        "    process_document.delay(course.id, 'caf\xe9.pdf')\r\n"
    ).encode("latin-1")
    (root / "tests/test_docs.py").write_bytes(source)
    bom = "\ufefffrom app.tasks import process_document\r\n\r\n\r\ndef test_other(course):\r\n    process_document.delay(course.id, 'b.pdf')\r\n"
    (root / "tests/test_bom.py").write_bytes(bom.encode("utf-8"))
    assert run(root, "fix").exit_code == 0
    fixed = (root / "tests/test_docs.py").read_bytes()
    assert b"caf\xe9.pdf" in fixed  # still latin-1
    assert fixed.count(b"\r\n") == fixed.count(b"\n") == 7
    assert b"    result.get(timeout=30, propagate=False)\r\n" in fixed
    fixed_bom = (root / "tests/test_bom.py").read_bytes()
    assert fixed_bom.startswith(b"\xef\xbb\xbf") and fixed_bom.count(b"\xef\xbb\xbf") == 1
    assert fixed_bom.count(b"\r\n") == fixed_bom.count(b"\n")


def test_writes_are_atomic(tmp_path, monkeypatch):
    target = tmp_path / "test_x.py"
    target.write_bytes(b"old\n")
    os.chmod(target, 0o640)
    fixer.write_atomic(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert (target.stat().st_mode & 0o777) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["test_x.py"]

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        fixer.write_atomic(target, b"newer\n")
    assert target.read_bytes() == b"new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["test_x.py"]  # the temporary file is gone


def test_check_fix_and_json_fix_field(make_project, run):
    root = _hazard(make_project, """
        from app.tasks import process_document


        def test_queue(course):
            process_document.delay(course.id, "a.pdf")
    """)
    result = run(root, "check", "--output-format", "json")
    assert result.exit_code == 1
    finding = json.loads(result.output)["findings"][0]
    fix = finding["fix"]
    assert fix["applicability"] == "unsafe"
    assert fix["message"].startswith("wait for the Celery task at the end of the test")
    assert {"path": "tests/test_docs.py", "line": 5, "column": 1, "end_line": 6, "end_column": 1,
            "content": '    result = process_document.delay(course.id, "a.pdf")\n    result.get(timeout=30, propagate=False)\n'} in fix["edits"]
    full = run(root, "check")
    assert "= fix (unsafe): wait for the Celery task at the end of the test" in full.output
    assert "+     result.get(timeout=30, propagate=False)" in full.output
    fixed = run(root, "check", "--fix")
    assert fixed.exit_code == 0, fixed.output
    assert "Fixed 1 finding in 1 file." in fixed.output
    assert run(root, "check").exit_code == 0


def test_timeout_and_project_helper_from_configuration(make_project, run):
    root = _hazard(make_project, """
        from app.tasks import process_document


        def test_queue(course):
            process_document.delay(course.id, "a.pdf")
    """, extra={
        "pyproject.toml": '[tool.teardown-lint.fix]\ntimeout = 5\n',
    })
    assert run(root, "fix", "--diff").output.count("result.get(timeout=5, propagate=False)") == 1
    (root / "pyproject.toml").write_text('[tool.teardown-lint.fix]\nwait = "tests.helpers.drain_all"\n')
    (root / "tests/helpers.py").write_text("async def drain_all():\n    pass\n")
    result = run(root, "fix", "--diff")
    # the helper is async, the fixture teardown is not: nothing can be written there
    assert "must be awaited" in result.output
    (root / "tests/helpers.py").write_text("def drain_all():\n    pass\n")
    result = run(root, "fix")
    assert result.exit_code == 0, result.output
    conftest = (root / "tests/conftest.py").read_text()
    assert "from tests.helpers import drain_all\n" in conftest
    assert "    drain_all()\n    course.delete()" in conftest


def test_pack_fix_tables_are_validated(tmp_path):
    for pack in RULES.glob("*.toml"):
        shutil.copy(pack, tmp_path / pack.name)
    (tmp_path / "extra.toml").write_text('[pack]\nname = "x"\n[fix]\nwiat = "{handle}.join()"\n')
    with pytest.raises(packs.PackError, match="wiat"):
        packs.load(directory=tmp_path)
    (tmp_path / "extra.toml").write_text('[pack]\nname = "x"\n[[wait]]\ncalls = ["x.y"]\nfix = { wait = "z" }\n')
    with pytest.raises(packs.PackError, match="only"):
        packs.load(directory=tmp_path)


def test_every_enqueue_family_with_a_hint_has_a_wait_template():
    """A family the packs tell users how to wait for must also say how `fix` writes it (a template,
    or an explicit empty one where there is no handle to wait on)."""
    # anyio/trio: the fix is to start the work inside the task group, a restructuring, not a wait
    exempt = {"anyio"}
    knowledge = packs.load()
    missing = set()
    for rules in (*knowledge.exact.values(), *knowledge.globs.values()):
        for rule in rules:
            if rule.effect == "enqueue" and rule.hint and rule.family not in exempt:
                if rule.fix_template("wait") is None:
                    missing.add(rule.family)
    assert not missing, missing


def test_a_chained_job_on_a_module_level_queue_is_drained_before_the_delete(make_project, run):
    """The child job is out of the test's reach, but the queue it goes to is a global of the job
    module: the fix imports it and drains it before the delete, once, outside the delete's loop."""
    root = make_project({
        "app/__init__.py": "",
        "app/jobs.py": """
            from redis import Redis
            from rq import Queue

            default_queue = Queue("default", connection=Redis())


            def notify_owner(account_id):
                return account_id


            def post_transaction(account_id):
                default_queue.enqueue(notify_owner, account_id)
        """,
        "tests/__init__.py": "",
        "tests/conftest.py": """
            import pytest
            from redis import Redis


            @pytest.fixture
            def redis_conn():
                conn = Redis()
                yield conn
                for key in conn.scan_iter("ledger:*"):
                    conn.delete(key)
        """,
        "tests/test_ledger.py": """
            from rq import Queue

            from app.jobs import post_transaction


            def test_post(redis_conn):
                queue = Queue("default", connection=redis_conn)
                job = queue.enqueue(post_transaction, 7)
                job.latest_result(timeout=10)
        """,
    })
    assert run(root, "check").exit_code == 1
    result = run(root, "fix")
    assert result.exit_code == 0, result.output
    conftest = (root / "tests/conftest.py").read_text()
    assert "from app.jobs import default_queue\n" in conftest
    assert conftest.count("SimpleWorker([default_queue], connection=default_queue.connection).work(burst=True)") == 1
    assert conftest.index("SimpleWorker([default_queue]") < conftest.index("for key in conn.scan_iter")


def test_only_tdl001_is_fixed(make_project, run):
    """An unused suppression (TDL100) is reported, never planned as a TDL001 fix."""
    root = _hazard(make_project, """
        from app.tasks import process_document


        def test_queue(course):
            process_document.delay(course.id, "a.pdf")
            assert course.id  # noqa: TDL001
    """)
    (root / "pyproject.toml").write_text('[tool.teardown-lint]\nextend-select = ["TDL100"]\n')
    result = run(root, "fix")
    assert result.exit_code == 1, result.output  # the TDL100 finding is left
    assert "Fixed 1 finding in 1 file." in result.output
    assert "not fixed" not in result.output
    check = run(root, "check", "-f", "json")
    left = json.loads(check.output)["findings"]
    assert [f["rule"] for f in left] == ["TDL100"] and left[0]["fix"] is None


# ---- the tree fixes are planned on -----------------------------------------------------------------


def _sample_sources() -> list[Path]:
    """Every seventh fixture file, and the incident's (the largest)."""
    paths = sorted(FIXTURES.rglob("*.py"))
    return sorted(set(paths[::7]) | set((FIXTURES / "incident").rglob("*.py")))


def test_the_tree_has_libcst_own_parents_and_positions():
    """`fixes.Tree` computes parents and positions without libcst's MetadataWrapper (about 10x
    faster for parents, and positions region by region); they must be exactly what the
    wrapper's providers give."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

    checked = 0
    for path in _sample_sources():
        try:
            tree = fixes.Tree(str(path), path.read_bytes())
        except cst.ParserSyntaxError:
            continue
        wrapper = MetadataWrapper(tree.module, unsafe_skip_copy=True)
        assert tree.parents == dict(wrapper.resolve(ParentNodeProvider)), path
        full = dict(wrapper.resolve(PositionProvider))
        # positions are computed a region (a statement of the module or of a class) at a time:
        # asking where a node starts computes only its region, and gives what the whole file gives
        for node, where in full.items():
            if isinstance(node, (cst.BaseSmallStatement, cst.BaseCompoundStatement, cst.Call, cst.Name)):
                kind = type(node)
                expected = max((n for n in full if isinstance(n, kind) and full[n].start == where.start),
                               key=lambda n: (full[n].end.line, full[n].end.column))
                assert tree.node_at(where.start.line, where.start.column + 1, kind) is expected, (path, node)
        assert {node: tree.positions[node] for node in tree.parents} == {
            node: full[node] for node in tree.parents}, path
        checked += 1
    assert checked > 100


def test_rendering_an_insertion_deep_in_a_file_changes_nothing_else():
    """Rendering descends only along the path to the anchors: an insertion in the last method of
    a class still lands in place, with its indentation, and every other line is untouched."""
    import libcst as cst

    source = (
        "import os\n\n\nclass TestA:\n    def test_one(self):\n        os.getcwd()\n\n"
        "    def test_two(self):\n        x = 1\n        if x:\n            os.remove('f')  # delete\n"
    )
    tree = fixes.Tree("t.py", source.encode())
    anchor = next(node for node in tree.parents if isinstance(node, cst.SimpleStatementLine)
                  and "remove" in tree.code(node))
    plan = fixes.Plan("wait")
    plan.insert("before", tree.path, anchor, "job.join(timeout=30)")
    assert fixes.render(tree, [plan]).decode() == source.replace(
        "            os.remove", "            job.join(timeout=30)\n            os.remove")


def test_a_receiver_the_deleting_fixture_rebinds_is_waited_for_in_the_test(tmp_path, run):
    """The dramatiq fix names the actor (`{receiver}.broker.join(...)`). In the fixture that
    deletes, it goes before the delete; when that fixture binds the same name itself, the name
    there is another object, so the wait goes at the end of the test, where it is the actor."""
    waits = {}
    for rebinds in (False, True):
        root = tmp_path / f"rebinds_{rebinds}"
        shutil.copytree(FIXTURES / "dramatiq/hazard_send_no_join", root, ignore=shutil.ignore_patterns("*.fixed"))
        test = root / "tests/test_resize.py"
        if rebinds:
            text = test.read_text()
            marker = '    path = Path(tempfile.mkdtemp(prefix="media-"))\n'
            assert marker in text
            test.write_text(text.replace(marker, marker + "    resize_image = None  # a local of the same name\n"))
        result = run(root, "fix")
        assert result.exit_code == 0, result.output
        tree = ast.parse(test.read_text())
        waits[rebinds] = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)
                          and "resize_image.broker.join" in ast.unparse(node)]
    assert waits == {False: ["media_dir"], True: ["test_upload_triggers_resize"]}
