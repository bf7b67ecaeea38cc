"""Fourth round (s5-engine, issue 17): the classes real prose walks around, and their near misses.

One blaming sentence and one clean twin per class, own wording (not copied from any corpus, the
development set 3 or a blind set). A blaming sentence must be an error in a published incident;
its twin must not be.  Named people are listed given names or handles: the named rules need
positive evidence of a person (an unlisted name such as "Teodora" is a known miss, like a product).
"""
from __future__ import annotations

import time

import pytest

from postmortem_kit.blameless import lint_text
from support.blameless_findings import published_error_rules as errors
from support.blameless_findings import twins

CLASSES = [
    # (class, blaming, clean twin)
    ("named person, 'did not' + any verb",
     "Aditi did not cordon the node before draining it.",
     "Aditi did not receive the handover note because the wiki was down."),
    ("handle, 'did not' + any verb",
     "@okafor didn't stage the rollout across regions.",
     "The rollout controller didn't stage the rollout across regions."),
    ("dotted handle as the subject",
     "@lena.k dropped the production index while testing a migration.",
     "Thanks to @lena.k for the timeline and the graphs."),
    ("role with a post-modifier, 'did not' + any verb",
     "Staff on the night shift did not lock the cage door.",
     "Staff on the night shift did not receive the badge update."),
    ("'did not' + any verb: a role is a person, a company is not",
     "The DBA on call did not reconcile the ledger until Monday.",
     "Rhodium did not reconcile the ledger until Monday."),
    ("'keep' + -ing after a team",
     "The data engineers keep skipping the schema review.",
     "The ingestion job keeps skipping malformed rows, as designed."),
    ("'they' + a verb only people do",
     "They did not consult the owning team before the schema change.",
     "They did not restart after the kernel patch, so the hosts ran the old code."),
    ("product read as a person in a cause statement",
     "Root cause: Fatima dropped the sessions table.",
     "Root cause: Kestrel dropped the sessions table during its compaction."),
    ("dismissing a signal",
     "The duty engineer waved off the latency alert as a blip.",
     "The alert router waved off the duplicate pages, as configured."),
    ("sitting on a request",
     "The platform lead sat on the quota request for a fortnight.",
     "The quota request sat in an unowned queue for a fortnight."),
    ("nominalised blame with a person",
     "The root cause was a lack of rigour from the release manager.",
     "The root cause was a lack of capacity in the secondary region."),
    ("possessive shortcoming",
     "The reviewer's failure to test the rollback let the bug ship.",
     "The canary's failure to report errors let the bug ship."),
    ("error verb outside the list",
     "The operator misassigned the shard to the retiring host.",
     "The balancer misassigned the shard to the retiring host."),
    ("collective omission",
     "Nobody verified the restore procedure after the storage migration.",
     "Nobody was on call for the storage cluster that weekend, because the rota had a gap."),
    ("destructive act on production by a person",
     "The contractor wiped the production queue while testing a script.",
     "The retention policy wiped the production queue's expired messages."),
    ("inverted conditional with 'they'",
     "Had they escalated when the first page fired, the data would have survived.",
     "Had they been paged when the first alert fired, the data would have survived."),
    ("person as the subject of an item in a cause list",
     "## Contributing factors\n\n- The runbook was stale.\n- An operator restarted the primary during the backup.",
     "## Contributing factors\n\n- The runbook was stale.\n- The primary restarted during the backup."),
    ("cause list under a label line",
     "Root causes:\n\n1. Ines merged the migration without a dry run.\n2. The job had no timeout.",
     "Root causes:\n\n1. The migration ran without a dry run.\n2. The job had no timeout."),
    ("'it is up to the user' to be vigilant",
     "In the end it is up to the customers to be vigilant about phishing links.",
     "In the end it is up to the mail gateway to flag phishing links."),
]


@twins(CLASSES)
def test_blaming_sentence_is_an_error(name, blaming, clean):
    assert errors(blaming), name


@twins(CLASSES)
def test_clean_twin_is_not(name, blaming, clean):
    assert errors(clean) == [], name


@pytest.mark.parametrize("text", [
    # credit sentences: the author explains what broke, they did not break it
    "Marguerite has broken down what went wrong in the sections below.",
    "Thanks to Deniz for explaining what broke in the scheduler.",
    # a person on the receiving end of a passive verb
    "The intern was mistakenly removed from the on-call group by the directory sync.",
    # the adjective, not the act
    "Thanks to Bo, who spotted the misconfigured route within minutes.",
    # hypotheses being tested
    "One early theory was that an operator had run the cleanup twice; the audit log showed otherwise.",
    # instructions with an adverb
    "You can temporarily bypass the cooldown by setting the date explicitly.",
    # idioms
    "We will make it obvious in the shell prompt which cluster is active.",
    # the organisation and groups are not one person in a cause list
    "## Contributing factors\n\n- We had no alert on the queue depth.\n- Teams were encouraged to migrate by March.",
])
def test_false_alarm_classes_are_clean(text):
    assert errors(text) == []


def test_an_unlisted_capitalised_word_is_not_evidence_of_a_person():
    # the price of not reading products as people: an unlisted name alone is not flagged
    # (twelfth round: "Teodora" is now in the open list of given names, so an invented word stands in)
    assert errors("Root cause: Vantor dropped the sessions table.") == []
    assert errors("Root cause: @vantor dropped the sessions table.")
    assert errors("Root cause: Teodora dropped the sessions table.")


def test_label_lists_and_cause_items_stay_linear():
    def cost(n: int) -> float:
        text = "Contributing factors:\nsome words here\n" * n + ("Root cause:\n\n- " + "x " * 20 + "\n") * n
        start = time.perf_counter()
        lint_text(text, "x.md", status="published")
        return time.perf_counter() - start

    cost(50)
    small = min(cost(250) for _ in range(2))
    large = min(cost(1000) for _ in range(2))
    assert large < small * 12  # 4x the text: linear, not quadratic
