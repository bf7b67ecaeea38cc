"""BL161: BL159's confident tier (issue 17, fifth session).

A sentence that BL159's model scores at or above the model's ``confident`` score (learned.json, from
``training.CONFIDENT``) is reported as BL161, a blame rule whose tier is measured like every other rule's
(confidence.json): an error in reviewed incidents, a warning in drafts and in `lint`.  A sentence that
says the act was authorised or planned (BL161's ``unless``, the {AUTHORISED} macro) stays BL159.  The
mechanics are tested with the score moved around the sentence's own score, so that retraining the
weights does not change what these tests check; the rule's own examples test the shipped weights.
"""

from __future__ import annotations

import copy

import pytest

from postmortem_kit.blameless import find_blame, learned, lint_text, load_rules
from postmortem_kit.blameless.compiler import validate
from postmortem_kit.blameless.grammar import Grammar
from postmortem_kit.blameless.scanner import prepare
from postmortem_kit.core import load_yaml_file, load_yaml_text, package_file
from support.examples import example_text

ACT = "The release engineer pushed the debug build to every mirror."
AUTHORISED = "The release engineer pushed the debug build to every mirror, as planned."


def _score(text: str) -> float:
    rules = load_rules()
    grammar = Grammar(text, prepare(text), rules.lexicon)
    start, end = learned.trim(grammar.masked, 0, len(text.rstrip(".")) + 1)
    found = learned.score(grammar, start, end, rules.lexicon)
    assert found is not None
    return found


@pytest.fixture
def confident_at(monkeypatch):
    """Set the model's confident score (and its threshold, so the sentence is read at all)."""
    model = learned.model()

    def set_to(confident: float, threshold: float | None = None) -> None:
        monkeypatch.setitem(model, "confident", confident)
        if threshold is not None:
            monkeypatch.setitem(model, "threshold", threshold)

    return set_to


def _learned(text: str, status: str = "published") -> list[tuple[str, str]]:
    return [(f.rule, f.severity) for f in lint_text(text, "x.md", status=status)
            if f.rule in ("blameless/BL159", "blameless/BL161")]


def test_at_the_confident_score_the_sentence_is_bl161_an_error(confident_at):
    score = _score(ACT)
    confident_at(score - 1e-9, threshold=min(score, 0.5))
    assert _learned(ACT) == [("blameless/BL161", "error")]
    assert _learned(ACT, status="draft") == [("blameless/BL161", "warning")]


def test_below_the_confident_score_it_stays_a_bl159_warning(confident_at):
    score = _score(ACT)
    confident_at(min(score + 1e-6, 1.5), threshold=min(score, 0.5))
    assert _learned(ACT) == [("blameless/BL159", "warning")]


def test_an_authorised_or_planned_act_stays_a_warning(confident_at):
    confident_at(0.0, threshold=0.0)  # every sentence the model reads is at the confident score
    assert _learned(ACT) == [("blameless/BL161", "error")]
    assert _learned(AUTHORISED) == [("blameless/BL159", "warning")]
    for text in ("The DBA wiped the reporting replica with the service owner's approval.",
                 "Following the runbook, the DBA wiped the reporting replica."):
        assert _learned(text) == [("blameless/BL159", "warning")], text


def test_a_forward_action_stays_a_warning(confident_at):
    """A sentence about what will happen from now on tells no past act (sixth session)."""
    confident_at(0.0, threshold=0.0)
    for text in ("Going forward, every schema change will need sign-off from the data team before it ships.",
                 "From now on the release engineer reviews the mirror list before each push.",
                 "Each deploy will now require a second engineer to approve the diff."):
        assert _learned(text) == [("blameless/BL159", "warning")], text
    assert _learned("The release engineer pushed the build to every mirror and will now require a review.") == [
        ("blameless/BL159", "warning")]  # the whole sentence is the unit


def test_a_word_holding_an_authorising_phrase_is_no_authorisation(confident_at):
    """"was approved" does not hold "as approved", nor "was scheduled" "as scheduled" (thirtieth round: the
    {AUTHORISED} macro starts a word)."""
    confident_at(0.0, threshold=0.0)
    for text in ("The release engineer pushed the build, which was approved on Friday, to every mirror.",
                 "The vendor technician rebooted the array, which was scheduled for Sunday."):
        assert ("blameless/BL161", "error") in _learned(text), text
    assert _learned("The vendor technician rebooted the array as scheduled.") == [("blameless/BL159", "warning")]


def test_beside_a_rule_that_can_only_warn_it_adds_its_error_and_no_second_warning(confident_at):
    """Twenty-ninth round: a sentence that only a warning rule flagged is read too; at the confident score it
    gets BL161's error beside the warning, below it nothing more (BL159 would be a second warning)."""
    text = "His impatience with the slow failover caused the restart storm."
    rules = [f.rule for f in lint_text(text, "x.md", status="published")]
    assert "blameless/BL080" in rules  # a warning rule (BL080 is a warning)
    confident_at(0.0, threshold=0.0)
    assert _learned(text) == [("blameless/BL161", "error")]
    confident_at(1.5, threshold=0.0)
    assert _learned(text) == []
    # beside an error rule, nothing is added at any score
    confident_at(0.0, threshold=0.0)
    assert _learned("The engineer forgot to renew the certificate.") == []


def test_in_an_incident_it_is_an_error_of_its_field(confident_at):
    confident_at(0.0, threshold=0.0)
    text = example_text("INC-2026-0001")
    line = "  user_experience: >-\n"
    doc = load_yaml_text(text.replace(line, line + f"    {ACT}\n", 1), "INC-2026-0001.yaml")
    found = [f for f in find_blame(doc, doc.path, "published") if f.rule == "blameless/BL161"]
    assert [(f.severity, f.field) for f in found] == [("error", "impact.user_experience")]


def test_a_suppression_of_bl161_holds(confident_at):
    confident_at(0.0, threshold=0.0)
    text = f"<!-- blameless-ignore BL161: the push was the agreed mitigation -->\n{ACT}\n"
    found = [f for f in lint_text(text, "x.md", status="published") if f.rule == "blameless/BL161"]
    assert len(found) == 1 and found[0].suppressed and "agreed mitigation" in found[0].suppression


def test_without_a_confident_score_in_the_model_nothing_is_bl161(confident_at, monkeypatch):
    score = _score(ACT)
    confident_at(0.0, threshold=min(score, 0.5))
    monkeypatch.delitem(learned.model(), "confident")  # a model written before the tier
    assert _learned(ACT) == [("blameless/BL159", "warning")]


def test_the_shipped_tier_is_high_and_the_model_declares_its_score():
    from postmortem_kit.blameless.confidence import HIGH, tier_of
    from postmortem_kit.blameless.training import CONFIDENT

    assert tier_of("BL161") == HIGH
    assert learned.model()["confident"] == CONFIDENT > learned.model()["threshold"]


def test_only_the_confident_detector_takes_unless_and_it_must_compile():
    raw = load_yaml_file(package_file("postmortem_kit.blameless", "rules.yaml")).data
    broken = copy.deepcopy(raw)
    broken["rules"][0]["unless"] = "as planned"
    confident = next(entry for entry in broken["rules"] if entry.get("detector") == "learned-confident")
    confident["unless"] = "(?:as planned"
    errors = "\n".join(validate(broken))
    assert "only the learned-confident detector takes `unless`" in errors
    assert "unless does not compile" in errors


def _near_misses() -> list[str]:
    """Every hand-written clean sentence of the blameless tests' module-level lists (CLEAN, NEUTRAL,
    TRICKY, NOT_READ): near misses written for the rounds, read from the source without running it."""
    import ast
    from pathlib import Path

    found = []
    for path in sorted(Path(__file__).parent.glob("test_blameless_*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and any(word in node.targets[0].id for word in ("CLEAN", "NEUTRAL", "TRICKY", "NOT_READ")):
                for item in ast.walk(node.value):
                    if isinstance(item, ast.Constant) and isinstance(item.value, str) and len(item.value.split()) >= 4:
                        found.append(item.value)
    return sorted(set(found))


def test_the_shipped_model_makes_few_errors_of_the_hand_written_near_misses():
    """The rules' tests leave the model's findings out; this bounds them.  The near misses are written to
    sit next to blame ("the engineer cut the release branch while waiting for the tests"), so a learned
    score may reach the confident tier on a few: at most 1 in 100 may be a BL161 error (fifth session: 1 of
    about 240, that sentence)."""
    texts = _near_misses()
    assert len(texts) >= 200
    errors = [text for text in texts
              if any(f.rule == "blameless/BL161" and f.severity == "error" and not f.suppressed
                     for f in lint_text(text, "x.md", status="published"))]
    assert len(errors) <= len(texts) // 100, errors
