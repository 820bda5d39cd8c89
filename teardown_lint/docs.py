"""Rule documentation, printed by `teardown-lint rule CODE` (Ruff's sections)."""

from __future__ import annotations

RULES = {
    "TDL001": {
        "name": "delete-before-drain",
        "fixable": True,  # `teardown-lint fix` and the `fix` of `check`'s JSON
        "summary": "teardown deletes something while work started earlier in the lifecycle may still be pending",
        "doc": """\
## What it does
Finds teardown code (a fixture's code after `yield`, `request.addfinalizer` callbacks, `finally:`
blocks of a test, `tearDown`, `addCleanup` callbacks, a `TransactionTestCase` flush) that deletes
a record, table, key or directory while background work started earlier in the same test's
lifecycle (a Celery task, an RQ job, an asyncio task, a thread, a future, a subprocess …) may
still be running, because nothing on that path waits for it, drains its queue or cancels it.

## Why is this bad?
The job runs after its parent is gone and fails late, often with a misleading error: a
foreign-key violation, `DoesNotExist`, "database is being accessed by other users", "Event loop
is closed". Whether it fails depends on timing, so the suite is flaky, and the failure is often
reported against a later test. When the job itself starts more work (a job chain), waiting for
the first job is not enough.

## Example
```python
@pytest.fixture
def course(db):
    course = Course.objects.create(title="Intro")
    yield course
    course.delete()


def test_upload(course):
    process_document.delay(course.id, "syllabus.pdf")
```

## Use instead
```python
def test_upload(course):
    result = process_document.delay(course.id, "syllabus.pdf")
    result.get(timeout=30)
```
Or drain the queue (`SimpleWorker([q], connection=q.connection).work(burst=True)`,
`broker.join(queue)`), or cancel the work (`result.revoke()`, `job.cancel()`, `task.cancel()`
followed by `await task`) before the delete. Eager modes (`task_always_eager`,
`Queue(is_async=False)`) and structured concurrency (`asyncio.TaskGroup`,
`with ThreadPoolExecutor()`) avoid the problem altogether.

## Fix safety
`teardown-lint fix` (or `check --fix`) adds a bounded wait, or with `--strategy cancel` a cancel,
where it covers the work on every path: before the delete when the handle or queue is reachable
there, else at the end of the test (or its `finally:`). It binds the job's result when needed and
takes what it writes from the library's pack, or calls the project's own helper named in
`[tool.teardown-lint.fix]`. It changes how long the test runs and, for a cancel, what the job does,
so it is marked unsafe: review the diff (`fix --diff`). Jobs started by other jobs, or inside
application code, are not fixed automatically.

## Configuration
Project helpers the packs cannot know go in `[tool.teardown-lint.calls]`
(`enqueue`, `wait`, `cancel`, `delete`: qualified names, `*` globs allowed).
""",
    },
    "TDL100": {
        "name": "unused-suppression",
        "fixable": False,
        "summary": "a suppression comment silences nothing",
        "doc": """\
## What it does
Reports `# noqa: TDL001`, `# teardown-lint: ignore[TDL001]` and file-level
`# teardown-lint: noqa` comments that silenced no finding in this run, and the codes in them that
are unknown, not enabled, or listed twice. The analogue of Ruff's RUF100; it is not enabled by
default: select it (`--extend-select TDL100`, or `extend-select = ["TDL100"]`).

Only what belongs to teardown-lint is judged. A bare `# noqa` silences our findings too, but it is
never reported, since another linter may need it; nor are other tools' codes (`# noqa: E501`).
Comments in a conftest.py or helper module are judged only when every test module of the
project was checked (a pre-commit run on a few staged files does not see all their users).

## Why is this bad?
A suppression outlives the finding it was written for: once the teardown waits for its job, the
comment stays and will silently hide the next real race on that line.

## Example
```python
@pytest.fixture
def course(db):
    course = Course.objects.create(title="Intro")
    yield course
    drain_queue()
    course.delete()  # noqa: TDL001
```

## Use instead
```python
@pytest.fixture
def course(db):
    course = Course.objects.create(title="Intro")
    yield course
    drain_queue()
    course.delete()
```
To keep a suppression on purpose, list the rule in it: `# noqa: TDL001, TDL100`.

## Fix safety
No automatic fix is offered: remove the comment, or the codes the message names, by hand.
""",
    },
}


def render(code: str) -> str | None:
    rule = RULES.get(code.upper())
    if rule is None:
        return None
    return f"# {rule['name']} ({code.upper()})\n\n{rule['summary']}.\n\n{rule['doc']}"
