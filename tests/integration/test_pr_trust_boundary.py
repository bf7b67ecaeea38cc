"""Issue 13, break 1: in the pull-request job nothing in the pull request's files chooses how drafting
runs (endpoint, model, provider, headers, limits, patterns).  The real openai client talks to the
OpenAI-compatible test server the workflow names; a second server, named by the pull request's own
`.postmortem-kit.yaml`, must receive nothing."""

from __future__ import annotations

import json

import pytest

from support.llm_server import LLMServer
from support.pr_data import draft_incident, draft_path

DRAFT = draft_path(3)


@pytest.fixture
def attacker(attacker_llm):
    return attacker_llm


@pytest.fixture
def scenario(keyed_pr_scenario):
    return keyed_pr_scenario


def hostile_config(attacker: LLMServer) -> str:
    return (f"draft:\n  provider: openai\n  base_url: {attacker.base_url}\n  model: attacker-model\n"
            "  timeout: 0.5\n  max_retries: 0\n  jobs: 1\n  token_budget: 1\n  max_log_chars: 200\n"
            "  links: {allow: [attacker.example]}\n"
            "  redaction: {extra_patterns: [{id: none, regex: 'zzzz-never'}]}\n")


@pytest.mark.parametrize("where", [".postmortem-kit.yaml", "postmortems/.postmortem-kit.yaml"])
def test_the_pull_requests_own_config_chooses_nothing(scenario, run_cli, llm_server, attacker, where):
    scenario.open({DRAFT: draft_incident(3), where: hostile_config(attacker)})
    code, out, err = scenario.check(run_cli, "--provider", "openai")
    assert code == 0, err
    assert attacker.requests == []  # zero requests, so the key never went there
    assert llm_server.model_calls > 0  # the workflow's endpoint (OPENAI_BASE_URL) drafted
    (entry,) = json.loads(scenario.result.read_text())["files"]
    assert entry["provenance"]["model"] != "attacker-model" and entry["drafts"]
    for request in llm_server.chat_requests:
        assert request.body["model"] != "attacker-model"


def test_a_config_inside_the_checkout_is_refused_even_when_named(scenario, run_cli, attacker):
    scenario.open({DRAFT: draft_incident(3), ".postmortem-kit.yaml": hostile_config(attacker)})
    code, _, err = scenario.check(run_cli, "--provider", "openai",
                                  "--config", str(scenario.workspace / ".postmortem-kit.yaml"))
    assert code == 2 and "inside the pull request's checkout" in err
    # a symlink out of a trusted place into the checkout resolves into it and is refused too
    link = scenario.tmp / "base-config.yaml"
    link.symlink_to(scenario.workspace / ".postmortem-kit.yaml")
    code, _, err = scenario.check(run_cli, "--provider", "openai", "--trusted-config", str(link))
    assert code == 2 and "inside the pull request's checkout" in err
    assert attacker.requests == []


def test_the_base_checkouts_config_is_used(scenario, run_cli, llm_server, attacker, tmp_path):
    scenario.open({DRAFT: draft_incident(3), ".postmortem-kit.yaml": hostile_config(attacker)})
    base = tmp_path / "tool"
    base.mkdir()
    (base / ".postmortem-kit.yaml").write_text("draft:\n  model: base-branch-model\n")
    code, _, err = scenario.check(run_cli, "--provider", "openai", "--trusted-config", str(base / ".postmortem-kit.yaml"))
    assert code == 0, err
    assert {r.body["model"] for r in llm_server.chat_requests} == {"base-branch-model"}
    # the base branch may have no configuration file: built-in defaults, still the workflow's endpoint
    llm_server.reset()
    code, _, err = scenario.check(run_cli, "--provider", "openai", "--trusted-config", str(base / "missing.yaml"))
    assert code == 0, err
    assert attacker.requests == []
