"""Every rule code is documented, in Ruff's sections."""

from __future__ import annotations

import re

import pytest

from teardown_lint import docs
from teardown_lint.config import RULE_CODES

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety")


def test_rule_codes_and_docs_match():
    assert set(RULE_CODES) == set(docs.RULES)


@pytest.mark.parametrize("code", RULE_CODES)
def test_every_code_has_a_doc_with_all_sections(code):
    rule = docs.RULES.get(code)
    assert rule is not None, f"{code} has no doc in teardown_lint.docs.RULES"
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule["name"]), rule["name"]
    assert rule["summary"].strip()
    headings = re.findall(r"^## (.+)$", rule["doc"], flags=re.M)
    for section in SECTIONS:
        assert section in headings, f"{code}: missing section {section!r}"
        body = rule["doc"].split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
        assert body.strip(), f"{code}: section {section!r} is empty"
    assert [h for h in headings if h in SECTIONS] == list(SECTIONS), "sections out of order"


@pytest.mark.parametrize("code", RULE_CODES)
def test_examples_are_python(code):
    doc = docs.RULES[code]["doc"]
    blocks = re.findall(r"```python\n(.*?)```", doc, flags=re.S)
    assert len(blocks) >= 2, "an example and a fix"
    for block in blocks:
        compile(block, f"<{code} doc>", "exec")


@pytest.mark.parametrize("code", RULE_CODES)
def test_render(code):
    text = docs.render(code)
    assert text is not None and code in text and docs.RULES[code]["name"] in text
    assert docs.render(code.lower()) == text
    assert docs.render("XYZ999") is None


def _codes_in_source() -> dict[str, set[str]]:
    """Rule codes written as string constants in the package (outside docs.py), by module: what the
    engine can emit, read from its code rather than from a second list."""
    import ast
    from pathlib import Path

    import teardown_lint

    found: dict[str, set[str]] = {}
    for path in Path(teardown_lint.__file__).parent.glob("*.py"):
        if path.name == "docs.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"TDL\d{3}", node.value):
                found.setdefault(node.value, set()).add(path.name)
    return found


def test_every_code_the_engine_can_emit_has_a_doc():
    emitted = _codes_in_source()
    assert {"TDL001", "TDL100"} <= set(emitted), emitted  # the scan sees check.py and suppressions.py
    undocumented = {code: sorted(where) for code, where in emitted.items() if code not in docs.RULES}
    assert not undocumented, f"codes without a doc in teardown_lint.docs.RULES: {undocumented}"
    unused = set(docs.RULES) - set(emitted)
    assert not unused, f"docs for codes nothing emits: {sorted(unused)}"


def test_findings_carry_documented_codes():
    """The rule modules' own CODE constants (what Finding objects are built with) are documented."""
    from teardown_lint import check, suppressions

    for module in (check, suppressions):
        assert module.CODE in docs.RULES
        assert module.NAME == docs.RULES[module.CODE]["name"]


def test_rules_command_lists_every_rule(monkeypatch, tmp_path):
    import json

    from click.testing import CliRunner

    from teardown_lint import cli
    from teardown_lint.config import Config

    monkeypatch.chdir(tmp_path)
    text = CliRunner().invoke(cli.main, ["rules"], catch_exceptions=False)
    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    assert [line.split()[0] for line in lines] == sorted(docs.RULES)
    for line, code in zip(lines, sorted(docs.RULES), strict=True):
        assert docs.RULES[code]["name"] in line and docs.RULES[code]["summary"] in line
        assert ("off by default" in line) == (not Config(root=tmp_path).enabled(code))
    result = CliRunner().invoke(cli.main, ["rules", "--output-format", "json"], catch_exceptions=False)
    rows = json.loads(result.stdout)
    assert [row["code"] for row in rows] == sorted(docs.RULES)
    assert {row["code"]: row["default"] for row in rows} == {"TDL001": True, "TDL100": False}
    for row in rows:
        assert row["explanation"] == docs.RULES[row["code"]]["doc"]
        assert row["name"] == docs.RULES[row["code"]]["name"]
