"""What keeps a cold check from compiling rules it does not need, and what makes the rest cheap.

* "straight" forms: the scanner's text has straight apostrophes only, so the compiled rules
  leave curly quotes out of their character classes (a class with a character above Latin-1
  costs a 64K-entry table to compile);
* literal starts and reach: an alternative is compiled only when one of its literal starts
  (whitespace collapsed) occurs where its trigger word does, and its needed literals occur
  within its reach from there.

Neither may change a finding.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from postmortem_kit.blameless import rules as blameless_rules
from postmortem_kit.blameless import scanner as blameless_scan
from postmortem_kit.blameless.edges import RIGHT_EDGE, collapse_space
from postmortem_kit.blameless.regex_shapes import collapsed_reach, literal_starts, straight_quote_form
from postmortem_kit.core import package_file

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def compiled() -> dict:
    return json.loads(package_file("postmortem_kit.blameless", "rules.compiled.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def texts(compiled) -> list[str]:
    """Rule examples and the labelled sets, prepared as the scanner prepares them."""
    found = []
    for rule in compiled["rules"]:
        examples = rule.get("examples") or {}
        for example in examples.get("flag", []) + examples.get("clean", []):
            found.append(example if isinstance(example, str) else str(example.get("text", "")))
    for name in ("blameless-dev.jsonl", "blameless-heldout.jsonl", "blameless-heldout-2.jsonl"):
        found += [json.loads(line)["text"] for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
    return [blameless_scan.prepare(text, masked=text) for text in found]


@pytest.mark.parametrize("pattern, expected", [
    (r"[\w@'’.-]{1,40}", r"[\w@'.-]{1,40}"),
    (r"n['’]t", r"n[']t"),
    (r"(?<![\w'’@-])x", r"(?<![\w'@-])x"),
    (r"[^a’]", r"[^a]"),
    (r"[’-]x", r"[-]x"),
    (r"[]’]", r"[]]"),
    # left alone: a class of curly quotes only, a range, a quote outside a class, an escape
    (r"[’]", r"[’]"),
    (r"[^’]", r"[^’]"),
    (r"[a-’]", r"[a-’]"),
    (r"don’t", r"don’t"),
    (r"[\u2019a]", r"[\u2019a]"),
    (r"(unclosed[’a]", r"(unclosed[’a]"),
])
def test_straight_quote_form(pattern, expected):
    assert straight_quote_form(pattern) == expected


def test_straight_forms_match_the_same_on_straight_text():
    texts = ["didn't check", "don’t", "o'brien-smith's.x", "a’b", "’", "it’s on ops@x.io", "x-y"]
    for pattern in (r"[\w@'’.-]{1,40}", r"n['’]t", r"(?<![\w'’@-])s", r"[^a’]+", r"[’-]x"):
        original, straight = re.compile(pattern), re.compile(straight_quote_form(pattern))
        for text in texts:
            text = text.replace("’", "'")
            assert [m.span() for m in original.finditer(text)] == [m.span() for m in straight.finditer(text)]


def test_the_compiled_rules_are_in_straight_form(compiled):
    """The compiler applied the straight forms (so a cold run never builds the 64K tables)."""
    patterns = [compiled["meta"], compiled["marker"]["body"]]
    for rule in compiled["rules"]:
        patterns += [rule.get("body", ""), rule.get("requires_before", "")]
        patterns += [part["source"] for part in rule.get("alternatives") or ()]
    assert all(straight_quote_form(pattern) == pattern for pattern in patterns)
    assert sum("'’" in pattern for pattern in patterns) == 0


def test_literal_starts():
    assert literal_starts(r"(?:failed|fails)\s+to\s+(?:notice|see)") == [
        "failed to notice", "failed to see", "fails to notice", "fails to see"]
    # whitespace runs are one space; a start that extends a shorter one is left out
    assert literal_starts(r"had\s+not\s*x") == ["had not x", "had notx"]
    assert literal_starts(r"(?:ab|abc)d?") == ["ab"]
    # no literal start, too many, or case-insensitive: nothing to test
    assert literal_starts(r"[a-z]+ed") is None
    assert literal_starts("(?:" + "|".join(f"w{i:03d}" for i in range(300)) + ")", most=200) is None
    assert literal_starts(r"(?i:blame)\s+x") is None


def test_collapsed_reach():
    assert collapsed_reach(r"ab\s+c") == 4  # a whitespace run is one character once collapsed
    assert collapsed_reach(r"(?:ab|abcd)\s*x(?=y)") == 6
    assert collapsed_reach(r"[\w-]{1,30}\s+y") == 32
    assert collapsed_reach(r"x(?:\s+y){0,3}") == 7
    assert collapsed_reach(r"a+") is None


def test_the_compiled_reach_holds_every_real_match_and_its_needs(compiled, texts):
    checked = 0
    for rule in compiled["rules"]:
        for part in rule.get("alternatives") or ():
            if part.get("reach") is None:
                continue
            pattern = re.compile(part["source"])
            for text in texts:
                for m in pattern.finditer(text):
                    checked += 1
                    window = collapse_space(text[m.start():m.start() + 4 * part["reach"] + 40])[:part["reach"]]
                    assert len(collapse_space(m.group())) <= part["reach"], (rule["id"], m.group())
                    for clause in part["needs"]:
                        assert any(literal in window for literal in clause), (rule["id"], clause, m.group())
    assert checked > 300


def test_the_compiled_starts_never_exclude_a_real_match(compiled, texts):
    """Wherever an alternative matches, the text there begins with one of its starts."""
    checked = 0
    for rule in compiled["rules"]:
        edge = RIGHT_EDGE if rule.get("boundary", True) else ""
        for part in rule.get("alternatives") or ():
            if not part.get("starts"):
                continue
            pattern = re.compile("(?:" + part["source"] + ")" + edge)
            starts = tuple(part["starts"])
            for text in texts:
                for m in pattern.finditer(text):
                    checked += 1
                    assert collapse_space(text[m.start():m.start() + 400]).startswith(starts), (rule["id"], text)
    assert checked > 300


def test_the_filters_change_no_finding(monkeypatch, compiled, texts):
    """The scanner with both filters (kept on for every text) finds exactly what the plain plans find."""
    monkeypatch.setattr(blameless_rules, "FILTERED_TEXTS", 10 ** 9)
    rules = blameless_rules.from_compiled(compiled)
    filtered = [[(m.rule.id, m.start, m.end) for m in blameless_scan.scan(text, rules=rules)] for text in texts]
    assert rules._filtered_plans, "the filters dropped nothing: the test would prove nothing"
    plain_rules = blameless_rules.from_compiled(compiled)
    plain_rules.key_needs, plain_rules.key_starts = {}, {}
    plain_rules.triggers.key_starts = plain_rules.key_starts  # no narrowing by the next word either
    plain_rules.triggers.key_needs = plain_rules.key_needs  # nor entries tried only near their needed words
    plain = [[(m.rule.id, m.start, m.end) for m in blameless_scan.scan(text, rules=plain_rules)] for text in texts]
    assert filtered == plain
    assert not plain_rules._filtered_plans and not plain_rules.triggers.anchors()


def test_leaving_out_entries_by_the_next_word_changes_no_finding(monkeypatch, compiled, texts):
    """With whole plans compiled from the first text, a key some of whose entries declare literal
    starts (``was``, ``not``) is tried without those that cannot start at a place: same findings
    as with no narrowing at all, and the narrowing did leave entries out."""
    monkeypatch.setattr(blameless_rules, "FILTERED_TEXTS", 0)
    rules = blameless_rules.from_compiled(compiled)
    narrowed = [[(m.rule.id, m.start, m.end) for m in blameless_scan.scan(text, rules=rules)] for text in texts]
    assert any(type(key) is tuple for text in texts for key in rules.triggers.locate(blameless_scan.prepare(text)))
    assert any(len(left_out) for (_, left_out) in rules._filtered_plans)
    plain_rules = blameless_rules.from_compiled(compiled)
    plain_rules.key_needs, plain_rules.key_starts = {}, {}
    plain_rules.triggers.key_starts = plain_rules.key_starts
    plain_rules.triggers.key_needs = plain_rules.key_needs
    plain = [[(m.rule.id, m.start, m.end) for m in blameless_scan.scan(text, rules=plain_rules)] for text in texts]
    assert narrowed == plain
    assert rules.triggers.anchors() and not plain_rules.triggers.anchors()
