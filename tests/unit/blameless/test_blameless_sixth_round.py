"""Sixth round (s7-engine, issue 17): open subjects and frames for the weak classes of blind set 6.

Own wording, not copied from any corpus, the development sets or a blind set.  Classes that extend
a high-confidence rule (group and occupation nouns, "they" as a clause subject, "without" + any
step of diligence, shortcuts, self-approval, untested changes, leaked secrets) must be errors in a
published incident; the new rules BL137-BL141 are measured only in-sample, so they are warnings
(``medium``) until real text shows their precision.  Every class has a clean twin.
"""
from __future__ import annotations

import pytest

from postmortem_kit.blameless import lint_text
from support.blameless_findings import published_error_rules as errors
from support.blameless_findings import twins

ERROR_CLASSES = [
    # (class, blaming, clean twin)
    ("'they' as the clause subject of a wrong target",
     "They applied the purge to production instead of the sandbox.",
     "The purge job applied the change to production instead of the sandbox because its profile defaulted to prod."),
    ("wrong target with 'rather than' and a local copy",
     "The analyst ran the backfill on the live database rather than her local one.",
     "The analyst ran the backfill on her local database, as the runbook says."),
    ("collective noun: a help desk",
     "The helpdesk ignored the outage reports for most of the morning.",
     "The helpdesk forwarded the outage reports to the on-call within minutes."),
    ("collective noun: a change board",
     "The change board ignored the rollback concerns raised in the meeting.",
     "The circuit board ignored the reset signal after the power dip."),
    ("occupation outside engineering titles",
     "The bookkeeper ignored the reconciliation warning twice.",
     "The bookkeeper reported the reconciliation warning to finance."),
    ("software named 'agent' or 'manager' after a system noun",
     "The release manager ignored the failing smoke test.",
     "The package manager ignored the pinned version in the lock file."),
    ("'without' + a step of diligence, with 'they'",
     "They rotated the keys without telling the mobile team.",
     "The keys rotated without a restart because the loader watches the file."),
    ("'without' + opening or escalating",
     "The duty engineer closed the incident without escalating to the vendor.",
     "The incident closed automatically without escalation once the alert resolved."),
    ("omission idiom: never got round to",
     "The storage squad never got round to testing the restore.",
     "The storage squad tested the restore every quarter."),
    ("shortcuts",
     "The contractor took a shortcut and edited the table by hand.",
     "The new tool gives operators a shortcut to the edit history."),
    ("self-approval",
     "The team lead approved his own change during the freeze.",
     "The team lead approved the change after two reviews."),
    ("untested change without a determiner",
     "They pushed untested configuration to every region.",
     "The pipeline pushed untested configuration to every region because the test stage was skipped by a path filter."),
    ("leaking a secret",
     "The intern leaked the signing key in a public paste.",
     "The monitoring scanner reported leaked signing keys on a paste site."),
    ("'they' with a judgement verb of a high rule",
     "They skipped the canary stage twice that week.",
     "The pods restarted, and they skipped the canary stage because the flag was unset."),
    ("'they' with a wrong artefact",
     "They restored the wrong snapshot onto the primary.",
     "The restore jobs ran overnight and they restored the wrong snapshot because the names collided."),
    ("'they' with a wrong belief",
     "They assumed the replica was current and promoted it.",
     "The proxies cached the old address, and they assumed the replica was current."),
    ("role named by its duty",
     "The pager holder ignored the second page.",
     "The master node ignored the heartbeat from the old leader."),
    ("role abbreviation, not a time of day",
     "The PM ignored the risk register during the launch.",
     "At 2:15 PM the sweeper job ignored the lock."),
    ("group head after a department or role (org, side, pool, centre)",
     "The support org ignored the spike in tickets for a day.",
     "The thread pool ignored the interrupt during shutdown."),
    ("acting despite a signal",
     "The release squad shipped the build despite the failing checks.",
     "The build shipped despite the failing checks because the gate ran in report-only mode."),
    ("a person's slow or unauthorised act",
     "The duty engineer's slow escalation stretched the outage to two hours.",
     "The vendor's slow response stretched the outage to two hours."),
    ("passive of forgetting or missing with a person agent",
     "The renewal reminder was missed by the platform team twice.",
     "The renewal reminder was missed by the mail filter twice."),
    ("passive 'not tested by' a person",
     "The hotfix was not tested by the developer before the push.",
     "The hotfix was not tested by the CI pipeline because the job was paused."),
    ("diligence nouns after a possessive person",
     "The root cause was the operator's disregard for the freeze.",
     "The root cause was the scheduler's disregard for the freeze window, a known bug."),
]

WARNING_CLASSES = [
    # (class, rule, blaming, clean twin)
    ("destructive passive with a person agent", "blameless/BL137",
     "The DNS zone was wiped by an administrator during the migration.",
     "The DNS zone was wiped by the sync job during the migration."),
    ("never + any participle with a person agent", "blameless/BL138",
     "The fallback route was never enabled by the network team.",
     "The fallback route was never enabled by the controller because its flag was off."),
    ("premature act with a person subject", "blameless/BL139",
     "The on-call engineer failed over before the replica had caught up.",
     "The cluster manager failed over before the replica had caught up."),
    ("premature act in the passive", "blameless/BL139",
     "The cutover was started by the release captain before the backup had finished.",
     "The cutover was started by the scheduler before the backup had finished."),
    ("nominal diligence with a person agent", "blameless/BL140",
     "Inadequate care from the reviewers let the broken schema through.",
     "Inadequate care in the schema tooling let the broken migration through."),
    ("poor decision-making with a person agent", "blameless/BL140",
     "Poor decision-making by the shift lead turned a small leak into an outage.",
     "Poor planning by the autoscaler left half the nodes idle."),
    ("letting something lapse", "blameless/BL141",
     "The on-call let the error budget run out without saying anything.",
     "The rate limiter let the queue fill up because its limit was too high."),
]


def _warnings(text: str) -> list[str]:
    return [f.rule for f in lint_text(text, "x.md", status="published") if f.severity == "warning" and not f.suppressed]


@twins(ERROR_CLASSES)
def test_blaming_sentence_is_an_error(name, blaming, clean):
    assert errors(blaming), f"{name}: not flagged: {blaming}"


@twins(ERROR_CLASSES)
def test_clean_twin_is_not(name, blaming, clean):
    assert not errors(clean), f"{name}: flagged {errors(clean)}: {clean}"


@pytest.mark.parametrize("name,rule,blaming,clean", WARNING_CLASSES, ids=[row[0] for row in WARNING_CLASSES])
def test_new_rules_flag_blame_and_not_the_twin(name, rule, blaming, clean):
    # Warnings in the sixth round; errors (high tier) since the seventh, when they showed no false
    # alarm on real text nor on any labelled set's clean items.
    assert rule in errors(blaming) + _warnings(blaming), f"{name}: {rule} not flagged: {blaming}"
    assert not errors(clean) and rule not in _warnings(clean), f"{name}: flagged: {clean}"


def test_they_warned_then_acting_is_still_a_person():
    assert errors("They were warned but ignored the alert.")


def test_a_warning_never_hides_an_error_on_the_same_phrase():
    # BL139 starts at the same word as BL128 and runs longer; whichever is kept, the phrase is an error
    # (BL139 was a warning in the sixth round, when the warning hid the error).
    found = errors("She deleted the production table before the backup had finished.")
    assert {"blameless/BL128", "blameless/BL139"} & set(found), found


@pytest.mark.parametrize("text", [
    "It looked at first as if the release engineer had skipped a step, until the pipeline bug turned up.",
    "We were reluctant to deploy twice without telling the community first.",
    "The backup agent skipped the largest table after the timeout.",
    "The certificate manager did not renew the certificate because the DNS challenge failed.",
    "They were promoted to production without a review because the pipeline treated docs changes as trivial.",
    "The engineers rolled back without waiting for approval, as the runbook allows.",
])
def test_false_alarm_classes_are_clean(text):
    assert not errors(text), errors(text)
