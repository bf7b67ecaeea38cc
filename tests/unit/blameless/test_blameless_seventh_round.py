"""Seventh round of the blameless engine: the agency frame (BL142-BL146).

A person who acted, plus a marker that the act departed from what was expected, is blame; the same act
without the marker, or the same marker with a system as actor, is not.  The sentences are written for
these tests (paraphrases of the classes, not items of any labelled set).
"""

from __future__ import annotations

import pytest

from support.blameless_findings import published_error_rules as errors

BLAMING = [
    # (rule, sentence)
    ("BL142", "The contractor from the vendor ran the reindex in the live workspace."),
    ("BL142", "She tried to patch the router herself and left the network in a worse state."),
    ("BL142", "Oluwaseun signed off the release even though two smoke tests were red."),
    ("BL142", "The field crew rebooted every gateway without a change window."),
    ("BL142", "They kept the outage to themselves for forty minutes instead of opening an incident."),
    ("BL142", "- DBA applied the migration outside a transaction."),
    ("BL142", "The support crew kept muting the alarm whenever it fired."),
    ("BL143", "The cache cluster was drained by the platform lead without any notice to support."),
    ("BL143", "The bucket was cleared by an operator who thought it held only test files."),
    ("BL143", "The queue limits were changed by Hyun-woo, bypassing the usual approval."),
    ("BL144", "The main cause was too little scrutiny from the architecture board on the schema change."),
    ("BL144", "A lapse in care among the on-call responders let the alert go unanswered."),
    ("BL145", "Action item: the responder will be coached on reading the latency dashboard."),
    ("BL145", "The engineer who merged the change has received a final warning."),
    ("BL146", "Were the reviewers paying attention, the bad flag would never have shipped."),
]

CLEAN = [
    # The same acts with no deviation, a system as actor, a person as patient, or an outcome after "without".
    "The contractor from the vendor ran the reindex in the staging workspace.",
    "The reindex job ran in the live workspace at 02:00 as scheduled.",
    "The field crew rebooted every gateway during the approved change window.",
    "The on-call engineer restarted the broker without data loss.",
    "The on-call engineer restarted the broker without affecting customers.",
    "The cache cluster was drained by the autoscaler without any notice to support.",
    "The on-call engineer was paged by the monitor without delay.",
    "At 10:05 the team decided to roll back rather than patch forward.",
    "The runbook says the reindex should run in a transaction instead of in batches.",
    "Too little scrutiny in the schema review tool let the change through.",
    "The alert text will be reworded so it names the failing shard.",
    "Were the alerts routed to the right channel, the page would have reached someone sooner.",
    "The corrupted batch was small enough to replay by hand.",
    "The night shift was left without a runbook for the new queue.",
]


@pytest.mark.parametrize("rule,text", BLAMING, ids=[f"{rule}-{text[:30]}" for rule, text in BLAMING])
def test_agency_frame_flags_blame(rule, text):
    assert errors(text), f"not an error: {text}"


@pytest.mark.parametrize("rule,text", BLAMING, ids=[f"{rule}-{text[:30]}" for rule, text in BLAMING])
def test_the_rule_of_the_class_fires(rule, text):
    from postmortem_kit.blameless import lint_text

    found = {f.rule for f in lint_text(text, "x.md", status="published") if not f.suppressed}
    assert f"blameless/{rule}" in found, (rule, text, found)


@pytest.mark.parametrize("text", CLEAN, ids=[text[:40] for text in CLEAN])
def test_near_misses_are_clean(text):
    assert not errors(text), (text, errors(text))


def test_deviation_markers_are_data_in_closed_classes():
    import re

    from postmortem_kit.blameless.agency import deviation_macro, marker_classes

    classes = marker_classes()
    assert {"missing_step", "contrast", "wrong_place", "timing"} <= set(classes)
    assert all(entries for entries in classes.values())
    from postmortem_kit.blameless.compiler import _AFTER, _after

    # {AFTER:...} expanded as the compiler does (left raw, "{AFTER:the|a|an}" would read as a bare "a")
    pattern = _AFTER.sub(lambda m: _after(m.group(1)), deviation_macro()).replace("{WS}", r"[\w'’-]{1,30}")
    assert re.compile(pattern).search("ran it in the live tenant")
    assert not re.compile(pattern).search("restarted the broker without data loss")


def test_the_compiled_rules_use_the_markers_of_agency_yaml():
    from postmortem_kit.blameless.agency import marker_classes
    from postmortem_kit.blameless.rules import load_rules

    pattern = load_rules().by_id["BL142"].pattern
    assert r"instead\s+of" in pattern and "(?<!back" in pattern
    assert "DEVIATION" not in pattern and len(marker_classes()) >= 8
