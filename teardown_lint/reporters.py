"""Reporters: the same findings as text for people and as JSON for scripts."""

from __future__ import annotations

import json

from . import __version__
from .engine import Result


def full(result: Result, color: bool = False) -> str:
    out = []
    for finding in result.findings:
        loc = finding.loc
        out.append(f"{_bold(finding.path, color)}:{loc.line}:{loc.col}: {_red(finding.rule, color)} {finding.message}")
        if finding.where == "implicit":
            label = f"after this test the framework deletes {finding.what}"
        elif finding.where.startswith("fixture"):
            label = f"deleted here, in the teardown of {finding.where}"
        else:
            label = f"deleted here, in {finding.where}" if finding.where else "deleted here"
        out += _snippet(result, finding.path, loc.line, loc.col, loc.end_col if loc.end_line == loc.line else None, "^", label)
        for related in finding.related():
            out.append(f"  ::: {related['path']}:{related['line']}:{related['column']}")
            out += _snippet(result, related["path"], related["line"], related["column"], None, "-", _related_label(finding, related))
        out.append(f"   = help: {finding.help}")
        out.append("")
    out.append(summary(result))
    return "\n".join(out)


def _related_label(finding, related) -> str:
    message = related["message"]
    if "started here" in message:
        return message + "; nothing waits for it before the delete"
    return message


def _snippet(result: Result, path: str, line: int, col: int, end_col, mark: str, label: str) -> list[str]:
    lines = result.sources.get(path, ())
    if not 0 < line <= len(lines):
        return []
    text = lines[line - 1]
    width = len(str(line))
    end = end_col if end_col else len(text.rstrip()) + 1
    underline = " " * (col - 1) + mark * max(1, end - col)
    pad = " " * width
    return [
        f"{pad} |",
        f"{line} | {text}",
        f"{pad} | {underline} {label}",
        f"{pad} |",
    ]


def concise(result: Result, color: bool = False) -> str:
    out = [f"{f.path}:{f.loc.line}:{f.loc.col}: {_red(f.rule, color)} {f.message}" for f in result.findings]
    out.append(summary(result))
    return "\n".join(out)


def summary(result: Result) -> str:
    count = len(result.findings)
    lines = []
    if count:
        lines.append(f"Found {count} error{'s' if count != 1 else ''}.")
    elif result.errors:
        n = len(result.errors)
        lines.append(f"No findings, but {n} file{'s' if n != 1 else ''} could not be checked.")
    else:
        lines.append("All checks passed!")
    for error in result.errors:
        lines.append(f"error: {error['path']}: {error['message']}")
    return "\n".join(lines)


def as_json(result: Result) -> str:
    payload = {
        "version": __version__,
        "findings": [f.to_json() for f in result.findings],
        "errors": list(result.errors),
    }
    return json.dumps(payload, indent=2)


def _red(text: str, color: bool) -> str:
    return f"\x1b[1;31m{text}\x1b[0m" if color else text


def _bold(text: str, color: bool) -> str:
    return f"\x1b[1m{text}\x1b[0m" if color else text


FORMATS = {"full": full, "concise": concise, "json": lambda r, color=False: as_json(r)}
