"""Eighth round of the blameless engine: precision guards and a wider agency frame (BL147).

Fault adverbs after a software head ("the reconciler wrongly deleted ...") and a human-error label
that a review tested and dropped ("operator error was ruled out") are not blame; new deviation
markers, a deviation that opens the sentence (BL147), dismissal as a corrective action, a possessive
fault act and a person's manual act as passive agent are.  The sentences are written for these tests
(paraphrases of the classes, not items of any labelled set).
"""

from __future__ import annotations

import pytest

from support.blameless_findings import published_error_rules as errors
from support.blameless_findings import round_tests

BLAMING = [
    # (rule, sentence)
    ("BL142", "The DBA resized the volume during peak hours against clear guidance."),
    ("BL142", "The field technician flashed both switches at once and lost the uplink."),
    ("BL142", "She muted the disk alert so it would stop waking her at night."),
    ("BL142", "The intern pasted the deploy token into the wiki so others could reuse it."),
    ("BL142", "The support lead announced the fix while checkouts were still failing."),
    ("BL142", "The admin removed the config key that the invoicing service still read."),
    ("BL142", "The developer committed the signing key to a public repository."),
    ("BL142", "The release manager told the squad to skip the canary for the hotfix."),
    ("BL142", "He got impatient with the slow check and disabled it."),
    ("BL143", "The shard map was damaged by an operator's hand-made edit."),
    ("BL143", "The failover was postponed by the incident commander, who insisted on a full diagnosis first."),
    ("BL143", "The schema was migrated by a new engineer in the middle of peak traffic."),
    ("BL145", "The engineer responsible has been removed from the on-call rotation."),
    ("BL146", "Were the approvers a bit more careful, the key would not have leaked."),
    ("BL147", "Instead of running the drain script, the operator rebooted the hosts by hand."),
    ("BL147", "Despite the warning banner on the console, she promoted the old replica."),
    ("BL070", "The on-call engineer's mistaken assumption about the region routed traffic away."),
]

CLEAN = [
    # Software subjects of fault adverbs.
    "The reconciler wrongly deleted the pods it considered orphaned.",
    "The sync worker mistakenly counted the retry as a second order.",
    "The cleanup daemon recklessly removed every file older than a day.",
    # A human-error label tested and dropped.
    "Operator error was considered and rejected: the shell history matched the runbook.",
    "Human error was ruled out once the audit log was read.",
    # The same markers with a system as actor, or a deviation with no person after it.
    "The cron job ran during peak hours and slowed checkout.",
    "The index was rebuilt by the migration tool in the middle of peak traffic.",
    "Instead of paging the on-call engineer, the alert opened a low-priority ticket.",
    "Despite the retries, the importer dropped the batch.",
    "The scheduler kept the job that the old importer still used.",
    "The parser's mistaken assumption about the encoding garbled the names.",
    "The engineer was frustrated with the tooling.",
]

STILL_BLAME = [
    # The guards stay narrow: a person with a fault adverb, a label not dropped.
    "The on-call engineer mistakenly promoted the stale replica.",
    "Operator error caused the outage; a disk fault was ruled out.",
]


test_the_rule_of_the_class_fires, test_near_misses_are_clean = round_tests(BLAMING, CLEAN)


@pytest.mark.parametrize("text", STILL_BLAME, ids=[text[:40] for text in STILL_BLAME])
def test_guards_do_not_clear_people(text):
    assert errors(text), text


def test_software_heads_are_data():
    from postmortem_kit.blameless.software import software_subject

    assert software_subject("mistakenly", "The sync worker ")
    assert software_subject("stupidly", "The cleanup daemon also ")
    assert not software_subject("mistakenly", "The on-call engineer ")
    assert not software_subject("by mistake", "The sync worker ")
