"""Fingerprints: a finding's identity that survives unrelated edits, for baselines, SARIF and GitLab.

A fingerprint hashes what the finding *is*, never where it happens to sit: the rule, the file, the
enclosing function or fixture (qualified, `TestCourse.tearDown`), what is deleted, the normalised text
of the delete statement (and of the delete inside a helper, when the statement only calls it) and of the
statements that started the racing work. Line and column numbers are left out, so adding code
above a finding, or renaming something elsewhere in the file, keeps it. Text is normalised to its
tokens: whitespace, line breaks and comments (a new `# noqa`) do not count.

Two findings can still hash alike (the same delete twice in one function): `identity` is that hash,
and `fingerprint` adds the occurrence index among equal identities in source order, so it is unique
within a run. The baseline counts identities; SARIF and GitLab, which need one key per result,
carry `fingerprint`.

A new job that races an already known delete changes the finding's identity: the delete now races
work it did not race before, which is a new hazard to look at, not an old one.
"""

from __future__ import annotations

import ast
import hashlib
import io
import tokenize
from collections import defaultdict

from .findings import Finding

VERSION = "1"  # bump when what goes into the hash changes: every stored baseline then goes stale
_LENGTH = 16  # hex digits (64 bits): collisions are irrelevant at a test suite's scale


def assign(result) -> None:
    """Set `identity` and `fingerprint` on every finding of an engine `Result`.

    Call it on the engine's result, before paths are made relative to the current directory:
    paths relative to the project root keep fingerprints the same wherever the tool is run from.
    """
    scopes: dict[str, list | None] = {}
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        finding.identity = identity(finding, result.sources, scopes)
        groups[finding.identity].append(finding)
    for same in groups.values():
        for occurrence, finding in enumerate(sorted(same, key=Finding.sort_key)):
            finding.fingerprint = _hash(finding.identity, str(occurrence))


def identity(finding: Finding, sources: dict, scopes: dict | None = None) -> str:
    """The occurrence-free hash of a finding (see the module doc)."""
    scopes = {} if scopes is None else scopes
    lines = sources.get(finding.path, ())
    # `what` names what is deleted (or, for TDL100, the directive's text: comments are not tokens)
    parts = [VERSION, finding.rule, finding.path, _enclosing(finding, lines, scopes), finding.what]
    parts.append(normalised(lines, finding.loc.line, finding.loc.col, finding.loc.end_line, finding.loc.end_col))
    if finding.delete is not None:
        path, loc, text = finding.delete
        if (path, loc.line) != (finding.path, finding.loc.line):
            parts.append(normalised(sources.get(path, ()), loc.line, loc.col, loc.end_line, loc.end_col) or text)
    jobs = set()
    for work in finding.works:
        loc = work.loc
        jobs.add(normalised(sources.get(work.path, ()), loc.line, loc.col, loc.end_line, loc.end_col) or work.text)
    parts.extend(sorted(jobs))
    return _hash(*parts)


def normalised(lines, line: int, col: int, end_line: int, end_col: int) -> str:
    """The tokens of the code at a location, space-separated, without comments or line breaks.

    Only the first logical line counts: for a compound statement (`with …:`) that is its header,
    so edits in its body do not change the fingerprint.
    """
    if not 0 < line <= len(lines):
        return ""
    end_line = min(max(end_line, line), len(lines))
    chunk = list(lines[line - 1 : end_line])
    if end_line == line:
        chunk[0] = chunk[0][col - 1 : end_col - 1]
    else:
        chunk[0] = chunk[0][col - 1 :]
        chunk[-1] = chunk[-1][: end_col - 1]
    text = "\n".join(chunk) + "\n"
    tokens: list[str] = []
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                break
            if token.type not in skip:
                tokens.append(token.string)
    except (tokenize.TokenError, SyntaxError):  # not a whole statement: its words will do
        return " ".join(text.split())
    return " ".join(tokens)


def _enclosing(finding: Finding, lines, scopes: dict) -> str:
    """The qualified name of the innermost function around the finding's line (`Class.method`).

    Read with `ast` from the stored source (never imported); when the file does not parse with the
    running Python, the finding's own description of where it is (`fixture \\`course\\``) is used.
    """
    if finding.path not in scopes:
        scopes[finding.path] = _functions(lines)
    functions = scopes[finding.path]
    if functions is None:
        return finding.where
    best = None
    for start, end, qualname in functions:
        if start <= finding.loc.line <= end and (best is None or start >= best[0]):
            best = (start, end, qualname)
    return best[2] if best else "<module>"


def _functions(lines) -> list | None:
    try:
        tree = ast.parse("\n".join(lines))
    except (SyntaxError, ValueError):
        return None
    out: list[tuple[int, int, str]] = []

    def visit(node, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                qualname = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    out.append((child.lineno, child.end_lineno or child.lineno, qualname))
                visit(child, qualname + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return out


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:_LENGTH]
