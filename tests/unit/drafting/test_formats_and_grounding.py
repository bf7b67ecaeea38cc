"""Schema shaping per server, the fallback ladder, error classes, pacing, and the grounding rules."""

from __future__ import annotations

import threading
import time

import pytest

from postmortem_kit.drafting import Evidence, ungrounded_figures
from postmortem_kit.drafting.grounding import OwnText, owner_known, unknown_services
from postmortem_kit.drafting.providers.formats import (
    CAPABILITY,
    FATAL,
    PROFILES,
    RETRYABLE,
    Capability,
    classify,
    profile_for,
    shape_schema,
)
from postmortem_kit.drafting.providers.pacing import Pacer, retry_after_seconds
from postmortem_kit.incident import compute_facts, response_schema


def keywords(node, key):
    found = []
    if isinstance(node, dict):
        if key in node and not isinstance(node[key], dict):
            found.append(node[key])
        for child in node.values():
            found += keywords(child, key)
    elif isinstance(node, list):
        for child in node:
            found += keywords(child, key)
    return found


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_no_server_is_sent_an_unanchored_pattern(name):
    for section in ("impact", "follow_ups", "summary", "timeline"):
        shaped = shape_schema(response_schema(section, compute_facts({})), PROFILES[name])
        for pattern in keywords(shaped, "pattern"):
            assert pattern.startswith("^") and pattern.endswith("$"), (name, section, pattern)


def test_llama_servers_get_no_pattern_and_openai_keeps_the_anchored_ones():
    schema = response_schema("follow_ups", compute_facts({}))
    assert keywords(shape_schema(schema, PROFILES["openai"]), "pattern")
    for name in ("llama.cpp", "llama-cpp-python", "azure", "portable"):
        assert keywords(shape_schema(schema, PROFILES[name]), "pattern") == []
    assert keywords(shape_schema(schema, PROFILES["azure"]), "format") == []
    assert keywords(shape_schema(schema, PROFILES["azure"]), "minItems") == [5]


def test_property_names_are_never_taken_for_keywords():
    schema = {"type": "object", "properties": {"pattern": {"type": "string"}, "format": {"type": "string"}}}
    assert set(shape_schema(schema, PROFILES["llama.cpp"])["properties"]) == {"pattern", "format"}


def test_profile_from_the_url():
    assert profile_for(None, None).name == "openai"
    assert profile_for("auto", "https://acme.openai.azure.com/openai/v1/").name == "azure"
    assert profile_for("auto", "http://localhost:8080/v1").name == "portable"
    assert profile_for("llama.cpp", "http://localhost:8080/v1").name == "llama.cpp"


@pytest.mark.parametrize("status, message, proven, expected", [
    (400, "JSON schema conversion failed: Pattern must start with '^' and end with '$'", False, CAPABILITY),
    (500, "Input should be 'text' or 'json_object'", False, CAPABILITY),
    (400, "'response_format.type' must be 'json_schema' or 'text'", False, CAPABILITY),
    (400, "response_format value as json_schema is enabled only for api versions 2024-08-01-preview", False,
     CAPABILITY),
    (400, "This model's maximum context length is 8192 tokens", False, FATAL),
    (400, "Invalid schema for response_format", True, FATAL),
    (503, "Loading model", False, RETRYABLE),
    (429, "Rate limit reached", False, RETRYABLE),
    (500, "The server had an error while processing your request.", False, RETRYABLE),
    (401, "Incorrect API key provided", False, FATAL),
    (404, "model not found", False, FATAL),
])
def test_error_classes(status, message, proven, expected):
    assert classify(status, message, proven=proven) == expected


def test_the_ladder_steps_down_skips_known_refusals_and_ends():
    ladder = Capability(PROFILES["lmstudio"])
    assert ladder.mode == "strict"
    assert ladder.refused("strict", "x") and ladder.mode == "schema"
    assert ladder.refused("schema", "x") and ladder.mode == "prompt"  # json_object skipped for LM Studio
    assert not ladder.refused("prompt", "x")
    assert Capability(PROFILES["llama-cpp-python"]).mode == "json_object"
    assert Capability(PROFILES["openai"], strict=False).mode == "schema"


def test_a_late_refusal_of_a_rung_already_left_does_not_step_twice():
    ladder = Capability(PROFILES["portable"])
    ladder.refused("strict", "a")
    assert ladder.refused("strict", "b") and ladder.mode == "schema" and len(ladder.learned) == 1


def test_pacer_backs_off_grows_and_honours_retry_after():
    pacer = Pacer(start=2, maximum=4)
    pacer.overloaded(retry_after=0.3)
    assert pacer.limit == 1
    began = time.monotonic()
    with pacer.slot():
        waited = time.monotonic() - began
    assert waited >= 0.25
    for _ in range(3):
        pacer.ok()
    assert pacer.limit == 3
    assert retry_after_seconds({"retry-after-ms": "1500"}) == 1.5
    assert retry_after_seconds({"retry-after": "2"}) == 2.0


def test_pacer_never_exceeds_its_limit():
    pacer = Pacer(start=2, maximum=2)
    seen, active, lock = [], [0], threading.Lock()

    def work():
        with pacer.slot():
            with lock:
                active[0] += 1
                seen.append(active[0])
            time.sleep(0.01)
            with lock:
                active[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert max(seen) == 2


# --------------------------------------------------------------------------- grounding

SOURCES = ["About 9,300 card payments failed; 212 tickets; 5xx rate 64% from 10:05 to 10:57; "
           "traffic 600k payments/day; SLA 99.95%; revenue at risk EUR 1.2M; owner @kim-nakamura; team-payments; "
           "payments-api and card-gateway; 2026-04-07T10:05:00+02:00", "total_duration: 0:53 (53 minutes)"]


@pytest.mark.parametrize("text, expected", [
    ("9,300 payments failed and 212 tickets were opened at 10:05.", []),
    ("The outage cost $100,000,000.", ["$100,000,000"]),
    ("75% of users and 120 users.", ["75%", "120"]),
    ("64% errors for 53 minutes (about 1 hour), 600k payments a day, 99.95% SLA.", []),
    ("Revenue at risk was 1.2 million euros.", []),
    ("A 4-minute spike.", ["4-minute"]),
    ("It started at 2026-04-07T09:00:00+02:00.", ["2026-04-07T09:00:00+02:00"]),
    ("It started at 11:40 and lasted 0:50.", ["11:40", "0:50"]),
    ("HTTP/2, p99, INC-2026-0101, v1.2.3, x509, 3 steps, #123.", []),
])
def test_ungrounded_figures(text, expected):
    assert ungrounded_figures(text, Evidence.build(SOURCES, minutes=[53])) == expected
    assert ungrounded_figures(text, SOURCES) == expected  # "1 hour": the 53 minutes the text states, rounded


def test_services_and_owners():
    ev = Evidence.build(SOURCES, owners=["team-search"])
    assert unknown_services("payments-api called card-gateway and billing-service via `ledger-db`", ev) == [
        "billing-service", "ledger-db"]
    assert unknown_services("a follow-up on the short-term on-call rota", ev) == []
    assert owner_known("kim-nakamura", ev) and owner_known("@team-payments", ev) and owner_known("team-search", ev)
    assert not owner_known("team-checkout", ev) and not owner_known("incident-commander", ev)


def test_copied_prompt_text():
    own = OwnText.build(['- primary: the single failure (for example "the connection pool was capped at 5 '
                         'connections per pod"), not a symptom and not a person\'s action.'])
    ev = Evidence.build(SOURCES)
    assert own.copied("The connection pool was capped at 5 connections per pod.", ev)
    assert own.copied("Pool capped at 5 connections per pod, connection limits", ev)
    assert own.copied("the certificate chain was not trusted by card-gateway", ev) is None
    asked = OwnText.build(['Do not invent money figures; say "not quantified in the data" instead.'])
    assert asked.copied("Not quantified in the data.", ev) is None  # the phrase the prompt asks for
    assert asked.copied("Do not invent money figures.", ev)
    pool = Evidence.build(["the connection pool was capped at 5 connections per pod in the config"])
    assert own.copied("The connection pool was capped at 5 connections per pod.", pool) is None


@pytest.mark.parametrize("unit", ["1", "1,", "a-", "$1", "1k ", "`", "10:", "2026-04-07T", "1.", "1%", "1 min ",
                                  "@a ", "team-", "word ", "1 GB ", "1 of 2\n", "1\n", "1.5 hours "])
def test_grounding_time_grows_linearly_on_adversarial_text(unit):
    ev = Evidence.build(SOURCES)
    own = OwnText.build(["for example \"a b c d e f g h\""])

    def run(size: int) -> float:
        text = unit * (size // len(unit))
        began = time.perf_counter()
        Evidence.build([text])
        ungrounded_figures(text, ev)
        unknown_services(text, ev)
        own.copied(text, ev)
        return time.perf_counter() - began

    # Best of three each (the machine is shared): ten times the text, about ten times the time, never a hundred.
    small, large = min(run(2_000) for _ in range(3)), min(run(20_000) for _ in range(3))
    assert large < max(small, 0.01) * 40
