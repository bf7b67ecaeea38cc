"""Grounding accepts figures derived from the evidence by the documented derivations (other units, ratio,
sum and difference of two figures stated together, within the rounding as written) and nothing else; and
the responder rule (one responder copied onto every timeline entry)."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from postmortem_kit.drafting import Evidence, ungrounded_figures
from postmortem_kit.drafting.grounding import copied_responder

INPUTS = ["3 of 4 hosts were unhealthy; the incident lasted 90 minutes",
          "1,200 of 48,000 requests failed",
          "About 9,300 card payments failed and 212 tickets were opened; 5xx rate 64% against 0.05% baseline",
          "heap 2048 MB, limit 512 MiB, replication lag 1500 ms",
          "errors_per_minute: 340",
          "requests_per_minute: 8500",
          "refunds $1,200 and credits $800"]


@pytest.mark.parametrize("text", [
    "75% of hosts were unhealthy.",  # ratio of two counts
    "2.5% of requests failed.",  # error rate from counts
    "Requests failed at a 2.50% rate.",  # more digits, still within the rounding
    "4% of requests per minute failed.",  # 340 / 8500, two neighbouring key: value lines
    "9,512 payments and tickets.",  # sum
    "9,088 more payments than tickets.",  # difference
    "The 5xx rate was 63.95% above its baseline.",  # difference of two percentages (points)
    "36% of payments still succeeded.",  # 100 minus a stated percentage
    "The incident lasted 1.5 hours.",  # 90 minutes in hours
    "It lasted 5400 seconds.",
    "About 2 hours of disruption.",  # 90 minutes rounded to whole hours
    "Replication lag reached 1.5 seconds.",  # 1500 ms
    "The heap grew to 2 GB.",  # 2048 MB (binary) = 2 GiB, 2.048 GB (decimal) = 2 GB
    "The limit was 0.5 GiB.",
    "Refunds and credits came to $2,000.",  # sum of two amounts
])
def test_derived_figures_are_grounded(text):
    assert ungrounded_figures(text, INPUTS) == []


@pytest.mark.parametrize("text, flagged", [
    ("The outage cost $100,000,000.", ["$100,000,000"]),
    ("About 120 users were affected.", ["120"]),
    ("80% of hosts were unhealthy.", ["80%"]),  # no two figures give it
    ("2.6% of requests failed.", ["2.6%"]),  # outside the rounding of 2.5
    ("The incident lasted 1.6 hours.", ["1.6 hours"]),  # 96 minutes, not 90
    ("A 7-minute spike.", ["7-minute"]),
    ("12,000 failures in all.", ["12,000"]),  # a product (3 * 4,000) is not a derivation
    ("9,724 events.", ["9,724"]),  # a chain (9,300 + 212 + 212) is not either
])
def test_invented_figures_are_still_caught(text, flagged):
    assert ungrounded_figures(text, INPUTS) == flagged


def test_the_rest_of_a_ratio():
    assert ungrounded_figures("25% of hosts stayed healthy.", ["3 of 4 hosts were unhealthy"]) == []
    assert ungrounded_figures("20% of hosts stayed healthy.", ["3 of 4 hosts were unhealthy"]) == ["20%"]


def test_figures_must_be_stated_together():
    far = ["3 hosts were unhealthy at first.", "The dashboard was slow.", "The pool has 4 hosts."]
    assert ungrounded_figures("75% of hosts were unhealthy.", far) == ["75%"]
    assert ungrounded_figures("75% of hosts were unhealthy.", [" ".join(far)]) == []


def test_a_line_full_of_numbers_derives_only_from_its_first_figures():
    line = " ".join(str(n) for n in range(11, 400, 7))  # 11 18 25 ... (57 numbers)
    assert ungrounded_figures("29 items", [line]) == []  # 11 + 18, both among the first 12
    assert ungrounded_figures("100", [line]) == ["100"]  # neither stated nor a sum or difference of two
    assert ungrounded_figures("750", [line]) == ["750"]  # 375 + 375 from late figures: not derived


def test_derivations_time_grows_linearly():
    def run(lines: int) -> float:
        text = "\n".join(f"{i} of {i + 7} requests took {i}.5 seconds and {i} MB" for i in range(lines))
        began = time.perf_counter()
        ungrounded_figures("1.5 hours, 42%, 17 MB, 3,333 users", [text])
        return time.perf_counter() - began

    small, large = min(run(200) for _ in range(3)), min(run(2_000) for _ in range(3))  # best of three: shared machine
    assert large < max(small, 0.01) * 40


# --------------------------------------------------------------------------- the responder rule


def timeline(*responders):
    return [{"time": f"10:{10 + i:02d}", "event": "e", "responder": who} for i, who in enumerate(responders)]


def evidence(**moments):
    return Evidence.build(["inputs"], attributed=Counter({k.replace("_", "-"): v for k, v in moments.items()}))


def test_one_responder_on_every_entry_while_the_inputs_name_several():
    problem = copied_responder(timeline("kim", "kim", "kim", "kim"), evidence(kim=4, alex=1))
    assert problem and problem.startswith("one responder, 'kim', is on 4 of 4 timeline entries")
    assert "2 people (alex, kim)" in problem


def test_one_responder_on_more_entries_than_the_inputs_give_them():
    problem = copied_responder(timeline("@kim", "kim", "kim", "kim", "kim", None), evidence(kim=2))
    assert "on 5 of 6 timeline entries" in problem and "attribute 2 moments to kim" in problem
    assert "no moment to anyone" in copied_responder(timeline("team-sre", "team-sre", "team-sre"), evidence())


@pytest.mark.parametrize("entries, moments", [
    (timeline("kim", "kim", "kim"), {"kim": 3}),  # the inputs say kim acted three times
    (timeline("kim", "kim", "alex", "kim"), {"kim": 3, "alex": 1}),  # others named too
    (timeline("kim", "kim", None, None), {"kim": 2}),  # not nearly every entry
    (timeline("kim", "kim"), {}),  # too short to tell
    (timeline(None, None, None), {}),
    (timeline("kim", "kim", "kim", "kim", "kim", "alex"), {"kim": 5, "alex": 1}),
])
def test_responders_the_inputs_support_pass(entries, moments):
    assert copied_responder(entries, evidence(**moments)) is None


def test_a_clock_time_with_seconds_in_the_evidence_grounds_the_same_minute():
    from postmortem_kit.drafting import ungrounded_figures

    assert ungrounded_figures("the pool was exhausted at 14:07", ["pool exhausted 14:07:31 UTC"]) == []
    assert ungrounded_figures("the pool was exhausted at 14:08", ["pool exhausted 14:07:31 UTC"]) == ["14:08"]


def test_the_review_checklist_marks_exactly_what_drafting_would_reject():
    from postmortem_kit.pr import ungrounded

    evidence = [{"impact": "3 of 4 hosts failed; 1200 of 48000 requests errored", "duration": "90 minutes"}, {}]
    draft = {"text": "75% of hosts failed, 2.5% of requests errored, for 1.5 hours; 120 users and $100,000,000 lost"}
    assert ungrounded(draft, evidence) == ["120", "$100,000,000"]
