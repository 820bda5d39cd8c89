"""Library knowledge: the `rules/*.toml` packs and `[tool.teardown-lint.calls]`."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import RULES
from teardown_lint import packs
from teardown_lint.facts import Arg, Call, Loc, Ref
from teardown_lint.packs import Knowledge, PackError

PACK_FILES = sorted(RULES.glob("*.toml"))
LOC = Loc(1, 1, 1, 2)


def call(*args: Arg, in_loop: bool = False, **kwargs: Arg) -> Call:
    return Call(
        id=0, func=Ref("x"), args=tuple(args), kwargs=tuple(kwargs.items()), loc=LOC, stmt=LOC, text="x()",
        in_loop=in_loop,
    )


def const(value) -> Arg:
    return Arg(const=(value,))


def sql(text: str) -> Arg:
    return Arg(text=text)


def load_text(tmp_path: Path, text: str, name: str = "demo", extra_calls=None) -> Knowledge:
    directory = tmp_path / "rules"
    directory.mkdir(exist_ok=True)
    (directory / f"{name}.toml").write_text(textwrap.dedent(text), encoding="utf-8")
    return packs.load(extra_calls, directory=directory)


def effect(knowledge: Knowledge, name: str, c: Call | None = None) -> str | None:
    rule = knowledge.classify([name], c or call())
    return rule.effect if rule else None


# ---- the shipped packs ---------------------------------------------------------------------------------


def test_there_are_packs():
    assert len(PACK_FILES) >= 5


@pytest.mark.parametrize("path", PACK_FILES, ids=[p.stem for p in PACK_FILES])
def test_every_pack_loads_on_its_own(tmp_path, path):
    shutil.copy(path, tmp_path / path.name)
    knowledge = packs.load(directory=tmp_path)
    assert knowledge.packs, path.name
    assert knowledge.exact or knowledge.globs or knowledge.returns or knowledge.testcase_bases, f"{path.name} is empty"


def test_all_packs_load_together():
    knowledge = packs.load(directory=RULES)
    assert len(knowledge.packs) == len(PACK_FILES)
    assert len(set(knowledge.packs)) == len(knowledge.packs), "two packs share a name"
    assert knowledge.fingerprint


def test_the_packs_the_package_uses_are_the_repository_packs():
    """An installed wheel must carry every pack (pyproject's force-include)."""
    shipped = sorted(p.name for p in packs.rules_dir().glob("*.toml"))
    assert shipped == [p.name for p in PACK_FILES]
    assert packs.load().packs == packs.load(directory=RULES).packs


def test_fingerprint_changes_with_configured_calls():
    assert packs.load().fingerprint != packs.load({"wait": ["tests.helpers.wait"]}).fingerprint


def test_shipped_pack_examples():
    knowledge = packs.load()
    assert effect(knowledge, "celery.Task.delay") == "enqueue"
    assert effect(knowledge, "celery.Task.s") == "none"
    assert effect(knowledge, "celery.result.AsyncResult.get") == "wait"
    assert effect(knowledge, "concurrent.futures.Executor.shutdown") == "wait"
    assert effect(knowledge, "concurrent.futures.Executor.shutdown", call(wait=const(False))) != "wait"
    assert effect(knowledge, "concurrent.futures.Executor.shutdown", call(const(False))) != "wait"
    assert effect(knowledge, "db.cursor.execute", call(sql("DELETE FROM courses"))) == "delete"
    assert effect(knowledge, "db.cursor.execute", call(sql("select * from courses"))) != "delete"


# ---- schema errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '[pack]\nname = "demo"\n[[enqueue]]\ncalls = ["demo.start"]\n[surprise]\nx = 1\n',
        '[[wait]]\ncalls = ["demo.wait"]\ncovers = "everything"\n',
        '[[cancel]]\ncalls = ["demo.cancel"]\ncovers = 3\n',
        '[[delete]]\nwhat = "receiver"\n',
        '[[delete]]\ncalls = []\n',
        '[[enqueue]\ncalls = ["demo.start"]\n',
    ],
    ids=["unknown-table", "bad-covers", "covers-not-a-string", "no-calls", "empty-calls", "bad-toml"],
)
def test_bad_pack_raises_pack_error(tmp_path, text):
    with pytest.raises(PackError):
        load_text(tmp_path, text)


def test_unknown_key_in_an_entry_raises_pack_error(tmp_path):
    with pytest.raises(PackError):
        load_text(tmp_path, '[[wait]]\ncalls = ["demo.Worker.work"]\nwhne = { burst = true }\n')


def test_pack_error_names_the_file(tmp_path):
    with pytest.raises(PackError, match="broken"):
        load_text(tmp_path, "[nonsense]\n", name="broken")


def test_configured_calls_with_an_unknown_effect():
    with pytest.raises(PackError):
        packs.load({"spawn": ["tests.helpers.start"]})


# ---- configured calls ----------------------------------------------------------------------------------

DEMO = """
[pack]
name = "demo"
label = "demo job"

[[enqueue]]
calls = ["demo.Queue.add"]
[[delete]]
calls = ["*.delete"]
[[wait]]
calls = ["demo.Queue.drain"]
covers = "family"
"""


def test_pack_rules(tmp_path):
    knowledge = load_text(tmp_path, DEMO)
    assert effect(knowledge, "demo.Queue.add") == "enqueue"
    assert effect(knowledge, "anything.delete") == "delete"
    assert effect(knowledge, "demo.Queue.drain") == "wait"
    assert effect(knowledge, "demo.Queue.size") is None
    rule = knowledge.classify(["demo.Queue.add"], call())
    assert (rule.family, rule.label, rule.source) == ("demo", "demo job", "demo pack")


def test_configured_calls_override_packs(tmp_path):
    knowledge = load_text(
        tmp_path, DEMO, extra_calls={"wait": ["demo.Queue.add"], "cancel": ["tests.helpers.delete"]}
    )
    rule = knowledge.classify(["demo.Queue.add"], call())
    assert rule.effect == "wait"
    assert rule.source == "[tool.teardown-lint.calls]"
    # a configured exact name beats a pack's glob
    assert effect(knowledge, "tests.helpers.delete") == "cancel"
    assert effect(knowledge, "other.delete") == "delete"


def test_configured_globs_override_pack_globs(tmp_path):
    knowledge = load_text(tmp_path, DEMO, extra_calls={"enqueue": ["tests.api.*"], "wait": ["tests.*.delete"]})
    assert effect(knowledge, "tests.api.request_generation") == "enqueue"
    assert effect(knowledge, "tests.helpers.delete") == "wait"
    assert effect(knowledge, "app.models.Course.delete") == "delete"
    assert effect(knowledge, "testsuite.api.request") is None


def test_most_specific_name_first(tmp_path):
    knowledge = load_text(tmp_path, DEMO, extra_calls={"enqueue": ["tests.api.start"]})
    rule = knowledge.classify(["tests.api.start", "demo.Queue.add"], call())
    assert rule.source == "[tool.teardown-lint.calls]"
    rule = knowledge.classify(["unknown.name", "demo.Queue.add"], call())
    assert rule.effect == "enqueue" and rule.source == "demo pack"


# ---- conditions ------------------------------------------------------------------------------------------

CONDITIONS = """
[[wait]]
calls = ["demo.Worker.work"]
covers = "family"
when = { burst = true }

[[wait]]
calls = ["demo.Job.result"]
when = { "#0" = true }

[[wait]]
calls = ["demo.Executor.shutdown"]
unless = { wait = false, "#0" = false }

[[delete]]
calls = ["*.execute"]
sql = ["delete", "TRUNCATE", "DROP"]

[[wait]]
calls = ["demo.Job.get_status"]
in_loop = true

[[delete]]
calls = ["demo.call_command"]
when = { "#0" = "flush" }
"""


@pytest.mark.parametrize(
    ("name", "c", "expected"),
    [
        ("demo.Worker.work", call(burst=const(True)), "wait"),
        ("demo.Worker.work", call(burst=const(False)), None),
        ("demo.Worker.work", call(), None),
        ("demo.Worker.work", call(burst=Arg(ref=Ref("flag"))), None),  # not a constant: unknown
        ("demo.Job.result", call(const(True)), "wait"),
        ("demo.Job.result", call(const(30)), "wait"),
        ("demo.Job.result", call(const(0)), None),
        ("demo.Job.result", call(), None),
        ("demo.Executor.shutdown", call(), "wait"),
        ("demo.Executor.shutdown", call(wait=const(True)), "wait"),
        ("demo.Executor.shutdown", call(wait=const(False)), None),
        ("demo.Executor.shutdown", call(const(False)), None),
        ("db.execute", call(sql("DELETE FROM courses WHERE id = 1")), "delete"),
        ("db.execute", call(sql("  truncate courses")), "delete"),
        ("db.execute", call(sql("DROP TABLE courses")), "delete"),
        ("db.execute", call(sql("SELECT * FROM courses")), None),
        ("db.execute", call(sql("")), None),
        ("db.execute", call(), None),
        ("db.execute", call(Arg(ref=Ref("statement"))), None),
        ("db.execute", call(query=sql("DELETE FROM courses")), "delete"),
        ("demo.Job.get_status", call(in_loop=True), "wait"),
        ("demo.Job.get_status", call(in_loop=False), None),
        ("demo.call_command", call(const("flush")), "delete"),
        ("demo.call_command", call(const("migrate")), None),
    ],
)
def test_classify_conditions(tmp_path, name, c, expected):
    knowledge = load_text(tmp_path, CONDITIONS)
    assert effect(knowledge, name, c) == expected


def test_a_failing_condition_falls_through_to_the_next_rule(tmp_path):
    knowledge = load_text(
        tmp_path,
        """
        [[wait]]
        calls = ["demo.Worker.work"]
        when = { burst = true }
        [[none]]
        calls = ["demo.Worker.work"]
        """,
    )
    assert effect(knowledge, "demo.Worker.work", call(burst=const(True))) == "wait"
    assert effect(knowledge, "demo.Worker.work", call()) == "none"


def test_returns_and_inline_settings(tmp_path):
    knowledge = load_text(
        tmp_path,
        """
        [pack]
        name = "demo"
        [returns]
        "demo.Queue.add" = "demo.Job"
        "demo.*.fetch" = "demo.Job"
        [inline]
        settings = { always_eager = true }
        fixtures = ["demo_config"]
        """,
    )
    assert knowledge.returns_of(["demo.Queue.add"]) == "demo.Job"
    assert knowledge.returns_of(["demo.Registry.fetch"]) == "demo.Job"
    assert knowledge.returns_of(["demo.Queue.size"]) is None
    assert knowledge.inline_for([("always_eager", (True,))]) == {"demo"}
    assert knowledge.inline_for([("always_eager", (False,))]) == set()
    assert knowledge.inline_fixtures == {"demo_config": "demo"}


def test_classify_remembers_matches_by_name_but_decides_applicability_per_call():
    """`classify` keeps, per tuple of names, the rules whose patterns match; whether a rule
    applies (its `when`/`unless`/`in_loop`) still depends on each call, and a rule added later
    is seen."""
    knowledge = Knowledge()
    looping = packs.Rule("wait", "app.Queue.poll", "app", "app job", "test", in_loop=True)
    knowledge.add(looping)
    names = ("app.Queue.poll",)
    assert knowledge.classify(names, call()) is None, "not in a loop"
    assert knowledge.classify(names, call(in_loop=True)) is looping
    wildcard = packs.Rule("wait", "app.*.poll", "app", "app job", "test")
    knowledge.add(wildcard)
    assert knowledge.classify(names, call()) is wildcard
    assert knowledge.classify(names, call(in_loop=True)) is looping, "exact names first"
