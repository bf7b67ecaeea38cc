"""The OpenAI-compatible test server, exercised with the real openai client through base_url."""

from __future__ import annotations

import json
import time

import openai
import pytest

from support.llm_server import (
    INJECTION_SNIPPETS,
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

SCHEMA = {
    "type": "object",
    "properties": {"root_cause": {
        "type": "object",
        "properties": {
            "primary": {"type": "string", "pattern": "\\S"},
            "owner": {"type": "string", "pattern": "^@?[A-Za-z0-9][A-Za-z0-9._-]*$"},
            "due": {"type": "string", "format": "date"},
            "category": {"type": "string", "enum": ["code-bug", "capacity-issue"]},
            "note": {"type": ["string", "null"]},
        },
        "required": ["primary", "owner", "due", "category", "note"],
        "additionalProperties": False,
    }},
    "required": ["root_cause"],
    "additionalProperties": False,
}
FORMAT = {"type": "json_schema", "json_schema": {"name": "postmortem_root_cause", "schema": SCHEMA, "strict": True}}
MESSAGES = [{"role": "system", "content": "You are a test."},
            {"role": "user", "content": "The incident started 2026-03-14T09:12:00+01:00."}]


@pytest.fixture
def client(llm_server):
    return openai.OpenAI(base_url=llm_server.base_url, api_key="sk-test", timeout=5, max_retries=2)


def ask(client, **options):
    return client.chat.completions.create(model="test-model", messages=MESSAGES, response_format=FORMAT, **options)


def test_valid_answer_follows_the_request_schema_and_the_response_shape(client, llm_server):
    response = ask(client)
    choice = response.choices[0]
    assert choice.finish_reason == "stop" and choice.message.refusal is None
    value = json.loads(choice.message.content)["root_cause"]
    assert value["category"] == "code-bug"
    assert value["owner"] == "team-sre"
    assert value["due"] == "2026-03-28"  # two weeks after the latest date in the prompt
    assert value["note"] is None  # optional (nullable) fields come back as null, as in strict mode
    assert response.usage.prompt_tokens > 0 and response.usage.completion_tokens > 0
    assert response.usage.total_tokens == response.usage.prompt_tokens + response.usage.completion_tokens
    assert response.model == "test-model" and response.id.startswith("chatcmpl-")


def test_requests_are_recorded_with_section_body_and_headers(client, llm_server):
    ask(client)
    [request] = llm_server.chat_requests
    assert request.section == "root_cause"
    assert request.body["response_format"]["json_schema"]["strict"] is True
    assert request.headers["authorization"] == "Bearer sk-test"
    assert "2026-03-14T09:12:00+01:00" in llm_server.all_bodies()
    assert llm_server.requests_for("root_cause") == [request]


def test_scripts_apply_per_section_then_shared_then_default(client, llm_server):
    llm_server.script(Canned({"root_cause": {"primary": "section"}}), section="root_cause")
    llm_server.script(Canned({"root_cause": {"primary": "shared"}}))
    answers = [json.loads(ask(client).choices[0].message.content)["root_cause"]["primary"] for _ in range(3)]
    assert answers[:2] == ["section", "shared"]
    assert answers[2].startswith("The connection pool")


def test_overrides_replace_parts_of_a_generated_draft(client, llm_server):
    llm_server.script(Valid({"root_cause.category": "capacity-issue"}))
    assert json.loads(ask(client).choices[0].message.content)["root_cause"]["category"] == "capacity-issue"


def test_refusal_truncation_content_filter_and_invalid_json(client, llm_server):
    llm_server.script(Refusal("No."), Truncated(), ContentFiltered(), InvalidJSON())
    refused = ask(client).choices[0]
    assert refused.message.refusal == "No." and refused.message.content is None
    truncated = ask(client).choices[0]
    assert truncated.finish_reason == "length"
    with pytest.raises(ValueError):
        json.loads(truncated.message.content)
    filtered = ask(client).choices[0]
    assert filtered.finish_reason == "content_filter" and filtered.message.content is None
    with pytest.raises(ValueError):
        json.loads(ask(client).choices[0].message.content)


def test_schema_violations(client, llm_server):
    llm_server.script(SchemaViolation("missing-required"), SchemaViolation("wrong-type"),
                      SchemaViolation("extra-key"))
    missing = json.loads(ask(client).choices[0].message.content)["root_cause"]
    assert "primary" not in missing
    wrong = json.loads(ask(client).choices[0].message.content)["root_cause"]
    assert wrong["primary"] == 12345
    extra = json.loads(ask(client).choices[0].message.content)["root_cause"]
    assert "surprise_field" in extra


def test_rate_limit_with_retry_after_is_retried_by_the_client(client, llm_server):
    llm_server.script(RateLimited(retry_after=0.2))
    started = time.monotonic()
    response = ask(client)
    assert time.monotonic() - started >= 0.2  # the client waited as the server asked
    assert response.choices[0].finish_reason == "stop"
    assert llm_server.model_calls == 2


def test_server_errors_exhaust_the_retries(llm_server):
    client = openai.OpenAI(base_url=llm_server.base_url, api_key="sk-test", timeout=5, max_retries=1)
    llm_server.script(ServerError(500), ServerError(503))
    with pytest.raises(openai.InternalServerError):
        ask(client)
    assert llm_server.model_calls == 2


def test_slow_answer_times_out_in_the_client(llm_server):
    client = openai.OpenAI(base_url=llm_server.base_url, api_key="sk-test", timeout=0.3, max_retries=0)
    llm_server.script(Slow(3))
    with pytest.raises(openai.APITimeoutError):
        ask(client)


def test_fixed_answer_delay_is_shared_by_concurrent_requests(client, llm_server):
    from concurrent.futures import ThreadPoolExecutor

    llm_server.answer_delay = 0.3
    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: ask(client), range(4)))
    elapsed = time.monotonic() - started
    assert elapsed >= 0.3
    assert elapsed < 4 * 0.3  # answered concurrently, not one after the other


def test_injection_content_is_valid_json_carrying_every_payload(client, llm_server):
    llm_server.script(Injection(spread=False))
    primary = json.loads(ask(client).choices[0].message.content)["root_cause"]["primary"]
    for snippet in INJECTION_SNIPPETS:
        assert snippet in primary


def test_models_endpoint(client):
    assert [model.id for model in client.models.list()] == ["test-model"]
