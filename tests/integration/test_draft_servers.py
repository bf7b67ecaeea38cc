"""One incident drafted through every documented server behaviour (tests/support/llm_behaviours.py).

The real openai client talks to the test server, which answers like OpenAI, Azure OpenAI, vLLM,
llama.cpp's llama-server, llama-cpp-python, Ollama, LM Studio, a server without response_format,
and one that ignores structured outputs.  Each case asserts the sections come through, which
request formats were sent, and that the counters are the HTTP requests really made.
"""

from __future__ import annotations

import pytest

from postmortem_kit.drafting import DraftCache, DraftConfig, draft_incident
from support.draft_data import copy_incident
from support.llm_behaviours import (
    VLLM,
    AzureOpenAI,
    LlamaCppPython,
    LlamaServer,
    LMStudio,
    NoStructuredOutputs,
    Ollama,
    OpenAIStrict,
)
from support.llm_server import RateLimited, Sloppy, Slow, Streamed

SECTIONS = ["summary", "impact", "root_cause", "follow_ups"]


@pytest.fixture
def incident(tmp_path):
    return copy_incident(tmp_path)


def draft(path, *, sections=SECTIONS, **overrides):
    settings = {"provider": "openai", "model": "test-model", "timeout": 5.0, "max_retries": 2}
    settings.update(overrides)
    return draft_incident(path, config=DraftConfig(**settings), sections=sections, cache=DraftCache(None))


def formats(server) -> list[str]:
    out = []
    for request in server.chat_requests:
        fmt = request.body.get("response_format")
        if fmt is None:
            out.append("prompt")
        elif fmt["type"] == "json_schema":
            out.append("strict" if fmt["json_schema"]["strict"] else "schema")
        else:
            out.append(fmt["type"])
    return out


def patterns_sent(server) -> list[str]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                found.append(node["pattern"])
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    for request in server.chat_requests:
        walk(request.body.get("response_format"))
    return found


CASES = [
    # (behaviour, server setting, the formats the requests may use, fallbacks at most)
    (OpenAIStrict(), "openai", {"strict"}, 0),
    (OpenAIStrict(), "auto", {"strict"}, 0),
    (AzureOpenAI(), "azure", {"strict"}, 0),
    # Hosted: all four sections are in flight when the first refusal comes back, so each may meet it.
    (AzureOpenAI(api_version="2024-06-01"), "azure", {"strict", "schema", "json_object"}, 8),
    (VLLM(), "vllm", {"strict"}, 0),
    (LlamaServer(loading=1), "auto", {"strict"}, 0),
    (LlamaServer(reject_all_patterns=True), "llama.cpp", {"strict"}, 0),
    (LlamaCppPython(), "llama-cpp-python", {"json_object"}, 0),
    (LlamaCppPython(), "auto", {"strict", "schema", "json_object"}, 4),
    (Ollama(), "ollama", {"strict"}, 0),
    (LMStudio(), "lmstudio", {"strict"}, 0),
    (NoStructuredOutputs(), "auto", {"strict", "schema", "json_object", "prompt"}, 6),
]


@pytest.mark.parametrize("behaviour, server, sent, most_fallbacks", CASES,
                         ids=[f"{c[0].name}-{c[1]}" for c in CASES])
def test_the_incident_drafts_through_each_server_behaviour(openai_env, incident, behaviour, server, sent,
                                                           most_fallbacks):
    openai_env.behaviour = behaviour
    result = draft(incident, server=server)
    assert list(result.drafted) == SECTIONS, [d.reason for d in result.dropped]
    assert set(formats(openai_env)) <= sent
    stats = result.stats
    assert stats["http_requests"] == openai_env.model_calls == result.usage.calls
    assert stats["fallbacks"] <= most_fallbacks
    assert stats["http_requests"] == len(SECTIONS) + stats["fallbacks"] + stats["retries"]
    assert all(p.startswith("^") and p.endswith("$") for p in patterns_sent(openai_env))


def test_a_capability_error_steps_down_once_for_the_run_and_is_never_retried(openai_env, incident):
    openai_env.behaviour = LlamaCppPython()
    result = draft(incident, server="auto", jobs=1)
    assert list(result.drafted) == SECTIONS
    # One section meets the 500 twice (strict, then non-strict); every later one goes to json_object directly.
    assert formats(openai_env) == ["strict", "schema", *["json_object"] * len(SECTIONS)]
    assert result.stats["retries"] == 0 and result.stats["fallbacks"] == 2
    assert result.stats["format"] == "json_object"
    assert "Input should be 'text' or 'json_object'" in " ".join(result.stats["learned"])
    # Each json_object request carries its section's schema, and its prompt says so (the sections'
    # order is not part of the contract: find follow_ups's request rather than take the last one).
    json_objects = [request.body for request in openai_env.chat_requests
                    if request.body.get("response_format", {}).get("type") == "json_object"]
    assert len(json_objects) == len(SECTIONS)
    assert any("follow_ups" in body["response_format"]["schema"]["properties"] for body in json_objects)
    assert all("matches this JSON schema" in body["messages"][-1]["content"] for body in json_objects)


def test_a_server_without_response_format_gets_the_schema_in_the_prompt(openai_env, incident):
    openai_env.behaviour = NoStructuredOutputs()
    result = draft(incident, server="auto", jobs=1, sections=["root_cause", "lesson"])
    assert list(result.drafted) == ["root_cause", "lesson"]
    assert formats(openai_env)[-1] == "prompt" and result.stats["format"].startswith("plain JSON")


def test_a_server_that_ignores_structured_outputs_is_read_leniently(openai_env, incident):
    openai_env.default = Sloppy()
    result = draft(incident, sections=["impact", "root_cause", "lesson", "testing", "monitoring"])
    assert sorted(result.drafted) == sorted(["impact", "root_cause", "lesson", "testing", "monitoring"])
    assert result.drafted["impact"].value["users_affected"] == "9300"
    assert "confidence" not in result.drafted["root_cause"].value


# --------------------------------------------------------------------------- pacing


def test_model_loading_503_is_retried_with_backoff_and_counted(openai_env, incident):
    openai_env.behaviour = LlamaServer(loading=2)
    result = draft(incident, sections=["lesson", "testing"], max_retries=2)
    assert sorted(result.drafted) == ["lesson", "testing"]
    assert result.stats["retries"] == 2 and result.stats["overloaded"] == 2
    assert result.stats["http_requests"] == 4 == openai_env.model_calls
    assert result.stats["concurrency"]["backoffs"] >= 1


def test_retry_after_is_honoured(openai_env, incident):
    openai_env.script(RateLimited(retry_after=0.4), section="lesson")
    result = draft(incident, sections=["lesson"])
    assert "lesson" in result.drafted
    first, second = openai_env.requests_for("lesson")
    assert second.received_at - first.received_at >= 0.35
    assert result.usage.retries == 1 and result.usage.calls == 2


def test_the_timeout_bounds_the_first_token_not_a_slow_generation(openai_env, incident):
    openai_env.script(Streamed(chunk_delay=0.15), section="lesson")
    result = draft(incident, sections=["lesson"], timeout=0.6, max_retries=0)
    assert "lesson" in result.drafted  # well over 0.6 s in total, but tokens kept coming
    assert result.stats["timeouts"] == 0


def test_a_timeout_halves_concurrency_and_the_retry_goes_first(openai_env, incident):
    openai_env.script(Slow(2), section="lesson")
    result = draft(incident, sections=["lesson", "testing"], timeout=0.4, max_retries=1)
    assert sorted(result.drafted) == ["lesson", "testing"]
    assert result.stats["timeouts"] == 1 and result.stats["retries"] == 1
    assert result.stats["concurrency"]["backoffs"] == 1


def test_one_slot_server_is_never_sent_more_than_the_pacer_allows(openai_env, incident):
    behaviour = LlamaCppPython()
    openai_env.behaviour = behaviour
    openai_env.answer_delay = 0.05
    result = draft(incident, server="llama-cpp-python", sections=None)
    assert len(result.drafted) + len(result.dropped) == 12
    assert behaviour.concurrent_seen <= 4  # the default jobs; the pacer starts at 2
    assert result.stats["http_requests"] == openai_env.model_calls
