"""The needed words of a rule tried from its anchor words are looked for near those words only
(``anchoring.needed_near``, issue 17, cost round cost16).

A rule tried from its anchor words ("against" for BL154, "instead" for BL136) used to be skipped
only when one of its needed words was absent from the whole text.  Now the needed words are looked
for in a window of ``reach`` characters (whitespace collapsed) on each side of each anchor word,
since a match holds an anchor word and every needed word and is at most ``reach`` long.  The hits
must be exactly those of the whole-text test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from postmortem_kit.blameless import scanner as blameless_scan
from postmortem_kit.blameless.anchoring import needed_near
from postmortem_kit.blameless.edges import has_all
from postmortem_kit.blameless.rules import load_rules
from postmortem_kit.blameless.scanner import prepare

DATA = Path(__file__).resolve().parents[2] / "data"
FILLER = "The queue drained slowly while the team watched the graphs for a sign of recovery. "


def _whole_text(index, anchor: int, text: str, occurrences: list[int]) -> bool:
    """The earlier test: every needed word of one alternative somewhere in the text."""
    return any(has_all(clauses, text, {}) for clauses in index.anchors()[anchor][4])


def _hits(rules, lowered: str, monkeypatch, gate) -> list[tuple[int, str, int]]:
    monkeypatch.setattr(blameless_scan, "needed_near", gate)
    try:
        return [(position, rule.id if rule else "", m.end()) for position, rule, m in blameless_scan._hits(lowered, rules)]
    finally:
        monkeypatch.setattr(blameless_scan, "needed_near", needed_near)


def _texts() -> list[str]:
    """Flagged sentences of the anchored rules, with their needed words moved near and far, across
    line breaks, runs of spaces and tabs (the window's size is counted with whitespace collapsed)."""
    base = [
        "The company has opened a disciplinary case against the night operator.",
        "The operator ran the migration against production instead of staging.",
        "They pushed the change to the live cluster instead of the canary.",
    ]
    texts = list(base)
    for sentence in base:
        for gap in (" ", "\n\n", "  \t ", "\u00a0"):
            for count in (1, 2, 3, 4, 6):
                filler = gap.join([FILLER.strip()] * count)
                texts.append(f"{sentence}{gap}{filler}")
                texts.append(f"{filler}{gap}{sentence}")
                words = sentence.split(" ")
                middle = len(words) // 2
                texts.append(" ".join(words[:middle]) + gap + filler + gap + " ".join(words[middle:]))
    for gap in (" ", "\n\n", "  \t "):
        for count in (1, 3, 6):  # the needed word ("production") before the anchor word, near and far
            filler = gap.join([FILLER.strip()] * count)
            texts.append(f"Production traffic was normal.{gap}{filler}{gap}They ran the job at night instead of at noon.")
    return texts


@pytest.mark.parametrize("text", _texts())
def test_hits_are_those_of_the_whole_text_test(text, monkeypatch):
    rules = load_rules()
    lowered = prepare(text, masked=text)
    assert _hits(rules, lowered, monkeypatch, needed_near) == _hits(rules, lowered, monkeypatch, _whole_text)


def test_hits_are_those_of_the_whole_text_test_on_the_labelled_sets(monkeypatch):
    rules = load_rules()
    items = []
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                items.append(json.loads(line)["text"])
    assert len(items) > 500
    for start in range(0, len(items), 40):  # joined as incident prose is: paragraph breaks between
        lowered = prepare("\n\n".join(items[start:start + 40]), masked="\n\n".join(items[start:start + 40]))
        assert _hits(rules, lowered, monkeypatch, needed_near) == _hits(rules, lowered, monkeypatch, _whole_text)


def test_a_needed_word_out_of_reach_rules_the_rule_out():
    rules = load_rules()
    index = rules.triggers
    anchor = next(number for number, entry in enumerate(index.anchors()) if entry[0].id == "BL154")
    reach = index.anchors()[anchor][3]
    near = prepare("A case was opened against the operator.", masked="A case was opened against the operator.")
    far = prepare("A case: " + FILLER * (reach // len(FILLER) + 2) + "it was against the operator.",
                  masked="A case: " + FILLER * (reach // len(FILLER) + 2) + "it was against the operator.")
    assert needed_near(index, anchor, near, [near.index("against")])
    assert not needed_near(index, anchor, far, [far.index("against")])
    assert _whole_text(index, anchor, far, [far.index("against")])  # the earlier test kept it
