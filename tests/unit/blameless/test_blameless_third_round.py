"""Third round (s3-engine): classes learnt from blind set 5 after it was scored.

Own paraphrases only (the blind sentences are not copied). Each class has a blaming
sentence that must be an error in a published incident and a near miss that must not.
"""
from __future__ import annotations

import time

import pytest

from postmortem_kit.blameless import lint_text
from support.blameless_findings import published_error_rules as errors


@pytest.mark.parametrize("text", [
    "It was Dana who merged the schema change without waiting for the dry run.",
    "The outage traces back to Keiko's decision to bypass the integration suite.",
    "The release manager's choice to override the freeze let the bad build through.",
    "Farid misconfigured the retry budget on the payment gateway.",
    "The on-call engineer did not quiesce the writers before the schema swap.",
    "He didn't detach the volume before resizing the instance.",
    "The approver could easily have spotted the missing index in the diff.",
    "The escalation policy was not followed by the duty engineer during the first hour.",
    "Nobody in the billing group bothered to test the new currency code.",
    "Tired after the long night, the shift lead made a series of rash decisions.",
])
def test_blaming_classes_are_errors(text):
    assert errors(text)


@pytest.mark.parametrize("text", [
    "It was Dana who merged the revert that ended the incident.",
    "The balancer's decision to skip unhealthy targets worked as designed.",
    "The bootstrap script misconfigured the retry budget on every new node.",
    "The operator did not receive the handover notes because the wiki was down.",
    "The sidecar did not drain its connections before the pod stopped.",
    "A schema linter could easily have spotted the missing index in the diff.",
    "The migration was not reviewed by another engineer, since the repository allowed self-approval.",
    "Atlas failed to parse the manifest because a field had the wrong type.",
    "In retrospect, the symptom was visible, but nothing in our dashboards highlighted it.",
    "At first the team suspected that a network partition was to blame.",
    "We retired the human-error category from the incident form last year.",
    "Anyone on the team could have made the same edit with what the docs said at the time.",
])
def test_near_misses_are_not_errors(text):
    assert errors(text) == []


def test_cleft_and_possessive_rules_stay_linear():
    def cost(n: int) -> float:
        text = ("it was the " + "x " * n + "who ") * 3 + "zz's " * n + "decision to"
        start = time.perf_counter()
        lint_text(text, "x.md", status="published")
        return time.perf_counter() - start

    cost(50)
    small, large = cost(400), cost(4000)
    assert large < small * 40 + 0.5
