"""Twenty-fifth round of the blameless engine: open classes the earlier lists walked around (issue 17).

* "Nobody" / "no one" + any past-tense act is an omission by everyone (BL127), not only the listed
  verbs ("nobody read", "nobody checked"). Left out: outcomes and experiences (the words of
  ``OMISSION_NEUTRAL_PAST``: "nobody expected", "nobody noticed"), memory ("no one recalled"), a
  denial of blame ("nobody ignored the alert: it was never delivered") and a participle that
  modifies the pronoun ("no one involved was harmed").
* "Did not take" + an object is an omission ("did not take a backup"); without one it is a duration or
  an outcome ("did not take long", "did not take effect"), as for the maintenance verbs of
  ``OMISSION_NEUTRAL_BARE`` (BL113).
* Irregular verbs of error with the "mis-" prefix ("mis-set", "misset", "mis-read") join the open
  class of BL126 and the slips of BL086.
* A safeguard taken away or a harmful state left behind, told in the passive with a person as agent
  ("was bypassed by the DBA", "was left open by the vendor engineer"), is a harmful act of BL149
  (``consequence.yaml``, ``acts.weakening``). "Disabled" and "emptied" are not listed: responders
  disable features and drain pools on purpose while they mitigate.
* BL143's deviation "before ... had been <participle>" needs a participle of a check or a step that
  had not happened yet ("before the change had been reviewed", "before any clearance had been issued"),
  not any later event ("was drained by the on-call engineer before the node was replaced").
* A written warning and a reminder of the rules are sanctions (BL145, ``discipline.yaml``), said
  of a person after a copula ("staff were reminded of the procedure", "was warned in writing").

The sentences are written for these tests (paraphrases of the classes, not items of any labelled set).
"""

from __future__ import annotations

from support.blameless_findings import round_tests

BLAMING = [
    # Nobody + an open past-tense act (BL127)
    ("BL127", "Nobody told the payments team that the settlement file had moved."),
    ("BL127", "No one escalated the vendor ticket during the first night."),
    ("BL127", "The warning sat in the channel for an hour and nobody acted."),
    ("BL127", "Nobody on the night shift paused before restarting every broker."),
    ("BL127", "Nobody thought to check the replica lag before the cut-over."),
    # Did not take + an object (BL113)
    ("BL113", "The DBA did not take a snapshot before dropping the partitions."),
    ("BL113", "The on-call engineer didn't take the page for forty minutes."),
    # Irregular mis- verbs (BL126, BL086)
    ("BL126", "The operator mis-set the pump rate on the second bag."),
    ("BL126", "Ingrid misset the retention period on the audit bucket."),
    ("BL086", "The first officer mis-read the runway designator on the chart."),
    # Safeguards taken away, states left behind (BL149)
    ("BL130", "The rate limiter was bypassed by the support lead to unblock one customer."),  # BL130 reports it first
    ("BL130", "The interlock was overridden by the night operator to keep the line running."),
    ("BL149", "The storage bucket was left public by a contractor after the data transfer."),
    ("BL149", "The breaker panel was left unlocked by the electrician over the weekend."),
    ("BL149", "The status page was left showing green by the support team for two hours."),
    # BL143: acting before a check or a step had happened
    ("BL143", "The firewall change was pushed by the network engineer before the customers had been notified."),
    ("BL143", "The runway was entered by the crew before any clearance had been given."),
    ("BL143", "The batch was started by the analyst before the change freeze had lifted."),
    # Warnings and reminders told without a sanction word (BL145)
    ("BL145", "The engineers on the change were reminded of the peer-review policy."),
    ("BL145", "The analyst who approved the payment was warned in writing."),
    ("BL145", "Staff at the depot have been formally reminded of the brake procedure."),
]

CLEAN = [
    # Nobody + an outcome, a memory, a denial, a participle, a modal
    "Nobody was paged because the schedule for that week was empty.",
    "Nobody expected the certificate to expire on a Sunday.",
    "No one recalled a similar alert from the previous quarter.",
    "Nobody ignored the alert: the pager never delivered it.",
    "No one involved was harmed, and no data was lost.",
    "Nobody died and no customer data was exposed.",
    "Nobody needed to intervene: the failover finished on its own.",
    "No one could have seen the lag on the old dashboard.",
    # Did not take without an object
    "The failover did not take long once the lock was released.",
    "The on-call engineer did not take long to find the stale cache.",
    "The new limit did not take effect until the pods restarted.",
    # mis- words that are not acts of a person
    "The router misrouted the packets after the table update.",
    "The mis-set flag stayed on until the next deploy.",
    "The engineer was missed at the handover meeting.",
    # Passives with a person agent that are neither harmful nor a state left behind
    "The flag was disabled by the on-call engineer to stop the errors.",
    "The pool was emptied by the on-call engineer before the node was replaced.",
    "The service was left running by design while the index rebuilt.",
    "The bypass was approved by the change board for the migration window.",
    # BL143's "before ..." needs a check or a step that had not happened yet, not any later event
    "The pool was drained by the on-call engineer before the node was replaced.",
    # Reminders that are not sanctions
    "New joiners are reminded of the on-call policy during onboarding.",
    "The dashboard reminds responders of the escalation procedure.",
    "The checklist was reminded to the team in the weekly newsletter.",
]

test_the_rule_of_the_class_fires, test_near_misses_are_clean = round_tests(BLAMING, CLEAN)
