"""Required literals of a regex: the prefilter that keeps rarely-needed rules uncompiled."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from postmortem_kit.blameless import rules as blameless_rules
from postmortem_kit.blameless import scanner as blameless_scan
from postmortem_kit.core import package_file, required_literals

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.parametrize("pattern, expected", [
    ("had (?:not|never) (?:checked|read)", [["checked", "read"], ["had"]]),
    ("failed to (?:notice|see)", [["failed"], ["notice", "see"]]),
    # an optional part, a class or a lookaround requires nothing
    ("with (?:more )?care", [["care"], ["with"]]),
    ("(?<=was )careless(?:ly)?", [["careless"]]),
    ("[a-z]+ed by", []),
    # one branch that requires nothing makes the alternation require nothing
    ("(?:blame|[a-z]{2,9}) lies", [["lies"]]),
    # short literals are left out: nearly every text has them
    ("is on (?:the )?team", [["team"]]),
])
def test_required_literals(pattern, expected):
    assert required_literals(pattern) == expected


def test_the_trigger_word_is_not_required_twice():
    assert required_literals("failed to (?:notice|see)", skip=("failed",)) == [["notice", "see"]]


def test_at_most_keep_clauses_most_selective_first():
    assert required_literals("alpha beta gamma (?:delta|epsilon)", keep=2) == [["alpha"], ["delta", "epsilon"]]


def test_a_pattern_that_does_not_parse_requires_nothing():
    assert required_literals("(unclosed") == []


def _texts() -> list[str]:
    raw = json.loads(package_file("postmortem_kit.blameless", "rules.compiled.json").read_text(encoding="utf-8"))
    texts = []
    for rule in raw["rules"]:
        examples = rule.get("examples") or {}
        for example in examples.get("flag", []) + examples.get("clean", []):
            texts.append(example if isinstance(example, str) else str(example.get("text", "")))
    for name in ("blameless-dev.jsonl", "blameless-heldout.jsonl", "blameless-heldout-2.jsonl"):
        texts += [json.loads(line)["text"] for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
    return [text.lower().replace("’", "'").replace("‘", "'") for text in texts]


def test_the_compiled_needs_never_exclude_a_real_match():
    """Soundness on every example and labelled sentence: wherever an alternative matches, the
    literals it is said to need are in the text."""
    raw = json.loads(package_file("postmortem_kit.blameless", "rules.compiled.json").read_text(encoding="utf-8"))
    texts = _texts()
    checked = 0
    for rule in raw["rules"]:
        for part in rule.get("alternatives") or ():
            if not part.get("needs"):
                continue
            pattern = re.compile(part["source"])
            for text in texts:
                if pattern.search(text):
                    checked += 1
                    for clause in part["needs"]:
                        assert any(literal in text for literal in clause), (rule["id"], clause, text)
    assert checked > 300


def test_the_filter_changes_no_finding(monkeypatch):
    """The scanner with the prefilter (kept on for every text) finds exactly what the plain
    plans find."""
    monkeypatch.setattr(blameless_rules, "FILTERED_TEXTS", 10 ** 9)
    raw = json.loads(package_file("postmortem_kit.blameless", "rules.compiled.json").read_text(encoding="utf-8"))
    rules = blameless_rules.from_compiled(raw)
    texts = _texts()
    filtered = [[(m.rule.id, m.start) for m in blameless_scan.scan(text, rules=rules)] for text in texts]
    saved = rules.key_needs
    rules.key_needs = {}
    try:
        plain = [[(m.rule.id, m.start) for m in blameless_scan.scan(text, rules=rules)] for text in texts]
    finally:
        rules.key_needs = saved
    assert filtered == plain
    assert rules._filtered_plans, "the filter dropped nothing: the test would prove nothing"
