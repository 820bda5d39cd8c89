"""Speed and scale (issue 5): `--jobs` gives the same output as one process, the cache of facts and
analyses is invisible except in time (and follows every change), and a run on one file reads only
what that file needs."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, package_env
from teardown_lint import cache as cache_module, heap
from teardown_lint import config as config_module, engine, parallel
from teardown_lint.extract import extract

TASKS = '''
from celery import shared_task


@shared_task
def process_document(course_id, name):
    return name
'''

HELPERS = '''
def cleanup(course):
    course.delete()
'''

CONFTEST = '''
import pytest

from app.models import Course
from tests.helpers import cleanup


@pytest.fixture
def course(db):
    course = Course.objects.create(title="Intro")
    yield course
    cleanup(course)
'''

TEST_MODULE = '''
import pytest

from app.models import Course
from app.tasks import process_document


@pytest.fixture
def own_course(db):
    course = Course.objects.create(title="Own")
    yield course
    course.delete()


def test_upload_{n}(own_course):
    process_document.delay(own_course.id, "syllabus-{n}.pdf")


def test_shared_{n}(course):
    process_document.delay(course.id, "shared-{n}.pdf")


def test_safe_{n}(course):
    process_document.delay(course.id, "other-{n}.pdf").get(timeout=10)
'''


def project_files(modules: int = 3) -> dict[str, str]:
    files = {
        "pyproject.toml": "[tool.teardown-lint]\n",
        "app/__init__.py": "",
        "app/tasks.py": TASKS,
        "app/models.py": "class Course:\n    objects = None\n",
        "tests/__init__.py": "",
        "tests/helpers.py": HELPERS,
        "tests/conftest.py": CONFTEST,
    }
    for n in range(modules):
        files[f"tests/test_upload_{n:02d}.py"] = TEST_MODULE.format(n=n)
    return files


def python_files(files: dict[str, str]) -> int:
    return len([path for path in files if path.endswith(".py")])


def found(output: str) -> int:
    """The number of findings a `full` or `concise` report announces."""
    last = output.strip().splitlines()[-1]
    return int(last.split()[1]) if last.startswith("Found") else 0


pytestmark = pytest.mark.usefixtures("no_color")


@pytest.fixture
def cli_run(run):
    """`cli_run(root, *args)`: `check` in-process (conftest's `run`), with `root` as the cwd."""
    return lambda root, *args: run(root, "check", *args)


@pytest.fixture
def pools(monkeypatch):
    """Worker pools the engine starts: a list of their sizes (the pools still work)."""
    started: list[int] = []
    real = parallel.ProcessPoolExecutor

    class Counting(real):
        def __init__(self, max_workers=None, **kwargs):
            started.append(max_workers)
            super().__init__(max_workers=max_workers, **kwargs)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Counting)
    return started


@pytest.fixture
def extracted(monkeypatch):
    """Paths extracted in this process (a worker's extractions are not seen)."""
    seen: list[str] = []

    def counting(source, path, module, is_package=False):
        seen.append(path)
        return extract(source, path, module, is_package)

    monkeypatch.setattr(parallel, "extract", counting)
    return seen


def snapshot(result: engine.Result) -> dict:
    """Everything a reporter can show of a result."""
    return {
        "findings": [f.to_json() for f in result.findings],
        "errors": result.errors,
        "tests": result.tests,
        "files_checked": result.files_checked,
        "checked": result.checked,
        "suppressed": result.suppressed,
        "sources": result.sources,
    }


def test_preparing_fixes_imports_libcst_only_for_a_finding_with_a_fix():
    """What `check` runs on an idle CPU while workers check (`suggestions.prepare`)."""
    script = ("import sys\nfrom types import SimpleNamespace as F\nfrom teardown_lint import suggestions\n"
              "suggestions.prepare([F(rule='TDL100')])\nprint('libcst' in sys.modules)\n"
              "suggestions.prepare([F(rule='TDL100'), F(rule='TDL001')])\nprint('libcst' in sys.modules)\n")
    run = subprocess.run([sys.executable, "-c", script], env=package_env(), capture_output=True, text=True,
                         timeout=120)
    assert run.stdout.split() == ["False", "True"], run.stderr


# ---- --jobs --------------------------------------------------------------------------------------


def test_every_fixture_gives_the_same_result_with_any_number_of_jobs(monkeypatch, pools):
    """The whole fixture corpus as one project: many cross-file cases, every kind of finding.
    Thresholds are lowered so that both pools really run even for the small waves."""
    monkeypatch.setattr(parallel, "POOL_MIN_BYTES", 1)
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 1)
    monkeypatch.setattr(parallel, "CHECK_MIN_BATCHES", 1)
    cfg = config_module.Config(root=FIXTURES.resolve())
    one = engine.run(cfg, [FIXTURES.resolve()], jobs=1)
    assert pools == [], "one job never starts a pool"
    assert len(one.findings) > 50, "the corpus has findings to compare"
    for jobs in (2, 3):
        pools.clear()
        other = engine.run(cfg, [FIXTURES.resolve()], jobs=jobs)
        assert pools == [jobs - 1, jobs], "extraction: this process and jobs - 1 workers; checks: jobs workers"
        assert snapshot(other) == snapshot(one)


_RELEASE = Path()  # set by the test below; forked workers inherit it
_PARENT = os.getpid()
_CHECK_BATCH = parallel._check_batch


def _held_until_released(linked, batch):
    """One file's check, in a worker, waits until `when_idle` has run in the parent (or 60 s)."""
    if batch[0].endswith("/test_scans.py") and os.getpid() != _PARENT:
        waited = 0.0
        while not _RELEASE.exists() and waited < 60:
            time.sleep(0.01)
            waited += 0.01
        (_RELEASE.parent / "outcome").write_text("released" if _RELEASE.exists() else "timed out")
    return _CHECK_BATCH(linked, batch)


def test_when_idle_runs_here_while_a_worker_still_checks(monkeypatch, pools, tmp_path):
    """`when_idle` (the CLI imports libcst with it) runs once, in this process, as soon as a
    worker has nothing left to take: here while the other still checks one held file. It gets
    the findings merged so far; one job never calls it, and the result does not change."""
    monkeypatch.setattr(parallel, "CHECK_MIN_BATCHES", 1)
    root = (FIXTURES / "celery").resolve()
    cfg = config_module.Config(root=root)
    assert len([p for p in root.rglob("test_scans.py")]) == 1
    calls = []
    one = engine.run(cfg, [root], jobs=1, when_idle=calls.append)
    assert calls == []
    monkeypatch.setattr(sys.modules[__name__], "_RELEASE", tmp_path / "released")
    monkeypatch.setattr(parallel, "_check_batch", _held_until_released)
    parent = os.getpid()

    def when_idle(found):
        calls.append((os.getpid(), [(f.rule, f.path, f.loc) for f in found]))
        _RELEASE.write_text("")

    two = engine.run(cfg, [root], jobs=2, when_idle=when_idle)
    assert (tmp_path / "outcome").read_text() == "released"
    assert len(calls) == 1 and calls[0][0] == parent
    assert set(calls[0][1]) <= {(f.rule, f.path, f.loc) for f in two.findings}
    assert snapshot(two) == snapshot(one)


def test_cli_output_is_identical_for_every_jobs_value(make_project, cli_run, pools):
    """With the real thresholds: a project big enough for both pools."""
    files = project_files(modules=40)
    for path in files:
        if "/test_upload_" in path:  # 40 modules of 4 KB: enough source to share the extraction
            files[path] = f'"""{"Filler text of a long module docstring. " * 100}"""\n' + files[path].lstrip()
    assert sum(len(text) for text in files.values()) > parallel.POOL_MIN_BYTES
    root = make_project(files)
    outputs = {}
    for jobs in ("1", "2", "4"):
        result = cli_run(root, "--no-cache", "--jobs", jobs)
        outputs[jobs] = (result.exit_code, result.output)
    assert outputs["1"][0] == 1
    assert found(outputs["1"][1]) == 41  # each module's own fixture, and the conftest.py's
    assert outputs["2"] == outputs["1"] and outputs["4"] == outputs["1"]
    assert pools == [1, 2, 2, 3, 4, 4], "extraction, checks, and fix planning (over 64 jobs in 41 files)"


def _big_test_file(make_project, more: int) -> Path:
    """A project whose one test module, `tests/test_big.py`, has 3 + `more` tests."""
    files = project_files(modules=1)
    module = files.pop("tests/test_upload_00.py")
    files["tests/test_big.py"] = module + "".join(
        f"\n\ndef test_more_{n}(own_course):\n    process_document.delay(own_course.id, 'more-{n}.pdf')\n"
        for n in range(more))
    return make_project(files).resolve()


def test_a_file_with_many_tests_is_checked_in_parts_by_several_processes(make_project, monkeypatch, pools):
    """One big test file is cut into parts of `BATCH_TESTS` tests, enough for the pool: the
    findings, test counts and progress are those of one process checking it whole."""
    monkeypatch.setattr(parallel, "BATCH_TESTS", 2)
    root = _big_test_file(make_project, 40)
    cfg = config_module.Config(root=root)
    target = [root / "tests/test_big.py"]
    seen = []
    one = engine.run(cfg, target, jobs=1, progress=lambda *args: seen.append(args))
    assert pools == [] and one.tests == 43 and len(one.findings) == 2
    assert [args for args in seen if args[0] == "check"] == [("check", 1, 1)]
    two = engine.run(cfg, target, jobs=2)
    assert pools == [2], "22 parts of one file: the checking pool starts"
    assert snapshot(two) == snapshot(one)


def test_each_part_of_a_file_builds_only_its_own_lifecycles(make_project, monkeypatch):
    """A file in parts is listed by every part, but each test's lifecycle (fixtures resolved,
    setup and teardown found) is built once, by the part that checks it: building all of them
    in every part made a fifth of sqlalchemy's check phase 20% slower."""
    monkeypatch.setattr(parallel, "BATCH_TESTS", 4)
    root = _big_test_file(make_project, 20)
    built = []
    real = parallel.Builder.lifecycle

    def counting(self, facts, function, *rest):
        built.append(function.name)
        return real(self, facts, function, *rest)

    monkeypatch.setattr(parallel.Builder, "lifecycle", counting)
    result = engine.run(config_module.Config(root=root), [root / "tests/test_big.py"], jobs=1)
    assert result.tests == 23 and len(built) == 23 and len(set(built)) == 23


def test_a_test_whose_lifecycle_cannot_be_built_is_an_internal_error_of_that_test(make_project, monkeypatch):
    root = make_project(project_files(modules=2)).resolve()
    real = parallel.Builder.lifecycle

    def failing(self, facts, function, *rest):
        if facts.path == "tests/test_upload_01.py":
            raise RuntimeError("boom")
        return real(self, facts, function, *rest)

    monkeypatch.setattr(parallel.Builder, "lifecycle", failing)
    result = engine.run(config_module.Config(root=root), [root], jobs=1)
    assert len(result.errors) == result.internal_errors >= 2, "one per test of the file"
    assert {e["path"] for e in result.errors} == {"tests/test_upload_01.py"}
    assert len({e["message"] for e in result.errors}) == len(result.errors)
    assert all(e["message"].startswith("internal error in tests/test_upload_01.py::") for e in result.errors)
    assert "tests/test_upload_00.py" in {f.path for f in result.findings}, "the other files are checked"


def _checked_here_slowly(monkeypatch) -> list[str]:
    """The files this process checks itself (not its workers), each made to take 0.05 s more."""
    checked_here: list[str] = []
    real = parallel._check_batch

    def recording(linked, batch, _pid=os.getpid()):
        if os.getpid() == _pid:
            checked_here.append(batch[0])
            time.sleep(0.05)
        return real(linked, batch)

    monkeypatch.setattr(parallel, "_check_batch", recording)
    return checked_here


def test_a_small_run_that_turns_out_slow_hands_the_rest_to_workers(make_project, monkeypatch, pools):
    """Under `CHECK_MIN_BATCHES`, files are checked here until that has taken `CHECK_POOL_AFTER`;
    the rest goes to a pool, with the same result."""
    root = make_project(project_files(modules=6)).resolve()
    cfg = config_module.Config(root=root)
    checked_here = _checked_here_slowly(monkeypatch)
    one = engine.run(cfg, [root], jobs=1)
    assert pools == [] and len(checked_here) == 12  # every Python file of the project
    for after in (3600.0, 0.12, 0.0):
        monkeypatch.setattr(parallel, "CHECK_POOL_AFTER", after)
        pools.clear()
        checked_here.clear()
        two = engine.run(cfg, [root], jobs=2)
        assert snapshot(two) == snapshot(one)
        if after == 3600.0:
            assert pools == [] and len(checked_here) == 12
        else:
            assert pools == [2] and checked_here == sorted(checked_here)
            assert (1 <= len(checked_here) <= 3) if after else not checked_here


def test_a_small_run_whose_first_files_say_the_rest_is_slow_hands_it_to_workers(make_project, monkeypatch, pools):
    """Under `CHECK_MIN_BATCHES`, the rest goes to a pool as soon as the lines checked here say
    it would take `CHECK_POOL_AFTER`, before that much time has passed (a fifth of rq's tests:
    one file, 485 lines, takes 0.41 s of their 0.65 s)."""
    root = make_project(project_files(modules=6)).resolve()
    cfg = config_module.Config(root=root)
    checked_here = _checked_here_slowly(monkeypatch)  # app/__init__.py, one empty line, in 0.05 s
    monkeypatch.setattr(parallel, "CHECK_POOL_AFTER", 1.0)  # the time taken alone would allow 20 files here
    one = engine.run(cfg, [root], jobs=1)
    checked_here.clear()
    two = engine.run(cfg, [root], jobs=2)
    assert snapshot(two) == snapshot(one)
    assert pools == [2] and checked_here == ["app/__init__.py"]


def test_a_small_run_starts_no_process(make_project, cli_run, pools):
    files = project_files(modules=1)
    assert python_files(files) < parallel.CHECK_MIN_BATCHES
    assert sum(len(text) for text in files.values()) < parallel.POOL_MIN_BYTES
    root = make_project(files)
    result = cli_run(root, "--no-cache", "-j", "8")
    assert result.exit_code == 1, result.output
    assert pools == []


def test_jobs_must_be_positive(make_project, cli_run):
    root = make_project(project_files(modules=1))
    result = cli_run(root, "--jobs", "0")
    assert result.exit_code == 2
    assert "--jobs" in result.output


def test_an_internal_error_in_a_worker_is_reported_like_one_in_process(monkeypatch, make_project):
    """A check that raises in a forked worker is listed in `errors` (the run exits 2), as in-process."""
    monkeypatch.setattr(parallel, "CHECK_MIN_BATCHES", 1)
    root = make_project(project_files(modules=8))
    boom = root.resolve() / "tests/test_upload_03.py"

    def exploding(self, lc, _real=parallel.Checker.run):
        if lc.path.endswith("test_upload_03.py"):
            raise RuntimeError("boom")
        return _real(self, lc)

    monkeypatch.setattr(parallel.Checker, "run", exploding)
    cfg = config_module.Config(root=root.resolve())
    results = [engine.run(cfg, [root.resolve()], jobs=jobs) for jobs in (1, 2)]
    assert snapshot(results[0]) == snapshot(results[1])
    assert results[1].internal_errors == results[0].internal_errors == 3  # its three tests
    assert {e["path"] for e in results[1].errors} == {boom.relative_to(root.resolve()).as_posix()}


# ---- the cache -----------------------------------------------------------------------------------


def entries(root: Path) -> list[Path]:
    return sorted(p for p in (root / cache_module.CACHE_DIR).rglob("*.pickle"))


def test_the_cache_directory_is_tagged_ignored_and_holds_no_temporary_files(make_project, cli_run):
    files = project_files()
    root = make_project(files)
    assert cli_run(root).exit_code == 1
    directory = root / ".teardown_lint_cache"
    assert (directory / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (directory / ".gitignore").read_text().splitlines()[-1] == "*"
    assert len(list((directory / "facts").rglob("*.pickle"))) == python_files(files)  # one per file read
    assert len(list((directory / "runs").glob("*.pickle"))) == 1
    assert len(list((directory / "fixes").glob("*.pickle"))) == 1  # the fixes `full` shows
    assert not [p for p in directory.rglob("*") if p.name.endswith(".tmp")]


def test_no_cache_neither_reads_nor_writes_it(make_project, cli_run, extracted):
    files = project_files()
    root = make_project(files)
    assert cli_run(root).exit_code == 1
    extracted.clear()
    assert cli_run(root, "--no-cache").exit_code == 1
    assert len(extracted) == python_files(files), "every file extracted again"
    other = make_project(project_files(), name="other")
    assert cli_run(other, "--no-cache").exit_code == 1
    assert not (other / ".teardown_lint_cache").exists()


def test_a_warm_run_reuses_the_analysis_and_prints_the_same(make_project, cli_run, extracted, monkeypatch):
    root = make_project(project_files())
    cold = {fmt: cli_run(root, "--no-cache", "-f", fmt).output for fmt in ("json", "full")}
    assert not (root / ".teardown_lint_cache").exists()
    assert cli_run(root, "-f", "json").output == cold["json"], "the run that fills the cache"
    extracted.clear()
    analysed: list[int] = []
    real_check = parallel.check
    monkeypatch.setattr(parallel, "check", lambda *a, **k: analysed.append(1) or real_check(*a, **k))
    for fmt in ("json", "full"):
        warm = cli_run(root, "-f", fmt)
        assert (warm.exit_code, warm.output) == (1, cold[fmt])
    assert extracted == [] and analysed == []


@pytest.fixture
def planned(monkeypatch):
    """Findings the fixer planned fixes for, in this process."""
    from teardown_lint import fixer

    seen: list[str] = []
    real = fixer.attach

    def counting(result, *args):
        seen.extend(f"{f.path}:{f.loc.line}" for f in result.findings)
        return real(result, *args)

    monkeypatch.setattr(fixer, "attach", counting)
    return seen


def test_a_warm_run_shows_the_same_fixes_without_planning_them(make_project, cli_run, planned):
    root = make_project(project_files())
    cold = {strategy: cli_run(root, "--no-cache", "-f", "json", "--strategy", strategy).output
            for strategy in ("wait", "cancel")}
    assert cold["wait"] != cold["cancel"] and '"fix": {' in cold["wait"]
    for strategy in ("wait", "cancel"):
        assert cli_run(root, "-f", "json", "--strategy", strategy).output == cold[strategy], "filling the cache"
    planned.clear()
    for strategy in ("wait", "cancel"):
        assert cli_run(root, "-f", "json", "--strategy", strategy).output == cold[strategy]
    assert planned == []
    # the findings selected are part of the key: a fix's names depend on the fixes before it
    one = cli_run(root, "-f", "json", "--select", "TDL001", "tests/test_upload_01.py")
    assert planned and one.output == cli_run(root, "--no-cache", "-f", "json", "tests/test_upload_01.py").output


def test_a_changed_file_plans_its_fixes_again(make_project, cli_run, planned):
    root = make_project(project_files())
    cli_run(root, "-f", "json")
    module = root / "tests/test_upload_01.py"
    module.write_text(module.read_text(encoding="utf-8").replace("\n\n\ndef test_upload", "\n# moved\n\n\ndef test_upload"),
                      encoding="utf-8")
    planned.clear()
    warm = json.loads(cli_run(root, "-f", "json").output)
    assert planned, "the analysis changed, and its fixes with it"
    assert warm == json.loads(cli_run(root, "--no-cache", "-f", "json").output)


@pytest.mark.parametrize("args", [["-f", "concise"], ["-f", "sarif"], ["-f", "github"], ["--write-baseline", "b.json"]])
def test_outputs_that_show_no_fix_plan_none(make_project, cli_run, planned, args):
    root = make_project(project_files())
    cli_run(root, "--no-cache", *args)
    assert planned == []
    cli_run(root, "--no-cache", "--statistics")  # the table says which rules are fixable
    assert planned


def test_frozen_blocks_nest():
    """Leaving an inner `heap.frozen()` (libcst imported inside `parallel.check`'s block) keeps
    what the outer one froze out of the collector's reach; leaving the outer one thaws it all."""
    import gc

    kept = [object() for _ in range(100)]
    with heap.frozen():
        outer = gc.get_freeze_count()
        assert outer >= len(kept)
        with heap.frozen():
            made = [[n] for n in range(1000)]
        assert gc.get_freeze_count() >= outer
    assert gc.get_freeze_count() == 0 and kept and made


def test_fixes_are_planned_with_the_analysis_out_of_the_collectors_reach(make_project, cli_run, run, monkeypatch):
    """Importing libcst and planning must not traverse the analysis at every full collection
    (after a one-job check of sqlalchemy's tests, the import alone took 2 s instead of 0.25 s)."""
    import gc

    from teardown_lint import fixer

    frozen: dict[str, int] = {}
    for name in ("attach", "plan_units"):
        real = getattr(fixer, name)

        def spying(*args, _real=real, _name=name, **kwargs):
            frozen.setdefault(_name, gc.get_freeze_count())
            return _real(*args, **kwargs)

        monkeypatch.setattr(fixer, name, spying)
    root = make_project(project_files())
    assert '"fix": {' in cli_run(root, "--no-cache", "-f", "json").output
    assert "+++ b/tests/" in run(root, "fix", "--diff").output
    assert frozen["attach"] > 10_000 and frozen["plan_units"] > 10_000
    assert gc.get_freeze_count() == 0, "unfrozen afterwards"


@pytest.fixture
def shares(monkeypatch):
    """Planning in workers even for a few jobs; each time, whether their plans were kept (True)
    or this process planned everything again (False)."""
    from teardown_lint import fixer

    monkeypatch.setattr(fixer, "PLAN_MIN_WORKS", 1)
    verdicts: list[bool] = []
    real = fixer._independent

    def spying(found):
        verdicts.append(real(found))
        return verdicts[-1]

    monkeypatch.setattr(fixer, "_independent", spying)
    return verdicts


def planned_fixes(root: Path, jobs: int, strategy: str | None = None) -> list:
    from teardown_lint import fixer

    cfg = config_module.Config(root=root)
    result = engine.run(cfg, [root])
    fixer.attach(result, cfg, config_module.fix_settings(cfg, strategy), jobs)
    return [(f.path, f.loc.line, f.fix.to_json() if f.fix else None, f.unfixable) for f in result.findings]


def test_fixes_planned_by_several_processes_are_those_planned_by_one(shares, pools):
    """The fixture corpus as one project: every job's fix goes in the file it starts in, so each
    worker's plans are kept, and the fixes are those of one process, names included."""
    root = FIXTURES.resolve()
    for strategy in ("wait", "cancel"):
        one = planned_fixes(root, 1, strategy)
        assert sum(fix is not None for _, _, fix, _ in one) > 50 and any(why for *_, why in one)
        pools.clear()
        assert planned_fixes(root, 2, strategy) == one
        assert planned_fixes(root, 3, strategy) == one
        assert pools == [2, 3]
    assert shares == [True] * 4


def test_fix_planning_shares_are_cut_by_what_planning_parses(tmp_path):
    """A job started inside an application helper is refused before its module is parsed, so a big
    module with one such job is a cheap share, and a small test module with many jobs a costly
    one: the test module's share comes first, alone."""
    from teardown_lint import fixer
    from teardown_lint.facts import Loc
    from teardown_lint.findings import Finding, Work

    (tmp_path / "app").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "app" / "workers.py").write_text("x = 1\n" * 12_000)  # 72 KB
    (tmp_path / "tests" / "test_jobs.py").write_text("x = 1\n" * 2_000)  # 12 KB
    (tmp_path / "tests" / "test_small.py").write_text("x = 1\n" * 1_000)

    def work(number: int, path: str, through: tuple = ()) -> Work:
        return Work(number, "rq", "RQ job", path, Loc(number, 1, number, 9), "q.enqueue(f)", through=through)

    works = [work(1, "app/workers.py", through=("app.workers.start",))]
    works += [work(n, "tests/test_jobs.py") for n in range(2, 40)]
    works += [work(40, "tests/test_small.py")]
    finding = Finding("TDL001", "delete-while-running", "tests/conftest.py", Loc(1, 1, 1, 9), "`course`", "fixture `course`",
                      works=works)
    groups = fixer._split_by_path([finding], tmp_path, 3)
    assert groups == [frozenset({"tests/test_jobs.py"}), frozenset({"tests/test_small.py"}),
                      frozenset({"app/workers.py"})]
    # the same module with a job started in it directly (a fix may go there): it is parsed
    works[0] = work(1, "app/workers.py")
    assert fixer._split_by_path([finding], tmp_path, 3)[0] == frozenset({"app/workers.py"})


def test_fixes_that_meet_in_one_file_are_planned_again_in_one_process(make_project, shares):
    """Three tests' jobs, each drained before the conftest.py's delete: the workers that planned
    them all edited conftest.py, so their plans are dropped and this process plans them."""
    tests = {f"tests/test_{n}.py": f"from app.jobs import queue, work\n\n\ndef test_{n}(flushed):\n    queue.enqueue(work, 1)\n"
             for n in "abc"}
    root = make_project({
        "app/__init__.py": "",
        "app/jobs.py": "from redis import Redis\nfrom rq import Queue\n\nqueue = Queue(connection=Redis())\n\n\ndef work(x):\n    return x\n",
        "tests/conftest.py": "import pytest\n\nfrom app.jobs import queue\n\n\n@pytest.fixture\ndef flushed():\n    yield\n    queue.connection.flushdb()\n",
        **tests,
    })
    one = planned_fixes(root, 1)
    (path, _, fix, _), = one
    assert path == "tests/conftest.py" and {edit["path"] for edit in fix["edits"]} == {"tests/conftest.py"}
    assert planned_fixes(root, 3) == one
    assert shares == [False]


HEAVY = ("libcst", "teardown_lint.parallel", "teardown_lint.walker", "multiprocessing", "concurrent.futures")


def _check_imports(root: Path, *args: str) -> tuple[set[str], str]:
    """(which of `HEAVY` `check -f json ARGS` imported, its output), in a fresh interpreter."""
    env = package_env()
    script = ("import json, sys\nfrom teardown_lint.cli import main\n"
              f"try:\n    main(['check', '-f', 'json', *{list(args)!r}])\nexcept SystemExit:\n    pass\n"
              f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]), file=sys.stderr)\n")
    run = subprocess.run([sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True,
                         timeout=120)
    return set(json.loads(run.stderr.strip().splitlines()[-1])), run.stdout


def test_a_warm_check_imports_neither_libcst_nor_the_walker_nor_worker_pools(make_project):
    """A warm run is the common pre-commit case: its answer is in the cache, so it plans no fix
    (libcst: 0.2 s), walks nothing and starts no process (the walker and the pools: about 35 ms
    of imports, a sixth of a warm run)."""
    root = make_project(project_files())
    (cold, first), (warm, second) = _check_imports(root), _check_imports(root)
    assert cold == set(HEAVY) and warm == set(), (cold, warm)
    assert first == second and '"fix": {' in second


def test_a_check_with_nothing_to_fix_does_not_import_libcst(make_project):
    files = project_files(modules=0)
    files["tests/test_plain.py"] = "def test_nothing():\n    assert True\n"
    root = make_project(files)
    imported, output = _check_imports(root, "--no-cache", "--select", "TDL")
    assert "libcst" not in imported and json.loads(output)["findings"] == []
    # an unused suppression is a finding, not one `fix` can fix
    (root / "tests/test_plain.py").write_text("def test_nothing():\n    assert True  # noqa: TDL001\n")
    imported, output = _check_imports(root, "--no-cache", "--select", "TDL,TDL100")
    assert "libcst" not in imported and [f["rule"] for f in json.loads(output)["findings"]] == ["TDL100"]


def test_facts_of_unchanged_files_come_from_the_cache(make_project, cli_run, extracted):
    """Without the run entry (other targets, or it was pruned), facts still come from the cache."""
    root = make_project(project_files())
    cold = cli_run(root, "-f", "json")
    for path in (root / ".teardown_lint_cache/runs").glob("*.pickle"):
        path.unlink()
    extracted.clear()
    (root / "tests/test_upload_01.py").write_text(TEST_MODULE.format(n=1).lstrip() + "# edited\n", encoding="utf-8")
    warm = cli_run(root, "-f", "json")
    assert extracted == ["tests/test_upload_01.py"]
    assert json.loads(warm.output)["findings"] == json.loads(cold.output)["findings"]


def test_a_file_keeps_its_newest_facts_only(make_project, cli_run, extracted):
    """Facts are keyed by content, so each edit adds an entry: a file keeps its newest
    `MAX_VERSIONS`, and switching back to one of those is still warm."""
    root = make_project(project_files())
    module = root / "tests/test_upload_01.py"
    versions = [TEST_MODULE.format(n=1).lstrip() + f"# edit {n}\n" for n in range(cache_module.MAX_VERSIONS + 3)]
    for text in versions:
        module.write_text(text, encoding="utf-8")
        cli_run(root, "-f", "concise")
    cached = {p.parent for p in (root / ".teardown_lint_cache/facts").rglob("*.pickle")}
    assert len(cached) == python_files(project_files()), "one directory per file"
    kept = {d: len(list(d.glob("*.pickle"))) for d in cached}
    assert max(kept.values()) == cache_module.MAX_VERSIONS and sorted(kept.values())[-2] == 1
    for path in (root / ".teardown_lint_cache/runs").glob("*.pickle"):
        path.unlink()
    extracted.clear()
    module.write_text(versions[-cache_module.MAX_VERSIONS], encoding="utf-8")  # the oldest kept
    cli_run(root, "-f", "concise")
    assert extracted == []
    module.write_text(versions[0], encoding="utf-8")  # pruned
    cli_run(root, "-f", "concise")
    assert extracted == ["tests/test_upload_01.py"]


def test_a_new_tool_version_drops_the_facts_of_the_old_one(make_project, cli_run, monkeypatch):
    root = make_project(project_files())
    facts = root / ".teardown_lint_cache/facts"
    cli_run(root, "-f", "concise")
    (old,) = facts.iterdir()
    (facts / "ab").mkdir()  # the layout of earlier releases: facts/<2 hex>/<key>.pickle
    (facts / "ab/abcdef.pickle").write_bytes(b"old")
    monkeypatch.setattr(cache_module, "_salts", {})
    monkeypatch.setattr(cache_module, "__version__", "999")
    cli_run(root, "-f", "concise")
    (new,) = facts.iterdir()
    assert new.name != old.name and len(list(new.rglob("*.pickle"))) == python_files(project_files())


def test_changing_a_helper_or_a_conftest_changes_the_findings_of_the_tests_using_it(make_project, cli_run):
    root = make_project(project_files())

    def findings() -> list[str]:
        result = cli_run(root, "-f", "json")
        return sorted(f"{f['path']}:{f['line']}" for f in json.loads(result.output)["findings"])

    hazards = findings()
    shared = [f for f in hazards if f.startswith("tests/conftest.py:")]
    assert len(hazards) == 4 and len(shared) == 1  # each module's own fixture; the shared one
    helpers = root / "tests/helpers.py"
    helpers.write_text("def cleanup(course):\n    pass\n", encoding="utf-8")
    assert findings() == [f for f in hazards if f not in shared], "the helper no longer deletes"
    helpers.write_text(HELPERS.lstrip(), encoding="utf-8")
    assert findings() == hazards, "and deletes again"
    conftest = root / "tests/conftest.py"
    conftest.write_text(CONFTEST.replace("    cleanup(course)", "    course.objects.none()"), encoding="utf-8")
    assert findings() == [f for f in hazards if f not in shared], "the fixture no longer calls the helper"
    conftest.write_text(CONFTEST.lstrip(), encoding="utf-8")
    assert findings() == hazards


def test_a_new_module_or_new_configuration_invalidates_the_analysis(make_project, cli_run):
    """What an import names depends on which files exist; what a call does, on the configuration."""
    files = project_files()
    del files["tests/helpers.py"]  # the conftest.py imports a module that is not there
    root = make_project(files)
    assert found(cli_run(root).output) == 3, "each module's own fixture"
    (root / "tests/helpers.py").write_text(HELPERS.lstrip(), encoding="utf-8")
    assert found(cli_run(root).output) == 4, "a new module the conftest.py imports"
    (root / "tests/helpers.py").write_text("def cleanup(course):\n    pass\n", encoding="utf-8")
    assert found(cli_run(root).output) == 3
    (root / "pyproject.toml").write_text('[tool.teardown-lint.calls]\ndelete = ["tests.helpers.cleanup"]\n',
                                         encoding="utf-8")
    assert found(cli_run(root).output) == 4, "configured calls"


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "flipped"])
def test_a_damaged_entry_is_a_miss_not_an_error(make_project, cli_run, extracted, damage):
    files = project_files()
    root = make_project(files)
    cold = cli_run(root, "-f", "json")
    for path in entries(root):
        blob = path.read_bytes()
        path.write_bytes({
            "garbage": b"\x80\x05not a pickle at all",
            "truncated": blob[: len(blob) // 2],
            "empty": b"",
            "flipped": blob[:-10] + bytes([blob[-10] ^ 0xFF]) + blob[-9:],  # the checksum catches it
        }[damage])
    extracted.clear()
    again = cli_run(root, "-f", "json")
    assert (again.exit_code, again.output) == (cold.exit_code, cold.output)
    assert len(extracted) == python_files(files), "every damaged entry was recomputed"
    assert all(cache_module.loads(p.read_bytes()) is not None for p in entries(root)), "and rewritten"


def test_two_concurrent_runs_agree_and_leave_a_sound_cache(make_project):
    root = make_project(project_files(modules=30))
    env = package_env()
    command = [sys.executable, "-m", "teardown_lint", "check", "-f", "json"]
    for _ in range(2):  # a cold start, then a start where both find (and rewrite) the entries
        procs = [subprocess.Popen(command + ["-j", jobs], cwd=root, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for jobs in ("1", "2")]
        outputs = [proc.communicate(timeout=300) for proc in procs]
        assert [proc.returncode for proc in procs] == [1, 1], outputs
        assert outputs[0][0] == outputs[1][0]
        assert len(json.loads(outputs[0][0])["findings"]) == 31
    assert all(cache_module.loads(p.read_bytes()) is not None for p in entries(root))
    assert not [p for p in (root / ".teardown_lint_cache").rglob("*.tmp")]


def test_a_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    def failing(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(cache_module.os, "replace", failing)
    target = tmp_path / "facts" / "ab" / "entry.pickle"
    assert cache_module.write_atomic(target, b"data") is False
    assert list(tmp_path.rglob("*.*")) == []


def test_an_unwritable_cache_does_not_fail_the_run(make_project, cli_run):
    root = make_project(project_files())
    (root / ".teardown_lint_cache").write_text("a file where the directory should be", encoding="utf-8")
    result = cli_run(root)
    assert result.exit_code == 1, result.output


def test_the_facts_key_covers_what_extract_depends_on(monkeypatch):
    """Facts depend on the bytes, the path, the module name and `is_package`, and on the extractor.
    If `extract` ever takes more (packs, configuration), the key must take it too."""
    assert list(inspect.signature(extract).parameters) == ["source", "path", "module", "is_package"]
    content = cache_module.digest(b"x = 1\n")
    base = cache_module.facts_key(content, "tests/a.py", "tests.a", False)
    assert len({
        base,
        cache_module.facts_key(cache_module.digest(b"x = 2\n"), "tests/a.py", "tests.a", False),
        cache_module.facts_key(content, "tests/b.py", "tests.a", False),
        cache_module.facts_key(content, "tests/a.py", "a", False),
        cache_module.facts_key(content, "tests/a.py", "tests.a", True),
    }) == 5
    monkeypatch.setattr(cache_module, "_salts", {})
    monkeypatch.setattr(cache_module, "__version__", "999")
    assert cache_module.facts_key(content, "tests/a.py", "tests.a", False) != base


def test_facts_survive_the_round_trip_through_an_entry():
    source = (FIXTURES / "incident/hazard_t055_full_pipeline/tests/e2e/conftest.py").read_bytes()
    facts = extract(source, "tests/e2e/conftest.py", "tests.e2e.conftest", False)
    blob = cache_module.dumps(facts)
    assert cache_module.loads(blob) == facts
    assert cache_module.loads(b"something else") is None



def test_linking_and_checking_leave_every_fact_as_extracted():
    """Facts are not frozen (building frozen dataclasses costs 3.6x): nothing may change them,
    or a cached or inherited copy would differ from a fresh one."""
    cfg = config_module.Config(root=FIXTURES.resolve())
    result = engine.run(cfg, [FIXTURES.resolve()], jobs=1)
    assert len(result.index.files) > 100 and result.findings
    for path, facts in result.index.files.items():
        if facts.error is None:
            fresh = extract((FIXTURES / path).read_bytes(), path, facts.module, facts.is_package)
            assert cache_module.dumps(facts) == cache_module.dumps(fresh), path
    assert hash(extract(b"x = f(a.b)\n", "m.py", "m", False)) == hash(extract(b"x = f(a.b)\n", "m.py", "m", False))

# ---- the tests a helper reaches (runs given helpers: pre-commit, and whole test directories) -------


@pytest.fixture
def dependents(monkeypatch):
    """Each run's dependents (root-relative paths), and the files `affected` parsed or searched."""
    from teardown_lint import affected

    record = {"found": [], "extracted": [], "searches": 0}
    real_dependents, real_extract, real_importers = affected.dependents, affected.extract, affected._Reader.importers

    def finding(*args, **kwargs):
        out = real_dependents(*args, **kwargs)
        record["found"].append([source.relative for source in out])
        return out

    def extracting(source, path, module, is_package=False):
        record["extracted"].append(path)
        return real_extract(source, path, module, is_package)

    def searching(self, *args, **kwargs):
        record["searches"] += 1
        return real_importers(self, *args, **kwargs)

    monkeypatch.setattr(affected, "dependents", finding)
    monkeypatch.setattr(affected, "extract", extracting)
    monkeypatch.setattr(affected._Reader, "importers", searching)
    return record


def helper_reaching_project() -> dict[str, str]:
    """`check tests` gives every file under tests/; app/test_self.py is a test file outside it
    that reaches tests/helpers.py through app/util.py (which tests/conftest.py imports too)."""
    files = project_files()
    files["tests/conftest.py"] = CONFTEST.replace("from tests.helpers import cleanup",
                                                  "from tests.helpers import cleanup\nfrom app.util import tidy")
    files["app/util.py"] = "from tests.helpers import cleanup\n\n\ndef tidy(course):\n    cleanup(course)\n"
    files["app/test_self.py"] = "from app.util import tidy\n\n\ndef test_tidy():\n    tidy(None)\n"
    return files


def test_dependents_reuse_the_facts_the_run_extracted(make_project, cli_run, dependents):
    root = make_project(helper_reaching_project())
    cli_run(root, "--no-cache", "tests")
    assert dependents["found"][0] == ["app/test_self.py"]
    assert dependents["extracted"] == ["app/test_self.py"], "app/util.py was read by the run: not parsed again"


def test_dependents_are_cached_under_every_file_they_could_come_from(make_project, cli_run, dependents):
    root = make_project(helper_reaching_project())
    cold = cli_run(root, "-f", "json", "tests").output
    assert dependents["searches"] > 0
    dependents["searches"] = 0
    assert cli_run(root, "-f", "json", "tests").output == cold
    assert dependents["searches"] == 0 and dependents["found"][-1] == ["app/test_self.py"]
    # any file can start importing a helper: a new one, or an edit to one that exists
    (root / "app/test_new.py").write_text("from tests import helpers\n\n\ndef test_new():\n    pass\n",
                                         encoding="utf-8")
    cli_run(root, "-f", "json", "tests")
    assert dependents["searches"] > 0 and dependents["found"][-1] == ["app/test_new.py", "app/test_self.py"]
    (root / "app/test_new.py").write_text("def test_new():\n    pass\n", encoding="utf-8")
    cli_run(root, "-f", "json", "tests")
    assert dependents["found"][-1] == ["app/test_self.py"]


def test_dependents_are_found_by_a_worker_while_the_others_check(make_project, monkeypatch, tmp_path):
    """With workers, the search runs in one of them, alongside the checks: same answer, and the
    same findings, as in one process."""
    from teardown_lint import affected

    monkeypatch.setattr(parallel, "CHECK_MIN_BATCHES", 1)
    root = make_project(helper_reaching_project())
    where = tmp_path / "searched-in"
    real = affected.dependents

    def recording(*args, **kwargs):
        out = real(*args, **kwargs)
        with open(where, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {' '.join(source.relative for source in out)}\n")
        return out

    monkeypatch.setattr(affected, "dependents", recording)
    cfg = config_module.Config(root=root)
    results = {}
    for jobs in (1, 2):
        where.unlink(missing_ok=True)
        results[jobs] = snapshot(engine.run(cfg, [root / "tests"], jobs=jobs))
        pid, found_paths = where.read_text(encoding="utf-8").split(maxsplit=1)
        assert found_paths.split() == ["app/test_self.py"]
        assert (int(pid) == os.getpid()) == (jobs == 1)
    assert results[1] == results[2]
    assert results[1]["tests"] == 3 * 3 + 1, "app/test_self.py was checked too"


# ---- reading only what is needed -----------------------------------------------------------------


def test_a_one_file_run_reads_that_file_its_conftests_and_its_imports_only(make_project, monkeypatch):
    files = project_files(modules=20)
    files["tests/sub/__init__.py"] = ""
    files["tests/sub/conftest.py"] = "import pytest\n"
    files["tests/sub/test_deep.py"] = TEST_MODULE.format(n=99)
    files["tests/unrelated_helpers.py"] = "def unused():\n    pass\n"
    files["scripts/tool.py"] = "import os\n"
    root = make_project(files).resolve()
    reads: list[str] = []
    real = Path.read_bytes

    def counting(self):
        if self.suffix == ".py":
            reads.append(self.resolve().relative_to(root).as_posix())
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    cfg = config_module.Config(root=root)
    needed = {
        "tests/sub/test_deep.py",  # the target
        "tests/conftest.py", "tests/sub/conftest.py",  # the conftest.py chain above it
        "app/tasks.py",  # what it imports
        "app/models.py", "tests/helpers.py",  # what the conftest.py imports
    }
    for jobs, cache in ((1, None), (2, cache_module.Cache(root)), (2, cache_module.Cache(root))):
        reads.clear()
        result = engine.run(cfg, [root / "tests/sub/test_deep.py"], jobs=jobs, cache=cache)
        assert len(result.findings) == 2  # its own fixture's teardown, the conftest.py's
        assert sorted(reads) == sorted(needed), f"each needed file read once (jobs={jobs}, cache={cache})"
    reads.clear()
    engine.run(cfg, [root], jobs=1)
    assert len(set(reads)) == python_files(files), "a whole-project run reads every Python file"


def test_each_batch_is_checked_from_the_state_just_linked(make_project, monkeypatch):
    """`Index.restore` forgets what name resolution learnt since `memo`; checking each test in a
    batch of its own, or a file's tests in parts, or each file whole, then gives the same findings."""
    root = make_project(project_files(modules=6)).resolve()
    cfg = config_module.Config(root=root)
    project = engine.discover.list_project(cfg)
    chosen = engine.discover.targets(project, [root])
    knowledge = engine.packs.load()
    read = parallel.read(project, chosen, knowledge)
    index = engine.Index(project, knowledge)
    for facts in read.facts:
        index.add(facts)
    mark = index.memo()
    conftest = index.files["tests/conftest.py"]
    assert index.global_name(conftest, "cleanup") is not None
    assert index.memo() != mark
    index.restore(mark)
    assert index.memo() == mark
    results = {}
    for size in (1, 2, 1000):
        monkeypatch.setattr(parallel, "BATCH_TESTS", size)
        fresh = engine.Index(project, knowledge)
        for facts in read.facts:
            fresh.add(facts)
        targets = [s.relative for s in chosen]
        assert len(parallel._batches(fresh, targets)) > len(targets) or size > 1
        checked = parallel.check(fresh, targets, engine.PytestSettings.read(root))
        results[size] = ([f.to_json() for f in checked.findings], checked.tests, checked.files_checked, checked.checked)
    assert results[1] == results[2] == results[1000] and len(results[1][0]) == 7


def test_workers_started_by_spawn_give_the_same_result(monkeypatch):
    """Where processes cannot be forked (macOS, Windows), extraction workers are spawned and the
    files are checked in this process."""
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    monkeypatch.setattr(parallel, "POOL_MIN_BYTES", 1)
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 1)
    root = (FIXTURES / "celery").resolve()
    cfg = config_module.Config(root=root)
    project = engine.discover.list_project(cfg)
    chosen = engine.discover.targets(project, [root])
    knowledge = engine.packs.load()
    one = parallel.read(project, chosen, knowledge, jobs=1)
    spawned = parallel.read(project, chosen, knowledge, jobs=2)
    assert spawned.workers == 1 and spawned.facts == one.facts
    assert snapshot(engine.run(cfg, [root], jobs=2)) == snapshot(engine.run(cfg, [root], jobs=1))



def _celery_fixtures():
    """(project, targets, knowledge) of the celery fixtures read as one project."""
    root = (FIXTURES / "celery").resolve()
    project = engine.discover.list_project(config_module.Config(root=root))
    return project, engine.discover.targets(project, [root]), engine.packs.load()


_EXTRACT_CHUNK = parallel._extract_chunk


def _slow_extract_chunk(tasks):
    """A worker that takes its time: what it has queued but not started is there to take back."""
    time.sleep(0.2)
    return _EXTRACT_CHUNK(tasks)


def test_chunks_no_worker_has_started_are_taken_back_when_nothing_else_is_left(monkeypatch):
    monkeypatch.setattr(parallel, "POOL_MIN_BYTES", 1)
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 1)  # a file per chunk
    monkeypatch.setattr(parallel, "_extract_chunk", _slow_extract_chunk)
    taken = []
    real = parallel._Extractor._take_back

    def recording(self):
        chunk = real(self)
        taken.extend(source.relative for source, _ in chunk)
        return chunk

    monkeypatch.setattr(parallel._Extractor, "_take_back", recording)
    project, chosen, knowledge = _celery_fixtures()
    one = parallel.read(project, chosen, knowledge, jobs=1)
    two = parallel.read(project, chosen, knowledge, jobs=2)
    assert two.workers == 1 and two.facts == one.facts and two.extracted == one.extracted
    assert taken, "this process extracted chunks it had queued for the worker"
    assert len(taken) < len(one.facts) - 1, "the worker extracted some"


def test_reading_pools_have_pipes_that_hold_a_chunk_and_its_facts(monkeypatch):
    """A worker must not block on a full pipe while this process holds the GIL in `ast.parse`
    (`widen_pipes`): the pipes carrying chunks and facts hold 1 MiB, not Linux's 64 KiB."""
    fcntl = pytest.importorskip("fcntl")
    if not hasattr(fcntl, "F_GETPIPE_SZ") or int(Path("/proc/sys/fs/pipe-max-size").read_text()) < parallel.PIPE_BYTES:
        pytest.skip("pipes are resized on Linux, up to pipe-max-size")
    monkeypatch.setattr(parallel, "POOL_MIN_BYTES", 1)
    sizes = []
    real = parallel._Extractor.close

    def measuring(self):
        if self.pool is not None:
            sizes.extend(fcntl.fcntl(queue._writer.fileno(), fcntl.F_GETPIPE_SZ)
                         for queue in (self.pool._call_queue, self.pool._result_queue))
        real(self)

    monkeypatch.setattr(parallel._Extractor, "close", measuring)
    project, chosen, knowledge = _celery_fixtures()
    two = parallel.read(project, chosen, knowledge, jobs=2)
    assert two.workers == 1 and two.facts == parallel.read(project, chosen, knowledge, jobs=1).facts
    assert len(sizes) == 2 and min(sizes) >= parallel.PIPE_BYTES


# ---- a class's setup, walked once ----------------------------------------------------------------

CLASS_SETUP = '''
import unittest

from app.models import Course
from app.tasks import process_document


class TestCatalog(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.course = Course.objects.create(title="World History")
        cls.result = process_document.delay(cls.course.id, "syllabus.pdf")

    def test_listed(self):
        try:
            self.assertTrue(self.course)
        finally:
            self.course.delete()

    def test_renamed(self):
        try:
            self.course.title = "Modern History"
        finally:
            self.course.delete()

    def test_waited(self):
        try:
            self.result.get(timeout=10)
        finally:
            self.course.delete()
'''


def test_a_class_setup_is_walked_once_for_the_tests_that_share_it(make_project, monkeypatch):
    """`setUpClass` starts from a state only the test's marks and patches set: the tests that
    share those share its outcome, walks counted against each test's budget. The findings are
    those of walking it for every test, here and on the whole fixture corpus."""
    files = project_files(modules=0)
    files["tests/test_catalog.py"] = CLASS_SETUP
    root = make_project(files).resolve()
    walked: list[str] = []
    real = parallel.Checker.walk_function

    def counting(self, frame, *args, **kwargs):
        if frame.function is not None and frame.function.name == "setUpClass":
            walked.append(frame.function.name)
        return real(self, frame, *args, **kwargs)

    monkeypatch.setattr(parallel.Checker, "walk_function", counting)
    results = {}
    for replays in (True, False):
        monkeypatch.setattr(parallel.Checker, "replays_setup", replays)
        walked.clear()
        results[replays] = [snapshot(engine.run(config_module.Config(root=root), [root / "tests/test_catalog.py"]))]
        assert len(walked) == (1 if replays else 3)
        results[replays].append(snapshot(engine.run(config_module.Config(root=FIXTURES.resolve()), [FIXTURES.resolve()])))
    assert results[True] == results[False]
    lines = (root / "tests/test_catalog.py").read_text().splitlines()
    deletes = [number for number, line in enumerate(lines, 1) if line.strip() == "self.course.delete()"]
    assert [(f["path"], f["line"]) for f in results[True][0]["findings"]] == [
        ("tests/test_catalog.py", line) for line in deletes[:2]], "the job setUpClass started, in every test but the one that waits"


def _recurse(depth: int) -> int:
    return 0 if depth == 0 else _recurse(depth - 1) + 1


def _up_and_down() -> int:
    """Recursion that goes up and down across the frame allocator's chunk boundaries."""
    resource = pytest.importorskip("resource")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for depth in range(1, 500):
        for _ in range(6):
            _recurse(depth)
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def test_deep_recursion_under_deep_stack_does_not_map_frame_memory_again_and_again():
    """Counted in page faults, not timed: CPython maps a chunk of frame memory each time a call
    crosses into a new one, and unmaps it when the call returns."""
    assert heap.deep_stack(divmod, 7, 2) == (3, 1)
    outside = _up_and_down()
    if outside < 1000:
        pytest.skip(f"this interpreter does not map frame memory per chunk ({outside} page faults)")
    inside = heap.deep_stack(_up_and_down)
    assert inside < outside / 10, (inside, outside)


def test_every_batch_is_checked_under_deep_stack(make_project, monkeypatch):
    root = make_project(project_files(modules=3)).resolve()
    used = []
    real = heap.deep_stack

    def recording(function, *args):
        used.append(function.__name__)
        return real(function, *args)

    monkeypatch.setattr(heap, "deep_stack", recording)
    result = engine.run(config_module.Config(root=root), [root / "tests"])
    assert result.files_checked > 1
    assert used.count("_check_batch_here") == result.files_checked
