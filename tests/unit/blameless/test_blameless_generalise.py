"""Generalised classes (issue 17, second round): list continuations, "we" as the speaker only,
open classes of state framing, passive judgements and team criticism.

Every sentence is a paraphrase written for postmortem-kit; no real wording is copied.
"""

from __future__ import annotations

import time

import pytest

from postmortem_kit.blameless import lint_text
from support.blameless_findings import published_errors as errors

# ------------------------------------------------------------------------- list continuations

LEAD = "Looking back, I should have:\n\n"


def test_participle_items_under_a_should_have_lead_in_are_hindsight():
    text = LEAD + "- **Checked which cluster was selected**. It was the live one.\n\n" \
                  "- **Taken a snapshot** first.\n\n- Backups are cheap.\n"
    found = [(f.line, f.match) for f in errors(text) if f.rule == "blameless/BL084"]
    assert (3, "Checked which cluster was selected") in found
    assert (5, "Taken a snapshot") in found
    assert not any(line == 7 for line, _ in found)  # not a participle: not a continuation


def test_a_paragraph_ends_the_list_and_we_lead_ins_add_no_errors():
    text = LEAD + "- Read the dialog.\n\nThings went fine after that:\n\n- Restored the backup.\n"
    assert [f.line for f in errors(text) if f.rule == "blameless/BL084"] == [1, 3]
    ours = "Even so, we should have:\n\n- Paused the rollout.\n"
    assert not errors(ours)


def test_a_lead_in_for_a_system_has_no_continuations():
    assert not errors("Each alert should have:\n\n- Linked a runbook.\n")


def test_continuations_are_bounded():
    def run(n):
        text = LEAD + "- Checked it.\n" * n
        started = time.perf_counter()
        lint_text(text, "x.md", status="published")
        return time.perf_counter() - started

    small, large = min(run(200) for _ in range(3)), min(run(2000) for _ in range(3))
    assert large < small * 40  # linear in the list, not quadratic


# ------------------------------------------------------------------------- "we" as the speaker only

@pytest.mark.parametrize("text", [
    "We will retrain the support team on the refund tool.",
    "We will remind everyone to be more careful with production credentials.",
    "For a reason we still do not understand, the employee decided to deploy everywhere at once.",
    "We have taken action with that particular employee.",
])
def test_we_imposing_on_a_third_party_is_not_the_organisation_owning_it(text):
    assert errors(text)


@pytest.mark.parametrize("text", [
    "We did not catch the regression in our team's testing.",
    "We didn't update the status page quickly enough.",
    "We should be more careful with end-of-day changes.",
])
def test_the_organisation_as_we_stays_a_warning(text):
    assert not errors(text)


# ------------------------------------------------------------------------- open classes

@pytest.mark.parametrize("text", [
    "The payments team still hasn't adopted the shared rate limiter.",
    "They ignored the disk alert until the node fell over.",
    "Worn out after the night shift, the engineer approved the change.",
    "Distracted by the launch, the reviewer approved the change.",
    "The warning was shrugged off by the duty engineer.",
    "The broker upgrade should never have been fast-tracked into production.",
    "She never reverted the flag after the test.",
    "Going forward I'll be far more thorough.",
    "Leaving the debug flag on was the contractor's big mistake.",
])
def test_generalised_blame_is_an_error(text):
    assert errors(text), text


@pytest.mark.parametrize("text", [
    "The replicas ignored the stale lease and kept serving reads.",
    "Overwhelmed by retries, the database stopped accepting connections.",
    "The warning was suppressed by the alert router.",
    "The lock was released too early by the worker.",
    "The cron job never deployed the new binary.",
    "The exporter is not monitoring the new endpoint yet.",
    "Going forward, the pipeline will be more thorough.",
    "The gateway's error budget ran out on Tuesday.",
])
def test_near_misses_stay_clean(text):
    assert not errors(text), text
