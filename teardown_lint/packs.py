"""Library knowledge: the `rules/*.toml` packs, loaded once and compiled into fast lookups.

The engine asks one question of a call: given the qualified names its callee may have, which
effect does it have? Everything library-specific lives in the packs and in the user's
`[tool.teardown-lint.calls]`; nothing here names a library.
"""

from __future__ import annotations

import fnmatch
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from .facts import Call

EFFECTS = ("enqueue", "wait", "cancel", "delete", "none", "patch", "register", "invoke", "gate", "alias")
COVERS = ("receiver", "args", "family", "all", "queue")
ENTRY_KEYS = {"calls", "covers", "target", "when", "unless", "sql", "in_loop", "then_wait", "what", "phase",
              "gate", "hint", "family", "label", "fix"}
# `[fix]` (pack-wide) and an entry's `fix = {...}`: how `teardown-lint fix` waits for or cancels the
# work an enqueue starts. Templates are Python statements with `{handle}` (the enqueue's result, bound
# to a name when it is not), `{receiver}` (what the enqueue was called on), `{timeout}`/`{timeout_ms}`.
FIX_KEYS = {"bind", "wait", "cancel", "imports"}


class PackError(ValueError):
    """A pack or a configuration entry that does not follow the schema."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One entry of a pack: calls matching `pattern` have `effect`."""

    effect: str
    pattern: str
    family: str
    label: str
    source: str  # "celery pack" / "[tool.teardown-lint.calls]", for `debug` and messages
    covers: str = "receiver"
    target: str = "receiver"
    when: tuple[tuple[str, object], ...] = ()
    unless: tuple[tuple[str, object], ...] = ()
    sql: tuple[str, ...] = ()
    in_loop: bool = False
    then_wait: bool = False
    what: str = ""
    phase: str = "fixture"
    gate: str = ""  # invoke: only while this gate is open; gate: the gate it opens
    hint: str = ""  # enqueue: how to wait for such work, for the finding's help line
    fix: tuple[tuple[str, object], ...] = ()  # enqueue: the fix templates (FIX_KEYS)
    origin: str = ""  # provenance, for `debug`: "rules/celery.toml" or "[tool.teardown-lint.calls]"
    entry: int = 0  # 1-based: the entry in its pack's effect table, or the name in the calls list

    def fix_template(self, key: str):
        for name, value in self.fix:
            if name == key:
                return value
        return None

    def applies(self, call: Call) -> bool:
        if self.in_loop and not call.in_loop:
            return False
        if any(not _condition(call, key, value) for key, value in self.when):
            return False
        if any(_condition(call, key, value) for key, value in self.unless):
            return False
        if self.sql:
            text = _first_arg_text(call)
            if text is None:
                return False
            words = text.strip().split(None, 1)
            if not words or words[0].upper() not in self.sql:
                return False
        return True


@dataclass(frozen=True, slots=True)
class ImplicitDelete:
    """A teardown the framework performs without a statement (a database flush)."""

    what: str
    base: str = ""
    mark: str = ""
    fixture: str = ""
    when: tuple[tuple[str, object], ...] = ()
    opens: str = ""  # a gate the framework opens for such tests (transactional: on_commit runs)


@dataclass
class Knowledge:
    """All packs plus the user's configured calls, compiled."""

    exact: dict[str, list[Rule]] = field(default_factory=dict)
    globs: dict[str, list[Rule]] = field(default_factory=dict)  # by last segment; "*" for any
    returns: dict[str, str] = field(default_factory=dict)
    glob_returns: list[tuple[str, str]] = field(default_factory=list)
    fixture_types: dict[str, str] = field(default_factory=dict)
    inline_settings: dict[str, list[tuple[str, object]]] = field(default_factory=dict)
    inline_fixtures: dict[str, str] = field(default_factory=dict)  # fixture name -> family
    config_files: list[str] = field(default_factory=list)  # globs of configuration modules
    fixture_decorators: set[str] = field(default_factory=set)
    testcase_bases: set[str] = field(default_factory=set)
    implicit_deletes: list[ImplicitDelete] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # family -> "Celery task"
    packs: list[str] = field(default_factory=list)
    fingerprint: str = ""
    _returns_cache: dict = field(default_factory=dict, repr=False)
    _candidates: dict = field(default_factory=dict, repr=False)
    _inline_cache: dict = field(default_factory=dict, repr=False)

    def classify(self, names: Iterable[str], call: Call) -> Rule | None:
        """The first rule that matches one of `names` (most specific name first) and applies."""
        names = tuple(names)
        candidates = self._candidates.get(names)
        if candidates is None:
            candidates = self._candidates[names] = self._matching(names)
        for rule in candidates:
            if rule.applies(call):
                return rule
        return None

    def _matching(self, names: tuple[str, ...]) -> tuple[Rule, ...]:
        """The rules whose pattern matches one of `names`, in the order `classify` tries them.
        Which rules match depends on the names only, and a walk asks about the same few names
        millions of times (Django's tests: 2.2M calls, 5M glob matches); whether a rule applies
        depends on the call, and is decided each time."""
        out = [rule for name in names for rule in self.exact.get(name, ())]
        for name in names:
            last = name.rsplit(".", 1)[-1]
            out += [rule for rule in (*self.globs.get(last, ()), *self.globs.get("*", ()))
                    if fnmatch.fnmatchcase(name, rule.pattern)]
        return tuple(out)

    def returns_of(self, names: Iterable[str]) -> str | None:
        names = tuple(names)
        if names in self._returns_cache:
            return self._returns_cache[names]
        found = self._returns_of(names)
        self._returns_cache[names] = found
        return found

    def _returns_of(self, names: tuple[str, ...]) -> str | None:
        for name in names:
            found = self.returns.get(name)
            if found is not None:
                return found
        for pattern, returned in self.glob_returns:
            if any(fnmatch.fnmatchcase(name, pattern) for name in names):
                return returned
        return None

    def is_config_file(self, relative: str) -> bool:
        name = relative.rsplit("/", 1)[-1]
        return any(fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(relative, pattern) for pattern in self.config_files)

    def label(self, family: str) -> str:
        return self.labels.get(family, f"{family} work")

    def inline_for(self, evidence: Iterable[tuple[str, tuple]]) -> frozenset[str]:
        """Families that run work inline, given (setting, (value,)) pairs seen in code
        (remembered per evidence: the walker asks once per function it walks)."""
        evidence = tuple(evidence)
        try:
            found = self._inline_cache.get(evidence)
        except TypeError:  # a value that does not hash: not worth remembering
            return frozenset(self._inline_for(evidence))
        if found is None:
            found = self._inline_cache[evidence] = frozenset(self._inline_for(evidence))
        return found

    def _inline_for(self, evidence: tuple) -> set[str]:
        out = set()
        for key, const in evidence:
            for family, settings in self.inline_settings.items():
                for wanted_key, wanted in settings:
                    if key == wanted_key and _matches(const[0], wanted):
                        out.add(family)
        return out

    # ---- building ------------------------------------------------------------------------------

    def add(self, rule: Rule, first: bool = False) -> None:
        """Index a rule by exact name, or by its last segment when it is a glob (`*.delete`)."""
        self._candidates.clear()
        if any(ch in rule.pattern for ch in "*?["):
            last = rule.pattern.rsplit(".", 1)[-1]
            bucket = self.globs.setdefault(last if not any(ch in last for ch in "*?[") else "*", [])
        else:
            bucket = self.exact.setdefault(rule.pattern, [])
        if first:
            bucket.insert(0, rule)
        else:
            bucket.append(rule)


def _condition(call: Call, key: str, wanted: object) -> bool:
    if key.startswith("#"):
        index = int(key[1:])
        arg = call.args[index] if index < len(call.args) else None
    else:
        arg = call.kw(key)
    if arg is None:
        return False
    if arg.const is None:
        # a named constant: `return_when=FIRST_COMPLETED`, `return_when=futures.FIRST_COMPLETED`
        return isinstance(wanted, str) and arg.ref is not None and arg.ref.dotted().rsplit(".", 1)[-1] == wanted
    return _matches(arg.const[0], wanted)


def _matches(value: object, wanted: object) -> bool:
    if wanted is True:
        return bool(value) and value not in ("0", "false", "False", "no")
    if wanted is False:
        return value in (False, 0, "0", "false", "False", "no", None)
    return value == wanted


def _first_arg_text(call: Call) -> str | None:
    if call.args and call.args[0].text is not None:
        return call.args[0].text
    for key in ("sql", "query", "statement", "operation"):
        arg = call.kw(key)
        if arg is not None and arg.text is not None:
            return arg.text
    return None


# ---- loading -------------------------------------------------------------------------------------


def rules_dir() -> Path:
    """Packs ship inside the wheel as `teardown_lint/rules`; a source checkout keeps them at top level."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise PackError(f"no rules directory next to {here}")


def load(extra_calls: dict[str, list[str]] | None = None, directory: Path | None = None) -> Knowledge:
    directory = directory or rules_dir()
    knowledge = Knowledge()
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.toml")):
        data = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + data)
        try:
            pack = tomllib.loads(data.decode("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise PackError(f"{path.name}: {exc}") from exc
        _load_pack(knowledge, pack, path.stem)
    if extra_calls:
        digest.update(repr(sorted(extra_calls.items())).encode())
        _load_configured(knowledge, extra_calls)
    knowledge.fingerprint = digest.hexdigest()[:16]
    return knowledge


def _load_pack(knowledge: Knowledge, pack: dict, stem: str) -> None:
    meta = pack.get("pack", {})
    name = meta.get("name", stem)
    family = meta.get("family", name)
    label = meta.get("label", f"{family} work")
    knowledge.packs.append(name)
    knowledge.labels.setdefault(family, label)
    for key, value in pack.get("returns", {}).items():
        if any(ch in key for ch in "*?["):
            knowledge.glob_returns.append((key, value))
        else:
            knowledge.returns[key] = value
    for key, value in pack.get("fixtures", {}).items():
        knowledge.fixture_types[key] = value
    inline = pack.get("inline", {})
    for key, value in inline.get("settings", {}).items():
        knowledge.inline_settings.setdefault(family, []).append((key, value))
    for fixture in inline.get("fixtures", []):
        knowledge.inline_fixtures[fixture] = family
    knowledge.config_files.extend(inline.get("files", []))
    testing = pack.get("testing", {})
    knowledge.fixture_decorators.update(testing.get("fixture_decorators", []))
    knowledge.testcase_bases.update(testing.get("testcase_bases", []))
    for entry in testing.get("implicit_delete", []):
        knowledge.implicit_deletes.append(
            ImplicitDelete(
                what=entry["what"],
                base=entry.get("base", ""),
                mark=entry.get("mark", ""),
                fixture=entry.get("fixture", ""),
                when=tuple(entry.get("when", {}).items()),
                opens=entry.get("opens", ""),
            )
        )
    pack_fix = _fix_table(pack.get("fix", {}), f"{name} pack [fix]")
    for effect in EFFECTS:
        for number, entry in enumerate(pack.get(effect, []), 1):
            _load_entry(knowledge, effect, entry, family, label, f"{name} pack", meta.get("hint", ""), pack_fix,
                        origin=(f"rules/{stem}.toml", number))
    unknown = set(pack) - {"pack", "returns", "fixtures", "inline", "testing", "fix", *EFFECTS}
    if unknown:
        raise PackError(f"{stem}.toml: unknown tables {sorted(unknown)}")


def _fix_table(table: dict, source: str) -> dict:
    if not isinstance(table, dict):
        raise PackError(f"{source} must be a table")
    unknown = set(table) - FIX_KEYS
    if unknown:
        raise PackError(f"{source}: unknown key(s) {sorted(unknown)}; expected {sorted(FIX_KEYS)}")
    out = {}
    for key, value in table.items():
        if key == "imports":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise PackError(f"{source}: imports must be a list of import statements")
            value = tuple(value)
        elif not isinstance(value, str):
            raise PackError(f"{source}: {key} must be a string")
        out[key] = value
    return out


def _load_entry(knowledge: Knowledge, effect: str, entry: dict, family: str, label: str, source: str,
                pack_hint: str = "", pack_fix: dict | None = None, origin: tuple[str, int] = ("", 0)) -> None:
    calls = entry.get("calls")
    if not calls:
        raise PackError(f"{source}: a [[{effect}]] entry has no `calls`")
    unknown = set(entry) - ENTRY_KEYS
    if unknown:
        raise PackError(f"{source}: a [[{effect}]] entry has unknown key(s) {sorted(unknown)}")
    covers = entry.get("covers", "receiver")
    if covers not in COVERS:
        raise PackError(f"{source}: covers = {covers!r}, expected one of {COVERS}")
    fix = ()
    if effect == "enqueue":
        merged = {**(pack_fix or {}), **_fix_table(entry.get("fix", {}), f"{source}: an [[enqueue]] entry's fix")}
        fix = tuple(sorted(merged.items()))
    elif "fix" in entry:
        raise PackError(f"{source}: only [[enqueue]] entries take a `fix`")
    for pattern in calls:
        knowledge.add(
            Rule(
                effect=effect,
                pattern=pattern,
                family=entry.get("family", family),
                label=entry.get("label", label),
                source=source,
                covers=covers,
                target=entry.get("target", "receiver"),
                when=tuple(entry.get("when", {}).items()),
                unless=tuple(entry.get("unless", {}).items()),
                sql=tuple(word.upper() for word in entry.get("sql", ())),
                in_loop=bool(entry.get("in_loop", False)),
                then_wait=bool(entry.get("then_wait", False)),
                what=entry.get("what", ""),
                phase=entry.get("phase", "fixture"),
                gate=entry.get("gate", ""),
                hint=entry.get("hint", pack_hint),
                fix=fix,
                origin=origin[0],
                entry=origin[1],
            )
        )


def _load_configured(knowledge: Knowledge, calls: dict[str, list[str]]) -> None:
    """`[tool.teardown-lint.calls]`: project helpers; they win over packs (exact names first)."""
    for effect, patterns in calls.items():
        if effect not in ("enqueue", "wait", "cancel", "delete"):
            raise PackError(f"[tool.teardown-lint.calls]: unknown effect {effect!r}")
        for number, pattern in enumerate(patterns, 1):
            rule = Rule(
                effect=effect,
                pattern=pattern,
                family="configured",
                label="work started by a configured helper",
                source="[tool.teardown-lint.calls]",
                covers="all",
                target="none",
                origin="[tool.teardown-lint.calls]",
                entry=number,
            )
            # Configured rules go first so that they override a pack's view of the same name.
            knowledge.add(rule, first=True)
    knowledge.labels.setdefault("configured", "work started by a configured helper")
