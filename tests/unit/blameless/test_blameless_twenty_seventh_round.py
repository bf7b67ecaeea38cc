"""Twenty-seventh round of the blameless engine: blind set 30's misses, in general form (issue 17).

* Deviations of the agency frame (BL142, ``agency.yaml``):
    * a breach of a written rule ("in breach of policy", "in violation of the change process", "contrary to
      the runbook");
    * work from a stale source ("working off an outdated ticket", "acting on a garbled request");
    * an unvetted artefact named before its noun ("promoted an unsigned build", "pinned an unvetted
      dependency"). A corrective or a discovering act on it is not a deviation ("reverted the untested
      change", "found an unsigned binary").
* After a possessive, BL070's nouns of fault also read haste and delay ("the SRE's slowness in acknowledging
  the page", "the reviewer's rubber-stamping").
* An old or compromised credential left working is an unsafe state left behind (BL160: "left the old access
  key active after rotating in the new one"); an old system left running is not ("left the old cluster
  running as a fallback").

The sentences are written for these tests (paraphrases of the classes, not items of any labelled set).
"""

from __future__ import annotations

from support.blameless_findings import round_tests

BLAMING = [
    ("BL142", "The DBA rebuilt the index on the primary in breach of the change policy."),
    ("BL142", "The operator restarted the kiln in violation of the lock-out procedure."),
    ("BL142", "Femi opened the valve contrary to the runbook's instructions."),
    ("BL142", "The technician rewired the panel, working off an outdated drawing."),
    ("BL142", "The release manager shipped an unsigned image to the public registry."),
    ("BL142", "The developer merged an unreviewed migration into the release branch."),
    ("BL070", "The air traffic controller's slowness in handing over the sector left two aircraft converging."),
    ("BL070", "The approver's rubber-stamping of the payment let the duplicate batch through."),
    ("BL070", "The analyst's dithering over the rollback let the queue overflow."),
    ("BL070", "The supervisor's tardiness at the handover left the line unattended."),
    ("BL160", "The administrator left the compromised service account enabled for a week."),
    ("BL160", "The contractor left the previous API token valid after issuing the new one."),
]

CLEAN = [
    "The policy engine rejected the deploy in breach of nothing: the rule itself was wrong.",
    "The on-call engineer reverted the untested change within minutes.",
    "The engineer rolled back the unreviewed config and paged the owner.",
    "The scanner flagged an unsigned binary in the base image.",
    "The engineer found an unsigned binary in the base image and opened a ticket.",
    "The service's slowness under load is tracked in the capacity review.",
    "The engineer left the old cluster running as a fallback until the migration finished.",
    "The old certificate stayed valid for a week, as the rotation plan intended.",
]

test_the_rule_of_the_class_fires, test_near_misses_are_clean = round_tests(BLAMING, CLEAN)
