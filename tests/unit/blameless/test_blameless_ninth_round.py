"""Ninth round of the blameless engine: mechanisms meant to generalise (issue 17).

A person's act followed by a harmful consequence (BL148, the consequence frame), a harmful act told in
the passive with a person as agent (BL149, medium tier until the fifth session, high since), person evidence from the sentence's own shape
(a chat handle, a name with letters outside ASCII, "who" after a name, an act done "by hand", "those
on the call"), and the agency markers widened from phrases to classes ("with no" + a step, "anyway",
any target after "the wrong", a place open to anyone).  The sentences are written for these tests
(paraphrases of the classes, not items of any labelled set).
"""

from __future__ import annotations

import pytest

from support.blameless_findings import published_error_rules as errors
from support.blameless_findings import round_tests

BLAMING = [
    # (rule, sentence)
    ("BL148", "The storage admin power-cycled both controllers, which took the array offline."),
    ("BL148", "Ines pushed the zone file with an empty record set, knocking the web tier offline."),
    ("BL148", "The analyst re-ran the billing import, so every invoice was rejected."),
    ("BL148", "The technician bridged the two uplinks, creating a switching loop."),
    ("BL148", "The operator widened the retry budget and flooded the payment gateway."),
    ("BL148", "He removed the connection cap, which let the thundering herd through."),
    ("BL148", "The DBA dropped the partition by hand, removing the last quarter of orders."),
    ("BL148", "Gunnar trimmed the consumer group to one member, and the backlog backed up for an hour."),
    ("BL148", "The facilities contractor opened the wrong breaker, cutting power to the east hall."),
    ("BL148", "Søren halved the lease timeout, and the cluster never recovered its leader."),
    ("BL142", "rkowalski restored the snapshot in the live tenant."),
    ("BL142", "The duty manager shipped the patch with no rollback plan."),
    ("BL142", "He ran the reindex against the wrong shard group."),
    ("BL142", "She saw the red build and merged the branch anyway."),
    ("BL142", "The contractor left the admin password on an unlocked laptop."),
    ("BL160", "The web team left the staging dashboard open to the internet."),  # BL160 is high (fifth session)
    ("BL142", "Those on the incident call debated for an hour instead of failing over."),
    ("BL142", "Aurelio, who owned the job, pointed it at the live ledger instead of the copy."),
    ("BL143", "The certificate renewal was begun by Ingrid and abandoned midway."),
    ("BL147", "Skipping the dry run, the release engineer applied the migration to every region."),
    # Only a sanctioned act is cleared: outside the window is still the person's deviation.
    ("BL148", "The operator deployed outside the approved window and took the storefront down."),
]

CLEAN = [
    # A capitalised word that is not a listed or name-shaped name does not end a phrase at the next
    # lower-case word (a timeline's next cell: "Retry queue drained", "Normal operation").
    "Retry queue drained, Normal operation resumed.",
    # Neutral chronology: a person's act with a good or neutral result.
    "The on-call engineer restarted the service at 10:04, which restored traffic.",
    "The on-call engineer drained the node, removing it from the pool.",
    "The on-call engineer flushed the cache, removing the stale entries.",
    "The engineer restarted the pods, dropping all stuck connections.",
    "The engineer rolled back the release, which took about ten minutes.",
    # The response to an attack or a fault, not a harm.
    "The security engineer rotated the keys and locked the compromised accounts.",
    "The security lead revoked the token, cutting off access for the attacker.",
    # Marker words in a neutral use: a verb, not a place; a cost decision; a cautious act.
    "The technician opened the cage and unlocked the rack.",
    "The on-call engineer made the status page accessible to the public.",
    "The team lead moved the batch to spot instances to save money.",
    "He paged the database team anyway, to be safe.",
    # A system as subject of the same consequences.
    "The deploy pipeline pushed the config, which took the site down.",
    "The autoscaler removed every node, which took the site down.",
    "The retry loop flooded the payment gateway.",
    # A proposal, not a harm; a person as patient.
    "The committee took a vote on this and it was rejected.",
    "The engineer was paged, which set off the escalation alarm.",
    "The on-call engineer was paged for the wrong service.",
    # Tools shaped like a handle; product-like hyphenated words.
    "rclone deleted the remote copies, removing the last backup.",
    "Cloud-Init rewrote the hosts file, removing the entries for every node.",
    "The CDN cached error pages for 10 minutes because of a missing Cache-Control header.",
    # Markers with no person, or an outcome after 'with no'.
    "The disk failed with no warning.",
    "The on-call engineer restarted the broker with no impact on customers.",
    "Skipping the canary, the pipeline promoted the build.",
    "The alert fired anyway.",
    "Those changes rolled out instead of the fix.",
    # A sanctioned act: planned, scheduled, in the approved window, per the runbook.
    "The technician rebooted the switch during the approved window, taking the floor offline for two minutes.",
    "The SRE drained the zone as scheduled, which took the batch workers offline until 06:00.",
    "Priya rebooted the router per the vendor's instructions, which took the office network offline.",
    # Forward actions and hypotheses.
    "We will add a guard so that a retry cannot flood the payment gateway.",
    "If an operator removed the cap, the herd could flood the gateway.",
]

HARMFUL_PASSIVES = [
    # BL149 found these only as warnings until the fifth session, unmeasured by the calibration sets; the
    # labelled sets measure it now (21 true, 1 false finding), so it is high and these are errors.
    "The nightly export job was commented out by someone on the data team.",
    "Every worker in the pool was killed by an operator clearing the queue.",
]


test_the_rule_of_the_class_fires, test_near_misses_are_clean = round_tests(BLAMING, CLEAN)


@pytest.mark.parametrize("text", HARMFUL_PASSIVES, ids=[text[:40] for text in HARMFUL_PASSIVES])
def test_the_harmful_passive_is_an_error(text):
    assert "blameless/BL149" in errors(text), text


def test_the_consequences_are_data():
    from postmortem_kit.blameless.agency import consequence_classes, consequence_macro

    classes = consequence_classes()
    assert {"outage", "overload", "loss", "rejected", "let_through"} <= set(classes)
    assert "removing" in consequence_macro() and "overwritten" in consequence_macro("acts")


def test_handle_and_name_shapes():
    from postmortem_kit.blameless.rules import load_rules
    from postmortem_kit.blameless.tokens import _plain_words, foreign_name_shaped, handle_shaped

    plain = _plain_words(load_rules(None).lexicon)
    for word in ("kmorales", "tpatel", "rnakamura", "jsmith"):
        assert handle_shaped(word, plain), word
    for word in ("nginx", "systemd", "kubectl", "rsync", "rclone", "gsutil", "fsck", "cron", "dnsmasq", "ekim"):
        assert not handle_shaped(word, plain), word
    for word in ("Tomás", "Björn", "Mei-Ling", "Jean-Luc"):
        assert foreign_name_shaped(word, plain), word
    for word in ("Cloud-Init", "Auto-Scaling", "Cache-Control", "Kafka"):
        assert not foreign_name_shaped(word, plain), word


@pytest.mark.parametrize("text,flagged", [
    ("The outage began when the release engineer pushed the half-built flag to every tenant.", True),
    ("The incident happened because Ingrid restarted every broker together.", True),
    ("The incident began when a customer reported failed checkouts.", False),
    ("The outage began when the cron job deleted the active sessions.", False),
    ("The incident started when the on-call engineer was paged.", False),
    ("The outage began when we deployed the new config.", False),
])
def test_the_incident_start_at_a_persons_act_is_flagged_at_its_calibrated_tier(text, flagged):
    """BL150 was a warning until it was measured (fifteenth round: high, 3 true / 0 false findings on
    the synthetic sets, none on real text), so it is now an error in a published incident."""
    from postmortem_kit.blameless import lint_text
    from postmortem_kit.blameless.confidence import tier_of

    assert tier_of("BL150") == "high"
    found = [f for f in lint_text(text, "x.md", status="published") if not f.suppressed]
    assert any(f.rule == "blameless/BL150" and f.severity == "error" for f in found) is flagged, (text, found)
    assert bool(errors(text)) is flagged, text
