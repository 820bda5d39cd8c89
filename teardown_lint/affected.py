"""The tests a file without tests of its own can change, for runs given only some files.

pre-commit passes only the staged files. A staged test file is checked as usual (its own tests,
reading the conftest.py files and modules they need from disk). A staged conftest.py or helper
module defines no test, yet a change to it can add a finding to tests elsewhere: pytest applies
a conftest.py to the tests in its directory and below, and a module reaches the tests that import
it, directly or through other modules and conftest.py files. `dependents` lists those test files;
the engine checks them too and `merge` keeps, of their findings, those with a location in a file
given (the delete, a started job, a helper's delete, a wait that does not cover). So a commit that
touches only a helper is stopped by the findings it takes part in, not by every finding of every
test that happens to import it.

Finding importers reads the bytes of every project file but parses only those whose text names
the module (the last part of its dotted name, which any import of it must spell out, `from . import
x` included), then follows the chain from the importers that are not tests, so finding them is
cheap. Checking them costs what those tests cost: a root conftest.py, or a module most tests
import, makes the run a full one (README, "pre-commit", has the figures).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import re

from . import cache as cache_module
from .discover import Project, SourceFile
from .extract import extract
from .facts import FileFacts


def dependents(project: Project, given: list[SourceFile], python_files: tuple[str, ...],
               overlay: dict[str, bytes] | None = None, cache: cache_module.Cache | None = None,
               known: dict[str, FileFacts] | None = None) -> list[SourceFile]:
    """The test files, other than those given, that read a given file that is not a test file.

    `known`: facts the run has already extracted (from the same bytes), reused here.
    With a cache, the answer is kept under a digest of every project file's bytes: a warm run
    reads the files but parses none."""

    def is_test(relative: str) -> bool:
        name = relative.rsplit("/", 1)[-1]
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in python_files)

    given_paths = {source.relative for source in given}
    others = {rel for rel in project.files if is_test(rel) and rel not in given_paths}
    wave = [source for source in given if not is_test(source.relative)]
    if not others or not wave:  # a whole-tree run gives every test already: nothing to add
        return []
    reader = _Reader(project, overlay, cache, known)
    key = None
    if cache is not None and not overlay:
        key = reader.key(given, python_files)
        stored = cache.load("dependents", key)
        if isinstance(stored, list) and all(rel in project.files for rel in stored):
            return [project.files[rel] for rel in stored]
    found: set[str] = set()
    done = {source.relative for source in wave}
    while wave and found != others:
        for module in wave:
            if module.relative.rsplit("/", 1)[-1] == "conftest.py":
                below = module.relative[: -len("conftest.py")]
                found.update(rel for rel in others if rel.startswith(below))
        following = []
        for importer in reader.importers(wave, skip=done | found | given_paths):
            if is_test(importer.relative):
                found.add(importer.relative)
            else:
                done.add(importer.relative)
                following.append(importer)
        wave = following
    out = sorted(found & others)
    if key is not None:
        cache.store("dependents", key, out)
    return [project.files[rel] for rel in out]


def involves(finding, paths: set[str]) -> bool:
    """Whether one of the finding's locations, primary or related, is in one of `paths`."""
    return finding.path in paths or any(related["path"] in paths for related in finding.related())


def merge(own, more, given: set[str]):
    """`own` (the analysis of the files given) plus, from `more` (that of their dependents), the
    findings that involve a file given and are not already reported, and internal errors (a
    dependent that does not parse is not the run's business). Both are `engine.Analysis`; the
    files checked stay those given, so a baseline's entries elsewhere are not called stale."""
    seen = {finding.sort_key() for finding in own.findings}
    findings = [f for f in more.findings if f.sort_key() not in seen and involves(f, given)]
    errors = [e for e in more.errors if getattr(more.files.get(e["path"]), "error", None) is None]
    return dataclasses.replace(
        own,
        findings=own.findings + findings,
        errors=own.errors + errors,
        tests=own.tests + more.tests,
        internal_errors=own.internal_errors + len(errors),
        files={**more.files, **own.files},
        token=own.token and more.token and f"{own.token}+{more.token}",
    )


class _Reader:
    """Project files' bytes and import facts, each read at most once per run."""

    def __init__(self, project: Project, overlay: dict[str, bytes] | None, cache: cache_module.Cache | None,
                 known: dict[str, FileFacts] | None = None) -> None:
        self.project = project
        self.overlay = overlay or {}
        self.cache = cache
        self._data: dict[str, bytes] = {}
        self._facts: dict[str, FileFacts] = dict(known or {})  # from the same bytes (disk or overlay)

    def key(self, given: list[SourceFile], python_files: tuple[str, ...]) -> str:
        """What the answer depends on: the code, the files given, the test-file patterns, and
        every project file's path, module name and bytes."""
        h = hashlib.blake2b(digest_size=20)
        h.update(f"{cache_module.run_salt()}\0{python_files}\0".encode())
        h.update("\0".join(sorted(source.relative for source in given)).encode() + b"\n")
        for relative, source in sorted(self.project.files.items()):
            data = self.data(source)
            h.update(f"{relative}\0{source.module}\0{source.is_package}\0{len(data)}\0".encode())
            h.update(data)
        return h.hexdigest()

    def data(self, source: SourceFile) -> bytes:
        if source.relative not in self._data:
            try:
                if source.relative in self.overlay:
                    self._data[source.relative] = self.overlay[source.relative]
                else:
                    self._data[source.relative] = source.path.read_bytes()
            except OSError:
                self._data[source.relative] = b""
        return self._data[source.relative]

    def facts(self, source: SourceFile) -> FileFacts:
        if source.relative not in self._facts:
            data = self.data(source)
            key = None
            if self.cache is not None:
                key = cache_module.facts_key(cache_module.digest(data), source.relative, source.module, source.is_package)
                cached = self.cache.load_facts(key)
                if cached is not None:
                    self._facts[source.relative] = cached
                    return cached
            facts = extract(data, source.relative, source.module, source.is_package)
            if key is not None:
                self.cache.store_facts(key, cache_module.dumps(facts))
            self._facts[source.relative] = facts
        return self._facts[source.relative]

    def importers(self, modules: list[SourceFile], skip: set[str]) -> list[SourceFile]:
        """Project files (but `skip`) whose imports resolve, as the engine resolves them, to one
        of `modules`. One pass over the files' bytes finds those that spell a module's name."""
        wanted = {module.relative for module in modules}
        names = sorted({module.module.rsplit(".", 1)[-1] for module in modules} - {""})
        if not names:
            return []
        word = re.compile(rb"\b(?:" + b"|".join(re.escape(name.encode()) for name in names) + rb")\b")
        out = []
        for relative, source in sorted(self.project.files.items()):
            if relative in skip or relative in wanted or not word.search(self.data(source)):
                continue
            for dotted in self.facts(source).imported:
                found = self.project.module_of(dotted, relative)
                sub = self.project.resolve_module(dotted, relative)
                if (found is not None and found[0].relative in wanted) or (sub is not None and sub.relative in wanted):
                    out.append(source)
                    break
        return out
