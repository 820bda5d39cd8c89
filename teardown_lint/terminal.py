"""Terminal manners for `check`: colour, `--statistics`, `--quiet`, and a progress bar on stderr.

Colour follows no-color.org and force-color.org: `NO_COLOR` set to anything but "" turns it off,
`FORCE_COLOR` set to anything but "" turns it on and wins over `NO_COLOR` (force-color.org's
reference order); otherwise a stream gets colour only when it is a terminal. Each stream is asked
for itself: the report goes to stdout, the progress bar to stderr.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from typing import TextIO

from . import docs, reporters

PROGRESS_MIN_FILES = 50  # a "large tree": fewer target files than this never show a bar
PROGRESS_DELAY = 0.5  # seconds before the first frame, so that quick runs never flicker
PROGRESS_INTERVAL = 0.1  # seconds between frames


def _set(name: str, environ) -> bool:
    return bool(environ.get(name, ""))


def color(stream: TextIO, environ=None) -> bool:
    """Whether to write ANSI colour to `stream`."""
    environ = os.environ if environ is None else environ
    if _set("FORCE_COLOR", environ):
        return True
    if _set("NO_COLOR", environ):
        return False
    return _isatty(stream)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def progress_allowed(stream: TextIO, output_format: str, quiet: int, environ=None) -> bool:
    """A bar only for a person watching a terminal: never in CI, under pre-commit, with a machine
    format (whatever stream it goes to, a program is reading) or with --quiet."""
    environ = os.environ if environ is None else environ
    ci = environ.get("CI", "")
    if ci and ci.lower() not in ("0", "false", "no"):
        return False
    if environ.get("PRE_COMMIT") or environ.get("TERM") == "dumb":
        return False
    if output_format in reporters.MACHINE or quiet:
        return False
    return _isatty(stream)


class Progress:
    """`engine.run`'s progress callback: `reading 120/800 files`, then `checking …`, redrawn in place
    on stderr and erased when the run ends."""

    def __init__(self, stream: TextIO, min_files: int = PROGRESS_MIN_FILES, delay: float = PROGRESS_DELAY,
                 clock=time.monotonic) -> None:
        self.stream = stream
        self.min_files = min_files
        self.clock = clock
        self.start = clock() + delay
        self.last = 0.0
        self.width = 0  # of the frame on screen, 0 when none is

    def __call__(self, phase: str, done: int, total: int) -> None:
        if total < self.min_files:
            return
        now = self.clock()
        if now < self.start or (now - self.last < PROGRESS_INTERVAL and done < total):
            return
        self.last = now
        columns = shutil.get_terminal_size((80, 24)).columns
        verb = "reading" if phase == "read" else "checking"
        label = f" {verb} {done}/{total} files"
        room = max(10, min(40, columns - len(label) - 3))
        filled = room * done // max(total, 1)
        frame = f"[{'#' * filled}{'.' * (room - filled)}]{label}"[: columns - 1]
        self.stream.write("\r" + frame.ljust(self.width))
        self.stream.flush()
        self.width = len(frame)

    def close(self) -> None:
        """Erase the bar (spaces, not an escape sequence: works on any terminal)."""
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def statistics(result, output_format: str) -> str:
    """Ruff's `--statistics`: a count per rule, most frequent first; JSON rows for `json`. The text
    form also lists the files that could not be checked (they fail the run too)."""
    findings = result.findings
    counts = Counter(f.rule for f in findings)
    fixable = Counter(f.rule for f in findings if getattr(f, "fix", None) is not None)
    rows = [
        {"code": code, "name": docs.RULES.get(code, {}).get("name", ""), "count": count, "fixable": fixable[code] > 0}
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    if output_format == "json":
        return json.dumps(rows, indent=2)
    errors = [f"error: {e['path']}: {e['message']}" for e in result.errors]
    if not rows:
        return "\n".join(errors)
    count_width = max(len(str(row["count"])) for row in rows)
    code_width = max(len(row["code"]) for row in rows)
    any_fixable = any(row["fixable"] for row in rows)
    lines = []
    for row in rows:
        mark = ("[*] " if row["fixable"] else "[ ] ") if any_fixable else ""
        lines.append(f"{row['count']:>{count_width}}\t{row['code']:<{code_width}}\t{mark}{row['name']}")
    return "\n".join(lines + errors)


def quiet(text: str, result, output_format: str) -> str:
    """`--quiet` for the text formats: the findings and the files that could not be checked, without
    the summary ("Found 2 errors.", "All checks passed!"). Machine formats have no summary."""
    if output_format in reporters.MACHINE:
        return text
    summary = reporters.summary(result)
    if summary and text.endswith(summary):
        text = text[: -len(summary)]  # keeps the blank line `full` puts after each finding
    errors = "\n".join(f"error: {e['path']}: {e['message']}" for e in result.errors)
    return (text + errors).rstrip("\n")
