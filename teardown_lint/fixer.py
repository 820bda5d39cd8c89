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

from . import discover, heap, packs
from .config import Config, FixSettings, fix_settings
from .engine import Result, run
from .fixes import Fix, Plan, Tree, Unfixable, edits, plan, plan_units, render

ROUNDS = 4  # re-lint rounds: each drops the fixes that did not hold
FIXABLE = {"TDL001"}  # TDL100 (an unused suppression) offers no automatic fix


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


def attach(result: Result, config: Config, settings: FixSettings) -> None:
    """Give every finding its (unverified) fix, for `check`'s JSON and full output (`suggestions`)."""
    trees = Trees(config.root)
    for finding in result.findings:
        if finding.rule not in FIXABLE:
            continue
        try:
            p = plan(finding, trees, settings)
        except Unfixable as exc:
            finding.fix = None
            finding.unfixable = str(exc)
            continue
        finding.fix = Fix(settings.strategy, p.message, _edits_of(trees, [p]))


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


def _edits_of(trees: Trees, plans: list[Plan]) -> list:
    out = []
    for path in sorted({path for p in plans for path in p.paths()}):
        tree = trees(path)
        out += edits(path, tree.source, render(tree, plans), tree.module.encoding)
    return out


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
