"""The pipeline: discover -> parse -> facts -> link -> lifecycles -> check -> findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import discover, packs
from .check import Checker
from .config import Config
from .extract import extract
from .facts import FileFacts
from .findings import Finding
from .graph import imported_modules
from .lifecycle import Builder
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


def read_facts(source: discover.SourceFile, overlay: dict[str, bytes] | None = None) -> FileFacts:
    """`overlay` maps relative paths to contents that replace the files on disk (`fix` re-lints its result)."""
    try:
        data = overlay[source.relative] if overlay and source.relative in overlay else source.path.read_bytes()
    except OSError as exc:
        return FileFacts(source.relative, source.module, source.is_package, (), (), (), (), (), error=str(exc))
    return extract(data, source.relative, source.module, source.is_package)


def run(config: Config, paths: list[Path], knowledge: packs.Knowledge | None = None,
        overlay: dict[str, bytes] | None = None) -> Result:
    knowledge = knowledge or packs.load(config.calls)
    project = discover.list_project(config)
    chosen = discover.targets(project, paths)
    index = Index(project, knowledge)
    queue: list[discover.SourceFile] = list(chosen)
    for target in chosen:
        queue.extend(project.conftests_above(target.relative))
    # configuration modules the packs name (Django settings, celeryconfig): read even when no
    # test imports them, since the settings in them (task_always_eager) apply project-wide
    queue.extend(f for f in project.files.values() if knowledge.is_config_file(f.relative))
    seen: set[str] = set()
    while queue:
        source = queue.pop(0)
        if source.relative in seen:
            continue
        seen.add(source.relative)
        facts = read_facts(source, overlay)
        index.add(facts)
        for dotted in imported_modules(facts):
            found = project.module_of(dotted, source.relative)
            if found is not None and found[0].relative not in seen:
                queue.append(found[0])
            # `import pkg.sub` also runs `pkg/__init__.py`; `from pkg import mod` names a module
            sub = project.resolve_module(dotted, source.relative)
            if sub is not None and sub.relative not in seen:
                queue.append(sub)
    index.build_call_tables()
    result = Result()
    target_paths = {t.relative for t in chosen}
    for path in sorted(index.files):
        facts = index.files[path]
        if facts.error is not None and path in target_paths:
            result.errors.append({"path": path, "message": facts.error})
    builder = Builder(index)
    checker = Checker(index)
    for path in sorted(target_paths):
        facts = index.files.get(path)
        if facts is None:
            continue
        result.files_checked += 1
        try:
            lifecycles = builder.lifecycles(facts)
        except Exception as exc:  # noqa: BLE001 - one odd file must not stop the run
            result.errors.append({"path": path, "message": f"internal error: {exc!r}"})
            result.internal_errors += 1
            continue
        for lc in lifecycles:
            result.tests += 1
            try:
                checker.run(lc)
            except Exception as exc:  # noqa: BLE001 - report it, check the other tests
                result.errors.append({"path": path, "message": f"internal error in {lc.node_id}: {exc!r}"})
                result.internal_errors += 1
    for finding in sorted(checker.findings.values(), key=Finding.sort_key):
        if not config.enabled(finding.rule, finding.path):
            continue
        facts = index.files.get(finding.path)
        if facts is not None and _suppressed(facts, finding):
            result.suppressed += 1
            continue
        result.findings.append(finding)
    result.sources = {path: facts.lines for path, facts in index.files.items()}
    return result


def _suppressed(facts: FileFacts, finding: Finding) -> bool:
    for line, codes in facts.suppressions:
        if line == finding.loc.line and ("*" in codes or finding.rule in codes):
            return True
    return False
