"""`teardown-lint fix`: plan the fixes, apply them in memory, re-lint the result, then write.

Nothing is written that has not been re-parsed and re-linted with the rest of the project: a
finding whose fix leaves it (or another finding) in place, or breaks the file, gets no edit and is
reported as not fixed. Writes are atomic (a temporary file in the same directory, then a rename).
"""

from __future__ import annotations

import ast
import difflib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from . import discover, heap, packs, parallel
from .config import FIXABLE, Config, FixSettings, fix_settings
from .engine import Result, run
from .fixes import Fix, Plan, Tree, Unfixable, edits, merge, plan_units, render, started_outside_tests

ROUNDS = 4  # re-lint rounds: each drops the fixes that did not hold


@dataclass
class Outcome:
    before: Result  # the findings the run started with
    after: Result  # the findings left (after the fixes, or as they would be)
    changed: dict = field(default_factory=dict)  # relative path -> (old bytes, new bytes)
    fixed: list = field(default_factory=list)  # findings fixed
    unfixed: list = field(default_factory=list)  # (finding, reason)
    errors: list = field(default_factory=list)  # files that could not be written
    encodings: dict = field(default_factory=dict)  # relative path -> the file's encoding, for the diff

    def diff(self, name=lambda path: path) -> str:
        """A unified diff of every change; `name` turns a root-relative path into the one shown."""
        out = []
        for path, (old, new) in sorted(self.changed.items()):
            encoding = self.encodings.get(path, "utf-8")
            out += difflib.unified_diff(
                old.decode(encoding, errors="replace").splitlines(keepends=True),
                new.decode(encoding, errors="replace").splitlines(keepends=True),
                fromfile=f"a/{name(path)}", tofile=f"b/{name(path)}",
            )
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in out)


class Trees:
    """libcst trees of the files fixes touch, parsed once, from the overlay or the disk."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache: dict[str, Tree] = {}

    def module_of(self, path: str) -> str:
        """The dotted name a test imports the file by (pytest's naming, as discovery does)."""
        return discover.describe(self.root, self.root / path).module

    def __call__(self, path: str) -> Tree:
        if path not in self.cache:
            try:
                self.cache[path] = Tree(path, (self.root / path).read_bytes())
            except (OSError, cst.ParserSyntaxError, UnicodeError, SyntaxError, ValueError) as exc:
                raise Unfixable(f"cannot read {path} for fixing: {exc}") from exc
        return self.cache[path]


PLAN_MIN_WORKS = 64  # jobs to plan fixes for before forked workers pay off (a fork costs 60-80 ms)
PLAN_SHARES_PER_JOB = 4  # shares of the files per process: planning a file costs more than its size says
PLAN_WORK_BYTES = 512  # what planning one job costs beyond its file's parse, as bytes of source parsed


def attach(result: Result, config: Config, settings: FixSettings, jobs: int = 1) -> None:
    """Give every finding its (unverified) fix, for `check`'s JSON and full output (`suggestions`).

    Each job a finding races is planned where it starts, so the jobs started in different files
    can be planned by different processes (`_Share`): with `jobs > 1` and enough to plan, forked
    workers each take some of the files. Their plans are kept only if no file was edited, or
    had a name chosen in it, by two of them (the names a fix introduces depend on the fixes
    planned before it in the same file); otherwise this process plans everything again."""
    findings = [finding for finding in result.findings if finding.rule in FIXABLE]
    shares = None
    if jobs > 1 and not settings.helper and parallel.can_fork() and (
            sum(len(finding.works) for finding in findings) >= PLAN_MIN_WORKS):
        groups = _split_by_path(findings, config.root, jobs * PLAN_SHARES_PER_JOB)
        if len(groups) > 1:
            with parallel.forked_pool(lambda paths: _plan_share(findings, config.root, settings, paths),
                                      min(jobs, len(groups))) as submit:
                futures = [submit(paths) for paths in groups]  # the biggest first
                shares = [future.result() for future in futures]
            if not _independent(shares):
                shares = None
    if shares is None:
        shares = [_plan_share(findings, config.root, settings, None)]
    for number, finding in enumerate(findings):
        finding.fix, finding.unfixable = _assemble(number, shares, settings)


@dataclass
class _Share:
    """What one process planned of each finding (by its number): the units of the jobs started in
    its files (all of them when planning alone)."""

    whole: dict = field(default_factory=dict)  # number -> why none of the finding can be fixed
    units: dict = field(default_factory=dict)  # number -> [(work number, message or reason, planned?, started by a job?)]
    edits: dict = field(default_factory=dict)  # number -> {path: [Edit]}
    claimed: set = field(default_factory=set)  # paths it edited or chose names in


def _plan_share(findings: list, root: Path, settings: FixSettings, paths: frozenset | None) -> _Share:
    trees = Trees(root)
    share = _Share()
    chosen = None if paths is None else (lambda work: work.path in paths)
    for number, finding in enumerate(findings):
        if chosen is not None and not any(chosen(work) for work in finding.works):
            continue  # another share plans it
        numbers = {id(work): n for n, work in enumerate(finding.works)}
        try:
            units = plan_units(finding, trees, settings, chosen)
        except Unfixable as exc:
            share.whole[number] = str(exc)
            continue
        share.units[number] = [(numbers[id(work)], p.message if isinstance(p, Plan) else p, isinstance(p, Plan), bool(work.parent))
                               for work, p in units]
        plans = [p for _, p in units if isinstance(p, Plan)]
        if plans:
            merged = merge(plans)
            share.edits[number] = {path: _edits_of(trees(path), merged) for path in merged.paths()}
            share.claimed |= merged.paths()
    share.claimed |= {path for path, tree in trees.cache.items() if tree.named}
    return share


def _edits_of(tree: Tree, plan: Plan) -> list:
    return edits(tree.path, tree.source, render(tree, [plan]), tree.module.encoding)


def _assemble(number: int, shares: list[_Share], settings: FixSettings) -> tuple[Fix | None, str | None]:
    """A finding's fix from the shares, as if one process had planned all its jobs in order."""
    for share in shares:
        if number in share.whole:
            return None, share.whole[number]
    units = sorted(unit for share in shares for unit in share.units.get(number, ()))
    messages = [text for _, text, planned, _ in units if planned]
    if not messages:
        return None, next((text for _, text, _, _ in units), "no job to fix")
    message = "; ".join(dict.fromkeys(messages))
    missing = [text for _, text, planned, child in units if not planned and not child]
    if missing:
        message += f" (not covered: {missing[0]})"
    by_path = {path: found for share in shares for path, found in share.edits.get(number, {}).items()}
    return Fix(settings.strategy, message, [edit for path in sorted(by_path) for edit in by_path[path]]), None


def _split_by_path(findings: list, root: Path, count: int) -> list[frozenset]:
    """The files jobs start in, in up to `count` groups of about the same cost, the dearest first.
    Planning a file's jobs costs about its parse (when a fix may go there: `started_outside_tests`
    refuses the others unparsed) and a little per job: on a fifth of rq's tests, 9 ms per KiB and
    5 ms per job (`PLAN_WORK_BYTES`). Counting the size of `rq/worker/base.py`, whose one job
    was refused in 0.04 s, made its 73 KiB the biggest share."""
    costs: dict[str, int] = {}
    parsed: set[str] = set()
    for finding in findings:
        for work in finding.works:
            costs[work.path] = costs.get(work.path, 0) + PLAN_WORK_BYTES
            if work.parent or not started_outside_tests(work):
                parsed.add(work.path)
    for path in parsed:
        try:
            costs[path] += (root / path).stat().st_size
        except OSError:
            pass
    groups: list[tuple[int, list]] = [(0, []) for _ in range(min(count, len(costs)))]
    for path in sorted(costs, key=lambda p: (-costs[p], p)):
        lightest = min(range(len(groups)), key=lambda n: groups[n][0])
        groups[lightest] = (groups[lightest][0] + costs[path], groups[lightest][1] + [path])
    return [frozenset(paths) for _, paths in sorted(groups, key=lambda group: -group[0]) if paths]


def _independent(shares: list[_Share]) -> bool:
    owners: set = set()
    for share in shares:
        if owners & share.claimed:
            return False
        owners |= share.claimed
    return True


def fix(config: Config, paths: list[Path], strategy: str | None = None, write: bool = True,
        knowledge: packs.Knowledge | None = None) -> Outcome:
    knowledge = knowledge or packs.load(config.calls)
    before = run(config, paths, knowledge)
    settings = fix_settings(config, strategy)
    trees = Trees(config.root)
    with heap.frozen():  # the analysis lives on: planning need not traverse it
        units, unfixed, chained = _plan_all(before, trees, settings)
    identities = {_identity(f) for f in before.findings}
    after, changed = before, {}
    for _ in range(ROUNDS):
        plans = {i: p for i, (_, _, p) in units.items()}
        changed, broken = _render_all(trees, plans)
        if broken:
            for i in [i for i, p in plans.items() if p.paths() & broken]:
                unfixed.append((units.pop(i)[0], f"the fix would not parse in {', '.join(sorted(plans[i].paths() & broken))}"))
            continue
        if not changed:
            after = before
            break
        after = run(config, paths, knowledge, overlay={p: new for p, (_, new) in changed.items()})
        lines = {p: _line_map(old, new) for p, (old, new) in changed.items()}
        left = {_identity(f): f for f in after.findings}
        failed = {}
        for i, (finding, work, _) in units.items():
            still = left.get(_identity(finding))
            moved = (work.path, lines.get(work.path, {}).get(work.loc.line, work.loc.line))
            if still is not None and any((w.path, w.loc.line) == moved for w in still.works):
                failed[i] = f"after the fix, the re-lint still reports: {still.message}"
        # a fix that makes a new finding appear is dropped, with every fix in the files involved
        touched = {path for f in after.findings if _identity(f) not in identities
                   for path in (f.path, *(w.path for w in f.works))}
        for i, (_, _, p) in units.items():
            if p.paths() & touched and i not in failed:
                failed[i] = "the fix makes another finding appear"
        if not failed:
            break
        for i, reason in failed.items():
            unfixed.append((units.pop(i)[0], reason))
    else:
        changed, after = {}, before
        unfixed += [(finding, "the fixes did not converge") for finding, _, _ in units.values()]
        units = {}
    gone = {_identity(f) for f in before.findings} - {_identity(f) for f in after.findings}
    unfixed += [(finding, reason) for finding, reason in chained if _identity(finding) not in gone]
    outcome = Outcome(before=before, after=after, changed=changed,
                      fixed=[f for f in before.findings if _identity(f) in gone], unfixed=unfixed,
                      encodings={path: trees(path).module.encoding for path in changed})
    if write:
        for path, (_, new) in sorted(changed.items()):
            try:
                write_atomic(config.root / path, new)
            except OSError as exc:
                outcome.errors.append({"path": path, "message": f"cannot write the fix: {exc}"})
    return outcome


def _plan_all(before: Result, trees: Trees, settings: FixSettings) -> tuple[dict, list, list]:
    """unit id -> (finding, work, plan); (finding, reason) not fixed; (finding, reason) of jobs
    started by other jobs, which a drain for their parent may cover."""
    units: dict[int, tuple] = {}
    unfixed: list = []
    chained: list = []
    for finding in before.findings:
        if finding.rule not in FIXABLE:
            continue
        try:
            planned = plan_units(finding, trees, settings)
        except Unfixable as exc:
            unfixed.append((finding, str(exc)))
            continue
        for work, p in planned:
            if isinstance(p, str) and work.parent:
                chained.append((finding, p))  # judged after the re-lint
            elif isinstance(p, str):
                unfixed.append((finding, p))
            else:
                units[len(units)] = (finding, work, p)
    return units, unfixed, chained


def _line_map(old: bytes, new: bytes) -> dict[int, int]:
    """Old line number -> new line number, across the lines a fix inserted or rewrote."""
    a, b = old.splitlines(), new.splitlines()
    out = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        for k in range(i2 - i1):
            out[i1 + k + 1] = j1 + min(k, max(0, j2 - j1 - 1)) + 1
    return out


def _render_all(trees: Trees, plans: dict[int, Plan]) -> tuple[dict, set]:
    by_path: dict[str, list[Plan]] = {}
    for p in plans.values():
        for path in p.paths():
            by_path.setdefault(path, []).append(p)
    changed, broken = {}, set()
    for path, mine in by_path.items():
        tree = trees(path)
        new = render(tree, mine)
        if new == tree.source:
            continue
        if not _parses(new):
            broken.add(path)
            continue
        changed[path] = (tree.source, new)
    return changed, broken


def _parses(source: bytes) -> bool:
    try:
        cst.parse_module(source)
        ast.parse(source)
    except (cst.ParserSyntaxError, SyntaxError, ValueError):
        return False
    return True


def _identity(finding) -> tuple:
    """Which delete a finding is about, independent of the lines a fix inserts above it."""
    return (finding.rule, finding.path, finding.where, finding.what)


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same directory and rename it over the original."""
    mode = path.stat().st_mode if path.exists() else None
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tdl-tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
