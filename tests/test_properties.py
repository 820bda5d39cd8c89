"""Property tests: the walker against a small reference semantics of may-pending work, and the
join of its states against joining them entry by entry.

Programs are generated from a tiny grammar (start a job into `rN`, wait on `rN`, `if`/`else`
blocks) inside a test whose fixture deletes in its teardown. The reference interpreter tracks,
per path, which jobs each variable may hold and which may still be pending; branches join by
union. The tool must report the teardown delete exactly when some job may be pending.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import write_tree
from teardown_lint import config as config_module, walker
from teardown_lint.engine import run
from teardown_lint.project import Val

HANDLES = 3

statements = st.deferred(
    lambda: st.one_of(
        st.tuples(st.just("start"), st.integers(0, HANDLES - 1)),
        st.tuples(st.just("wait"), st.integers(0, HANDLES - 1)),
        st.tuples(st.just("if"), st.lists(statements, max_size=3), st.lists(statements, max_size=3)),
        st.tuples(st.just("loop"), st.lists(statements, max_size=2)),
        st.just(("append",)),
        st.just(("drain",)),
    )
)
programs = st.lists(statements, max_size=6)


def render(program, depth: int = 1) -> list[str]:
    pad = "    " * depth
    out = []
    for stmt in program:
        if stmt[0] == "start":
            out.append(f"{pad}r{stmt[1]} = process.delay(course.id)")
        elif stmt[0] == "wait":
            out.append(f"{pad}if r{stmt[1]} is not None:")
            out.append(f"{pad}    r{stmt[1]}.get(timeout=10)")
        elif stmt[0] == "loop":
            out.append(f"{pad}for item in items:")
            out += render(stmt[1], depth + 1) or [f"{pad}    pass"]
        elif stmt[0] == "append":
            out.append(f"{pad}results.append(process.delay(course.id))")
        elif stmt[0] == "drain":
            out.append(f"{pad}for result in results:")
            out.append(f"{pad}    result.get(timeout=10)")
        else:
            out.append(f"{pad}if flag:")
            out += render(stmt[1], depth + 1) or [f"{pad}    pass"]
            out.append(f"{pad}else:")
            out += render(stmt[2], depth + 1) or [f"{pad}    pass"]
    return out


def reference(program) -> bool:
    """May some started job still be pending at the end? (Jobs are numbered by start site.)"""
    counter = iter(range(10_000))

    def join(a, b):
        return {k: a.get(k, frozenset()) | b.get(k, frozenset()) for k in set(a) | set(b)}

    def execute(block, pending, holds):
        for stmt in block:
            if stmt[0] in ("start", "append"):
                job = next(counter)
                pending = pending | {job}
                key = stmt[1] if stmt[0] == "start" else "results"
                held = frozenset({job}) if stmt[0] == "start" else holds.get("results", frozenset()) | {job}
                holds = {**holds, key: held}
            elif stmt[0] == "wait":
                pending = pending - holds.get(stmt[1], frozenset())
            elif stmt[0] == "drain":  # a loop that waits on every element leaves none pending
                pending = pending - holds.get("results", frozenset())
            elif stmt[0] == "loop":  # zero or one iteration
                p1, h1 = execute(stmt[1], pending, holds)
                pending, holds = pending | p1, join(holds, h1)
            else:
                p1, h1 = execute(stmt[1], pending, holds)
                p2, h2 = execute(stmt[2], pending, holds)
                pending, holds = p1 | p2, join(h1, h2)
        return pending, holds

    pending, _ = execute(program, frozenset(), {})
    return bool(pending)


def project(tmp: Path, program) -> Path:
    body = "\n".join(render(program)) or "    pass"
    test = textwrap.dedent(
        """
        import pytest
        from app.tasks import process

        @pytest.fixture
        def course():
            course = make_course()
            yield course
            course.delete()

        @pytest.fixture(params=[True, False])
        def flag(request):
            return request.param

        @pytest.fixture(params=[[], [1, 2]])
        def items(request):
            return request.param

        def test_jobs(course, flag, items):
            r0 = r1 = r2 = None
            results = []
        """
    ) + body + "\n"
    return write_tree(tmp, {
        "app/tasks.py": "from celery import shared_task\n\n@shared_task\ndef process(x):\n    pass\n",
        "tests/test_jobs.py": test,
    })


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(program=programs)
def test_walker_agrees_with_the_reference_semantics(tmp_path_factory, program):
    root = project(tmp_path_factory.mktemp("prop"), program)
    findings = run(config_module.Config(root=root), [root]).findings
    assert bool(findings) == reference(program), "\n".join(render(program))
    if findings:
        assert [(f.path, f.loc.line) for f in findings] == [("tests/test_jobs.py", 8)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(program=programs)
def test_waiting_for_every_handle_at_the_end_silences_it(tmp_path_factory, program):
    drained = program + [("wait", i) for i in range(HANDLES)]
    # only the last job bound to each variable is waited for: earlier, rebound ones may remain
    root = project(tmp_path_factory.mktemp("drain"), drained)
    findings = run(config_module.Config(root=root), [root]).findings
    assert bool(findings) == reference(drained)


# ---- joining states --------------------------------------------------------------------------------
# `walker.join` compares whole sets, tuples and tables before joining them entry by entry, since
# the states it joins mostly share what they hold. Whatever they share, by identity or only by
# value, it must give what joining every entry gives.

VALS = [Val(), Val("inst", ("app.Course",), "app.Course", frozenset({1})), Val("inst", ("app.Course",), "app.Course"),
        Val("ext", ("rq.Queue",), handles=frozenset({2}), obj=7), Val("ext", ("rq.Queue",), obj=8, origin="fixture:q")]


def _copies(values):
    """The same values, each either the object itself or an equal copy (a state's own copy)."""
    return st.lists(st.booleans(), min_size=len(values), max_size=len(values)).map(
        lambda fresh: [walker.evolve(v) if f else v for v, f in zip(values, fresh)])


tables = st.dictionaries(st.sampled_from(["a", "b", "c", "self.x"]), st.sampled_from(VALS), max_size=4)
sets = st.frozensets(st.integers(0, 4), max_size=3)


@st.composite
def states(draw):
    env, attrs, heap = draw(tables), draw(tables), draw(st.dictionaries(st.integers(0, 3), st.sampled_from(VALS), max_size=3))
    return walker.State(env=env, attrs=attrs, heap=heap, pending=draw(sets), patched=draw(sets), inline=draw(sets),
                        gates=draw(sets), waits=draw(sets), cleanups=tuple(draw(st.lists(st.sampled_from("xyz"), max_size=2))))


@st.composite
def related_states(draw):
    """Two to three states, each a copy of the first with some tables, sets and values changed."""
    first = draw(states())
    out = [first]
    for _ in range(draw(st.integers(1, 2))):
        other, changes = first.copy(), draw(states())
        for name in ("pending", "patched", "inline", "gates", "waits", "cleanups"):
            if draw(st.booleans()):
                setattr(other, name, getattr(changes, name))
        for name in ("env", "attrs", "heap"):
            mine = getattr(other, name)
            if draw(st.booleans()):
                mine.update(getattr(changes, name))
            keys = list(mine)
            for key, value in zip(keys, draw(_copies([mine[k] for k in keys]))):
                mine[key] = value
        out.append(other)
    return out


def _join_entry_by_entry(states):
    out = states[0].copy()
    for other in states[1:]:
        out.pending, out.patched = out.pending | other.pending, out.patched & other.patched
        out.inline, out.gates, out.waits = out.inline & other.inline, out.gates & other.gates, out.waits | other.waits
        for obj, held in other.heap.items():
            current = out.heap.get(obj)
            out.heap[obj] = held if current is None else walker.join_vals([current, held])
        out.cleanups = out.cleanups + tuple(c for c in other.cleanups if c not in out.cleanups)
        for mine, theirs in ((out.env, other.env), (out.attrs, other.attrs)):
            for key, val in theirs.items():
                current = mine.get(key)
                mine[key] = val if current is None else (current if current == val else walker._merge(current, val))
    return out


@settings(max_examples=300, deadline=None)
@given(joined=related_states())
def test_joining_states_is_joining_every_entry(joined):
    before = [(s.env.copy(), s.attrs.copy(), s.heap.copy()) for s in joined]
    assert walker.join(joined) == _join_entry_by_entry(joined)
    assert [(s.env, s.attrs, s.heap) for s in joined] == before  # the joined states are left as they were
