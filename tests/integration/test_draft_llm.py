"""`draft_incident` with the real openai client against the OpenAI-compatible test server.

Each case scripts what the "model" answers and asserts what reaches the
output: a valid draft, a repaired one, or a dropped section with its reason.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from postmortem_kit.checks import check_document
from postmortem_kit.core import load_yaml_file, load_yaml_text
from postmortem_kit.drafting import DraftCache, DraftConfig, append_sections, draft_incident
from postmortem_kit.incident import analysis_sections
from postmortem_kit.textsafety import split_code
from support.draft_data import copy_incident, secret_incident
from support.llm_server import (
    Canned,
    ContentFiltered,
    Injection,
    InvalidJSON,
    RateLimited,
    Refusal,
    SchemaViolation,
    ServerError,
    Slow,
    Truncated,
    Valid,
)

ALL = list(analysis_sections())


@pytest.fixture
def incident(tmp_path):
    return copy_incident(tmp_path)


def config(**overrides) -> DraftConfig:
    settings = {"provider": "openai", "model": "test-model", "timeout": 5.0, "max_retries": 1}
    settings.update(overrides)
    return DraftConfig(**settings)


def draft(path, *, sections=None, cache=None, **overrides):
    return draft_incident(path, config=config(**overrides), sections=sections,
                          cache=cache if cache is not None else DraftCache(None))


# --------------------------------------------------------------------------- valid drafts


def test_every_missing_section_is_drafted_and_the_result_passes_the_check_as_in_review(openai_env, incident):
    result = draft(incident)
    assert list(result.drafted) == ALL and result.dropped == []
    assert result.usage.calls == 12 and result.usage.prompt_tokens > 0 and result.usage.completion_tokens > 0
    summary = result.drafted["summary"].value
    assert summary["start"] == "2026-04-07T10:05:00+02:00"
    assert summary["resolution"] == "2026-04-07T10:58:00+02:00"
    assert summary["total_duration"] == "0:53"
    assert "timezone" not in summary  # null from strict mode is removed
    assert all(f["tracking"] == "new" for f in result.drafted["follow_ups"].value)

    original = incident.read_bytes()
    append_sections(incident, original, load_yaml_file(incident).data, result.yaml_text(dropped=False),
                    {name: d.value for name, d in result.drafted.items()})
    assert incident.read_bytes().startswith(original)
    doc = load_yaml_file(incident)
    doc.data["status"] = "in-review"
    errors = [f for f in check_document(doc) if f.severity == "error"]
    assert errors == []


def test_requests_use_structured_output_with_the_section_schema(openai_env, incident):
    draft(incident, sections=["summary", "timeline"])
    by_section = {r.section: r.body for r in openai_env.chat_requests}
    assert set(by_section) == {"summary", "timeline"}
    body = by_section["summary"]
    assert body["model"] == "test-model"
    assert body["max_completion_tokens"] > 0
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["name"] == "postmortem_summary"
    assert fmt["json_schema"]["strict"] is True
    schema = fmt["json_schema"]["schema"]["properties"]["summary"]
    assert schema["properties"]["start"]["enum"] == ["2026-04-07T10:05:00+02:00"]
    times = by_section["timeline"]["response_format"]["json_schema"]["schema"]["properties"]["timeline"]["items"]
    assert times["properties"]["time"]["enum"] == ["10:02", "10:05", "10:09", "10:12", "10:14", "10:20", "10:41",
                                                   "10:58"]
    system, user = body["messages"]
    assert system["role"] == "system" and "blameless" in system["content"].lower()
    assert "system gap" in system["content"]
    assert "## Computed facts (authoritative)" in user["content"]
    assert "total_duration: 0:53 (53 minutes)" in user["content"]
    assert "245% of the 21.6-minute monthly error budget" in user["content"]
    assert "10:12  Alert PaymentsErrorRateHigh fired" in user["content"]
    assert "write the `summary` section" in user["content"]


def test_no_strict_flag_is_sent(openai_env, incident):
    draft(incident, sections=["lesson"], strict=False)
    assert openai_env.chat_requests[0].body["response_format"]["json_schema"]["strict"] is False


# --------------------------------------------------------------------------- repair, then drop


def test_schema_violation_is_repaired_with_the_findings_sent_back(openai_env, incident):
    openai_env.script(SchemaViolation("missing-required"), Valid(), section="root_cause")
    result = draft(incident, sections=["root_cause"])
    assert result.drafted["root_cause"].repaired
    first, repair = openai_env.requests_for("root_cause")
    messages = repair.body["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[:2] == first.body["messages"]
    rejected = json.loads(messages[2]["content"])["root_cause"]  # the rejected answer, as the model gave it
    assert "primary" not in rejected and "category" in rejected
    assert "could not be used" in messages[3]["content"]
    assert "missing required key `primary`" in messages[3]["content"]  # the validator's finding


def test_schema_violation_twice_drops_the_section_with_the_reason(openai_env, incident):
    openai_env.script(SchemaViolation("wrong-type"), SchemaViolation("missing-required"), section="root_cause")
    result = draft(incident, sections=["root_cause", "lesson"])
    assert list(result.drafted) == ["lesson"]
    [dropped] = result.dropped
    assert dropped.section == "root_cause"
    assert dropped.reason.startswith("still unusable after one repair round")
    assert len(openai_env.requests_for("root_cause")) == 2
    text = result.yaml_text()
    assert "\nroot_cause:" not in text and "# Not drafted: root_cause: still unusable" in text


@pytest.mark.parametrize("bad, reason", [
    (Refusal("I can't help with that."), "the model refused"),
    (Truncated(), "cut off at the output-token limit"),
    (ContentFiltered(), "content filter"),
    (InvalidJSON(), "not valid JSON"),
    (Canned({"something_else": {}}), "single key `lesson`"),
])
def test_bad_answers_get_one_repair_round(openai_env, incident, bad, reason):
    openai_env.script(bad, Valid(), section="lesson")
    result = draft(incident, sections=["lesson"])
    assert result.drafted["lesson"].repaired
    repair = openai_env.requests_for("lesson")[1].body["messages"][-1]["content"]
    assert reason in repair

    openai_env.script(bad, bad, section="lesson")
    result = draft(incident, sections=["lesson"])
    assert result.drafted == {}
    assert reason in result.dropped[0].reason
    assert load_yaml_text(result.yaml_text()).data is None  # only comments: nothing half-valid is shown


def test_a_truncated_answer_is_not_echoed_back_in_the_repair(openai_env, incident):
    openai_env.script(Truncated(), Valid(), section="lesson")
    draft(incident, sections=["lesson"])
    roles = [m["role"] for m in openai_env.requests_for("lesson")[1].body["messages"]]
    assert roles == ["system", "user", "user"]


# --------------------------------------------------------------------------- transport failures


def test_rate_limit_with_retry_after_is_honoured_then_drafted(openai_env, incident):
    openai_env.script(RateLimited(retry_after=0.3), section="lesson")
    started = time.monotonic()
    result = draft(incident, sections=["lesson"])
    assert time.monotonic() - started >= 0.3
    assert "lesson" in result.drafted and not result.drafted["lesson"].repaired
    assert len(openai_env.requests_for("lesson")) == 2


def test_rate_limit_beyond_the_retries_drops_without_a_repair_round(openai_env, incident):
    openai_env.script(RateLimited(0.05), RateLimited(0.05), section="lesson")
    result = draft(incident, sections=["lesson", "testing"], max_retries=1)
    assert "testing" in result.drafted
    assert result.dropped[0].section == "lesson" and "rate limited (HTTP 429)" in result.dropped[0].reason
    assert len(openai_env.requests_for("lesson")) == 2  # the client's own retry, no repair request


def test_server_errors(openai_env, incident):
    openai_env.script(ServerError(500), section="lesson")
    assert "lesson" in draft(incident, sections=["lesson"]).drafted  # retried by the client
    openai_env.script(ServerError(500), ServerError(502), section="lesson")
    result = draft(incident, sections=["lesson"], max_retries=1)
    assert "HTTP 502" in result.dropped[0].reason


def test_slow_answer_past_the_timeout_is_dropped_and_the_rest_is_drafted(openai_env, incident):
    openai_env.script(Slow(3), section="lesson")
    result = draft(incident, sections=["lesson", "testing"], timeout=0.4, max_retries=0)
    assert "testing" in result.drafted
    assert result.dropped[0].section == "lesson"
    assert "no first token within the 0.4 s timeout" in result.dropped[0].reason


# --------------------------------------------------------------------------- facts


def test_a_draft_contradicting_the_computed_facts_is_rejected(openai_env, incident):
    wrong = Valid({"summary.start": "2026-04-07T09:00:00+02:00", "summary.total_duration": "1:58"})
    openai_env.script(wrong, wrong, section="summary")
    result = draft(incident, sections=["summary"])
    problems = " ".join(result.dropped[0].problems)
    assert "computed start is 2026-04-07T10:05:00+02:00" in problems
    assert "total_duration" in problems


def test_invented_timeline_minutes_are_rejected(openai_env, incident):
    invented = Valid({"timeline[0].time": "10:30"})
    openai_env.script(invented, Valid(), section="timeline")
    result = draft(incident, sections=["timeline"])
    assert result.drafted["timeline"].repaired
    repair = openai_env.requests_for("timeline")[1].body["messages"][-1]["content"]
    assert "is not a minute of the computed timeline" in repair


def test_a_stated_duration_must_match_the_computed_one(openai_env, incident):
    claim = Valid({"lesson.what_happened": "Card payments failed during a 90-minute outage after a certificate rotation."})
    openai_env.script(claim, claim, section="lesson")
    result = draft(incident, sections=["lesson"])
    assert "computed total duration is 53 minutes" in result.dropped[0].reason
    fine = Valid({"lesson.what_happened": "Card payments failed for about 50 minutes after a certificate rotation."})
    openai_env.script(fine, section="lesson")
    assert "lesson" in draft(incident, sections=["lesson"]).drafted


def test_follow_up_due_dates_before_the_incident_are_rejected(openai_env, incident):
    early = Valid({"follow_ups[0].due": "2026-01-02"})
    openai_env.script(early, early, section="follow_ups")
    result = draft(incident, sections=["follow_ups"])
    assert "followups/due-date" in result.dropped[0].reason or "not after the incident" in result.dropped[0].reason


def test_placeholders_from_a_model_are_rejected(openai_env, incident):
    lazy = Valid({"root_cause.primary": "TODO: fill in later"})
    openai_env.script(lazy, lazy, section="root_cause")
    result = draft(incident, sections=["root_cause"])
    assert "template/placeholder" in " ".join(result.dropped[0].problems)


# --------------------------------------------------------------------------- untrusted output, secrets


ACTIVE = re.compile(r"@[A-Za-z0-9]|(?<![\w&])#\d|\bGH-\d|https?://|www\.|<[A-Za-z!/]|!\[", re.IGNORECASE)


def active_parts(text: str) -> list[str]:
    return [m.group(0) for seg, code in split_code(text) if not code for m in ACTIVE.finditer(seg)]


def test_prompt_injection_in_the_answer_is_made_inert_before_output(openai_env, incident):
    openai_env.default = Injection()
    result = draft(incident)
    # Every section is either drafted and inert, or dropped because the blameless rules reject a
    # person named in a cause (the injected @octocat in a root cause, factor or lesson), or because
    # the grounding rules find the injected reference (GH-77) nowhere in the evidence.
    assert sorted([*result.drafted, *(d.section for d in result.dropped)]) == sorted(ALL)
    assert len(result.drafted) >= 4
    for dropped in result.dropped:
        assert "blameless/" in dropped.reason or "draft/grounding" in dropped.reason, dropped.reason

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for child in value.values():
                yield from strings(child)
        elif isinstance(value, list):
            for child in value:
                yield from strings(child)

    texts = [text for d in result.drafted.values() for text in strings(d.value)]
    assert texts
    for text in texts:
        assert active_parts(text) == [], text
        assert "beacon.gif" not in text and "pixel.png" not in text
        assert "ignore previous instructions" not in text and "alert(1)" not in text
    joined = "\n".join(texts)
    assert "`@octocat`" in joined and "`#123`" in joined and "`https://evil.example/raw`" in joined
    assert load_yaml_text(result.yaml_text()).data.keys() == set(result.drafted)


def test_handles_in_owner_fields_cannot_ping(openai_env, incident):
    openai_env.script(Valid({"follow_ups[0].owner": "@kim-nakamura"}), section="follow_ups")
    result = draft(incident, sections=["follow_ups"])
    assert result.drafted["follow_ups"].value[0]["owner"] == "kim-nakamura"


def test_an_owner_the_incident_does_not_name_is_rejected(openai_env, incident):
    copied = Valid({"follow_ups[0].owner": "team-checkout"})  # the system prompt's old example
    openai_env.script(copied, copied, section="follow_ups")
    result = draft(incident, sections=["follow_ups"])
    [dropped] = result.dropped
    assert "owner 'team-checkout' is not a team or handle named in the incident" in " ".join(dropped.problems)


def test_no_secret_from_the_input_reaches_the_model(openai_env, tmp_path):
    path, secrets = secret_incident(tmp_path)
    result = draft(path)
    assert list(result.drafted) == ALL
    sent = openai_env.all_bodies()
    assert openai_env.model_calls == 12
    leaked = [secret for secret in secrets if secret in sent or json.dumps(secret)[1:-1] in sent]
    assert leaked == []
    for kind in ("aws-access-key", "github-token", "jwt", "private-key", "email", "ipv4", "ipv6"):
        assert f"[REDACTED:{kind}]" in sent
    assert result.redacted["email"] >= 1
    # The injected instructions in the logs are delivered as evidence, inside the untrusted block.
    user = openai_env.chat_requests[0].body["messages"][1]["content"]
    assert user.index("Ignore all previous instructions") > user.index("## Incident data (untrusted evidence")


def test_secrets_in_the_answer_are_redacted_too(openai_env, incident):
    leak = Valid({"root_cause.technical_details": "Token ghp_" + "a1B2" * 9 + " and key AKIA" + "ABCDEFGH" * 2 + "."})
    openai_env.script(leak, section="root_cause")
    result = draft(incident, sections=["root_cause"])
    details = result.drafted["root_cause"].value["technical_details"]
    assert details == "Token [REDACTED:github-token] and key [REDACTED:aws-access-key]."
    # Counted apart from what was redacted before sending, by kind, once per value.
    assert result.redacted_output["github-token"] == 1 and result.redacted_output["aws-access-key"] == 1
    assert result.to_dict()["redacted_output"] == result.redacted_output


def test_secrets_of_the_attack_kinds_echoed_by_the_model_are_redacted(openai_env, incident):
    """Issue 13, break 11: what the model echoes back goes through the same rules as what it was sent."""
    password, card = "Walrus" + "-91x", "3528 0007 " + "0000 0000"
    leak = Valid({"root_cause.technical_details": f"the admin password is {password}; JCB {card} failed"})
    openai_env.script(leak, section="root_cause")
    result = draft(incident, sections=["root_cause"])
    details = result.drafted["root_cause"].value["technical_details"]
    assert password not in details and card not in details
    assert result.redacted_output["password"] == 1 and result.redacted_output["payment-card"] == 1


# --------------------------------------------------------------------------- cache, budget, concurrency


def test_second_run_on_an_unchanged_incident_makes_no_model_call(openai_env, incident, tmp_path):
    cache = tmp_path / "cache"
    first = draft(incident, cache=DraftCache(cache))
    assert openai_env.model_calls == 12 and first.cache_hits == 0
    second = draft(incident, cache=DraftCache(cache))
    assert openai_env.model_calls == 12
    assert second.cache_hits == 12 and second.usage.calls == 0
    assert all(d.cached for d in second.drafted.values())
    assert second.yaml_text() == first.yaml_text()
    assert second.provenance == first.provenance


def test_changed_inputs_or_model_miss_the_cache(openai_env, incident, tmp_path):
    cache = tmp_path / "cache"
    draft(incident, sections=["lesson"], cache=DraftCache(cache))
    draft(incident, sections=["lesson"], cache=DraftCache(cache), model="other-model")
    assert openai_env.model_calls == 2
    incident.write_text(incident.read_text().replace("About 9,300", "About 9,400"))
    draft(incident, sections=["lesson"], cache=DraftCache(cache))
    assert openai_env.model_calls == 3


def test_dropped_sections_are_not_cached(openai_env, incident, tmp_path):
    cache = tmp_path / "cache"
    openai_env.script(Refusal(), Refusal(), section="lesson")
    draft(incident, sections=["lesson"], cache=DraftCache(cache))
    result = draft(incident, sections=["lesson"], cache=DraftCache(cache))
    assert "lesson" in result.drafted and openai_env.model_calls == 3


def test_a_corrupt_cache_entry_is_a_miss(openai_env, incident, tmp_path):
    cache = tmp_path / "cache"
    draft(incident, sections=["lesson"], cache=DraftCache(cache))
    for entry in cache.rglob("*.json"):
        entry.write_text("{not json")
    assert "lesson" in draft(incident, sections=["lesson"], cache=DraftCache(cache)).drafted
    assert openai_env.model_calls == 2


def test_default_cache_directory_is_used(openai_env, incident, tmp_path):
    draft_incident(incident, config=config(), sections=["lesson"])
    draft_incident(incident, config=config(), sections=["lesson"])
    assert openai_env.model_calls == 1
    assert list((tmp_path / "draft-cache").rglob("*.json"))  # POSTMORTEM_KIT_CACHE_DIR from the fixture


def test_token_budget_stops_calls_that_do_not_fit(openai_env, incident):
    result = draft(incident, token_budget=9000, jobs=1)
    assert result.drafted and result.dropped
    assert all("token budget exhausted" in d.reason for d in result.dropped)
    assert openai_env.model_calls == len(result.drafted)
    assert result.usage.total_tokens <= 9000


def test_sections_are_drafted_concurrently(openai_env, incident):
    openai_env.answer_delay = 0.4
    started = time.monotonic()
    draft(incident, sections=["lesson"])
    single = time.monotonic() - started
    started = time.monotonic()
    result = draft(incident)
    every = time.monotonic() - started
    assert len(result.drafted) == 12
    assert every < 8 * single  # sequential drafting would take about 12 times as long


def test_provenance_and_json_shape(openai_env, incident):
    result = draft(incident, sections=["lesson"])
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["provenance"]["model"] == "test-model"
    assert payload["provenance"]["provider"] == "openai"
    assert re.fullmatch(r"1\+[0-9a-f]{12}", payload["provenance"]["prompt_version"])
    assert re.fullmatch(r"[0-9a-f]{64}", payload["provenance"]["input_hash"])
    assert payload["sections"]["lesson"]["yaml"].startswith("lesson:\n")
    assert payload["usage"]["model_calls"] == 1
    assert payload["facts"]["total_duration"] == "0:53"
    assert "model test-model" in result.yaml_text() and payload["provenance"]["input_hash"][:16] in result.yaml_text()


def test_complete_sections_are_context_and_invalid_ones_are_redrafted(openai_env, incident):
    text = incident.read_text()
    text += ("\nlesson:\n  what_happened: Card payments failed for 53 minutes after a certificate rotation.\n"
             "  why_it_matters: Certificate chains are configuration that every client depends on.\n"
             "  what_changed: Rotations now run against a canary client first.\n"
             "monitoring:\n  missing_alert: 42\n")
    incident.write_text(text)
    result = draft(incident, sections=["lesson", "monitoring", "testing"])
    assert set(result.drafted) == {"monitoring", "testing"}
    assert result.drafted["monitoring"].state == "invalid" and not result.drafted["monitoring"].appendable
    assert "Replaces the invalid `monitoring` section" in result.yaml_text()
    user = openai_env.requests_for("testing")[0].body["messages"][1]["content"]
    assert "Certificate chains are configuration" in user


def test_blaming_language_is_sent_back_and_then_dropped(openai_env, incident):
    openai_env.script(SchemaViolation("blame"), Valid(), section="root_cause")
    result = draft(incident, sections=["root_cause"])
    assert result.drafted["root_cause"].repaired
    repair = openai_env.requests_for("root_cause")[1].body["messages"][-1]["content"]
    assert "blameless/" in repair and "should have noticed" in repair

    openai_env.script(SchemaViolation("blame"), SchemaViolation("blame"), section="root_cause")
    result = draft(incident, sections=["root_cause"])
    assert "blameless/" in result.dropped[0].reason


def test_a_name_wrapped_in_backticks_by_the_neutraliser_is_still_checked_for_blame(openai_env, incident):
    blame = Valid({"root_cause.why_it_happened": "@bob failed to follow the runbook during the rotation."})
    openai_env.script(blame, blame, section="root_cause")
    result = draft(incident, sections=["root_cause"])
    assert result.drafted == {}
    assert "failed to follow" in " ".join(result.dropped[0].problems)


def test_dropped_reasons_quoting_the_model_are_inert_and_redacted(openai_env, incident):
    nasty = Refusal("No. \x1b[31m @octocat see https://evil.example/x <img src=x> key AKIA" + "ABCDEFGH" * 2 + "\nline")
    openai_env.script(nasty, nasty, section="lesson")
    result = draft(incident, sections=["lesson"])
    reason = result.dropped[0].reason
    assert "\x1b" not in reason and "\n" not in reason and "<img" not in reason
    assert "`@octocat`" in reason and "`https://evil.example/x`" in reason
    assert "[REDACTED:aws-access-key]" in reason
    assert all("AKIA" not in problem for problem in result.dropped[0].problems)


def test_json_facts_view_is_redacted(openai_env, tmp_path):
    path, secrets = secret_incident(tmp_path)
    result = draft(path, sections=["lesson"])
    facts = json.dumps(result.to_dict()["facts"])
    assert "mara.okafor@example.com" not in facts and "[REDACTED:email]" in facts
