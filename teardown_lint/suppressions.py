"""Suppression comments: which findings they silence, and which silence nothing (TDL100).

Forms, as Ruff users expect them:

- `# noqa` / `# noqa: TDL001` on the finding's line. The bare form is shared by every linter, so it
  silences our findings too but is never reported as unused (it may be there for another tool);
  codes of other tools (`# noqa: E501`) are theirs and never reported either.
- `# teardown-lint: ignore` / `# teardown-lint: ignore[TDL001]` on the finding's line.
- `# teardown-lint: noqa` / `# teardown-lint: noqa: TDL001` on a line of its own: the whole file
  (Ruff's `# ruff: noqa`). Elsewhere on a line it is ignored with a warning, as Ruff does.

Only real comments count (a `"# noqa"` inside a string does not). A file that does not mention
`noqa` or `teardown-lint` costs a substring search; one that does is scanned for its strings and
comments with one regular expression (the same comments as `tokenize` finds, about 10x faster).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Collection, Iterable, Mapping

from .config import Config
from .facts import FileFacts, Loc
from .findings import Finding

CODE = "TDL100"
NAME = "unused-suppression"
OURS = "TDL"  # codes with this prefix belong to teardown-lint

# string literals (consumed so that a `#` in them is skipped) or a comment; facts come from files
# that parsed, so every literal is terminated
_STRINGS_OR_COMMENT = re.compile(
    r'''"""(?:\\.|[^\\])*?"""|\'\'\'(?:\\.|[^\\])*?\'\'\'|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|(?P<comment>\#[^\n]*)''',
    re.S,
)
_NOQA = re.compile(r"#\s*noqa", re.I)
_OURS = re.compile(r"#\s*teardown-lint\s*:\s*(?P<verb>[A-Za-z_-]*)")
_CODE = re.compile(r"[A-Za-z]+[0-9]+")


@dataclass(frozen=True)
class Directive:
    """One suppression comment (or one of several in a comment)."""

    line: int
    col: int  # 1-based column of its `#`
    end_col: int  # exclusive
    form: str  # "noqa" | "ignore" | "file"
    codes: tuple[str, ...]  # upper-cased; () for the blanket forms
    text: str

    @property
    def blanket(self) -> bool:
        return not self.codes

    def covers(self, code: str) -> bool:
        return self.blanket or code in self.codes

    @property
    def name(self) -> str:
        return {"noqa": "`noqa`", "ignore": "`teardown-lint: ignore`", "file": "file-level `teardown-lint: noqa`"}[self.form]


@dataclass
class Parsed:
    directives: list[Directive] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    def file_level(self) -> list[Directive]:
        return [d for d in self.directives if d.form == "file"]

    def on_line(self, line: int) -> list[Directive]:
        return [d for d in self.directives if d.form != "file" and d.line == line]


def parse(lines: tuple[str, ...] | list[str]) -> Parsed:
    """Every directive in a file's lines (the lines `FileFacts.lines` holds)."""
    out = Parsed()
    text = "\n".join(lines)
    lowered = text.lower()
    if "noqa" not in lowered and "teardown-lint" not in lowered:
        return out
    for line, col, comment, own_line in _comments(text):
        _parse_comment(out, line, col, comment, own_line)
    return out


def _comments(text: str) -> Iterable[tuple[int, int, str, bool]]:
    """(line, 0-based column, comment text, alone on its line) of each comment that may hold a
    directive."""
    line, line_start, counted = 1, 0, 0
    for match in _STRINGS_OR_COMMENT.finditer(text):
        comment = match.group("comment")
        if comment is None:
            continue
        lowered = comment.lower()
        if "noqa" not in lowered and "teardown-lint" not in lowered:
            continue
        start = match.start()
        newlines = text.count("\n", counted, start)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", counted, start) + 1
        counted = start
        col = start - line_start
        yield line, col, comment, not text[line_start:start].strip()


def _parse_comment(out: Parsed, line: int, col: int, comment: str, own_line: bool) -> None:
    """A comment may hold several directives: `# type: ignore  # noqa: TDL001`."""
    start = 0
    while True:
        at = comment.find("#", start)
        if at < 0:
            return
        start = at + 1
        ours = _OURS.match(comment, at)
        if ours:
            end, directive = _ours(out, line, col, comment, at, ours, own_line)
        elif _NOQA.match(comment, at):
            end, directive = _noqa(line, col, comment, at, _NOQA.match(comment, at).end())
        else:
            continue
        if directive is not None:
            out.directives.append(directive)
        start = max(start, end)


def _noqa(line: int, col: int, comment: str, at: int, pos: int) -> tuple[int, Directive | None]:
    """`# noqa`, `# noqa: A1, B2`, `# noqa   : A1` (Ruff's lexer, case-insensitive codes)."""
    rest = comment[pos:]
    stripped = rest.lstrip()
    if rest == "" or rest.startswith("#"):
        return pos, Directive(line, col + at + 1, col + pos + 1, "noqa", (), comment[at:pos])
    if not (rest[0] == ":" or (rest[0].isspace() and stripped.startswith(":"))):
        if rest[0].isspace():
            # `# noqa because …`: blanket
            return pos, Directive(line, col + at + 1, col + pos + 1, "noqa", (), comment[at:pos])
        return pos, None  # `# noqaF401`, `# noqa; X1`: not a directive (Ruff warns; other tools' syntax)
    colon = pos + rest.index(":") + 1
    codes, end = _codes(comment, colon)
    if not codes:
        return colon, None  # `# noqa:` with no codes: invalid, as in Ruff
    return end, Directive(line, col + at + 1, col + end + 1, "noqa", codes, comment[at:end])


def _codes(comment: str, pos: int, closing: str = "") -> tuple[tuple[str, ...], int]:
    """Codes separated by commas or spaces, up to the first word that is not a code."""
    codes: list[str] = []
    end = pos
    while pos < len(comment):
        while pos < len(comment) and (comment[pos].isspace() or comment[pos] == ","):
            pos += 1
        match = _CODE.match(comment, pos)
        if not match or (match.end() < len(comment) and comment[match.end()].isalnum()):
            break
        codes.append(match.group().upper())
        pos = end = match.end()
    if closing:
        while end < len(comment) and comment[end].isspace():
            end += 1
    return tuple(codes), end


def _ours(out: Parsed, line: int, col: int, comment: str, at: int, match, own_line: bool):
    verb = match.group("verb").lower()
    pos = match.end()
    if verb == "ignore":
        if comment.startswith("[", pos):
            codes, end = _codes(comment, pos + 1, closing="]")
            if not comment.startswith("]", end):
                out.warnings.append((line, "`teardown-lint: ignore[` expects codes and a closing `]`, "
                                     "such as `# teardown-lint: ignore[TDL001]`; the comment is ignored"))
                return end, None
            end += 1
            if not codes:
                return end, Directive(line, col + at + 1, col + end + 1, "ignore", (), comment[at:end])
            return end, Directive(line, col + at + 1, col + end + 1, "ignore", codes, comment[at:end])
        return pos, Directive(line, col + at + 1, col + pos + 1, "ignore", (), comment[at:pos])
    if verb == "noqa":
        rest = comment[pos:]
        codes: tuple[str, ...] = ()
        end = pos
        if rest.lstrip().startswith(":"):
            colon = pos + rest.index(":") + 1
            codes, end = _codes(comment, colon)
            if not codes:
                out.warnings.append((line, "`# teardown-lint: noqa:` expects codes, such as "
                                     "`# teardown-lint: noqa: TDL001`; the comment is ignored"))
                return colon, None
        if not own_line:
            out.warnings.append((line, "a file-level `# teardown-lint: noqa` must be on a line of its own; "
                                 "it is ignored here (for this line only, write `# noqa: TDL001`)"))
            return end, None
        return end, Directive(line, col + at + 1, col + end + 1, "file", codes, comment[at:end])
    out.warnings.append((line, f"unknown directive `teardown-lint: {verb}` (expected `ignore[...]` on a line, "
                         "or `noqa` on a line of its own for the whole file)"))
    return pos, None


# ---- applying them ---------------------------------------------------------------------------------


def judged_files(targets: Collection[str], project_files: Iterable[str], python_files: Iterable[str]) -> set[str]:
    """Files whose suppressions can be called unused after this run.

    A suppression is used when some test reaches it; the run checks only the tests of its targets.
    A target test module's findings come from its own tests; a conftest.py or helper module can
    hold findings of any test, so it is judged only when every test module of the project was a
    target (as when pre-commit passes a few staged files, it is not).
    """
    patterns = tuple(python_files)

    def is_test(path: str) -> bool:
        name = path.rsplit("/", 1)[-1]
        return any(fnmatchcase(name, p) for p in patterns)

    targets = set(targets)
    complete = all(p in targets for p in project_files if is_test(p))
    return {p for p in targets if complete or is_test(p)}


class Suppressor:
    """Filters findings through the directives, remembering which directive code did the work."""

    def __init__(self, config: Config, files: Mapping[str, FileFacts], judged: Collection[str] = (),
                 known_codes: Collection[str] = ()) -> None:
        self.config = config
        self.files = files
        self.judged = judged
        self.known = set(known_codes)
        self._parsed: dict[str, Parsed] = {}
        self._used: set[tuple[Directive, str]] = set()

    def parsed(self, path: str) -> Parsed:
        if path not in self._parsed:
            facts = self.files.get(path)
            self._parsed[path] = parse(facts.lines) if facts is not None and facts.error is None else Parsed()
        return self._parsed[path]

    def suppressed(self, finding: Finding) -> bool:
        """True when a directive silences the finding; the first that does gets the credit,
        file-level ones first (so a line directive under a file-level one is redundant)."""
        directive = self._match(finding.path, finding.loc.line, finding.rule)
        if directive is None:
            return False
        self._used.add((directive, "*" if directive.blanket else finding.rule))
        return True

    def _match(self, path: str, line: int, code: str, besides: Directive | None = None) -> Directive | None:
        parsed = self.parsed(path)
        for directive in (*parsed.file_level(), *parsed.on_line(line)):
            if directive is not besides and directive.covers(code):
                return directive
        return None

    def warnings(self, paths: Iterable[str]) -> list[dict]:
        """Malformed or misplaced directives of our own in these files: {path, line, message}."""
        return [{"path": path, "line": line, "message": message}
                for path in sorted(paths) for line, message in self.parsed(path).warnings]

    def unused(self) -> list[Finding]:
        """TDL100 findings for the judged files, already filtered by selection and by directives.

        Call it after every finding went through `suppressed`.
        """
        out: list[Finding] = []
        for path in sorted(self.judged):
            if not self.config.enabled(CODE, path):
                continue
            for directive in self.parsed(path).directives:
                finding = self._report(path, directive)
                # a directive never silences the report about itself
                if finding is not None and self._match(path, directive.line, CODE, besides=directive) is None:
                    out.append(finding)
        return out

    def _report(self, path: str, directive: Directive) -> Finding | None:
        if CODE in directive.codes:
            return None  # `# noqa: TDL001, TDL100`: kept on purpose
        if directive.blanket:
            if directive.form == "noqa" or (directive, "*") in self._used:
                return None  # a bare `# noqa` may be there for another tool
            return UnusedSuppression(CODE, NAME, path, _loc(directive), what=directive.text, where="", directive=directive)
        kinds: dict[str, list[str]] = {}
        seen: set[str] = set()
        for code in directive.codes:
            if directive.form == "noqa" and not code.startswith(OURS):
                continue  # another tool's code
            if code in seen:
                kind = "duplicated"
            elif code not in self.known:
                kind = "unknown"
            elif not self.config.enabled(code, path):
                kind = "non-enabled"
            elif (directive, code) not in self._used:
                kind = "unused"
            else:
                kind = ""
            seen.add(code)
            if kind:
                kinds.setdefault(kind, []).append(code)
        if not kinds:
            return None
        return UnusedSuppression(CODE, NAME, path, _loc(directive), what=directive.text, where="",
                                 directive=directive, kinds=kinds)


def _loc(directive: Directive) -> Loc:
    return Loc(directive.line, directive.col, directive.line, directive.end_col)


@dataclass
class UnusedSuppression(Finding):
    """A TDL100 finding: a directive, or some of its codes, that silenced nothing this run."""

    directive: Directive | None = None
    kinds: dict = field(default_factory=dict)  # "unused" / "non-enabled" / "unknown" / "duplicated" -> codes

    @property
    def message(self) -> str:
        assert self.directive is not None
        if not self.kinds:
            return f"unused blanket {self.directive.name} directive"
        parts = "; ".join(f"{kind}: {', '.join(f'`{c}`' for c in codes)}" for kind, codes in self.kinds.items())
        return f"unused {self.directive.name} directive ({parts})"

    @property
    def help(self) -> str:
        assert self.directive is not None
        flagged = [c for codes in self.kinds.values() for c in codes]
        kept = [c for c in self.directive.codes if c not in flagged]
        if self.directive.blanket or not kept:
            return "remove the directive: it silences nothing"
        return f"remove {', '.join(f'`{c}`' for c in dict.fromkeys(flagged))} from the directive"

    @property
    def label(self) -> str:
        return "suppresses nothing"

    @property
    def confidence(self) -> str:
        return "high"
