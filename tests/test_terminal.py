"""Terminal manners of `check` (teardown_lint/terminal.py): colour, --statistics, --quiet/--silent,
the progress bar, and the exit code of a run whose only problem is a file it could not check."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from conftest import CELERY_TASKS, HAZARD_TEST as HAZARD
from teardown_lint import config as config_module, engine, terminal

SAFE = "def test_nothing():\n    assert True\n"


def files(hazards: int = 1, safe: int = 0, broken: bool = False) -> dict[str, str]:
    out = {"pyproject.toml": "[tool.teardown-lint]\n", "app/__init__.py": "", "app/tasks.py": CELERY_TASKS,
           "tests/__init__.py": ""}
    for i in range(hazards):
        out[f"tests/test_hazard_{i}.py"] = HAZARD
    for i in range(safe):
        out[f"tests/test_safe_{i}.py"] = SAFE
    if broken:
        out["tests/test_broken.py"] = "def test_broken(:\n    pass\n"
    return out


@pytest.fixture
def check(monkeypatch, run):
    """`check(root, *args, env={})` -> click result of `teardown-lint check ...` in `root`."""

    def invoke(root: Path, *args: str, env: dict | None = None):
        for name in ("NO_COLOR", "FORCE_COLOR", "CI", "PRE_COMMIT"):
            monkeypatch.delenv(name, raising=False)
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        return run(root, "check", *args)

    return invoke


class Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


# ---- colour -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "tty", "expected"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"NO_COLOR": "1"}, True, False),
        ({"NO_COLOR": "0"}, True, False),  # any value but the empty string
        ({"NO_COLOR": ""}, True, True),  # empty: as if unset (no-color.org)
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": ""}, False, False),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, True),  # force-color.org: FORCE_COLOR is read last
    ],
)
def test_color_decision(env, tty, expected):
    assert terminal.color(Stream(tty), environ=env) is expected


def test_color_is_decided_for_the_stream_written_to():
    assert terminal.color(Stream(True), environ={}) and not terminal.color(Stream(False), environ={})


def test_force_color_survives_a_pipe(tmp_path, make_project, check):
    root = make_project(files())
    forced = check(root, env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout, "click strips ANSI off a non-terminal unless told to keep it"
    assert "\x1b[" not in check(root, env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" not in check(root).stdout  # CliRunner's stdout is not a terminal
    # the report written to a file (-o) is never coloured
    report = tmp_path / "report.txt"
    check(root, "-o", str(report), env={"FORCE_COLOR": "1"})
    assert "TDL001" in report.read_text(encoding="utf-8") and "\x1b[" not in report.read_text(encoding="utf-8")


# ---- --statistics -----------------------------------------------------------------------------------


def test_statistics_text_and_json(make_project, check):
    root = make_project(files(hazards=2))
    (root / "tests/test_noqa.py").write_text("def test_x():\n    x = 1  # noqa: TDL001\n", encoding="utf-8")
    result = check(root, "--statistics", "--extend-select", "TDL100")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split("\t")[:2] for line in lines] == [["2", "TDL001"], ["1", "TDL100"]]
    assert lines[0].endswith("delete-before-drain") and lines[1].endswith("unused-suppression")
    assert "Found" not in result.stdout and "-->" not in result.stdout
    rows = json.loads(check(root, "--statistics", "-f", "json", "--extend-select", "TDL100").stdout)
    assert [(r["code"], r["name"], r["count"]) for r in rows] == [("TDL001", "delete-before-drain", 2),
                                                                  ("TDL100", "unused-suppression", 1)]
    assert rows[1]["fixable"] is False


def test_statistics_with_nothing_to_count_and_a_broken_file(make_project, check):
    root = make_project(files(hazards=0, safe=1))
    result = check(root, "--statistics")
    assert (result.exit_code, result.stdout) == (0, "")
    root = make_project(files(hazards=0, safe=1, broken=True), name="broken")
    result = check(root, "--statistics")
    assert result.exit_code == 1
    assert "error: tests/test_broken.py: syntax error" in result.stdout
    result = check(root, "--statistics", "-f", "json")
    assert json.loads(result.stdout) == []
    assert "error: tests/test_broken.py" in result.stderr


# ---- --quiet, --silent -------------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["full", "concise"])
def test_quiet_prints_findings_without_the_summary(make_project, check, output_format):
    root = make_project(files(hazards=1, broken=True))
    loud = check(root, "-f", output_format)
    result = check(root, "-q", "-f", output_format)
    assert result.exit_code == loud.exit_code == 1
    assert "Found 1 error." in loud.stdout and "Found" not in result.stdout
    assert "tests/test_hazard_0.py:11:5: TDL001" in result.stdout
    assert "error: tests/test_broken.py: syntax error" in result.stdout  # unchecked files still show
    assert result.stdout.strip() == loud.stdout.replace("Found 1 error.\n", "").strip()


def test_quiet_on_a_clean_tree_prints_nothing(make_project, check):
    root = make_project(files(hazards=0, safe=1))
    assert "All checks passed!" in check(root).stdout
    result = check(root, "--quiet")
    assert (result.exit_code, result.stdout) == (0, "")


def test_quiet_keeps_machine_formats_whole(make_project, check):
    root = make_project(files())
    assert check(root, "-q", "-f", "json").stdout == check(root, "-f", "json").stdout


@pytest.mark.parametrize("args", [["-qq"], ["--silent"], ["-q", "-q", "-f", "json"]])
def test_silent_prints_nothing_and_keeps_the_exit_code(make_project, check, args):
    root = make_project(files(broken=True))
    (root / "tests/test_warn.py").write_text("x = 1  # teardown-lint: noqa\n", encoding="utf-8")
    result = check(root, *args)
    assert result.exit_code == 1
    assert (result.stdout, result.stderr) == ("", "")


def test_silent_still_writes_the_output_file(tmp_path, make_project, check):
    root = make_project(files())
    report = tmp_path / "out.json"
    result = check(root, "--silent", "-f", "json", "-o", str(report))
    assert result.exit_code == 1 and result.stdout == ""
    assert len(json.loads(report.read_text(encoding="utf-8"))["findings"]) == 1


def test_directive_warnings_go_to_stderr_unless_quiet(make_project, check):
    root = make_project(files(hazards=0, safe=1))
    (root / "tests/test_warn.py").write_text("x = 1  # teardown-lint: noqa\n", encoding="utf-8")
    result = check(root)
    assert result.stdout.strip() == "All checks passed!"
    assert "warning: tests/test_warn.py:1: a file-level `# teardown-lint: noqa` must be on a line of its own" in result.stderr
    assert check(root, "-q").stderr == ""


# ---- exit codes ---------------------------------------------------------------------------------------


def test_a_file_that_cannot_be_checked_fails_the_run(make_project, check):
    root = make_project(files(hazards=0, safe=1, broken=True))
    result = check(root)
    assert result.exit_code == 1, "as Ruff exits 1 on a syntax error: the run could not vouch for that file"
    assert "No findings, but 1 file could not be checked." in result.stdout
    assert check(root, "--exit-zero").exit_code == 0
    assert check(root, "-f", "json").exit_code == 1


def test_unreadable_file_fails_the_run(make_project, check):
    root = make_project(files(hazards=0, safe=1))
    (root / "tests/test_latin1.py").write_bytes(b'NAME = "caf\xe9"\n\n\ndef test_name():\n    assert NAME\n')
    assert check(root).exit_code == 1


def test_internal_error_still_exits_2(make_project, check, monkeypatch):
    from teardown_lint.check import Checker

    def boom(self, lc):
        raise RuntimeError("analysis bug")

    monkeypatch.setattr(Checker, "run", boom)
    root = make_project(files(hazards=0, safe=1, broken=True))
    result = check(root)
    assert result.exit_code == 2, result.output


# ---- progress -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "tty", "output_format", "quiet", "allowed"),
    [
        ({}, True, "full", 0, True),
        ({}, True, "concise", 0, True),
        ({}, False, "full", 0, False),  # not a terminal
        ({"CI": "true"}, True, "full", 0, False),
        ({"CI": "1"}, True, "full", 0, False),
        ({"CI": "false"}, True, "full", 0, True),
        ({"PRE_COMMIT": "1"}, True, "full", 0, False),
        ({"TERM": "dumb"}, True, "full", 0, False),
        ({}, True, "json", 0, False),  # machine formats: a program reads the output
        ({}, True, "sarif", 0, False),
        ({}, True, "github", 0, False),
        ({}, True, "full", 1, False),
    ],
)
def test_progress_allowed(env, tty, output_format, quiet, allowed):
    assert terminal.progress_allowed(Stream(tty), output_format, quiet, environ=env) is allowed


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_bar_draws_after_its_delay_and_erases_itself():
    clock, stream = Clock(), Stream(True)
    bar = terminal.Progress(stream, min_files=10, delay=0.5, clock=clock)
    bar("read", 1, 100)
    assert stream.getvalue() == "", "nothing during the first half second"
    clock.now = 1.0
    bar("read", 50, 100)
    frame = stream.getvalue()
    assert frame.startswith("\r[") and "reading 50/100 files" in frame and "\n" not in frame
    clock.now = 1.01
    bar("check", 60, 100)  # too soon after the last frame: skipped
    assert stream.getvalue() == frame
    clock.now = 2.0
    bar("check", 100, 100)
    assert "checking 100/100 files" in stream.getvalue()
    bar.close()
    assert stream.getvalue().endswith("\r") and stream.getvalue().rsplit("\r", 2)[-2].strip() == ""


def test_small_trees_get_no_bar():
    clock, stream = Clock(), Stream(True)
    clock.now = 10.0
    bar = terminal.Progress(stream, min_files=50, delay=0.0, clock=clock)
    bar("check", 3, 10)
    bar.close()
    assert stream.getvalue() == ""


def test_engine_reports_progress_per_target_file(make_project, monkeypatch):
    root = make_project(files(hazards=2, safe=3))
    monkeypatch.chdir(root)
    calls = []
    engine.run(config_module.load(), [root], progress=lambda phase, done, total: calls.append((phase, done, total)))
    targets = 8  # 5 tests, app/__init__.py, app/tasks.py, tests/__init__.py
    assert [c for c in calls if c[0] == "read"] == [("read", i, targets) for i in range(1, targets + 1)]
    assert [c for c in calls if c[0] == "check"] == [("check", i, targets) for i in range(1, targets + 1)]


def test_check_wires_the_bar_and_closes_it(make_project, check, monkeypatch):
    seen = []

    class Recorder:
        def __init__(self, stream):
            seen.append(("open", stream))

        def __call__(self, phase, done, total):
            seen.append((phase, done, total))

        def close(self):
            seen.append(("close",))

    monkeypatch.setattr(terminal, "Progress", Recorder)
    monkeypatch.setattr(terminal, "progress_allowed", lambda stream, fmt, quiet, environ=None: fmt == "full")
    root = make_project(files())
    assert check(root).exit_code == 1
    assert seen[0][0] == "open" and seen[-1] == ("close",) and ("check", 4, 4) in seen
    seen.clear()
    check(root, "-f", "json")
    assert seen == []
