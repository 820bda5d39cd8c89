"""The fix each finding shows in `check`'s full and JSON output, and its `--statistics`.

Planning a fix parses the files involved with libcst, which costs more than analysing them; the
fixes of an analysis the cache holds are therefore cached with it (`cache`, "Fixes"), and libcst
is imported only when something has to be planned: a warm `check` neither imports nor parses it.
"""

from __future__ import annotations

import hashlib

from . import heap
from .cache import Cache, run_salt
from .config import FIXABLE, Config, fix_settings
from .engine import Result

SHOWN_BY = ("full", "json", "json-lines")  # the formats that print a finding's fix


def attach(result: Result, config: Config, strategy: str | None = None, cache: Cache | None = None,
           jobs: int = 1) -> None:
    """Give every finding its fix (unverified: `fix` re-lints before it writes), or why none;
    `jobs`: processes that may plan them."""
    if not _any_fixable(result.findings):
        return  # nothing to plan: libcst is not imported (0.25 s of a run with no finding)
    settings = fix_settings(config, strategy)
    key = _key(result, settings) if cache is not None and result.token else None
    if key is not None:
        stored = cache.load("fixes", key)
        if isinstance(stored, list) and len(stored) == len(result.findings):
            for finding, (fix, unfixable) in zip(result.findings, stored):
                finding.fix, finding.unfixable = fix, unfixable
            return
    with heap.frozen():  # the analysis lives on: importing libcst and planning need not traverse it
        from . import fixer  # libcst: imported only when there is something to plan

        fixer.attach(result, config, settings, jobs)
    if key is not None:
        cache.store("fixes", key, [(finding.fix, finding.unfixable) for finding in result.findings])


def prepare(findings: list) -> None:
    """Import libcst now if one of the findings has a fix to plan: `check` calls this while
    worker processes finish checking and a CPU is idle (`parallel.check`'s `when_idle`), so that
    the import (0.25 s) does not wait for the checks to end. In a fifth of rq's tests, the
    import (0.29 s) ran while the other worker still checked `tests/test_retry.py`, for 0.26 s
    after it; a fifth of celery's, whose workers finish close together, gains less."""
    if _any_fixable(findings):
        with heap.frozen():  # within `parallel.check`'s block: what it froze stays frozen
            from . import fixer  # noqa: F401 - imported for `attach`


def _any_fixable(findings) -> bool:
    return any(finding.rule in FIXABLE for finding in findings)


def _key(result: Result, settings) -> str:
    """The analysis (its token names every file it read, as it was), the settings, and the
    findings selected, in order: names a fix introduces depend on the fixes planned before it."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{run_salt()}\0{result.token}\0{settings!r}\n".encode())
    for finding in result.findings:
        h.update(f"{finding.rule}\0{finding.path}\0{finding.loc}\0{finding.message}\n".encode())
    return h.hexdigest()
