"""Thirty-second and thirty-third rounds of the blameless engine: blind sets 37 and 38's misses, in general form
(issue 17).

* An ambiguous role ("driver", "controller") is a person when its possessive holds a trait only people have
  even where the rule's window ends before the clitic ("the driver|'s inattention", BL079), and when a state
  only people are in follows it after a comma ("the controller, distracted by a phone call, missed ...").
* A postmodifier ends a rule's object phrase ("withdrawn from the contractor |responsible|"), and access
  withdrawn from a person is a sanction (BL154).
* A state left behind "wide open" (BL149); a check a person "had not" done (BL017: "a backup she had not
  verified"; only checking verbs, so "had not asked for" and "had not spotted" stay clean).
* Thirty-third round: a fastening left undone in the agent passive ("were left unfastened by the crew", BL149),
  "let the credentials leak" (BL141), and "nobody" as the patient of a passive ("Nobody was hurt") is no act
  for BL161 (its ``unless``); an Irish or Italian surname with a one-letter prefix is name-shaped ("Connor
  O'Brien", "Lucia D'Angelo"), so the rules read it as a person.

The sentences are written for these tests (paraphrases of the classes, not items of any labelled set).
"""

from __future__ import annotations

from support.blameless_findings import round_tests

BLAMING = [
    ("BL079", "The signaller's inattention during the handover caused the conflict."),
    ("BL018", "The dispatcher, distracted by the radio, missed the second call."),
    ("BL154", "Production access has been withdrawn from the engineer responsible."),
    ("BL149", "The storage bucket was left wide open by a contractor."),
    ("BL017", "He deployed the image although he had not tested it."),
    ("BL149", "The cover bolts were left unfastened by the maintenance crew."),
    ("BL141", "The developer let the signing key leak into a public gist."),
    ("BL141", "Connor O'Brien let the staging certificate expire."),
    ("BL128", "Lucia D'Angelo truncated the production orders table."),
]

CLEAN = [
    "The driver's retry counters overflowed under load.",
    "The disk controller, overloaded by retries, dropped writes.",
    "Access to the legacy console has been withdrawn from every account after the migration.",
    "The valve was left wide open by design so the tank can drain.",
    "Customers were sent reminders they had not asked for.",
    "If the on-call engineer had not spotted the graph, the backlog would have lasted all weekend.",
    "The cover bolts were left unfastened by design so the panel can be opened without tools.",
    "Nobody was hurt, and every passenger left the aircraft at the gate.",
    "The O'Reilly Media book on the topic was on the shelf in the war room.",
]

test_the_rule_of_the_class_fires, test_near_misses_are_clean = round_tests(BLAMING, CLEAN)
