"""Reporters: the same findings as text for people and as JSON for scripts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

from . import __version__, docs
from .engine import Result


def full(result: Result, color: bool = False) -> str:
    out = []
    for finding in result.findings:
        loc = finding.loc
        out.append(f"{_bold(finding.path, color)}:{loc.line}:{loc.col}: {_red(finding.rule, color)} {finding.message}")
        out += _snippet(result, finding.path, loc.line, loc.col, loc.end_col if loc.end_line == loc.line else None, "^",
                        finding.label)
        for related in finding.related():
            out.append(f"  ::: {related['path']}:{related['line']}:{related['column']}")
            out += _snippet(result, related["path"], related["line"], related["column"], None, "-", _related_label(finding, related))
        out.append(f"   = help: {finding.help}")
        out += _fix_lines(result, finding)
        out.append("")
    out.append(summary(result))
    return "\n".join(out)


def _fix_lines(result: Result, finding) -> list[str]:
    """The fix `teardown-lint fix` would apply, as removed (-) and added (+) lines."""
    fix = getattr(finding, "fix", None)
    if fix is None:
        reason = getattr(finding, "unfixable", "")
        return [f"   = fix: none offered ({reason})"] if reason else []
    out = [f"   = fix ({fix.applicability}): {fix.message}"]
    for edit in fix.edits:
        out.append(f"     {edit.path}:{edit.line}")
        lines = result.sources.get(edit.path, ())
        out += [f"     - {lines[n - 1]}" for n in range(edit.line, edit.end_line) if 0 < n <= len(lines)]
        out += [f"     + {line}" for line in edit.content.splitlines()]
    return out


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
    lines += baseline_notes(result)
    return "\n".join(lines)


def baseline_notes(result: Result) -> list[str]:
    """What `--baseline` hid, and its stale entries (listed so that the baseline gets rewritten)."""
    lines = []
    if result.baselined:
        n = result.baselined
        lines.append(f"{n} finding{'s' if n != 1 else ''} recorded in the baseline {'are' if n != 1 else 'is'} not shown.")
    if result.stale:
        n = sum(entry["count"] for entry in result.stale)
        lines.append(
            f"{n} baseline entr{'ies are' if n != 1 else 'y is'} stale (no longer found); "
            "rewrite the baseline with --write-baseline to drop "
            f"{'them' if n != 1 else 'it'}:"
        )
        for entry in result.stale:
            times = f" ({entry['count']} times)" if entry["count"] > 1 else ""
            lines.append(f"  {entry['path']}: {entry['rule']} {entry['message']}{times}")
    return lines


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


# ---- machine formats: CI systems and scripts read these; no summary, no colour -------------------

INFORMATION_URI = "https://pypi.org/project/teardown-lint/"  # pyproject.toml names no other home page
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_FINGERPRINT = "teardownLint/v1"  # our own partialFingerprints key (versioned, as SARIF asks)
_SARIF_LEVEL = {"error": "error", "warning": "warning"}


def json_lines(result: Result, color: bool = False) -> str:
    """One finding per line, the same objects as `json`'s `findings` (errors go to stderr)."""
    return "\n".join(json.dumps(f.to_json()) for f in result.findings)


def sarif(result: Result, color: bool = False) -> str:
    """SARIF 2.1.0 for GitHub code scanning: one run, rules with their docs, our own fingerprints."""
    codes = sorted(set(docs.RULES) | {f.rule for f in result.findings})
    index = {code: i for i, code in enumerate(codes)}
    results = []
    for finding in result.findings:
        loc = finding.loc
        region = {"startLine": loc.line, "startColumn": loc.col, "endLine": loc.end_line, "endColumn": loc.end_col}
        entry = {
            "ruleId": finding.rule,
            "ruleIndex": index[finding.rule],
            "level": _SARIF_LEVEL.get(finding.severity, "note"),
            "message": {"text": finding.message},
            "locations": [_sarif_location(finding.path, region)],
            "relatedLocations": [
                {
                    "id": number,
                    "message": {"text": related["message"]},
                    **_sarif_location(related["path"], {"startLine": related["line"], "startColumn": related["column"]}),
                }
                for number, related in enumerate(finding.related(), 1)
            ],
            "properties": {"confidence": finding.confidence, "help": finding.help},
        }
        if finding.fingerprint:
            entry["partialFingerprints"] = {SARIF_FINGERPRINT: finding.fingerprint}
        results.append(entry)
    notifications = [
        {
            "level": "error",
            "message": {"text": error["message"]},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(error["path"]), "uriBaseId": "%SRCROOT%"}}}],
        }
        for error in result.errors
    ]
    run = {
        "tool": {
            "driver": {
                "name": "teardown-lint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_sarif_rule(code) for code in codes],
            }
        },
        "invocations": [{"executionSuccessful": not result.internal_errors, "toolExecutionNotifications": notifications}],
        # paths are relative to the directory the tool ran in: the repository root in CI
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2)


def _sarif_location(path: str, region: dict) -> dict:
    return {"physicalLocation": {"artifactLocation": {"uri": _uri(path), "uriBaseId": "%SRCROOT%"}, "region": region}}


def _uri(path: str) -> str:
    """A relative URI reference for a `/`-separated relative path (spaces and `%` escaped)."""
    return quote(path, safe="/")


def _sarif_rule(code: str) -> dict:
    """A rule's SARIF descriptor from its doc: the summary, the "What it does" text, the whole doc as help."""
    info = docs.RULES.get(code)
    if info is None:  # a rule without a doc (the docs test fails on it); still a valid descriptor
        return {"id": code, "shortDescription": {"text": code}}
    markdown = docs.render(code) or ""
    what = _section(info.get("doc", ""), "What it does") or info["summary"]
    return {
        "id": code,
        "name": info["name"],
        "shortDescription": {"text": info["summary"]},
        "fullDescription": {"text": " ".join(what.split())},
        "help": {"text": _plain(markdown), "markdown": markdown},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["correctness", "flaky-test", "concurrency"], "precision": "high", "problem.severity": "error"},
    }


def _section(markdown: str, title: str) -> str:
    """The body of one `## title` section of a rule doc."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    return match.group(1).strip() if match else ""


def _plain(markdown: str) -> str:
    """The doc without markdown syntax that reads badly as text (headings' `#`, code fences)."""
    lines = [line for line in markdown.splitlines() if not line.startswith("```")]
    return "\n".join(re.sub(r"^#+ ", "", line) for line in lines)


def github(result: Result, color: bool = False) -> str:
    """GitHub Actions workflow commands: an `::error` annotation per finding and per unchecked file."""
    out = []
    for finding in result.findings:
        loc = finding.loc
        lines = [f"{finding.rule} {finding.message}"]
        lines += [f"{r['path']}:{r['line']}:{r['column']}: {r['message']}" for r in finding.related()]
        lines.append(f"help: {finding.help}")
        properties = {
            "file": finding.path, "line": loc.line, "col": loc.col, "endLine": loc.end_line, "endColumn": loc.end_col,
            "title": f"teardown-lint ({finding.rule})",
        }
        out.append(_workflow_command("error", properties, "\n".join(lines)))
    for error in result.errors:
        out.append(_workflow_command("error", {"file": error["path"], "title": "teardown-lint"},
                                     f"could not check this file: {error['message']}"))
    return "\n".join(out)


def _workflow_command(command: str, properties: dict, message: str) -> str:
    """`::command key=value,…::message`, escaped as GitHub's toolkit (`@actions/core`) does."""
    rendered = ",".join(f"{key}={_escape_property(str(value))}" for key, value in properties.items() if value != "")
    return f"::{command} {rendered}::{_escape_data(message)}" if rendered else f"::{command}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def gitlab(result: Result, color: bool = False) -> str:
    """GitLab Code Quality: a JSON array of issues (unchecked files go to stderr)."""
    issues = [
        {
            "description": f"{f.rule} {f.message}",
            "check_name": f.rule,
            "fingerprint": f.fingerprint,
            "severity": "major",
            "location": {"path": f.path, "lines": {"begin": f.loc.line, "end": f.loc.end_line}},
        }
        for f in result.findings
    ]
    return json.dumps(issues, indent=2)


_XML_INVALID = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def junit(result: Result, color: bool = False) -> str:
    """JUnit XML: one testsuite, a failing testcase per finding, an erroring one per unchecked file,
    and one passing testcase when there is nothing to report (an empty suite reads as "no tests")."""
    failures, errors = len(result.findings), len(result.errors)
    cases = max(1, failures + errors)
    counts = {"tests": str(cases), "failures": str(failures), "errors": str(errors)}
    root = ElementTree.Element("testsuites", {"name": "teardown-lint", **counts})
    suite = ElementTree.SubElement(root, "testsuite", {"name": "teardown-lint", **counts, "skipped": "0"})
    for finding in result.findings:
        loc = finding.loc
        case = ElementTree.SubElement(suite, "testcase", {
            "name": _xml(f"{finding.rule} {finding.path}:{loc.line}:{loc.col}"),
            "classname": _xml(finding.path), "file": _xml(finding.path), "line": str(loc.line),
        })
        body = [f"{finding.path}:{loc.line}:{loc.col}: {finding.rule} {finding.message}"]
        body += [f"  {r['path']}:{r['line']}:{r['column']}: {r['message']}" for r in finding.related()]
        body.append(f"  help: {finding.help}")
        failure = ElementTree.SubElement(case, "failure", {"message": _xml(finding.message), "type": finding.rule})
        failure.text = _xml("\n".join(body))
    for error in result.errors:
        case = ElementTree.SubElement(suite, "testcase", {
            "name": _xml(f"could not check {error['path']}"), "classname": _xml(error["path"]), "file": _xml(error["path"]),
        })
        ElementTree.SubElement(case, "error", {"message": _xml(error["message"])})
    if not failures and not errors:
        ElementTree.SubElement(suite, "testcase", {"name": "teardown-lint", "classname": "teardown-lint"})
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode")


def _xml(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold at all (escaping the rest is ElementTree's job)."""
    return _XML_INVALID.sub("\ufffd", text)


# formats whose output is read by programs: no summary in them (as in Ruff); what they cannot
# carry (unchecked files, baseline notes) goes to stderr, see `notes`
MACHINE = frozenset({"json", "json-lines", "sarif", "github", "gitlab", "junit"})
_CARRIES_ERRORS = frozenset({"json", "sarif", "github", "junit"})


def notes(result: Result, output_format: str) -> list[str]:
    """Lines for stderr that a machine format's report leaves out."""
    if output_format not in MACHINE:
        return []
    lines = []
    if output_format not in _CARRIES_ERRORS:
        lines += [f"error: {error['path']}: {error['message']}" for error in result.errors]
    return lines + baseline_notes(result)


FORMATS = {
    "full": full,
    "concise": concise,
    "json": lambda r, color=False: as_json(r),
    "json-lines": json_lines,
    "sarif": sarif,
    "github": github,
    "gitlab": gitlab,
    "junit": junit,
}
