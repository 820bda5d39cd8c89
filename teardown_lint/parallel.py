"""Reading facts in waves and checking target files, in several processes when asked (`--jobs`).

Reading: the targets, the conftest.py files above them and the configuration modules come first,
then the project modules they import, and so on until nothing new is imported (waves of a
breadth-first walk). Only those files are read, however large the project (`discover` lists the
others without opening them). Each file is read and hashed here as soon as an import names it;
what the cache does not hold is extracted here and, when enough source waits, in `jobs - 1`
worker processes too, which send their facts back as cache entries (`cache.dumps`) and also store
them. Facts join the index in the order of the breadth-first walk (imports sorted by name),
whoever extracted them.

Checking: each batch (a target file, or a part of one with many tests: `BATCH_TESTS`, so that one
big file does not keep one worker busy after the others have finished) is checked from the same
state, the index as just linked (`Index.restore` and `CallGraph.restore` forget what name
resolution learnt since) and a fresh checker, so its findings do not depend on which process
checks it or what that process checked before. With `jobs > 1`, `jobs` processes forked after
linking (they inherit the index; nothing is copied) take the batches, biggest first, all queued
at once, while this process only merges: workers record the checker's
`report` calls, which are replayed here in path order into one checker, so findings, their related
jobs and their order are those of a single process. (This process checking files too, between
feeding the workers, made Django's check phase 15-20% slower: README "Speed".)

Small runs stay in this process: starting workers costs more than extracting a little source
(`POOL_MIN_BYTES`) or checking a few files (`CHECK_MIN_BATCHES`), unless checking them takes, or
the first files say it will take, longer than starting workers would (`CHECK_POOL_AFTER`); README
"Speed" has the figures.
"""

from __future__ import annotations

import gc
import multiprocessing
import sys
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, as_completed, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import cache as cache_module
from . import heap
from .check import Checker
from .discover import Project, SourceFile
from .extract import extract
from .facts import FileFacts
from .graph import CallGraph, ImportGraph
from .lifecycle import Builder, PytestSettings, node_id
from .packs import Knowledge
from .project import Index

POOL_MIN_BYTES = 128 * 1024  # source to extract before worker processes pay off (README "Speed")
CHUNK_BYTES = 64 * 1024  # source handed to a worker at a time
QUEUED_CHUNKS = 4  # chunks queued per worker, so that none waits while this process extracts a big file
PIPE_BYTES = 1 << 20  # what Linux lets any process give a pipe (/proc/sys/fs/pipe-max-size)
CHECK_MIN_BATCHES = 16  # batches (files, or parts of big ones) before forked workers surely pay off
# Seconds a smaller run is checked in this process (or the lines checked so far say the rest will
# take) before the rest goes to workers. A worker forked from a linked index starts checking 20 to
# 30 ms after the fork. At 0.25 s, a fifth of rq's tests, whose first files check fast and whose
# `tests/test_retry.py` takes 0.4 s, never forked: 1.58-1.75 s with two jobs; at 0.05 s it forks
# after its first file, and libcst is imported while a worker still checks: 1.26-1.31 s.
CHECK_POOL_AFTER = 0.05
BATCH_TESTS = 32  # test functions per checking batch; a file with more is checked in parts


def can_fork() -> bool:
    # macOS can crash in forked children of processes that touched system frameworks
    return "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"


def _context():
    return multiprocessing.get_context("fork" if can_fork() else "spawn")


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


@contextmanager
def _responsive(jobs: int):
    """While this process extracts, the executor's threads that receive the workers' facts and
    feed them chunks need the GIL; at the default switch interval (5 ms) a worker blocked on a
    full pipe waits for them: on sqlalchemy's tests the worker was idle 29-31% of the reading
    phase; at 0.5 ms, 15-17% (two runs each, instrumented). Wider pipes (`widen_pipes`) took the
    rest of that wait; with them, a fifth of those tests read in 2.39-2.88 s at 0.5 ms against
    2.52-3.02 s at 5 ms (four interleaved runs each), so the short interval stays."""
    if jobs <= 1:
        yield
        return
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, 0.0005))
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def read(project: Project, chosen: list[SourceFile], knowledge: Knowledge, jobs: int = 1,
         cache: cache_module.Cache | None = None, overlay: dict[str, bytes] | None = None,
         progress: Callable[[str, int, int], None] | None = None) -> Read:
    with heap.collector_paused(), _responsive(jobs):
        return _read(project, chosen, knowledge, jobs, cache, overlay, progress)


def _read(project, chosen, knowledge, jobs, cache, overlay, progress) -> Read:
    """Files are extracted as soon as an import names them (no barrier between waves, so the
    workers never wait for a wave's last file); the order facts are returned in is then that of
    the breadth-first walk, computed from the facts once they are all there."""
    out = Read()
    first = first_wave(project, chosen, knowledge)
    targets = {source.relative for source in chosen}
    found: dict[str, FileFacts] = {}
    imports: dict[str, list[SourceFile]] = {}  # relative path -> the project files it imports
    seen = {source.relative for source in first}
    reader = _Reader(cache, overlay, out)
    arrived: deque = deque()  # (source, facts) whose imports are still to follow
    targets_read = 0

    def follow() -> None:
        nonlocal targets_read
        while arrived:
            source, facts = arrived.popleft()
            found[source.relative] = facts
            if progress is not None and source.relative in targets:
                targets_read += 1
                progress("read", targets_read, len(targets))
            imports[source.relative] = _imported_files(project, source, facts)
            for imported in imports[source.relative]:
                if imported.relative not in seen:
                    seen.add(imported.relative)
                    reader.open(imported, arrived)

    for source in first:
        reader.open(source, arrived)
    follow()
    extractor = _Extractor(jobs, reader)
    try:
        extractor.run(arrived, follow)
    finally:
        extractor.close()
    out.workers = extractor.workers
    # the order of a breadth-first walk over the imports, whoever extracted what and when
    wave, placed = first, {source.relative for source in first}
    while wave:
        following: list[SourceFile] = []
        for source in wave:
            out.facts.append(found[source.relative])
            for imported in imports[source.relative]:
                if imported.relative not in placed:
                    placed.add(imported.relative)
                    following.append(imported)
        wave = following
    return out


def _imported_files(project: Project, source: SourceFile, facts: FileFacts) -> list[SourceFile]:
    out = []
    for dotted in facts.imported:
        found = project.module_of(dotted, source.relative)
        if found is not None:
            out.append(found[0])
        # `import pkg.sub` also runs `pkg/__init__.py`; `from pkg import mod` names a module
        sub = project.resolve_module(dotted, source.relative)
        if sub is not None:
            out.append(sub)
    return out


class _Reader:
    """Reads and hashes a file; its facts come from the cache, else it waits in `todo`."""

    def __init__(self, cache: cache_module.Cache | None, overlay: dict[str, bytes] | None, out: Read) -> None:
        self.cache = cache
        self.overlay = overlay
        self.out = out
        self.todo: deque = deque()  # (source, task) to extract; task as `_extract_here` takes it
        self.todo_bytes = 0
        self.store = False

    def open(self, source: SourceFile, arrived: deque) -> None:
        try:
            if self.overlay and source.relative in self.overlay:
                data = self.overlay[source.relative]
            else:
                data = source.path.read_bytes()
        except OSError as exc:
            self.out.digests[source.relative] = ""
            error = FileFacts(source.relative, source.module, source.is_package, (), (), (), (), (), error=str(exc))
            arrived.append((source, error))
            return
        content = cache_module.digest(data)
        self.out.digests[source.relative] = content
        entry = None
        if self.cache is not None:
            key = cache_module.facts_key(content, source.relative, source.module, source.is_package)
            facts = self.cache.load_facts(key)
            if facts is not None:
                arrived.append((source, facts))
                return
            self.store = self.store or self.cache.prepare()  # created before any worker writes into it
            if self.store:
                self.cache.make_room(key)
                entry = str(self.cache.facts_path(key))
        self.out.extracted += 1
        self.todo.append((source, (source.relative, source.module, source.is_package, data, entry)))
        self.todo_bytes += len(data)

    def chunk(self, from_front: bool) -> list:
        """About `CHUNK_BYTES` of source to extract: workers take the oldest files, this process
        the newest."""
        out, size = [], 0
        while self.todo and size < CHUNK_BYTES:
            item = self.todo.popleft() if from_front else self.todo.pop()
            out.append(item)
            size += len(item[1][3])
        self.todo_bytes -= size
        return out


class _Extractor:
    """Extracts what the reader could not find in the cache: here, and in `jobs - 1` worker
    processes once enough source waits (`POOL_MIN_BYTES`). Workers take chunks from the front of
    the queue and this process from the back, so that they share it however long each chunk
    takes; `QUEUED_CHUNKS` stay queued per worker so that none waits while this process works,
    and at the end this process takes back what no worker has started (`_take_back`)."""

    def __init__(self, jobs: int, reader: _Reader) -> None:
        self.jobs = jobs
        self.reader = reader
        self.pool: ProcessPoolExecutor | None = None
        self.workers = 0
        self.running: dict = {}  # future -> its chunk

    def run(self, arrived: deque, follow: Callable[[], None]) -> None:
        reader = self.reader
        while reader.todo or self.running:
            if self.running:
                self._collect(arrived, block=False)
                follow()
            if self.pool is None and self.jobs > 1 and reader.todo_bytes >= POOL_MIN_BYTES:
                self.workers = self.jobs - 1
                self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=_context(), initializer=gc.disable)
                widen_pipes(self.pool)
            while self.pool is not None and reader.todo and len(self.running) < self.workers * QUEUED_CHUNKS:
                chunk = reader.chunk(from_front=True)
                self.running[self.pool.submit(_extract_chunk, [task for _, task in chunk])] = chunk
            chunk = reader.chunk(from_front=False) if reader.todo else self._take_back()
            if chunk:
                for (source, _), facts in zip(chunk, _extract_here([task for _, task in chunk])):
                    arrived.append((source, facts))
                follow()
            elif self.running:
                self._collect(arrived, block=True)
                follow()

    def _take_back(self) -> list:
        """The newest chunk queued for the workers that none has started, or []: with nothing
        left to take, this process extracts it rather than wait for a worker to."""
        for future in reversed(self.running):
            if future.cancel():
                return self.running.pop(future)
        return []

    def _collect(self, arrived: deque, block: bool) -> None:
        finished, _ = wait(self.running, timeout=None if block else 0, return_when=FIRST_COMPLETED)
        for future in finished:
            chunk = self.running.pop(future)
            for (source, task), blob in zip(chunk, future.result()):
                facts = cache_module.loads(blob)
                if facts is None:  # cannot happen short of a broken pipe; be correct anyway
                    facts = _extract_here([task])[0]
                arrived.append((source, facts))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def widen_pipes(pool: ProcessPoolExecutor) -> bool:
    """Give the pipes that carry a pool's tasks and results room for a whole chunk and its facts.

    A pipe holds 64 KiB on Linux. A chunk's facts are several times that, and the thread that
    drains them (or feeds the next chunk) in this process needs the GIL between two reads, while
    `ast.parse` of a big module keeps it for tens of milliseconds: the worker was left blocked on
    a full pipe, idle 0.22 to 0.29 s of the reading of a fifth of sqlalchemy's tests (0.02 to
    0.04 s with 1 MiB pipes), which took 2.69-3.34 s instead of 2.39-2.88 s (four interleaved
    runs each; Django's fifth: 1.41-1.77 s instead of 1.28-1.53 s). False where pipes cannot be
    resized (not Linux) or the pool is not CPython's."""
    try:
        import fcntl

        resize = fcntl.F_SETPIPE_SZ
        pipes = [pool._call_queue._writer, pool._result_queue._writer]  # CPython's ProcessPoolExecutor
    except (ImportError, AttributeError):
        return False
    try:
        for pipe in pipes:
            fcntl.fcntl(pipe.fileno(), resize, PIPE_BYTES)
    except OSError:  # over the user's pipe quota: the default size is still correct
        return False
    return True


def _extract_here(tasks: list[tuple]) -> list[FileFacts]:
    out = []
    for relative, module, is_package, data, entry in tasks:
        facts = extract(data, relative, module, is_package)
        if entry is not None:
            cache_module.write_atomic(Path(entry), cache_module.dumps(facts))
        out.append(facts)
    return out


def _extract_chunk(tasks: list[tuple]) -> list[bytes]:
    """In a worker: each file's facts as a cache entry (also stored when the cache is on)."""
    out = []
    for relative, module, is_package, data, entry in tasks:
        blob = cache_module.dumps(extract(data, relative, module, is_package))
        if entry is not None:
            cache_module.write_atomic(Path(entry), blob)
        out.append(blob)
    return out


# ---- checking -------------------------------------------------------------------------------------


@dataclass
class Checked:
    findings: list = field(default_factory=list)  # the checker's findings, sorted
    errors: list[dict] = field(default_factory=list)
    files_checked: int = 0
    tests: int = 0
    internal_errors: int = 0
    checked: list[str] = field(default_factory=list)
    workers: int = 0  # processes that checked (0: this one alone)
    meanwhile: object = None  # what `meanwhile` returned


class _Recorder(Checker):
    """A checker that records what it would report; the parent replays it in path order."""

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
    batches: list[tuple[str, int, int]]  # (path, part, parts): the unit of work handed to a process
    numbers: dict[str, int]  # target path -> its rank among the targets


def _batches(index: Index, paths: list[str]) -> list[tuple[str, int, int]]:
    """Each file in as many parts as it has `BATCH_TESTS` tests: one file can hold a large share of
    a run's checking (Django's `test_autodetector.py`, 166 tests, took 12 s of its suite's 60),
    which left one worker busy with it while the others had finished. The parts depend on the
    file's facts only, never on `--jobs`, so that every number of processes checks the same
    batches."""
    out = []
    for path in paths:
        tests = sum(1 for function in index.files[path].functions if function.name.startswith("test"))
        parts = max(1, -(-tests // BATCH_TESTS))
        out.extend((path, part, parts) for part in range(parts))
    return out


def check(index: Index, targets: list[str], settings: PytestSettings, jobs: int = 1,
          progress: Callable[[str, int, int], None] | None = None,
          meanwhile: Callable[[], object] | None = None,
          when_idle: Callable[[list], None] | None = None) -> Checked:
    """Check the target files (root-relative paths) the index holds. `meanwhile`: work that does
    not depend on the findings (the engine's search for the tests a helper reaches), run by a
    worker alongside the checks when there are workers, else after them; its result is
    `Checked.meanwhile`. `when_idle(findings so far)`: called here once, when workers check and
    one of them has nothing left to take, so that what comes next can get ready on the CPU it
    leaves free (the CLI imports libcst for the fixes it will show)."""
    # The index lives to the end: out of the collector's reach, it is not traversed again by
    # every full collection linking and walking trigger, and forked workers do not write to (and
    # so copy) the memory of every object they inherit.
    with heap.frozen():
        return _check(index, targets, settings, jobs, progress, meanwhile, when_idle)


def _check(index: Index, targets: list[str], settings: PytestSettings, jobs: int,
           progress: Callable[[str, int, int], None] | None, meanwhile: Callable[[], object] | None,
           when_idle: Callable[[list], None] | None) -> Checked:
    graph = CallGraph(index)
    imports = ImportGraph(index)
    paths = sorted(path for path in set(targets) if path in index.files)
    linked = _Linked(index, settings, graph, imports, index.memo(), _batches(index, paths),
                     {path: number for number, path in enumerate(paths)})
    merger = Checker(index, graph=graph, imports=imports)
    out = Checked()

    def merge(outcome) -> None:
        (path, part, parts), tests, errors, reports = outcome
        if part == 0:
            out.files_checked += 1
            out.checked.append(path)
        out.tests += tests
        out.errors += errors
        out.internal_errors += len(errors)  # every error a check raises is an internal one
        for args, kwargs in reports:
            merger.report(*args, **kwargs)
        if progress is not None and part == parts - 1:
            progress("check", out.files_checked, len(paths))

    batches = linked.batches

    def size(batch) -> float:  # a batch's share of its file's lines: a rough measure of its cost
        return len(index.files[batch[0]].lines) / batch[2]

    done = 0  # batches checked in this process, in order
    pooled = jobs > 1 and len(batches) >= 2 and can_fork()
    if pooled and len(batches) < CHECK_MIN_BATCHES:
        # A small run: neither its files nor its tests say what checking it costs (a fifth of
        # rq's tests, 7 files, took 0.6 s; 4 of dramatiq's, 0.013 s). It is checked here until
        # that has taken, or the lines checked so far say the rest will take, longer than
        # starting workers would (`CHECK_POOL_AFTER`); then the rest goes to workers.
        started, lines_done, lines_left = time.perf_counter(), 0.0, sum(map(size, batches))
        while done < len(batches):
            spent = time.perf_counter() - started
            if len(batches) - done >= 2 and (spent >= CHECK_POOL_AFTER or (
                    lines_done and spent * lines_left / lines_done >= CHECK_POOL_AFTER)):
                break
            merge(_check_batch(linked, batches[done]))
            lines_done, lines_left = lines_done + size(batches[done]), lines_left - size(batches[done])
            done += 1
    if pooled and done < len(batches):
        # the biggest batches first, merged in path order
        order = sorted(range(done, len(batches)), key=lambda n: -size(batches[n]))
        results: dict[int, tuple] = {}
        merged = done
        workers = min(jobs, len(batches) - done)

        def job(number: int | None):
            return meanwhile() if number is None else _check_batch(linked, batches[number])

        with forked_pool(job, workers) as submit:
            aside = submit(None) if meanwhile is not None else None
            futures = {submit(number): number for number in order}
            for completed, future in enumerate(as_completed(futures), 1):
                results[futures[future]] = future.result()
                while merged in results:
                    merge(results.pop(merged))
                    merged += 1
                busy = len(futures) - completed + (aside is not None and not aside.done())
                if when_idle is not None and busy < workers:  # a worker has nothing left to take
                    when_idle(list(merger.findings.values()))
                    when_idle = None
            out.meanwhile = aside.result() if aside is not None else None
        out.workers = workers
    else:
        for batch in batches[done:]:
            merge(_check_batch(linked, batch))
        out.meanwhile = meanwhile() if meanwhile is not None else None
    out.findings = sorted(merger.findings.values(), key=lambda f: f.sort_key())
    return out


_INHERITED: Callable | None = None  # what forked workers run: they inherit it, closures and all


@contextmanager
def forked_pool(function: Callable, workers: int):
    """`submit(task)` -> a future of `function(task)`, computed by one of `workers` processes
    forked from this one: they inherit its memory (the linked index, the findings) and
    `function` itself, so only tasks and results are copied. The caller checks `can_fork()`."""
    global _INHERITED
    _INHERITED = function
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            yield lambda task: pool.submit(_run_inherited, task)
    finally:
        _INHERITED = None


def _run_inherited(task):
    assert _INHERITED is not None, "workers are forked from the process that set the function"
    return _INHERITED(task)


def _check_batch(linked: _Linked, batch: tuple[str, int, int]) -> tuple:
    """(batch, tests, errors, the checker's report calls), from the state just linked."""
    return heap.deep_stack(_check_batch_here, linked, batch)


def _check_batch_here(linked: _Linked, batch: tuple[str, int, int]) -> tuple:
    path, part, parts = batch
    index = linked.index
    index.restore(linked.memo)
    linked.graph.restore()
    builder = Builder(index, linked.settings)
    checker = _Recorder(index, graph=linked.graph, imports=linked.imports)
    facts = index.files[path]
    errors: list[dict] = []
    # ids of started work stay unique across files and parts, as in one walker for the whole run:
    # a finding shared by several files compares the waits of one with the work of another
    checker._ids = (linked.numbers[path] << 40) + (part << 32)
    try:
        tests = builder.tests(facts)
    except Exception as exc:  # noqa: BLE001 - one odd file must not stop the run
        if part == 0:
            errors.append({"path": path, "message": f"internal error: {exc!r}"})
        tests = []
    count = len(tests)
    mine = tests[part * count // parts:(part + 1) * count // parts]
    for test in mine:  # only this part's lifecycles are built: the other parts are other batches
        try:
            checker.run(builder.lifecycle(*test))
        except Exception as exc:  # noqa: BLE001 - report it, check the other tests
            errors.append({"path": path, "message": f"internal error in {node_id(*test)}: {exc!r}"})
    return batch, len(mine), errors, checker.reports
