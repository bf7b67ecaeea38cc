"""Twenty-eighth round of the blameless engine: blind set 31's misses, in general form (issue 17).

* Deviations of the agency frame (BL142, BL143 for the passive; ``agency.yaml``): work that had failed its
  check ("deployed the build that had failed its integration tests"), approving what one had not seen
  ("signed off a test he had never witnessed"), trust in place of a check ("on the strength of a verbal
  assurance"), an adverb before the participle in "before ... had actually recovered", and a mistaken target
  told with "when he meant to".
* A feed left disconnected or unplugged: a state left behind, in the agent passive (BL149).
* Sanctions (BL145, ``discipline.yaml``): "moved off ... duties", "placed on a supervised improvement plan",
  and "the operator who reversed the upgrade no longer works with the bank".
* A double given name is a name when each part is one ("Anne-Marie").
* A bare role at the start of a line or list item is a subject for BL113's omissions ("- Engineer did not
  drain the node").

The sentences are written for these tests (paraphrases of the classes, not items of any labelled set).
"""

from __future__ import annotations

from support.blameless_findings import round_tests

BLAMING = [
    ("BL142", "The release engineer promoted the image that had failed its smoke tests."),
    ("BL142", "The approver signed the payment run she had not even opened."),
    ("BL143", "The crane was certified by the site inspector on the strength of a phone assurance."),
    ("BL142", "The duty manager reopened the gates before the flood barrier had actually settled."),
    ("BL142", "The DBA dropped the live schema when she meant to drop the staging copy."),
    ("BL149", "The backup feed was left disconnected by the electrician after the panel swap."),
    ("BL145", "The two dispatchers were taken off the console pending the review."),
    ("BL145", "The analyst has been placed on a formal improvement plan."),
    ("BL145", "The contractor who deleted the zone no longer works for the agency."),
    ("BL128", "Anne-Marie deleted the orders table in production."),
    ("BL113", "- Engineer did not drain the node before the upgrade"),
]

CLEAN = [
    "The pipeline rejected the image that had failed its smoke tests.",
    "The on-call engineer was paged when the check had failed twice.",
    "The gates reopened after the flood barrier had actually settled.",
    "The panel was left unattended by design: the alarms page the control room.",
    "The dispatchers took over the console at the start of the shift.",
    "The original author of the exporter no longer works for the company, and nobody else knew its flags.",
    "Anne-Marie restored the orders table from the snapshot at 14:10.",
    "- Engineer drained the node before the upgrade",
]

test_the_rule_of_the_class_fires, test_near_misses_are_clean = round_tests(BLAMING, CLEAN)
