"""Drafts cannot quietly invent facts: grounding, copied prompt text, and the whole-incident pass.

Real openai client, local test server.  Each case plants what a weak model really produced (the
prompt's example root cause, an invented amount, a contradicting time, an owner from the prompt)
and asserts it is caught; and that `draft --write` followed by `check` never fails because of the draft.
"""

from __future__ import annotations

import pytest
import yaml

from postmortem_kit.drafting import DraftCache, DraftConfig, draft_incident
from support.draft_data import copy_incident
from support.llm_server import Valid


@pytest.fixture
def incident(tmp_path):
    return copy_incident(tmp_path)


def draft(path, sections, **overrides):
    settings = {"provider": "openai", "model": "test-model", "timeout": 5.0, "max_retries": 1}
    settings.update(overrides)
    return draft_incident(path, config=DraftConfig(**settings), sections=sections, cache=DraftCache(None))


def twice(server, section, overrides):
    """The same planted answer for the first request and the repair round."""
    server.script(Valid(overrides), Valid(overrides), section=section)


def test_the_prompt_example_root_cause_is_caught(openai_env, incident):
    twice(openai_env, "root_cause", {"root_cause.primary": "The connection pool was capped at 5 connections per pod."})
    result = draft(incident, ["root_cause"])
    [dropped] = result.dropped
    assert "[draft/copied-prompt]" in dropped.reason
    assert "connection pool" in " ".join(dropped.problems)


def test_the_prompt_example_in_other_words_is_caught(openai_env, incident):
    twice(openai_env, "root_cause", {"root_cause.primary": "Connection pool capped at 5 connections for each pod"})
    result = draft(incident, ["root_cause"])
    assert "repeats the example our prompt gives" in " ".join(result.dropped[0].problems)


def test_an_instruction_returned_as_a_value_is_caught(openai_env, incident):
    twice(openai_env, "lesson", {"lesson.why_it_matters": "One sentence on why the lesson matters beyond this incident."})
    result = draft(incident, ["lesson"])
    assert "[draft/copied-prompt]" in result.dropped[0].reason


@pytest.mark.parametrize("text, figures", [
    ("The outage cost $100,000,000 in lost revenue.", ["'$100,000,000'"]),
    ("75% of users could not pay.", ["'75%'"]),
    ("About 120 users were affected.", ["'120'"]),
])
def test_an_invented_figure_is_caught(openai_env, incident, text, figures):
    twice(openai_env, "impact", {"impact.business_impact": text})
    result = draft(incident, ["impact"])
    [dropped] = result.dropped
    problems = " ".join(dropped.problems)
    for figure in figures:
        assert f"{figure} not found in the evidence" in problems


def test_figures_from_the_evidence_pass(openai_env, incident):
    text = "About 9,300 card payments failed and 212 support tickets were opened; the 5xx rate reached 64%."
    openai_env.script(Valid({"impact.business_impact": text}), section="impact")
    result = draft(incident, ["impact"])
    assert result.drafted["impact"].value["business_impact"] == text


def test_a_contradicting_time_in_prose_is_caught(openai_env, incident):
    twice(openai_env, "lesson", {"lesson.what_happened": "Card payments failed from 09:15 until 11:40."})
    result = draft(incident, ["lesson"])
    assert "'09:15', '11:40' not found in the evidence" in " ".join(result.dropped[0].problems)


def test_a_duration_in_other_words_is_caught(openai_env, incident):
    twice(openai_env, "lesson", {"lesson.what_happened": "A 4-minute latency spike failed card payments."})
    result = draft(incident, ["lesson"])
    assert "'4-minute' not found in the evidence" in " ".join(result.dropped[0].problems)


def test_times_without_computed_facts_must_come_from_the_notes(openai_env, tmp_path):
    data = {"id": "INC-2026-0103", "title": "Search index rebuild stalled", "status": "draft",
            "authors": ["team-search"], "services": ["search-api"],
            "inputs": {"incident_data": {"notes": "Search results were stale for 4:40 while the rebuild stalled."}}}
    path = tmp_path / "INC-2026-0103.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    wrong = {"lesson.what_happened": "Search results were stale for 0:50 while the rebuild stalled."}
    twice(openai_env, "lesson", wrong)
    result = draft(path, ["lesson"])
    assert "'0:50' not found in the evidence" in " ".join(result.dropped[0].problems)
    right = {"lesson.what_happened": "Search results were stale for 4:40 while the rebuild stalled."}
    openai_env.script(Valid(right), section="lesson")
    assert "lesson" in draft(path, ["lesson"]).drafted


def test_an_unknown_service_is_caught(openai_env, incident):
    twice(openai_env, "root_cause", {"root_cause.technical_details": "The billing-service rejected the new chain."})
    result = draft(incident, ["root_cause"])
    assert "service 'billing-service' not found in the evidence" in " ".join(result.dropped[0].problems)


def test_a_proposal_figure_is_kept_and_marked_for_the_reviewer(openai_env, incident):
    openai_env.script(Valid({"monitoring.threshold_adjustment": "Page when the 5xx rate stays above 12% for 3 minutes."}),
                      section="monitoring")
    result = draft(incident, ["monitoring"])
    draft_ = result.drafted["monitoring"]
    assert draft_.unverified == ["monitoring.threshold_adjustment: '12%', '3 minutes' not found in the evidence"]
    assert "# Not found in the evidence (proposals: check before merging):" in result.yaml_text()
    assert result.to_dict()["sections"]["monitoring"]["unverified"] == draft_.unverified


# --------------------------------------------------------------------------- the whole-incident pass


# A person wrote the timeline with the evening before first and no date on it; with no summary in the
# file `check` has no start to read it against.  A drafted summary supplies one (the computed start,
# 2026-04-07 10:05), which puts 23:58 on that day, after 10:12: timeline/order.
HUMAN_TIMELINE = """timeline:
  - time: "23:58"
    event: Certificate rotation job scheduled for the next morning
    system_state: Payments healthy
  - date: "2026-04-07"
    time: "10:12"
    event: Alert PaymentsErrorRateHigh fired
    system_state: Card payments failing
"""


def test_write_then_check_never_fails_because_of_the_draft(openai_env, run_cli, incident):
    incident.write_text(incident.read_text() + HUMAN_TIMELINE, encoding="utf-8")
    code, out, err = run_cli("check", str(incident))
    assert code == 0, out + err
    code, out, err = run_cli("draft", str(incident), "--write", "--provider", "openai", "--model", "test-model")
    assert code == 1  # the summary was dropped
    assert "dropped summary: the whole-incident check failed with the drafts together" in err
    assert "timeline/order" in err
    text = incident.read_text()
    assert "\nsummary:" not in text and "\nroot_cause:" in text
    code, out, err = run_cli("check", str(incident))
    assert code == 0, out + err


def test_the_whole_incident_pass_blames_the_drafted_section(openai_env, incident):
    data = yaml.safe_load(incident.read_text()) | yaml.safe_load(HUMAN_TIMELINE)
    from postmortem_kit.drafting import whole_incident_pass

    summary = {"start": "2026-04-07T10:05:00+02:00", "detection": "2026-04-07T10:12:00+02:00",
               "resolution": "2026-04-07T10:58:00+02:00", "total_duration": "0:53", "severity": "SEV2",
               "severity_justification": "Card payments failed for 53 minutes."}
    verdicts = whole_incident_pass(data, {"summary": summary}, path=str(incident))
    assert list(verdicts) == ["summary"] and "timeline/order" in verdicts["summary"]
    impact = {"users_affected": "0 users were affected.", "business_impact": "0 payments failed.",
              "user_experience": "Nothing visible.", "downstream_systems": []}
    data.pop("timeline")
    verdicts = whole_incident_pass(data, {"summary": summary, "impact": impact}, path=str(incident))
    assert "draft/severity-impact" in verdicts.get("summary", "")
