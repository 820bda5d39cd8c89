"""Configuration: `[tool.teardown-lint]` in the nearest pyproject.toml, with Ruff's key names."""

from __future__ import annotations

import ast
import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path

from .docs import RULES
from .packs import tomllib

RULE_CODES = tuple(RULES)  # every rule has a doc (tests/test_docs.py checks the engine emits no other)
FIXABLE = frozenset(code for code in RULE_CODES if RULES[code]["fixable"])  # TDL100 offers no automatic fix
# TDL1xx judge the tool's own comments (TDL100, Ruff's RUF100): off unless selected by a selector
# more specific than the bare "TDL" (the default), such as "TDL100", "TDL1" or "ALL"
OPT_IN = tuple(code for code in RULE_CODES if code.startswith("TDL1"))
KNOWN_KEYS = {
    "select",
    "ignore",
    "extend-select",
    "extend-ignore",
    "exclude",
    "extend-exclude",
    "per-file-ignores",
    "calls",
    "fix",
}


class ConfigError(ValueError):
    """A configuration the user must correct (exit code 2)."""


@dataclass
class Config:
    root: Path  # the project root: where the pyproject.toml is, else the current directory
    source: Path | None = None  # the pyproject.toml read, if any
    select: list[str] = field(default_factory=lambda: ["TDL"])
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    calls: dict[str, list[str]] = field(default_factory=dict)
    fix: dict = field(default_factory=lambda: dict(FIX_SETTINGS))
    force_exclude: bool = False  # `--force-exclude`: `exclude` applies to files named explicitly too

    def enabled(self, code: str, path: str | None = None) -> bool:
        def hits(prefixes) -> int:
            return max((len(p) for p in prefixes if code.startswith(p) or p == "ALL"), default=-1)

        select = [p for p in self.select if p != "TDL"] if code in OPT_IN else self.select
        selected, ignored = hits(select), hits(self.ignore)
        if selected < 0 or ignored >= selected:
            return False
        if path is not None:
            for pattern, codes in self.per_file_ignores.items():
                if _glob_match(path, pattern) and hits(codes) >= 0:
                    return False
        return True

    def excluded(self, relative: str) -> bool:
        return any(_glob_match(relative, pattern) for pattern in self.exclude)


def _glob_match(relative: str, pattern: str) -> bool:
    """Ruff's globs: `*` within a path segment, `**` across segments, bare names anywhere."""
    pattern = pattern.rstrip("/")
    if "/" not in pattern:
        return any(fnmatch.fnmatchcase(part, pattern) for part in relative.split("/"))
    regex = _glob_regex(pattern)
    return bool(regex.fullmatch(relative) or regex.fullmatch(relative.rsplit("/", 1)[0]) or any(
        regex.fullmatch("/".join(relative.split("/")[:i])) for i in range(1, relative.count("/") + 1)
    ))


def _glob_regex(pattern: str) -> "re.Pattern[str]":
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml with a `[tool.teardown-lint]` table (as Ruff looks for its own)."""
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and _has_table(candidate):
            return candidate
    return None


def _has_table(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return True  # let `load` report it
    return "teardown-lint" in data.get("tool", {})


def find_root(start: Path) -> Path:
    """Without our table, the project is where the nearest project marker is."""
    for directory in (start, *start.parents):
        if any((directory / marker).exists() for marker in ("pyproject.toml", "setup.cfg", "setup.py", ".git")):
            return directory
    return start


def load(explicit: Path | None = None, cwd: Path | None = None) -> Config:
    cwd = (cwd or Path.cwd()).resolve()
    path = explicit.resolve() if explicit is not None else find_pyproject(cwd)
    if path is None:
        return Config(root=find_root(cwd))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    table = data.get("tool", {}).get("teardown-lint", {}) if path.name == "pyproject.toml" else data
    if explicit is not None and path.name != "pyproject.toml":
        table = data.get("tool", {}).get("teardown-lint", data)
    return from_table(table, root=path.parent, source=path)


def from_table(table: dict, root: Path, source: Path | None = None) -> Config:
    unknown = set(table) - KNOWN_KEYS
    if unknown:
        raise ConfigError(f"{source or 'configuration'}: unknown key(s) {', '.join(sorted(unknown))}")
    config = Config(root=root, source=source)
    if "select" in table:
        config.select = _codes(table["select"], "select")
    config.select += _codes(table.get("extend-select", []), "extend-select")
    config.ignore = _codes(table.get("ignore", []), "ignore") + _codes(table.get("extend-ignore", []), "extend-ignore")
    config.exclude = _strings(table.get("exclude", []), "exclude") + _strings(
        table.get("extend-exclude", []), "extend-exclude"
    )
    pfi = table.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise ConfigError("per-file-ignores must be a table of glob = [codes]")
    config.per_file_ignores = {k: _codes(v, f"per-file-ignores.{k}") for k, v in pfi.items()}
    calls = table.get("calls", {})
    if not isinstance(calls, dict):
        raise ConfigError("[tool.teardown-lint.calls] must be a table")
    for effect, names in calls.items():
        if effect not in ("enqueue", "wait", "cancel", "delete"):
            raise ConfigError(f"[tool.teardown-lint.calls]: unknown effect {effect!r} (enqueue, wait, cancel, delete)")
        config.calls[effect] = _strings(names, f"calls.{effect}")
    fix = table.get("fix", {})
    if not isinstance(fix, dict):
        raise ConfigError("[tool.teardown-lint.fix] must be a table")
    config.fix = _fix_settings(fix)
    # a project's own drain/cancel helper is a wait/cancel to the analysis too
    for effect in ("wait", "cancel"):
        if effect in config.fix and config.fix[effect] not in config.calls.get(effect, []):
            config.calls.setdefault(effect, []).append(config.fix[effect])
    return config


FIX_SETTINGS = {"timeout": 30, "strategy": "wait"}  # plus optional `wait` / `cancel` helper names


def _fix_settings(table: dict) -> dict:
    """`[tool.teardown-lint.fix]`: the wait timeout, the default strategy, the project's own helpers."""
    unknown = set(table) - {"timeout", "strategy", "wait", "cancel"}
    if unknown:
        raise ConfigError(f"[tool.teardown-lint.fix]: unknown key(s) {', '.join(sorted(unknown))}")
    out = {**FIX_SETTINGS, **table}
    timeout = out["timeout"]
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise ConfigError("[tool.teardown-lint.fix] timeout must be a positive number of seconds")
    if out["strategy"] not in ("wait", "cancel"):
        raise ConfigError("[tool.teardown-lint.fix] strategy must be \"wait\" or \"cancel\"")
    for key in ("wait", "cancel"):
        if key in out and (not isinstance(out[key], str) or not out[key].replace("_", "a").replace(".", "a").isalnum()):
            raise ConfigError(f"[tool.teardown-lint.fix] {key} must be a dotted name such as \"tests.helpers.wait_for_jobs\"")
    return out


def _strings(value, key: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} must be a list of strings")
    return list(value)


def _codes(value, key: str) -> list[str]:
    codes = [c.strip().upper() for c in _strings(value, key)]
    for code in codes:
        if code != "ALL" and not any(full.startswith(code) for full in RULE_CODES):
            raise ConfigError(f"{key}: unknown rule code {code!r}")
    return codes


@dataclass(frozen=True)
class FixSettings:
    """How fixes are written, resolved from `[tool.teardown-lint.fix]` and the command line."""

    strategy: str = "wait"
    timeout: float = 30
    helper: str = ""  # a project's own wait/cancel helper (dotted), preferred over templates
    helper_async: bool = False


def fix_settings(config: Config, strategy: str | None) -> FixSettings:
    strategy = strategy or config.fix.get("strategy", "wait")
    helper = config.fix.get(strategy, "")
    return FixSettings(strategy=strategy, timeout=config.fix.get("timeout", 30), helper=helper,
                       helper_async=_helper_is_async(config.root, helper) if helper else False)


def _helper_is_async(root: Path, helper: str) -> bool:
    """Whether the project's helper is an `async def` (read statically from its module)."""
    module, _, name = helper.rpartition(".")
    for candidate in (root / (module.replace(".", "/") + ".py"), root / module.replace(".", "/") / "__init__.py"):
        try:
            tree = ast.parse(candidate.read_bytes())
        except (OSError, SyntaxError, ValueError):
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
                return isinstance(node, ast.AsyncFunctionDef)
    return False
