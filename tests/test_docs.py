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
