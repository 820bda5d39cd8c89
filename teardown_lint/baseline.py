"""Baseline: adopt the tool on a large suite by recording today's findings and reporting only new ones.

`check --write-baseline FILE` records each finding's identity (see fingerprint.py) with how many
times it occurs, plus its path, rule and message for people reading the file in review.
`check --baseline FILE` hides up to that many findings per identity; one seen more often than
recorded is new for the extra occurrences. Entries no longer found are *stale*: they are listed in
the summary so that the baseline is rewritten and shrinks as hazards are fixed.

The file is JSON, sorted, with paths relative to the project root (like the identities), so it
reads well in a diff and does not depend on where the tool was run from.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from . import __version__

FORMAT = 1


class BaselineError(Exception):
    """A baseline file that cannot be used: a usage error (exit 2), never silently ignored."""


@dataclass
class Entry:
    fingerprint: str  # the finding's identity (occurrence-free)
    count: int
    rule: str
    path: str
    message: str


def entries(findings) -> list[Entry]:
    """One entry per identity, with its count; the first occurrence speaks for the others."""
    counts = Counter(f.identity for f in findings)
    out: dict[str, Entry] = {}
    for finding in sorted(findings, key=lambda f: f.sort_key()):
        if finding.identity not in out:
            out[finding.identity] = Entry(finding.identity, counts[finding.identity], finding.rule, finding.path,
                                          finding.message)
    return sorted(out.values(), key=lambda e: (e.path, e.rule, e.fingerprint))


def write(path: Path, findings) -> int:
    """Write the baseline of `findings` (fingerprinted, root-relative paths); return the entry count.

    Written to a temporary file and renamed, so a failed write never leaves half a baseline.
    """
    records = entries(findings)
    payload = {
        "teardown-lint-baseline": FORMAT,
        "generated-by": f"teardown-lint {__version__}",
        "findings": [
            {"fingerprint": e.fingerprint, "count": e.count, "rule": e.rule, "path": e.path, "message": e.message}
            for e in records
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return len(records)


def load(path: Path) -> dict[str, Entry]:
    """Read a baseline; raise BaselineError, saying what is wrong, for anything unexpected."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found (create it with --write-baseline)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: not a baseline (invalid JSON: {exc})") from None
    if not isinstance(payload, dict) or "teardown-lint-baseline" not in payload:
        raise BaselineError(f"{path}: not a teardown-lint baseline (no `teardown-lint-baseline` key)")
    if payload["teardown-lint-baseline"] != FORMAT:
        raise BaselineError(
            f"{path}: baseline format {payload['teardown-lint-baseline']!r} is not supported (expected {FORMAT}); "
            "rewrite it with --write-baseline"
        )
    records = payload.get("findings")
    if not isinstance(records, list):
        raise BaselineError(f"{path}: `findings` must be a list")
    out: dict[str, Entry] = {}
    for number, record in enumerate(records):
        where = f"{path}: findings[{number}]"
        if not isinstance(record, dict):
            raise BaselineError(f"{where} must be an object")
        for key in ("fingerprint", "rule", "path"):
            if not isinstance(record.get(key), str) or not record[key]:
                raise BaselineError(f"{where}: `{key}` must be a non-empty string")
        count = record.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise BaselineError(f"{where}: `count` must be a positive integer")
        message = record.get("message", "")
        if not isinstance(message, str):
            raise BaselineError(f"{where}: `message` must be a string")
        known = out.get(record["fingerprint"])
        if known is not None:  # two baselines merged by hand: their counts add up
            known.count += count
        else:
            out[record["fingerprint"]] = Entry(record["fingerprint"], count, record["rule"], record["path"], message)
    return out


def apply(result, baseline: dict[str, Entry], relevant) -> None:
    """Hide the recorded findings of `result`; list stale entries in `result.stale`.

    Findings are matched by identity in source order: the first `count` occurrences are the
    recorded ones, any further occurrence is new. An entry is stale only when this run could have
    found it (`relevant(entry)`: its file was checked and its rule enabled), so checking a few
    files, as pre-commit does, does not call the rest of the baseline stale.
    """
    remaining = {fp: entry.count for fp, entry in baseline.items()}
    kept = []
    for finding in result.findings:
        if remaining.get(finding.identity, 0) > 0:
            remaining[finding.identity] -= 1
            result.baselined += 1
        else:
            kept.append(finding)
    result.findings = kept
    for fp, left in remaining.items():
        entry = baseline[fp]
        if left > 0 and relevant(entry):
            result.stale.append(
                {"fingerprint": fp, "count": left, "rule": entry.rule, "path": entry.path, "message": entry.message}
            )
    result.stale.sort(key=lambda s: (s["path"], s["rule"], s["fingerprint"]))
