"""Tenth round of the blameless engine: wider classes (issue 17).

The consequence frame (BL148) gains five classes: a resource used up, the last copy lost, work left
waiting, the harm made worse and access handed to the wrong party.  Discipline is a class (BL090:
removal from a rota, list or rotation and a performance plan; BL004: "retraining for <person>").  A
person's act named as a possessive noun and what it did are classes (BL106/BL107).  A judgement whose
complement names a person is not the organisation speaking ("human error on the part of the
technician").  A counterfactual told consequent-first keeps its "if <person> had" clause.  New agency
markers: a credential meant for elsewhere, work on something still in use, work begun before its window
or inside another job's window, the harm left to run on.  Two new medium-tier rules: the cleft that
singles out a person (BL151) and the counterfactual of exception (BL152).  The sentences are written for
these tests (paraphrases of the classes, not items of any labelled set).
"""

from __future__ import annotations

import pytest

from support.blameless_findings import round_tests

BLAMING = [
    # (rule, sentence)
    ("BL148", "Jonas disabled the log rotation job, and the root partition filled up by morning."),
    ("BL148", "The platform engineer doubled the worker count, and the broker ran out of file descriptors."),
    ("BL148", "The DBA dropped the staging schema, which held the only copy of the test fixtures."),
    ("BL148", "The release manager parked the hotfix in the wrong branch, so it sat unreviewed for a day."),
    ("BL148", "He restarted every cache node together and made the latency spike worse."),
    ("BL148", "The help desk agent merged the two profiles and handed the records to the wrong customer."),
    ("BL090", "The operator who ran the script has been removed from the deploy approver list."),
    ("BL145", "Ana will be taken off the on-call rotation for a month."),
    ("BL145", "The engineer who ran it will be placed on a performance plan."),  # was BL090: BL145 reads "placed on" since the twenty-eighth round
    ("BL004", "Follow-up: mandatory retraining for the engineer involved."),
    ("BL106", "The contractor's shortcut past the change board let the broken config into production."),
    ("BL106", "The analyst's decision to rerun the export during the freeze caused the duplicate charges."),
    ("BL106", "Payments were taken offline by Kofi's untested hotfix."),
    ("BL107", "It was his cleanup that deleted the shared volume."),
    ("BL001", "We record this as human error on the part of the release engineer."),
    ("BL102", "We need to make our engineers less error-prone around the failover tooling."),
    ("BL012", "None of this would have happened if the approver had looked at the second file."),
    ("BL142", "The release engineer signed the installer with the debug certificate."),
    ("BL142", "The storage admin detached the disk while the backup was still copying from it."),
    ("BL142", "The network lead began the change before the maintenance window opened."),
    ("BL142", "The DBA rebooted the primary in the middle of the nightly snapshot window."),
    ("BL097", "The sleep-deprived operator slept through the pager's first three calls."),
    ("BL142", "The duty manager vetoed the rollback and let the errors continue for two hours."),
]

CLEAN = [
    # Neutral chronology: the resource ran out with no person's act, or after a system's act.
    "The cache filled up overnight because the eviction job had stopped.",
    "The database ran out of memory after the query planner chose a hash join.",
    "The deploy pipeline pushed the change, which made the outage worse.",
    "The engineer copied the logs to the archive, which now holds the only copy of the audit trail.",
    "The on-call engineer tried a restart, which made no difference.",
    "The on-call engineer moved the ticket to the storage queue, where it sat untouched until morning.",
    "The engineer restarted the replica, and it fell further behind while it replayed the log.",
    "The support agent reset the customer's password and handed the account back to its owner.",
    # Organisation "we" stays a warning.
    "We raised the connection limit to 8000, and the database ran out of memory an hour later.",
    "We need to make our deploy tooling less error-prone.",
    # Passive patients and system subjects of removals.
    "The stale node was removed from the rotation.",
    "The faulty host was taken off the pager rotation list.",
    "Retraining of the fraud model is scheduled for Friday.",
    # Possessives of systems and credit.
    "The vendor's patch to the driver caused the crash.",
    "The engineer's rollback restored service.",
    "Her rollback at 10:40 ended the outage.",
    # Sanctioned acts, waiting, and a system acting while a job runs.
    "The engineer signed the test build with the test key, as the release guide says.",
    "The engineer logged in with the demo account to reproduce the customer's issue.",
    "The on-call engineer waited while the backfill was still reading from the table.",
    "The autoscaler added nodes while the backfill was still reading from the table.",
    "The maintenance lead started the work as soon as the approved window opened.",
    "The engineer restarted the replica in the middle of the afternoon.",
    "The on-call engineer paused the consumer and let the queue drain overnight.",
    "The on-call engineer slept through the first pages because the pager was on silent.",
    # Counterfactuals about systems; credit.
    "None of this would have happened if the linter had checked the regex.",
    "Were it not for the on-call engineer spotting the alert, the outage would have lasted hours.",
    "It was Tobias who spotted the alert first.",
    # Forward actions and hypotheses.
    "We will add a quota so that a single job cannot fill up the volume.",
    "If an operator removed the limit, the broker could run out of memory.",
]

MEASURED = [
    # (rule, sentence): a cleft or an exception can also tell credit, so each is reported with the severity
    # of its measured tier (confidence.json): a warning while `medium`, an error once the labelled sets
    # measure it `high` (BL151 since blind set 30: 10 true findings, 0 false).
    ("BL151", "It was Marguerite who pointed the importer at the live ledger."),
    ("BL151", "It was the contractor who rebooted the core switch at midday."),
    ("BL152", "Were it not for the intern running the purge, nothing would have been lost."),
    ("BL152", "Had it not been for Priya deleting the wrong bucket, the logs would still exist."),
]


test_the_rule_of_the_class_fires, test_near_misses_are_clean = round_tests(BLAMING, CLEAN)


@pytest.mark.parametrize("rule,text", MEASURED, ids=[text[:40] for _, text in MEASURED])
def test_the_cleft_and_the_exception_have_their_measured_severity(rule, text):
    from postmortem_kit.blameless import lint_text
    from postmortem_kit.blameless.confidence import HIGH, tier_of

    severity = "error" if tier_of(rule) == HIGH else "warning"
    found = [f for f in lint_text(text, "x.md", status="published") if not f.suppressed]
    assert any(f.rule == f"blameless/{rule}" and f.severity == severity for f in found), (text, found)


@pytest.mark.parametrize("text", [
    "It was Tobias who spotted the alert first.",
    "It was the cron job that deleted the sessions.",
    "It was the on-call engineer who was paged at 02:10.",
    "It was the on-call engineer who declared the incident.",
    "Were it not for the failover script taking over, the outage would have lasted hours.",
    "Were it not for the support team answering phones all night, customers would have been stranded.",
])
def test_credit_and_systems_are_not_singled_out(text):
    from postmortem_kit.blameless import lint_text

    found = {f.rule for f in lint_text(text, "x.md", status="published") if not f.suppressed}
    assert not found & {"blameless/BL151", "blameless/BL152"}, (text, found)


def test_the_new_consequence_classes_are_data():
    from postmortem_kit.blameless.agency import consequence_classes

    assert {"exhaustion", "last_copy", "delay", "worsening", "exposure"} <= set(consequence_classes())
