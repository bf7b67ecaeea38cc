"""Issue 15, second round: one responder copied onto every timeline entry is caught; figures a model
derived correctly from the inputs pass while invented ones are still caught; BGP evidence reaches the model.

Real openai client against the local test server (tests/support/llm_server.py).
"""

from __future__ import annotations

import pytest
import yaml

from postmortem_kit.drafting import DraftCache, DraftConfig, draft_incident
from support.draft_data import copy_incident
from support.llm_server import Valid


def draft(path, sections):
    config = DraftConfig(provider="openai", model="test-model", timeout=5.0, max_retries=1)
    return draft_incident(path, config=config, sections=sections, cache=DraftCache(None))


def entries(responders):
    """INC-2026-0101's moments, with the responders given (the inputs name @kim-nakamura at 10:14 and 10:41)."""
    moments = [("10:02", "cert-manager rotated the payments-api client certificate.", "Payments healthy.", None),
               ("10:05", "Handshakes with card-gateway started failing.", "Card payments failing.", None),
               ("10:12", "Alert PaymentsErrorRateHigh fired.", "Card payments failing.", None),
               ("10:14", "The page was acknowledged.", "Card payments failing.", "Opened the incident channel."),
               ("10:41", "The restore began.", "Card payments failing.", "Started restoring the previous chain."),
               ("10:58", "The old certificate chain was restored.", "Error rate back to baseline.", None)]
    return [{"time": time, "event": event, "system_state": state, "action": action, "responder": who}
            for (time, event, state, action), who in zip(moments, responders, strict=True)]


@pytest.fixture
def incident(tmp_path):
    return copy_incident(tmp_path)


def test_one_responder_on_every_timeline_entry_is_caught(openai_env, incident):
    copied = entries(["kim-nakamura"] * 6)
    openai_env.script(Valid({"timeline": copied}), Valid({"timeline": copied}), section="timeline")
    result = draft(incident, ["timeline"])
    [dropped] = result.dropped
    assert "[draft/responder-copied]" in dropped.reason
    assert "'kim-nakamura', is on 6 of 6 timeline entries" in dropped.reason
    assert "attribute 2 moments to kim-nakamura" in dropped.reason
    repair = openai_env.requests_for("timeline")[1].body["messages"][-1]["content"]
    assert "name a responder only where the inputs say who acted" in repair


def test_the_responders_the_inputs_name_pass(openai_env, incident):
    right = entries([None, None, None, "kim-nakamura", "kim-nakamura", None])
    openai_env.script(Valid({"timeline": right}), section="timeline")
    result = draft(incident, ["timeline"])
    assert [e.get("responder") for e in result.drafted["timeline"].value] == [None] * 3 + ["kim-nakamura"] * 2 + [None]


def test_a_second_responder_erased_from_the_timeline_is_caught(openai_env, incident):
    data = yaml.safe_load(incident.read_text())
    data["inputs"]["incident_data"]["response_actions"][1]["responder"] = "@alex-moreau"
    data["inputs"]["incident_data"]["response_actions"].append(
        {"time": "2026-04-07T10:50:00+02:00", "action": "confirmed handshakes succeed again", "responder": "@kim-nakamura"})
    data["inputs"]["incident_data"]["notes"] = "@kim-nakamura led; @kim-nakamura paged the gateway team."
    incident.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    copied = entries(["kim-nakamura"] * 6)
    openai_env.script(Valid({"timeline": copied}), Valid({"timeline": copied}), section="timeline")
    problems = " ".join(draft(incident, ["timeline"]).dropped[0].problems)
    assert "the inputs attribute its moments to 2 people (alex-moreau, kim-nakamura)" in problems


DERIVED = ("3 of 4 checkout regions failed card payments; 1,200 of 48,000 payments in the window failed; "
           "refunds $1,200 and credits $800 were issued.")


@pytest.fixture
def counted(incident):
    data = yaml.safe_load(incident.read_text())
    data["inputs"]["incident_data"]["customer_impact"] = DERIVED
    incident.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return incident


def test_figures_derived_from_the_inputs_pass(openai_env, counted):
    text = ("75% of checkout regions and 2.5% of payments in the window failed for about 0.9 hours; "
            "refunds and credits came to $2,000.")
    openai_env.script(Valid({"impact.business_impact": text}), section="impact")
    result = draft(counted, ["impact"])
    assert result.drafted["impact"].value["business_impact"] == text


@pytest.mark.parametrize("text, figure", [
    ("80% of checkout regions failed.", "'80%'"),
    ("2.6% of payments failed.", "'2.6%'"),
    ("The outage cost $100,000,000.", "'$100,000,000'"),
    ("About 120 users were affected.", "'120'"),
    ("Payments failed for 1.5 hours.", "'1.5 hours'"),
])
def test_invented_figures_beside_derivable_ones_are_caught(openai_env, counted, text, figure):
    openai_env.script(Valid({"impact.business_impact": text}), Valid({"impact.business_impact": text}),
                      section="impact")
    [dropped] = draft(counted, ["impact"]).dropped
    assert f"{figure} not found in the evidence" in " ".join(dropped.problems)


def test_bgp_prefixes_reach_the_model_and_may_be_quoted(openai_env, incident):
    data = yaml.safe_load(incident.read_text())
    data["inputs"]["incident_data"]["notes"] = ("10:03 AS64500 withdrew 198.51.100.0/22 and AS64511 announced "
                                                "203.0.113.0/24; the host 203.0.113.7 answered for card-gateway.")
    incident.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    text = "AS64511 announced 203.0.113.0/24 after AS64500 withdrew 198.51.100.0/22."
    openai_env.script(Valid({"root_cause.technical_details": text}), section="root_cause")
    result = draft(incident, ["root_cause"])
    prompt = openai_env.requests_for("root_cause")[0].body["messages"][-1]["content"]
    assert "198.51.100.0/22" in prompt and "203.0.113.0/24" in prompt and "AS64511" in prompt
    assert "203.0.113.7" not in prompt  # a host address is still redacted
    assert result.drafted["root_cause"].value["technical_details"] == text


def test_an_honest_answer_without_a_figure_is_not_pushed_to_invent_one(openai_env, incident):
    """The impact fields require a figure; a model that has none says so (as the prompt asks) and the
    section is dropped for the missing figure, not for copying the prompt, and the repair forbids inventing."""
    honest = {"impact.users_affected": "Not quantified in the data.",
              "impact.business_impact": "Revenue not quantified in the data; 212 support tickets were opened."}
    openai_env.script(Valid(honest), Valid(honest), section="impact")
    [dropped] = draft(incident, ["impact"]).dropped
    assert "impact.users_affected: state the number or percentage of users affected [schema/pattern]" in dropped.reason
    assert not any("copied-prompt" in problem or "business_impact" in problem for problem in dropped.problems)
    repair = openai_env.requests_for("impact")[1].body["messages"][-1]["content"]
    assert "Never invent a figure" in repair
