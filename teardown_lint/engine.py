"""The pipeline: discover -> parse -> facts -> link -> lifecycles -> check -> findings."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import affected, discover, packs, suppressions
from .cache import Cache, digest, run_key
from .config import RULE_CODES, Config
from .extract import extract
from .facts import FileFacts
from .findings import Finding
from .lifecycle import PytestSettings
from .project import Index


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    files_checked: int = 0
    tests: int = 0
    suppressed: int = 0
    internal_errors: int = 0  # analysis bugs, listed in `errors`; the run exits 2
    sources: dict = field(default_factory=dict)  # path -> source lines, for reporters
    checked: list[str] = field(default_factory=list)  # the target files checked (root-relative)
    baselined: int = 0  # findings hidden because the baseline (--baseline) records them
    stale: list[dict] = field(default_factory=list)  # baseline entries no longer found
    warnings: list[dict] = field(default_factory=list)  # {path, line, message}: malformed directives
    index: Index | None = field(default=None, repr=False)  # the linked project, for `debug`
    token: str = ""  # names the cached analysis this came from (what it read, as it was): "" uncached


def read_facts(source: discover.SourceFile, overlay: dict[str, bytes] | None = None) -> FileFacts:
    """`overlay` maps relative paths to contents that replace the files on disk (`fix` re-lints its result)."""
    try:
        data = overlay[source.relative] if overlay and source.relative in overlay else source.path.read_bytes()
    except OSError as exc:
        return FileFacts(source.relative, source.module, source.is_package, (), (), (), (), (), error=str(exc))
    return extract(data, source.relative, source.module, source.is_package)


def run(config: Config, paths: list[Path], knowledge: packs.Knowledge | None = None,
        overlay: dict[str, bytes] | None = None,
        progress: Callable[[str, int, int], None] | None = None,
        jobs: int = 1, cache: Cache | None = None, when_idle: Callable[[list], None] | None = None) -> Result:
    """`progress(phase, done, total)` is called as each target file is read ("read") and
    checked ("check"), for a progress bar. `jobs`: processes that extract facts and check files
    (`parallel`); the result is the same whatever the number. `cache`: reuse the facts of
    unchanged files and, when nothing it depends on changed, the whole analysis (`cache`).
    `when_idle(findings so far)`: see `parallel.check`."""
    knowledge = knowledge or packs.load(config.calls)
    project = discover.list_project(config)
    chosen = discover.targets(project, paths, config if config.force_exclude else None)
    target_paths = {t.relative for t in chosen}
    # a conftest.py or helper given without the tests that read it (pre-commit passes only the
    # staged files): those tests are checked too, for the findings that involve a file given.
    # Finding them does not depend on the findings: a worker does it while the others check.
    def find_dependents(python_files: tuple[str, ...], known: dict | None) -> list[discover.SourceFile]:
        return affected.dependents(project, chosen, python_files, overlay, cache, known=known)

    analysis = _analyse(project, chosen, knowledge, overlay, progress, jobs, cache, find_dependents, when_idle)
    dependents = analysis.dependents
    if dependents is None:  # the analysis came from the cache
        dependents = find_dependents(analysis.python_files, None)
    if dependents:
        more = _analyse(project, dependents, knowledge, overlay, None, jobs, cache)
        analysis = affected.merge(analysis, more, target_paths)
    result = Result(errors=list(analysis.errors), files_checked=analysis.files_checked, tests=analysis.tests,
                    internal_errors=analysis.internal_errors, checked=list(analysis.checked))
    # From here on, `analysis.files` may hold light facts (path, module, error, suppressions and
    # lines only) restored from the cache, and `analysis.index` is then None: code below that
    # needs more of a file must add it to what `_analyse` caches (`_light`).
    judged = suppressions.judged_files(target_paths, project.files, analysis.python_files)
    suppressor = suppressions.Suppressor(config, analysis.files, judged, known_codes=RULE_CODES)
    for finding in sorted(analysis.findings, key=Finding.sort_key):
        if not config.enabled(finding.rule, finding.path):
            continue
        if suppressor.suppressed(finding):
            result.suppressed += 1
            continue
        result.findings.append(finding)
    result.findings = sorted(result.findings + suppressor.unused(), key=Finding.sort_key)  # + TDL100
    result.warnings += suppressor.warnings(target_paths)
    result.index = analysis.index
    result.token = analysis.token
    result.sources = {path: facts.lines for path, facts in analysis.files.items()}
    return result


@dataclass
class Analysis:
    """Everything before selection and suppressions: what a warm run takes from the cache."""

    findings: list[Finding]  # every finding of the checked tests
    errors: list[dict]
    files_checked: int
    tests: int
    internal_errors: int
    checked: list[str]
    python_files: tuple[str, ...]  # pytest's, from the project's settings
    files: dict[str, FileFacts]  # every file read, in the order read
    index: Index | None  # None when the analysis came from the cache
    token: str = ""  # the cache's name for this analysis and its inputs ("" without a cache)
    dependents: list | None = None  # what `find_dependents` found, when it ran with the checks


def _analyse(project: discover.Project, chosen: list[discover.SourceFile], knowledge: packs.Knowledge,
             overlay: dict[str, bytes] | None, progress, jobs: int, cache: Cache | None,
             find_dependents: Callable | None = None, when_idle: Callable | None = None) -> Analysis:
    key = run_key(project, chosen, knowledge) if cache is not None and overlay is None else None
    if key is not None:
        cached = _from_cache(cache.load("runs", key[0]), key[1], project)
        if cached is not None:
            return cached
    from . import parallel  # the walker and the worker pools: a run answered from the cache needs neither

    read = parallel.read(project, chosen, knowledge, jobs=jobs, cache=cache, overlay=overlay, progress=progress)
    index = Index(project, knowledge)
    for facts in read.facts:
        index.add(facts)
    target_paths = {t.relative for t in chosen}
    errors = [{"path": path, "message": facts.error} for path, facts in sorted(index.files.items())
              if facts.error is not None and path in target_paths]
    settings = PytestSettings.read(project.root)
    meanwhile = None
    if find_dependents is not None:  # paths: the answer may come back from another process
        meanwhile = lambda: [source.relative for source in find_dependents(settings.python_files, index.files)]  # noqa: E731
    checked = parallel.check(index, sorted(target_paths), settings, jobs=jobs, progress=progress, meanwhile=meanwhile,
                             when_idle=when_idle)
    analysis = Analysis(checked.findings, errors + checked.errors, checked.files_checked, checked.tests,
                        checked.internal_errors, checked.checked, settings.python_files, index.files, index,
                        dependents=[project.files[path] for path in checked.meanwhile] if meanwhile else None)
    if key is not None:
        analysis.token = _token(key[1], read.digests)
        # stored before the code after `_analyse` attaches fixes and fingerprints to the findings
        cache.store("runs", key[0], {
            "stamp": key[1], "digests": read.digests, "findings": analysis.findings, "errors": analysis.errors,
            "counts": (analysis.files_checked, analysis.tests, analysis.internal_errors),
            "checked": analysis.checked, "python_files": analysis.python_files,
            "files": [_light(facts) for facts in index.files.values()],
        })
    return analysis


def _token(stamp: str, digests: dict[str, str]) -> str:
    h = hashlib.blake2b(stamp.encode(), digest_size=16)
    for relative in sorted(digests):
        h.update(f"\0{relative}\0{digests[relative]}".encode())
    return h.hexdigest()


def _light(facts: FileFacts) -> tuple:
    return facts.path, facts.module, facts.is_package, facts.error, facts.suppressions, facts.lines


def _from_cache(entry, stamp: str, project: discover.Project) -> Analysis | None:
    """The cached analysis, if it was computed from exactly the files and settings there are now."""
    if not isinstance(entry, dict) or entry.get("stamp") != stamp:
        return None
    try:
        for relative, content in entry["digests"].items():
            source = project.files.get(relative)
            if source is None:
                return None
            try:
                now = digest(source.path.read_bytes())
            except OSError:
                now = ""
            if now != content:
                return None
        files = {}
        for path, module, is_package, error, marks, lines in entry["files"]:
            files[path] = FileFacts(path, module, is_package, (), (), (), (), (), error=error, suppressions=marks, lines=lines)
        files_checked, tests, internal_errors = entry["counts"]
        return Analysis(entry["findings"], entry["errors"], files_checked, tests, internal_errors,
                        entry["checked"], tuple(entry["python_files"]), files, None,
                        _token(stamp, entry["digests"]))
    except (KeyError, TypeError, ValueError):  # an entry of another shape: a miss
        return None
