"""Thirtieth round of the blameless engine: blind set 35's misses, in general form (issue 17).

* "had no excuse for" a person's omission (BL066).
* Deviation markers (BL142, BL143; ``agency.yaml``): acting alone ("decided on his own to", "unilaterally"),
  speed or convenience chosen over safety ("chose speed over correctness"), and temper ("in a fit of pique",
  "out of spite"); BL143's agent may be "its author".
* "didn't care enough to" and "took no further action" (BL017); "nobody took the time to" (BL127).
* A person's act told as a noun that was the trigger of the harm, or made it worse ("the maintainer's abrupt
  removal of the package was the trigger for the breakage", "the supervisor's refusal to halt the rollout made
  the impact nationwide"; BL106).
* ``planned_exempt``: the act rules (BL034, BL128, BL133, BL142, BL143, BL155) say nothing of an act the sentence
  says was planned or approved ("during the approved Sunday maintenance window", "as part of the planned rolling
  restart", "using the vendor's hot-swap procedure"; the {AUTHORISED} macro, whose entries now start a word).

The sentences are written for these tests (paraphrases of the classes, not items of any labelled set).
"""

from __future__ import annotations

from support.blameless_findings import round_tests

BLAMING = [
    ("BL066", "The duty engineer had no excuse for missing the disk alarm."),
    ("BL142", "She decided on her own to switch off the replication."),
    ("BL142", "The release manager lifted the change freeze unilaterally."),
    ("BL142", "The platform team chose convenience over security and shared one admin key."),
    ("BL143", "The repository was archived by its owner in a fit of anger."),
    ("BL017", "They didn't care enough to read the migration plan."),
    ("BL017", "The operator silenced the alarm and took no further action."),
    ("BL127", "Nobody took the time to test the restore."),
    ("BL106", "The administrator's hasty deletion of the bucket was the direct cause of the data loss."),
    ("BL106", "The lead's refusal to roll back made the outage far worse."),
]

CLEAN = [
    "The autoscaler took no action because the metric was stale.",
    "The engineer worked on her own overnight because the rota had one name on it.",
    "The load balancer prefers speed over correctness when the cache is cold.",
    "Nobody took the time off they were owed during the migration.",
    "The vendor's removal of the legacy endpoint was announced a year in advance.",
    "The package was republished by its maintainer within the hour.",
    "The SRE killed the old worker processes on the live hosts as part of the planned rolling restart.",
    "The DBA truncated the session table on the customer database during the approved Sunday maintenance window.",
    "Oskar replaced the battery modules in the live UPS using the vendor's hot-swap procedure.",
]

test_the_rule_of_the_class_fires, test_near_misses_are_clean = round_tests(BLAMING, CLEAN)


def test_the_same_acts_without_the_plan_are_flagged():
    from postmortem_kit.blameless import lint_text

    for rule, text in (("BL142", "The SRE killed the old worker processes on the live hosts at peak."),
                       ("BL128", "The DBA truncated the session table on the customer database at noon.")):
        assert f"blameless/{rule}" in {f.rule for f in lint_text(text, "x.md", status="published")}, text


def test_planned_exempt_must_be_a_boolean():
    import copy

    from postmortem_kit.blameless.compiler import validate
    from postmortem_kit.core import load_yaml_file, package_file

    raw = load_yaml_file(package_file("postmortem_kit.blameless", "rules.yaml")).data
    broken = copy.deepcopy(raw)
    next(rule for rule in broken["rules"] if rule["id"] == "BL142")["planned_exempt"] = "yes"
    assert any("planned_exempt must be true or false" in error for error in validate(broken))
