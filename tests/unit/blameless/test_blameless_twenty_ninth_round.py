"""Twenty-ninth round of the blameless engine: blind set 34's misses and dev set 14's classes, in general form
(issue 17).

* Sanctions in the active voice, with whoever imposed them as the subject (BL154, ``discipline.yaml``'s
  ``imposed``): "placed the DBA on administrative leave", "sent the first officer back to the simulator",
  "made the intern sit a compulsory refresher", "barred ... from the rota", "asked ... to resign", "revoked
  ...'s deploy rights because of the release", "an investigation into the operator's conduct".  A removal
  from duties counts only with a link to the incident ("after the overdose", "permanently").
* "stood down" with what follows ("and will repeat the certification course", "pending an investigation"),
  not "the responders were stood down at 16:00" (BL145).
* A title before a capitalised name makes it a person ("Lieutenant Berg", "Dr. Osei"); a rank before a person
  noun is part of the phrase ("the first officer"); a group that ends a rule's object ends the phrase.
* An ambiguous role ("driver", "controller") is a person when an act or a trait only people have follows it
  ("the driver overlooked", "the driver's inattention"), unless a software word stands before it.
* Deviation markers: "on the strength of a phone call", "over repeated objections".
* "simply needed to" + any verb (BL066); "poor airmanship" as a person's attribute.
* BL161 reads a sentence that only a warning rule flagged, and adds its error there.

The sentences are written for these tests (paraphrases of the classes, not items of any labelled set).
"""

from __future__ import annotations

from support.blameless_findings import round_tests

BLAMING = [
    ("BL154", "Management put the database administrator on unpaid leave while HR reviews the outage."),
    ("BL154", "The airline sent the captain back to the simulator for remedial training."),
    ("BL154", "The depot manager gave the forklift driver a written warning after the collision."),
    ("BL154", "Security escorted the contractor out of the building the same afternoon."),
    ("BL154", "The board asked Oluwaseun Adebayo to resign over the breach."),
    ("BL154", "HR made the intern retake the change-management course."),
    ("BL154", "The utility took the lineman off the line permanently after the feeder trip."),
    ("BL154", "The hospital reassigned the nurse to outpatient clinics as a consequence of the overdose."),
    ("BL154", "Leadership revoked Tereza Novak's production access because of the outage."),
    ("BL154", "The agency let go of the contractor who ran the migration."),
    ("BL154", "Compliance opened an investigation into the trader's conduct."),
    ("BL154", "The director warned the second engineer that his bonus would reflect the incident."),
    ("BL145", "The three dispatchers were stood down pending an investigation."),
    ("BL126", "Lieutenant Haldane mistook the buoy for a fishing vessel."),
    ("BL126", "Dr. Osei mistook the vial for the diluted one."),
    ("BL019", "The driver overlooked the speed restriction board before the bend."),
    ("BL086", "The navigator misjudged the clearance under the bridge."),
    ("BL142", "The support agent unlocked the account on the strength of a phone call."),
    ("BL142", "The architect pushed the single-region design through over repeated objections."),
    ("BL066", "The dispatcher simply needed to call the crew back before they left the depot."),
]

CLEAN = [
    "We took the on-call engineer off the rota for the week so she could rest.",
    "The responders were stood down at 16:00 once the fix held.",
    "The incident team was stood down pending the vendor's fix.",
    "Management placed the migration on hold after the outage.",
    "Management gave the night operator a paid day off after the long incident.",
    "The alert gave the on-call engineer a first warning at 02:10.",
    "The company ended its contract with Nimbus Hosting after the outage.",
    "The investigation into the database's performance found a missing index.",
    "The disk driver overlooked the flush flag on older kernels.",
    "The controller forgot its lease after the network partition.",
    "The job simply needed to run once more after the lock cleared.",
    "First, the engineer restarted the node and watched the queue drain.",
    "We moved the on-call handover to 09:00 after the incident.",
]

test_the_rule_of_the_class_fires, test_near_misses_are_clean = round_tests(BLAMING, CLEAN)
