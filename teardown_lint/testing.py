"""Inline expectations (`# error: TDL001`) for fixture suites and the accuracy corpus."""

from __future__ import annotations

import re
from pathlib import Path

from . import config as config_module
from .engine import run

EXPECT = re.compile(r"#\s*error:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)")


def expected(root: Path) -> set[tuple[str, int, str]]:
    out = set()
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = EXPECT.search(line)
            if match:
                for code in match.group("codes").split(","):
                    out.add((relative, number, code.strip()))
    return out


def actual(root: Path) -> tuple[set[tuple[str, int, str]], list]:
    cfg = config_module.load(cwd=root) if (root / "pyproject.toml").exists() else config_module.Config(root=root)
    cfg.root = root.resolve()
    result = run(cfg, [root.resolve()])
    return {(f.path, f.loc.line, f.rule) for f in result.findings}, result.findings
