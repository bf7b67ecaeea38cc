"""Thirty-fourth round of the blameless engine: blind set 40's misses, in general form (issue 17).

* Deviation markers (``agency.yaml``): acting "against the plan" or "against the procedure", and working off an
  outdated map, chart or survey (BL142, BL143).
* Sanctions: "were walked out of the building", "will no longer be rostered for night shifts" (BL145); BL154's
  removals read the base form too ("agreed to remove the technician from our account permanently").
* "fitter" is an occupation ("was left open by the maintenance fitter", BL149).

The sentences are written for these tests (paraphrases of the classes, not items of any labelled set).
"""

from __future__ import annotations

from support.blameless_findings import round_tests

BLAMING = [
    ("BL142", "The network engineer rebooted every core switch at once, against the plan."),
    ("BL143", "The cable was cut by a contractor's digging crew working off an outdated survey."),
    ("BL145", "The two traders were walked out of the building the same afternoon."),
    ("BL145", "The dispatcher will no longer be rostered for solo night shifts."),
    ("BL154", "The vendor agreed to pull the technician off our account permanently."),
    ("BL149", "The bypass valve was left open by the pipe fitter."),
]

CLEAN = [
    "The failover ran against the plan's assumptions about latency, which the drill then corrected.",
    "The legacy export will no longer be scheduled for weekends.",
    "The vendor agreed to pull the old firmware off our account's download page.",
    "The fitter replaced the valve seal during the scheduled shutdown.",
]

test_the_rule_of_the_class_fires, test_near_misses_are_clean = round_tests(BLAMING, CLEAN)
