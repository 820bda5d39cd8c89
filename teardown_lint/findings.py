"""Findings: what reporters print. One finding per teardown statement, with every job it races."""

from __future__ import annotations

from dataclasses import dataclass, field

from .facts import Loc


# What the walker records and a finding carries (pickled with the analysis: a warm run loads them
# without importing the walker).


@dataclass(frozen=True)
class Work:
    """Work started during the lifecycle that may still be running."""

    id: int
    family: str
    label: str
    path: str
    loc: Loc
    text: str
    job: str = ""  # the job's function, when known
    job_ref: str = ""  # its function id
    hint: str = ""  # how to wait for it (from the pack)
    via: int = 0  # the queue/executor object it went through
    owner: int = 0  # the object whose method started it (`self` there)
    parent: int = 0  # for a job started by another job
    parent_job: str = ""
    through: tuple[str, ...] = ()  # helpers the enqueue was reached through
    links: frozenset = frozenset()  # origins of its arguments
    cancel_requested: bool = False
    fix: tuple = field(default=(), compare=False)  # the enqueue rule's fix templates


@dataclass(frozen=True)
class Seen:
    """A wait or cancel the walk went through, and the work it covered there."""

    path: str
    loc: Loc
    text: str
    covered: frozenset


@dataclass(frozen=True)
class Edit:
    """Part of a fix: a replacement of whole lines, 1-based, end exclusive (Ruff's edits are ranges plus content)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    content: str

    def to_json(self) -> dict:
        return {"path": self.path, "line": self.line, "column": self.column, "end_line": self.end_line,
                "end_column": self.end_column, "content": self.content}


@dataclass
class Fix:
    """The edits `teardown-lint fix` would make for a finding (planned in `fixes`)."""

    strategy: str
    message: str
    edits: list[Edit]
    applicability: str = "unsafe"  # it changes what the test does at run time: review it

    def to_json(self) -> dict:
        return {"applicability": self.applicability, "message": self.message,
                "edits": [e.to_json() for e in self.edits]}


@dataclass
class Finding:
    rule: str
    name: str
    path: str
    loc: Loc
    what: str  # "`course`", "`DELETE FROM courses`"
    where: str  # "fixture `course`", "`tearDown`", "implicit"
    delete: tuple | None = None  # (path, loc, text) of the delete call when it is elsewhere
    works: list = field(default_factory=list)
    linked: bool = False
    near_miss: tuple | None = None  # (Seen, why): the wait that exists but does not cover it
    fix: Fix | None = None  # attached for `check` (suggestions.attach), planned by `fixes`
    unfixable: str = ""  # why no fix is offered
    # set by fingerprint.assign(): stable across line shifts; `fingerprint` adds the occurrence
    # index among identical findings (unique per run), `identity` does not (the baseline counts it)
    identity: str = ""
    fingerprint: str = ""

    def add_work(self, work, linked: bool) -> None:
        key = (work.path, work.loc, work.parent_job)
        if any((w.path, w.loc, w.parent_job) == key for w in self.works):
            return
        self.works.append(work)
        self.linked = self.linked or linked
        # the work the test started itself first, then through helpers, then jobs' own jobs
        self.works.sort(key=lambda w: (w.parent != 0, len(w.through), w.path, w.loc.line, w.loc.col))

    @property
    def label(self) -> str:
        """What the underline of the primary location says (rules other than TDL001 override it)."""
        if self.where == "implicit":
            return f"after this test the framework deletes {self.what}"
        if self.where.startswith("fixture"):
            return f"deleted here, in the teardown of {self.where}"
        return f"deleted here, in {self.where}" if self.where else "deleted here"

    @property
    def confidence(self) -> str:
        return "high" if self.linked else "medium"

    @property
    def severity(self) -> str:
        return "error"

    def _job(self, work) -> str:
        if work.job:
            return f"the {work.label} `{work.job}`"
        return f"the {work.label} started at {work.path}:{work.loc.line}"

    @property
    def message(self) -> str:
        first = self.works[0]
        if self.where == "implicit":
            lead = f"{self.what} while {self._job(first)} may still be running"
            lead = f"the test's teardown deletes {lead}"
        else:
            lead = f"teardown deletes {self.what} while {self._job(first)} may still be running"
        if first.parent:
            lead += f" (started by `{first.parent_job}`, which the test's wait does not cover)"
        elif first.cancel_requested:
            lead += " (it is cancelled but never awaited)"
        if self.near_miss is not None and not first.parent and not first.cancel_requested:
            wait, why = self.near_miss
            lead += f"; the wait `{_shorten(wait.text, 40)}` at {wait.path}:{wait.loc.line} {why}"
        more = len(self.works) - 1
        if more:
            lead += f", and {more} more job{'s' if more > 1 else ''}"
        return lead

    @property
    def help(self) -> str:
        first = self.works[0]
        if first.parent:
            return (
                f"`{first.parent_job}` starts `{first.job or first.text}` at {first.path}:{first.loc.line}; "
                "drain the queue (or poll until no job is pending) before the delete, not only the first job"
            )
        if first.cancel_requested:
            return "await the task after `task.cancel()` (or use `asyncio.TaskGroup`) before the delete"
        if first.hint:
            return f"before the delete, {first.hint}"
        return f"wait for it before the delete: bind the result of `{_shorten(first.text)}` and wait on it with a timeout, or drain/cancel the work"

    def related(self) -> list[dict]:
        out = []
        for work in self.works:
            message = f"{work.label} started here"
            if work.parent:
                message = f"{work.label} started here by job `{work.parent_job}`"
            elif work.through:
                message += f" (through {' -> '.join(f'`{t}`' for t in work.through)})"
            out.append({"path": work.path, "line": work.loc.line, "column": work.loc.col, "message": message})
        if self.near_miss is not None:
            wait, why = self.near_miss
            out.append({"path": wait.path, "line": wait.loc.line, "column": wait.loc.col, "message": f"this wait {why}"})
        if self.delete is not None:
            path, loc, text = self.delete
            if (path, loc.line) != (self.path, self.loc.line):
                out.append({"path": path, "line": loc.line, "column": loc.col, "message": f"deleted here: `{_shorten(text)}`"})
        return out

    def to_json(self) -> dict:
        return {
            "rule": self.rule,
            "name": self.name,
            "path": self.path,
            "line": self.loc.line,
            "column": self.loc.col,
            "end_line": self.loc.end_line,
            "end_column": self.loc.end_col,
            "message": self.message,
            "severity": self.severity,
            "confidence": self.confidence,
            "related": self.related(),
            "fix": self.fix.to_json() if self.fix is not None else None,
        }

    def sort_key(self):
        return (self.path, self.loc.line, self.loc.col, self.rule)


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
