"""Reading facts in waves and checking target files in batches, in worker processes when asked.

Reading: the targets, the conftest.py files above them and the configuration modules form the
first wave; the project modules a wave imports form the next, until nothing new is imported. Only
those files are read, however large the project (`discover` lists the others without opening
them). A wave's files are read and hashed here; those the cache does not hold are extracted,
in worker processes when there are enough of them, and come back as cache entries (`cache.dumps`),
which the workers also store. Facts join the index in the order a breadth-first walk meets them
(imports sorted by name), whatever the number of processes.

Checking: target files are cut into fixed batches of `BATCH_FILES` (sorted by path). Each batch
starts from the same state, the index just linked (`Index.restore`) and a fresh checker, so what
a batch finds does not depend on which process runs it or what that process ran before. With
`jobs > 1`, batches run in processes forked after linking (they inherit the index, nothing is
copied); each records the checker's `report` calls, which are replayed here in batch order into
one checker, so findings, their related jobs and their order are those of a single process.

Small runs stay in this process: starting workers costs more than extracting a few files
(`POOL_MIN_FILES`) or checking a few (`CHECK_MIN_FILES`); see README "Speed" for the figures.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import cache as cache_module
from .check import Checker
from .discover import Project, SourceFile
from .extract import extract
from .facts import FileFacts
from .graph import CallGraph, ImportGraph, imported_modules
from .lifecycle import Builder, PytestSettings
from .packs import Knowledge
from .project import Index

POOL_MIN_FILES = 24  # files to extract before worker processes pay off (measured; README "Speed")
CHECK_MIN_FILES = 8  # target files to check before forked workers pay off
BATCH_FILES = 4  # target files per checking batch: the unit of work handed to a process


def default_jobs() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13+
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _can_fork() -> bool:
    # macOS can crash in forked children of processes that touched system frameworks
    return "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"


def _context():
    return multiprocessing.get_context("fork" if _can_fork() else "spawn")


# ---- reading --------------------------------------------------------------------------------------


@dataclass
class Read:
    facts: list[FileFacts] = field(default_factory=list)  # in the order the index adds them
    digests: dict[str, str] = field(default_factory=dict)  # relative path -> content digest ("" unreadable)
    extracted: int = 0  # files extracted (not found in the cache)
    workers: int = 0  # processes that extracted (0: this one)


def first_wave(project: Project, chosen: list[SourceFile], knowledge: Knowledge) -> list[SourceFile]:
    wave: list[SourceFile] = list(chosen)
    for target in chosen:
        wave.extend(project.conftests_above(target.relative))
    # configuration modules the packs name (Django settings, celeryconfig): read even when no
    # test imports them, since the settings in them (task_always_eager) apply project-wide
    wave.extend(f for f in project.files.values() if knowledge.is_config_file(f.relative))
    return _unique(wave, set())


def _unique(sources, seen: set[str]) -> list[SourceFile]:
    out = []
    for source in sources:
        if source.relative not in seen:
            seen.add(source.relative)
            out.append(source)
    return out


def read(project: Project, chosen: list[SourceFile], knowledge: Knowledge, jobs: int = 1,
         cache: cache_module.Cache | None = None, overlay: dict[str, bytes] | None = None,
         progress: Callable[[str, int, int], None] | None = None) -> Read:
    out = Read()
    wave = first_wave(project, chosen, knowledge)
    seen = {source.relative for source in wave}
    targets = len(chosen)
    with _Extractor(jobs, cache) as extractor:
        while wave:
            got = extractor.read(wave, overlay, out)
            following: list[SourceFile] = []
            for source, facts in zip(wave, got):
                out.facts.append(facts)
                if progress is not None and len(out.facts) <= targets:
                    progress("read", len(out.facts), targets)  # the targets are read first
                for dotted in sorted(imported_modules(facts)):
                    found = project.module_of(dotted, source.relative)
                    if found is not None:
                        following.extend(_unique([found[0]], seen))
                    # `import pkg.sub` also runs `pkg/__init__.py`; `from pkg import mod` names a module
                    sub = project.resolve_module(dotted, source.relative)
                    if sub is not None:
                        following.extend(_unique([sub], seen))
            wave = following
        out.workers = extractor.workers
    return out


class _Extractor:
    """Extracts the files a wave misses in the cache: here, or in a pool started for big waves."""

    def __init__(self, jobs: int, cache: cache_module.Cache | None) -> None:
        self.jobs = jobs
        self.cache = cache
        self.pool: ProcessPoolExecutor | None = None
        self.workers = 0

    def __enter__(self) -> "_Extractor":
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def read(self, wave: list[SourceFile], overlay: dict[str, bytes] | None, out: Read) -> list[FileFacts]:
        facts: list[FileFacts | None] = [None] * len(wave)
        todo: list[tuple[int, SourceFile, bytes, str | None]] = []
        for i, source in enumerate(wave):
            try:
                if overlay and source.relative in overlay:
                    data = overlay[source.relative]
                else:
                    data = source.path.read_bytes()
            except OSError as exc:
                out.digests[source.relative] = ""
                facts[i] = FileFacts(source.relative, source.module, source.is_package, (), (), (), (), (), error=str(exc))
                continue
            content = cache_module.digest(data)
            out.digests[source.relative] = content
            key = None
            if self.cache is not None:
                key = cache_module.facts_key(content, source.relative, source.module, source.is_package)
                facts[i] = self.cache.load_facts(key)
                if facts[i] is not None:
                    continue
            todo.append((i, source, data, key))
        out.extracted += len(todo)
        if self.jobs > 1 and len(todo) >= POOL_MIN_FILES:
            pool = self._pool()
            store = self.cache is not None and self.cache.prepare()  # created before workers write
            tasks = [
                (source.relative, source.module, source.is_package, data,
                 str(self.cache.facts_path(key)) if store and key is not None else None)
                for _, source, data, key in todo
            ]
            chunk = max(1, min(16, len(tasks) // (self.jobs * 8)))
            for (i, source, _, _), blob in zip(todo, pool.map(_extract_job, tasks, chunksize=chunk)):
                facts[i] = cache_module.loads(blob)
                if facts[i] is None:  # cannot happen short of a broken pipe; be correct anyway
                    facts[i] = extract(_read(source), source.relative, source.module, source.is_package)
        else:
            for i, source, data, key in todo:
                facts[i] = extract(data, source.relative, source.module, source.is_package)
                if self.cache is not None and key is not None:
                    self.cache.store_facts(key, cache_module.dumps(facts[i]))
        return facts  # type: ignore[return-value]

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=_context())
            self.workers = self.jobs
        return self.pool


def _read(source: SourceFile) -> bytes:
    return source.path.read_bytes()


def _extract_job(task) -> bytes:
    """In a worker: the facts of one file, as a cache entry (stored when the cache is on)."""
    relative, module, is_package, data, entry = task
    blob = cache_module.dumps(extract(data, relative, module, is_package))
    if entry is not None:
        cache_module.write_atomic(Path(entry), blob)
    return blob


# ---- checking -------------------------------------------------------------------------------------


@dataclass
class Checked:
    findings: list = field(default_factory=list)  # the checker's findings, sorted
    errors: list[dict] = field(default_factory=list)
    files_checked: int = 0
    tests: int = 0
    internal_errors: int = 0
    checked: list[str] = field(default_factory=list)
    workers: int = 0  # processes that checked (0: this one)


class _Recorder(Checker):
    """A checker that records what it would report; the parent replays it in batch order."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reports: list[tuple] = []

    def report(self, *args, **kwargs) -> None:
        self.reports.append((args, kwargs))


@dataclass
class _Linked:
    index: Index
    settings: PytestSettings
    graph: CallGraph
    imports: ImportGraph
    memo: tuple
    batches: list[list[str]]


_LINKED: _Linked | None = None  # what forked check workers inherit


def check(index: Index, targets: list[str], settings: PytestSettings, jobs: int = 1,
          progress: Callable[[str, int, int], None] | None = None) -> Checked:
    """Check the target files (root-relative paths) the index holds."""
    global _LINKED
    index.build_call_tables()
    graph = CallGraph(index)
    imports = ImportGraph(index)
    paths = sorted(path for path in set(targets) if path in index.files)
    linked = _Linked(index, settings, graph, imports, index.memo(),
                     [paths[i:i + BATCH_FILES] for i in range(0, len(paths), BATCH_FILES)])
    merger = Checker(index, graph=graph, imports=imports)
    out = Checked()

    def merge(outcomes) -> None:
        for path, tests, errors, reports in outcomes:
            out.files_checked += 1
            out.checked.append(path)
            out.tests += tests
            out.errors += errors
            out.internal_errors += len(errors)  # every error a check raises is an internal one
            for args, kwargs in reports:
                merger.report(*args, **kwargs)
            if progress is not None:
                progress("check", out.files_checked, len(paths))

    if jobs > 1 and len(paths) >= CHECK_MIN_FILES and len(linked.batches) > 1 and _can_fork():
        _LINKED = linked
        gc.freeze()  # the collector would otherwise write to every inherited object's header
        try:
            workers = min(jobs, len(linked.batches))
            with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
                for outcomes in pool.map(_check_job, range(len(linked.batches))):
                    merge(outcomes)
            out.workers = workers
        finally:
            _LINKED = None
            gc.unfreeze()
    else:
        for batch in linked.batches:
            merge(_check_batch(linked, batch))
    out.findings = sorted(merger.findings.values(), key=lambda f: f.sort_key())
    return out


def _check_job(number: int):
    assert _LINKED is not None, "check workers are forked from the process that linked the index"
    return _check_batch(_LINKED, _LINKED.batches[number])


def _check_batch(linked: _Linked, batch: list[str]) -> list[tuple]:
    """Per file: (path, tests, errors, the checker's report calls), from the state just linked."""
    index = linked.index
    index.restore(linked.memo)
    builder = Builder(index, linked.settings)
    checker = _Recorder(index, graph=linked.graph, imports=linked.imports)
    outcomes = []
    for path in batch:
        facts = index.files[path]
        errors: list[dict] = []
        tests = 0
        checker.reports = []
        try:
            lifecycles = builder.lifecycles(facts)
        except Exception as exc:  # noqa: BLE001 - one odd file must not stop the run
            errors.append({"path": path, "message": f"internal error: {exc!r}"})
            lifecycles = []
        for lc in lifecycles:
            tests += 1
            try:
                checker.run(lc)
            except Exception as exc:  # noqa: BLE001 - report it, check the other tests
                errors.append({"path": path, "message": f"internal error in {lc.node_id}: {exc!r}"})
        outcomes.append((path, tests, errors, checker.reports))
    return outcomes
