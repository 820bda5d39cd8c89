"""`teardown-lint debug PATH`: what the tool saw, so that a user can tune the configuration.

It prints the resolved configuration, then, for each test of each file, the lifecycle in the order
pytest or unittest runs it (fixture setups, the test body, teardowns, registered cleanups) with
every call the walk went through: its effect (enqueue, wait, cancel, delete, patch, register …),
which pack entry or `[tool.teardown-lint.calls]` entry classified it, and what it did to the
pending work. The trace comes from the checker itself (a subclass that records as it walks), so
it cannot drift from what `check` decides.
"""

from __future__ import annotations

import fnmatch
import json
import os
from dataclasses import replace
from pathlib import Path

from . import __version__, discover, packs, suppressions
from .check import Checker
from .config import RULE_CODES, Config
from .engine import run
from .facts import Call
from .findings import Finding
from .lifecycle import Builder, Lifecycle
from .packs import Rule
from .project import Index
from .walker import Frame, State

_NAMES_SHOWN = 3


class Tracer(Checker):
    """A Checker that records each step of the walk as an event (a plain dict)."""

    replays_setup = False  # every test's trace shows its class's setup

    def __init__(self, index: Index, rel=lambda path: path) -> None:
        super().__init__(index)
        self.rel = rel  # root-relative path -> the path shown
        self.events: list[dict] = []
        self._depth = 0  # helpers followed below the lifecycle's own functions
        self._quiet = 0  # inside a job chain summary (memoised, shown on the enqueue)
        self._current: dict | None = None
        self._reported: list[Finding] = []

    def trace(self, lc: Lifecycle) -> list[dict]:
        self.events = []
        self.run(lc)
        if self.budget <= 0:
            self.events.append({"type": "note", "depth": 0, "text": "walk budget exhausted: later helpers were not followed"})
        return self.events

    # ---- structure ------------------------------------------------------------------------------

    def _phase(self, title: str, path: str, line: int = 0) -> None:
        self.events.append({"type": "phase", "title": title, "path": self.rel(path), "line": line})

    def walk_function(self, frame: Frame, state: State, args: dict, self_val=None, positional=(), closure=None):
        function = frame.function
        if self._quiet or function is None:
            return super().walk_function(frame, state, args, self_val, positional, closure)
        if frame.kind in ("fixture", "test", "teardown"):
            title = {"fixture": "setup", "test": "test body", "teardown": "teardown"}[frame.kind]
            where = frame.where or f"`{function.name}`"
            self._phase(f"{title} of {where}" if frame.kind != "test" else f"{title} of `{function.name}`",
                        frame.facts.path, function.loc.line)
            if frame.on_yield is not None:
                inner = frame.on_yield

                def on_yield(s, value, inner=inner, where=where, path=frame.facts.path):
                    out = inner(s, value)
                    self._phase(f"teardown of {where} (after its yield)", path)
                    return out

                frame.on_yield = on_yield
            return super().walk_function(frame, state, args, self_val, positional, closure)
        self._depth += 1
        try:
            return super().walk_function(frame, state, args, self_val, positional, closure)
        finally:
            self._depth -= 1

    def chain(self, function_id: str):
        self._quiet += 1
        try:
            return super().chain(function_id)
        finally:
            self._quiet -= 1

    def run_cleanups(self, state: State, owner: str) -> State:
        if not self._quiet and any(c.owner == owner for c in state.cleanups):
            who = {"test": "the test", "class": "the class"}.get(owner, f"fixture `{owner.rsplit('#', 1)[-1]}`")
            self._phase(f"cleanups registered by {who} (last registered first)", self.lc.path)
        return super().run_cleanups(state, owner)

    def _decorators(self, facts, decorators, state: State) -> State:
        before = state.patched
        out = super()._decorators(facts, decorators, state)
        added = sorted(out.patched - before)
        if added and not self._quiet:
            self.events.append({"type": "note", "depth": self._depth,
                                "text": f"decorators patch {', '.join(f'`{t}`' for t in added)}: calls of them start no work"})
        return out

    def implicit(self, lc: Lifecycle, state: State, what: str) -> None:
        live = self.live(state)
        self._phase(f"the framework deletes {what} after the test", lc.path)
        count = len(self._reported)
        super().implicit(lc, state, what)
        self.events.append({"type": "note", "depth": 0, "text": _pending_note(live, self.rel) + (
            f" -> {self._reported[-1].rule}" if len(self._reported) > count else "")})

    def report(self, path, loc, delete, what, pending, where, links, waits=frozenset()) -> None:
        super().report(path, loc, delete, what, pending, where, links, waits)
        self._reported.append(self.findings[(path, loc.line, loc.col)])

    # ---- calls ----------------------------------------------------------------------------------

    def call(self, call: Call, state: State, frame: Frame):
        if self._quiet or call.synthetic == "decorator":
            return super().call(call, state, frame)
        event = self._event(call, frame)
        self._current = event
        out = super().call(call, state, frame)
        if event["effect"] is None and not event["why"]:
            # Walker.call returned before classifying: a patched callee, or `super()`
            event["effect"] = "-"
            event["why"] = ("`super()`: the next class of the MRO" if call.text.startswith("super(")
                            else "patched (mock.patch / monkeypatch): starts no work")
        return out

    def _event(self, call: Call, frame: Frame) -> dict:
        event = {"type": "call", "path": self.rel(frame.facts.path), "line": call.loc.line, "col": call.loc.col,
                 "text": call.text, "depth": self._depth, "teardown": frame.teardown, "effect": None,
                 "rule": None, "why": "", "note": ""}
        if call.synthetic:
            event["text"] = {"await": f"await {call.text}", "exit": f"leaving `with {call.text}`",
                             "aexit": f"leaving `async with {call.text}`"}.get(call.synthetic, call.text)
        self.events.append(event)
        return event

    def effect(self, rule: Rule, call: Call, callee, state: State, frame: Frame, receiver=None):
        if self._quiet:
            return super().effect(rule, call, callee, state, frame, receiver)
        event = self._current if call.id >= 0 and self._current is not None and self._current["effect"] is None \
            and self._current["line"] == call.loc.line else self._event(call, frame)
        if call.id < 0:
            event["text"] = f"registered cleanup `{call.text}` runs"
        self._current = None
        event["effect"] = rule.effect
        event["rule"] = provenance(rule, callee.names)
        event["why"] = describe_rule(rule, callee.names)
        before, live, reported = state.pending, self.live(state), len(self._reported)
        if rule.effect == "patch":
            targets = sorted(self.patch_targets(call, state, frame))
        out = super().effect(rule, call, callee, state, frame, receiver)
        after = out.pending if out is not None else before
        event["note"] = self._outcome(rule, state, frame, before, after, live, reported)
        if rule.effect == "patch":
            event["note"] = f"patches {', '.join(f'`{t}`' for t in targets) or 'nothing known'}: calls of it start no work"
        return out

    def _outcome(self, rule: Rule, state: State, frame: Frame, before, after, live, reported: int) -> str:
        effect = rule.effect
        if effect == "enqueue":
            if rule.family in state.inline:
                return f"{rule.label} runs inline here (eager settings or fixture): nothing is left pending"
            started = sorted((w for w in after - before), key=lambda w: w.id)
            own = [w for w in started if not w.parent]
            chained = [w for w in started if w.parent]
            text = f"starts {own[0].label}" + (f" `{own[0].job}`" if own and own[0].job else "") if own else "starts work"
            if chained:
                text += f"; its job starts {len(chained)} more ({', '.join(sorted({w.label for w in chained}))})"
            return f"{text}; pending now: {len(after)}"
        if effect in ("wait", "cancel"):
            covered = sorted(before - after, key=lambda w: w.id)
            requested = [w for w in after if w.cancel_requested and w not in before]
            scope = {"receiver": "its receiver's work", "args": "the handles passed to it", "family": f"all {rule.family} work",
                     "all": "all work", "queue": "the queue passed to it"}.get(rule.covers, rule.covers)
            if covered:
                return f"covers {scope}: clears {_works(covered, self.rel)}; pending now: {len(after)}"
            if requested:
                return f"cancels {_works(requested, self.rel)}, which counts once it is awaited"
            return f"covers {scope}: nothing pending matches" + (f" ({len(before)} pending)" if before else "")
        if effect == "delete":
            if not frame.teardown:
                return "not in a teardown (setup or test body): not checked"
            if len(self._reported) > reported:
                finding = self._reported[-1]
                return (f"in a teardown, {_pending_note(live, self.rel)} -> {finding.rule} at "
                        f"{self.rel(finding.path)}:{finding.loc.line}")
            return f"in a teardown, {_pending_note(live, self.rel)}"
        if effect == "register":
            owner = frame.owner if rule.phase == "fixture" else rule.phase
            who = {"test": "the test", "class": "the class"}.get(owner, f"fixture `{owner.rsplit('#', 1)[-1]}`")
            return f"registers a cleanup: it runs when {who} is torn down"
        if effect == "invoke":
            if rule.gate and rule.gate not in state.gates:
                return f"its callback never runs here (the `{rule.gate}` gate is closed)"
            return "runs its callback now"
        if effect == "gate":
            return f"opens the `{rule.gate}` gate"
        if effect == "none":
            return "looks like an effect but is not one: nothing happens"
        return ""

    def plain_call(self, call: Call, callee, state: State, frame: Frame):
        if self._quiet:
            return super().plain_call(call, callee, state, frame)
        event = self._current if self._current is not None and self._current["effect"] is None else self._event(call, frame)
        self._current = None
        walks = self.budget
        names = [n for n in callee.names if n != "?"]
        if callee.kind == "func" and not call.synthetic and self.index.function(callee.ref) is not None:
            event["effect"] = "call"
            event["why"] = f"project function `{names[0] if names else callee.ref}`"
            out = super().plain_call(call, callee, state, frame)
            event["note"] = "followed" if self.budget < walks else _not_followed(self, callee, call)
            return out
        event["effect"] = "-"
        if names:
            shown = ", ".join(f"`{n}`" for n in names[:_NAMES_SHOWN]) + (" …" if len(names) > _NAMES_SHOWN else "")
            event["why"] = f"no rule matches {shown}"
        else:
            event["why"] = "callee not resolved (a local value of unknown type): no rule can match"
        return super().plain_call(call, callee, state, frame)


def _not_followed(tracer: Tracer, callee, call: Call) -> str:
    entry = tracer.index.function(callee.ref)
    if entry is not None and entry[1].is_async and not call.awaited:
        return "not followed: an async function called without `await` only makes a coroutine"
    if not tracer.graph.needs_walk(callee.ref):
        return "not followed: nothing it reaches has an effect"
    return "not followed (recursion, depth or walk budget)"


def _works(works, rel) -> str:
    shown = [f"`{w.job or w.text}` ({rel(w.path)}:{w.loc.line})" for w in works[:3]]
    return ", ".join(shown) + (f" and {len(works) - 3} more" if len(works) > 3 else "")


def _pending_note(live, rel) -> str:
    if not live:
        return "nothing pending"
    return f"pending: {_works(live, rel)}"


def matched_name(rule: Rule, names) -> str:
    """Which of the callee's qualified names the rule's pattern matched (`?` is a value whose
    type the tool does not know: only glob patterns such as `*.delete` match it)."""
    for name in names:
        if name == rule.pattern or fnmatch.fnmatchcase(name, rule.pattern):
            return name
    return names[0] if names else ""


def provenance(rule: Rule, names) -> dict:
    """Where the rule that classified a call comes from, as data (for JSON)."""
    return {
        "origin": rule.origin or rule.source,
        "entry": rule.entry,
        "effect": rule.effect,
        "pattern": rule.pattern,
        "matched": matched_name(rule, names),
        "family": rule.family,
    }


def describe_rule(rule: Rule, names) -> str:
    """`rules/celery.toml [[enqueue]] #2: "*.delay" matched `app.tasks.x.delay``, with conditions."""
    if rule.origin == "[tool.teardown-lint.calls]":
        where = f"[tool.teardown-lint.calls] {rule.effect}[{rule.entry}]"
    elif rule.origin:
        where = f"{rule.origin} [[{rule.effect}]] #{rule.entry}"
    else:
        where = rule.source
    text = f"{where}: \"{rule.pattern}\" matched `{matched_name(rule, names)}`"
    conditions = []
    if rule.when:
        conditions.append("when " + ", ".join(f"{k} = {v!r}" for k, v in rule.when))
    if rule.unless:
        conditions.append("unless " + ", ".join(f"{k} = {v!r}" for k, v in rule.unless))
    if rule.sql:
        conditions.append(f"SQL starting with {'/'.join(rule.sql)}")
    if rule.in_loop:
        conditions.append("inside a loop")
    return text + (f" ({'; '.join(conditions)})" if conditions else "")


# ---- the report -----------------------------------------------------------------------------------


def configuration(config: Config, knowledge: packs.Knowledge, settings, files_read: list[str]) -> dict:
    return {
        "root": str(config.root),
        "config_file": str(config.source) if config.source else None,
        "select": list(config.select),
        "ignore": list(config.ignore),
        "enabled_rules": [code for code in RULE_CODES if config.enabled(code)],
        "per_file_ignores": dict(config.per_file_ignores),
        "exclude": list(config.exclude),
        "calls": {effect: list(names) for effect, names in config.calls.items()},
        "packs": list(knowledge.packs),
        "packs_dir": str(packs.rules_dir()),
        "pytest": {"python_files": list(settings.python_files), "python_classes": list(settings.python_classes),
                   "python_functions": list(settings.python_functions)},
        "files_read": files_read,
    }


def explain(config: Config, paths: list[Path], cwd: Path | None = None) -> dict:
    """Everything `debug` prints, as data: configuration, then per file its tests' traces. Paths
    are relative to `cwd` (as `check` prints them), or to the project root without one."""
    knowledge = packs.load(config.calls)
    result = run(config, paths, knowledge)  # no cache: the trace needs the linked index
    index = result.index
    if index is None:
        raise RuntimeError("the engine returned no index to trace")
    rel = _relative(config.root, cwd)
    builder = Builder(index)
    tracer = Tracer(index, rel)
    suppressor = suppressions.Suppressor(config, index.files, known_codes=RULE_CODES)
    files = []
    made: dict[int, Finding] = {}  # the checker's findings collect the work of every test that reaches them
    for target in sorted(t.relative for t in discover.targets(index.project, paths)):
        facts = index.files.get(target)
        entry = {"path": rel(target), "error": None, "test_module": False, "tests": [],
                 "suppressions": [], "warnings": []}
        files.append(entry)
        if facts is None or facts.error is not None:
            entry["error"] = facts.error if facts is not None else "not read"
            continue
        entry["test_module"] = builder.is_test_file(facts)
        parsed = suppressor.parsed(target)
        entry["suppressions"] = [{"line": d.line, "form": d.form, "codes": list(d.codes), "text": d.text}
                                 for d in parsed.directives]
        entry["warnings"] = [{"line": line, "message": message} for line, message in parsed.warnings]
        for lc in builder.lifecycles(facts):
            tracer._reported = []
            try:
                events = tracer.trace(lc)
            except Exception as exc:  # noqa: BLE001 - show the rest; `check` reports it as an internal error
                events = [{"type": "note", "depth": 0, "text": f"internal error: {exc!r}"}]
            findings = sorted({id(f): f for f in tracer._reported}.values(), key=Finding.sort_key)
            made.update((id(f), f) for f in findings)
            path, _, rest = lc.node_id.partition("::")
            entry["tests"].append({
                "node_id": f"{rel(path)}::{rest}",
                "fixtures": [_fixture(index, fx, rel) for fx in lc.fixtures],
                "events": events,
                "findings": [(id(f), _status(config, suppressor, f)) for f in findings],
            })
    for finding in made.values():  # now that every test was traced: paths as the user reads them
        finding.path = rel(finding.path)
        finding.works = [replace(w, path=rel(w.path)) for w in finding.works]
        if finding.delete is not None:
            finding.delete = (rel(finding.delete[0]), *finding.delete[1:])
    for entry in files:
        for test in entry["tests"]:
            test["findings"] = [_verdict(made[key], status) for key, status in test["findings"]]
    return {
        "version": __version__,
        "configuration": configuration(config, knowledge, builder.settings, [rel(p) for p in sorted(index.files)]),
        "files": files,
    }


def _relative(root: Path, cwd: Path | None):
    if cwd is None or cwd == root:
        return lambda path: path
    return lambda path: Path(os.path.relpath(root / path, cwd)).as_posix()


def _fixture(index: Index, fx, rel) -> dict:
    entry = index.function(fx.function_id) if fx.function_id else None
    where = f"{rel(entry[0].path)}:{entry[1].loc.line}" if entry else "plugin"
    return {"name": fx.name, "scope": fx.scope, "autouse": fx.autouse, "defined": where,
            "implicit_delete": fx.implicit_delete or None}


def _status(config: Config, suppressor: suppressions.Suppressor, finding: Finding) -> str:
    """What becomes of a finding the walk made: reported, not selected, or which comment silences it."""
    if not config.enabled(finding.rule):
        return f"not reported: {finding.rule} is not selected"
    if not config.enabled(finding.rule, finding.path):
        return f"not reported: per-file-ignores disable {finding.rule} for {finding.path}"
    directive = suppressor._match(finding.path, finding.loc.line, finding.rule)
    if directive is not None:
        return f"suppressed by `{directive.text}` (line {directive.line})"
    return "reported"


def _verdict(finding: Finding, status: str) -> dict:
    return {"rule": finding.rule, "path": finding.path, "line": finding.loc.line, "column": finding.loc.col,
            "message": finding.message, "status": status}


def as_json(data: dict) -> str:
    return json.dumps(data, indent=2, default=str)


def as_text(data: dict) -> str:
    c = data["configuration"]
    out = ["configuration"]

    def row(key: str, value) -> None:
        out.append(f"  {key:<18}{value}")

    row("project root", c["root"])
    row("config file", c["config_file"] or "none: defaults (no pyproject.toml with [tool.teardown-lint])")
    row("select", ", ".join(c["select"]) or "-")
    row("ignore", ", ".join(c["ignore"]) or "-")
    row("enabled rules", ", ".join(c["enabled_rules"]) or "none")
    row("per-file-ignores", "; ".join(f"{k} = {', '.join(v)}" for k, v in c["per_file_ignores"].items()) or "-")
    row("exclude", ", ".join(c["exclude"]) or "-")
    row("calls", "; ".join(f"{k} = {', '.join(v)}" for k, v in c["calls"].items()) or "- ([tool.teardown-lint.calls] is empty)")
    row("packs", f"{len(c['packs'])} from {c['packs_dir']}: {', '.join(c['packs'])}")
    p = c["pytest"]
    row("pytest collects", f"files {' '.join(p['python_files'])}; classes {' '.join(p['python_classes'])}; "
                           f"functions {' '.join(p['python_functions'])}")
    read = c["files_read"]
    if len(read) <= 6:
        row("files read", f"{len(read)}: {', '.join(read)}")
    else:  # one a line: a long list is what to look at when a settings module comes from elsewhere
        row("files read", f"{len(read)}:")
        out.extend(f"{'':<20}{path}" for path in read)
    for entry in data["files"]:
        out.append("")
        out.append(entry["path"])
        if entry["error"]:
            out.append(f"  could not be checked: {entry['error']}")
            continue
        for warning in entry["warnings"]:
            out.append(f"  warning: line {warning['line']}: {warning['message']}")
        for directive in entry["suppressions"]:
            out.append(f"  suppression at line {directive['line']}: `{directive['text']}`")
        if not entry["test_module"]:
            out.append("  not a test module (see `pytest collects`): no tests; its code counts when tests reach it")
            continue
        if not entry["tests"]:
            out.append("  no tests collected")
        for test in entry["tests"]:
            out += _test_text(test, entry["path"])
    return "\n".join(out)


def _test_text(test: dict, path: str) -> list[str]:
    out = ["", f"  {test['node_id']}"]
    fixtures = ", ".join(
        f"{fx['name']} ({fx['defined'] if fx['defined'] != 'plugin' else 'plugin'}, {fx['scope']}"
        f"{', autouse' if fx['autouse'] else ''}{', framework deletes ' + fx['implicit_delete'] if fx['implicit_delete'] else ''})"
        for fx in test["fixtures"]
    )
    out.append(f"    fixtures, in setup order: {fixtures or 'none'}")
    for event in test["events"]:
        if event["type"] == "phase":
            where = f"  ({event['path']}:{event['line']})" if event.get("line") else ""
            out.append(f"    {event['title']}{where}")
            continue
        indent = "      " + "  " * event["depth"]
        if event["type"] == "note":
            out.append(f"{indent}{event['text']}")
            continue
        place = f"{event['line']}:{event['col']}" if event["path"] == path else f"{event['path']}:{event['line']}:{event['col']}"
        out.append(f"{indent}{place:<6} {event['effect'] or '-':<8} {event['text']}")
        detail = "; ".join(part for part in (event["why"], event["note"]) if part)
        if detail:
            out.append(f"{indent}{'':<6} {'':<8} {detail}")
    if test["findings"]:
        out.append("    findings")
        for finding in test["findings"]:
            out.append(f"      {finding['path']}:{finding['line']}:{finding['column']}: {finding['rule']} "
                       f"{finding['message']}")
            out.append(f"        {finding['status']}")
    else:
        out.append("    no findings")
    return out
