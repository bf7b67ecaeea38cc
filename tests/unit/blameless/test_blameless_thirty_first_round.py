"""Thirty-first round of the blameless engine: blind set 36's misses, in general form (issue 17).

* Deviation markers (BL142, BL143; ``agency.yaml``): an artefact that had already expired or been revoked when
  it was used ("pushed a certificate that had already expired"), and a passive's agent who did not understand
  or check what they changed ("was changed by Grace Liu, who did not understand its effect").
* A "mis-" act in the passive with a person as agent is a harmful act of BL149 ("the tubes were mislabelled by
  the phlebotomist"; ``consequence.yaml``, ``acts.misdone``).
* An omission, a bypass or an override told as a noun after a person's possessive, then the harm it did
  (BL106: "the technician's omission of the checksum step corrupted the image").

The sentences are written for these tests (paraphrases of the classes, not items of any labelled set).
"""

from __future__ import annotations

from support.blameless_findings import round_tests

BLAMING = [
    ("BL142", "The release engineer deployed a signing key that had already been revoked."),
    ("BL143", "The firewall policy was edited by Tomasz, who did not check its scope."),
    ("BL149", "The blood samples were mislabelled by the night nurse."),
    ("BL149", "The payment batch was mis-keyed by a clerk in the back office."),
    ("BL106", "The engineer's bypass of the canary stage broke checkout for every region."),
]

CLEAN = [
    "The renewal job replaced the certificate that had already expired.",
    "The firewall policy was edited by Tomasz, who checked its scope twice.",
    "The blood samples were relabelled by the night nurse after the printer fault.",
    "The payment batch was mis-keyed by the import script after the column order changed.",
    "The engineer's bypass of the canary stage was approved as an emergency change and restored checkout.",
]

test_the_rule_of_the_class_fires, test_near_misses_are_clean = round_tests(BLAMING, CLEAN)
