"""Model drafting in the pull-request job: the real openai client against the OpenAI-compatible test
server, the draft cache making an unchanged re-run free, and injected model output made inert."""

from __future__ import annotations

import json

import pytest
from test_pr_hostile import assert_inert

from support.github.fixtures import BOT_LOGIN
from support.llm_server import Injection
from support.pr_data import draft_incident, draft_path
from support.pr_scenario import PrScenario

DRAFT = draft_path(3)


@pytest.fixture
def scenario(github_emulator, tmp_path, monkeypatch, openai_env):
    scenario = PrScenario(github_emulator, tmp_path, monkeypatch)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key-0000000000000000")  # PrScenario clears it
    return scenario


def test_same_input_means_no_model_calls_and_no_writes(scenario, run_cli, llm_server, github_emulator):
    scenario.open({DRAFT: draft_incident(3)})
    code, out, err = scenario.check(run_cli, "--model", "test-model")
    assert code == 0, err
    result = json.loads(scenario.result.read_text())
    (entry,) = result["files"]
    assert result["provider"] == "openai" and entry["provenance"]["model"] == "test-model"
    assert entry["usage"]["model_calls"] == llm_server.model_calls > 0
    drafted = {d["section"] for d in entry["drafts"]}
    assert drafted and not entry["dropped"]
    assert scenario.post(run_cli)[0] == 0
    assert len(scenario.review_comments()) == len(drafted)
    sticky = next(c for c in scenario.comments() if c.user == BOT_LOGIN)
    assert "openai provider, model `test-model`" in sticky.body

    calls = llm_server.model_calls
    github_emulator.reset_calls()
    assert scenario.check(run_cli, "--model", "test-model", event="pull_request.synchronize.1")[0] == 0
    assert llm_server.model_calls == calls  # every section came from the cache
    assert json.loads(scenario.result.read_text())["files"][0]["usage"]["cache_hits"] == len(drafted)
    assert scenario.post(run_cli)[0] == 0
    assert github_emulator.stats().writes == 0

    before = {d["section"]: d["yaml"] for d in entry["drafts"]}
    scenario.push({DRAFT: draft_incident(3).replace("9M queries/day", "12M queries/day")})
    assert scenario.check(run_cli, "--model", "test-model", event="pull_request.synchronize.1")[0] == 0
    assert llm_server.model_calls > calls  # changed inputs: drafted again
    after = {d["section"]: d["yaml"] for d in json.loads(scenario.result.read_text())["files"][0]["drafts"]}
    changed = sum(1 for section in after if after[section] != before.get(section))
    code, out, _ = scenario.post(run_cli)
    assert code == 0 and "sticky comment: updated in place" in out  # new commit, new status line
    assert f"({changed} new, {len(after) - changed} already there)" in out  # only changed drafts are re-posted


def test_injected_model_output_reaches_no_comment_unneutralised(scenario, run_cli, llm_server):
    llm_server.default = Injection()
    scenario.open({DRAFT: draft_incident(3)})
    assert scenario.check(run_cli, "--model", "test-model")[0] == 0
    assert scenario.post(run_cli)[0] == 0
    bodies = [c.body for c in scenario.comments()] + [c.body for c in scenario.review_comments()]
    assert any("evil.example" in body for body in bodies)  # the payload arrived ...
    for body in bodies:
        assert_inert(body)  # ... and is inert everywhere
