"""Fifth round (s6-recall, issue 17): the classes blind set 6 was weakest on, and their near misses.

One blaming sentence and one clean twin per class, own wording (not copied from any corpus, the
development sets or a blind set).  A blaming sentence must be an error in a published incident; its
twin must not be.  Clean twins cover systems named like people, neutral actions by people, people on
the receiving end of a passive, and credit.
"""
from __future__ import annotations

import pytest

from support.blameless_findings import published_error_rules as errors
from support.blameless_findings import twins

CLASSES = [
    # (class, blaming, clean twin)
    ("pronoun + a belief as the cause",
     "He assumed the snapshot was recent and dropped the old volume.",
     "He assumed the incident commander role at 04:10."),
    ("role + overriding a signal",
     "The shift lead overrode the failing migration check to make the window.",
     "The merge bot overrode the stale approvals after the rebase."),
    ("role + silencing a signal",
     "The operator muted the disk alarms and left for the night.",
     "The maintenance window muted the disk alarms for an hour."),
    ("role + destroying data on the primary",
     "The DBA truncated the invoices table on the primary.",
     "The DBA truncated the scratch table on the test instance."),
    ("passive of omission with a person agent",
     "The pre-flight checklist was skipped by the night operator.",
     "The flaky suite was skipped by the test runner because of its tag."),
    ("passive: something left undone by a person",
     "The security ticket was left unanswered by the platform lead for two weeks.",
     "The platform lead was left out of the thread by the mail filter."),
    ("passive: a safeguard switched off by a person",
     "The rate limit check was turned off by the developer to speed up the import.",
     "The rate limit check was turned off by the import job, as designed."),
    ("passive: error adverb with a person agent",
     "The partition was wiped by accident by one of the operators.",
     "The partition was wiped by accident by the cleanup cron."),
    ("passive patient of an error verb",
     "The reviewer misread the diff and approved the wrong branch.",
     "The reviewers were misled by a diff view that hid the renamed file."),
    ("unlisted name + a verb only people do",
     "Tobiah assumed the queue was drained and restarted the broker.",
     "Tobiah paged the storage team at 03:20."),
    ("system named like a person",
     "Root cause: Ottoline decided the failover could wait and went home.",
     "Our Ottoline scheduler decided the node was unhealthy and drained it."),
    ("department + a verb only people do",
     "Operations overlooked the expiring certificate for a month.",
     "Write operations stalled while the lock was held."),
    ("collective: nobody took it seriously",
     "No one took the capacity warnings seriously until the site went down.",
     "No one was paged because the schedule had a gap."),
    ("nominalised blame with an agent",
     "Inattention by the reviewer let the broken migration through.",
     "Inattention to the retry budget in the design review is now a checklist item."),
    ("department ending in -ing is not a gerund subject",
     "Engineering forgot to renew the certificate.",
     "Renewing the certificate took two days because the vendor portal was down."),
    ("acting on production instead of a test target",
     "The intern ran the schema change against production instead of staging.",
     "The schema job ran against production instead of staging because the variable defaulted to prod."),
    ("omission: without warning anyone",
     "She rebooted the primary at peak without warning anyone.",
     "The primary rebooted at peak without warning, after a kernel panic."),
    ("group of people after a department or a role",
     "The networking group never tested the failover path before the cutover.",
     "The consumer group never rebalanced after the broker restart."),
    ("unlisted name referred to as 'her' in a cause statement",
     "Root cause: Ysoline overwrote the shared keyring with her local copy.",
     "Root cause: Kestrel overwrote the shared keyring with its local copy."),
    ("person + mishandling a secret",
     "The developer hard-coded the staging password into the release build.",
     "The template generator hard-coded the token into every config."),
    ("nominalised negligence on the part of a person",
     "The outage came from negligence on the part of the release engineer.",
     "The outage came from a race on the part of the lock manager."),
]


@twins(CLASSES)
def test_blaming_sentence_is_an_error(name, blaming, clean):
    assert errors(blaming), f"{name}: not flagged: {blaming}"


@twins(CLASSES)
def test_clean_twin_is_not(name, blaming, clean):
    assert not errors(clean), f"{name}: flagged {errors(clean)}: {clean}"


@pytest.mark.parametrize("text", [
    "Because the dashboard showed cached values, the on-call engineer believed the replica was healthy.",
    "I thought I would share how we validated the fix.",
    "Thanks to the quick work of the DBA, no data was lost.",
    "Credit goes to the support team for spotting the pattern in the tickets.",
    "The on-call engineer was paged by the latency alert at 02:04.",
])
def test_false_alarm_classes_are_clean(text):
    assert not errors(text), errors(text)


def test_a_belief_does_not_reach_into_the_next_sentence():
    assert "blameless/BL134" not in errors("Had I paused I may have thought to do so. Had we known, we would have waited.")
