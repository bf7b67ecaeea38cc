"""Twenty-sixth round of the blameless engine: blind set 29's misses, in general form (issue 17).

* Silence while harm develops is a delay told as negligence, like "did nothing while" (BL123: "said
  nothing as the airspeed bled away").
* A person's fault told as a noun takes the open "mis-" nouns ("misidentification", "mismanagement") and
  nouns of neglect ("non-compliance", "disregard", "fixation", "complacency") after a possessive (BL070's
  ``FAULT_NOUN``).
* "Not a single person" and "not one engineer" are "nobody" (BL127).
* Deviations of the agency frame (BL142, ``agency.yaml``): going past a check that was failing, approving
  work that had never been through one, and treating a safeguard as paperwork or as somebody else's job.
  A bare "as optional" is not one ("marked the field as optional").
* A destroying act done in passing (BL155) reads an object of up to seven words ("cut the fibre to the
  second building while laying the new floor"), and "nothing", "something", "morning" and other nouns
  in "-ing" are not the other task's verb.
* "The buck stops with" the leadership or the organisation is ownership, like "with us" (BL048); with a
  person or a role it still assigns the fault.

The sentences are written for these tests (paraphrases of the classes, not items of any labelled set).
"""

from __future__ import annotations

from support.blameless_findings import round_tests

BLAMING = [
    ("BL123", "The co-pilot said nothing while the fuel reading dropped."),
    ("BL123", "The duty manager did nothing as the backlog doubled."),
    ("BL070", "The operator's misinterpretation of the alarm delayed the shutdown."),
    ("BL070", "The vendor technician's non-compliance with the lock-out rule exposed the live bus."),
    ("BL070", "The nurse's fixation on the monitor hid the falling pressure."),
    ("BL070", "The purser's mishandling of the door check was the trigger."),
    ("BL127", "Not a single engineer opened the capacity report that month."),
    ("BL127", "Not one reviewer ran the migration against a copy of the data."),
    ("BL142", "The release engineer merged the branch right past a red pipeline."),
    ("BL142", "Keanu approved a schema change that had never been through review."),
    ("BL142", "The plant crew treated the permit system as mere paperwork."),
    ("BL142", "The support team treated the fraud alerts as someone else's problem."),
    ("BL048", "The buck stops with the release manager who approved it."),
    # BL155: an object with a prepositional phrase (up to seven words before the other task)
    ("BL155", "The contractor cut the fibre to the second building while laying the new floor."),
]

CLEAN = [
    "The co-pilot said nothing unusual during the briefing.",
    "The exporter's misconfiguration dropped the series for an hour.",
    "The service's fixation point for retries is the queue head.",
    "Not a single request was lost during the failover.",
    "Not one alert fired, because the rule pointed at the old cluster.",
    "The pipeline ran past a failing check because the gate was advisory.",
    "The engineer marked the field as optional in the new schema.",
    "The engineer filed the form as paperwork for the audit.",
    "The build had never been through staging because staging was down for the migration.",
    "The buck stops with engineering leadership, and we own this outage.",
    "Ultimately the buck stops with the company, not with any one engineer.",
    "The DBA truncated the staging table when nothing was reading from it.",  # "nothing" is not an '-ing' task
]

test_the_rule_of_the_class_fires, test_near_misses_are_clean = round_tests(BLAMING, CLEAN)
