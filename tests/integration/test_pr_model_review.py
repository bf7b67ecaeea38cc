"""`postmortem pr check --review`: the model's second opinion in the pull-request job.

Only the workflow (its command line and the trusted configuration) can switch it on or choose the
model and endpoint; the pull request's own files cannot.  Its answers reach the sticky comment as
warnings and annotated messages, neutralised like every other model text."""

from __future__ import annotations

import json

import pytest
from test_pr_hostile import assert_inert
from test_pr_trust_boundary import hostile_config

from support.github.fixtures import BOT_LOGIN
from support.llm_server import LLMServer
from support.pr_data import example
from support.review_answers import Oracle

PATH = "postmortems/INC-2026-0001.yaml"
BLAME = "The on-call engineer failed to notice the pool alert. "
MISSED = "a value copied from the staging profile"
PAYLOAD = "fine @octocat <img src=https://evil.example/x.gif> see #12"


def blamed_incident() -> str:
    return example("INC-2026-0001").replace("    Release v2026.03.14-1 read", f"    {BLAME}Release v2026.03.14-1 read", 1)


def decide(fields, candidates):
    return {"candidates": [{"id": c["id"], "verdict": "dismiss", "reason": PAYLOAD} for c in candidates],
            "missed": [{"field": "root_cause.technical_details", "quote": MISSED, "rewrite": f"The staging value stayed. {PAYLOAD}",
                        "reason": PAYLOAD}]}


@pytest.fixture
def attacker(attacker_llm):
    return attacker_llm


@pytest.fixture
def scenario(keyed_pr_scenario):
    return keyed_pr_scenario


def review_requests(server: LLMServer) -> list:
    return server.requests_for("review")


def test_review_findings_reach_the_sticky_comment_inert(scenario, run_cli, llm_server):
    scenario.open({PATH: blamed_incident()})
    base_code, _, _ = scenario.check(run_cli, "--no-drafts")
    base = json.loads(scenario.result.read_text())["files"][0]
    assert llm_server.requests == []
    llm_server.default = Oracle(decide)
    code, out, err = scenario.check(run_cli, "--no-drafts", "--review", "--model", "review-model")
    assert code == base_code, err
    assert len(review_requests(llm_server)) == 1 and llm_server.chat_requests[0].body["model"] == "review-model"
    entry = json.loads(scenario.result.read_text())["files"][0]
    assert entry["outcome"] == base["outcome"] and entry["counts"]["error"] == base["counts"]["error"]
    assert entry["counts"]["warning"] == base["counts"]["warning"] + 1
    (missed,) = [f for f in entry["findings"] if f["rule"] == "review/BLM001"]
    assert missed["severity"] == "warning" and missed["suggestion"].startswith("The staging value stayed.")
    assert any("model: likely fine" in f["message"] for f in entry["findings"] if f["rule"].startswith("blameless/"))
    assert "model review by review-model" in scenario.summary_text()
    assert scenario.post(run_cli)[0] == 0
    sticky = next(c for c in scenario.comments() if c.user == BOT_LOGIN)
    assert "review/BLM001" in sticky.body and "model: likely fine" in sticky.body
    assert_inert(sticky.body)
    # the same head again: answered from the cache, no request
    assert scenario.check(run_cli, "--no-drafts", "--review", "--model", "review-model",
                          event="pull_request.synchronize.1")[0] == base_code
    assert len(review_requests(llm_server)) == 1


def test_the_pull_requests_files_cannot_enable_or_steer_the_review(scenario, run_cli, llm_server, attacker):
    hostile = hostile_config(attacker).replace("draft:\n", "draft:\n  review: true\n")
    scenario.open({PATH: blamed_incident(), ".postmortem-kit.yaml": hostile,
                   "postmortems/.postmortem-kit.yaml": hostile})
    code, _, err = scenario.check(run_cli, "--no-drafts", "--provider", "openai")
    assert attacker.requests == [] and llm_server.requests == []  # not enabled by the files
    llm_server.default = Oracle(decide)
    code, _, err = scenario.check(run_cli, "--no-drafts", "--provider", "openai", "--review")
    assert attacker.requests == []  # the endpoint, model and limits are the workflow's
    assert review_requests(llm_server) and {r.body["model"] for r in llm_server.chat_requests} == {"gpt-4.1-mini"}


def test_a_fork_is_never_reviewed(scenario, run_cli, llm_server):
    scenario.open({PATH: blamed_incident()}, fork="attacker/Hello-World")
    code, _, err = scenario.check(run_cli, "--no-drafts", "--review")
    assert llm_server.requests == []
    assert "a pull request from a fork is never sent to a model" in scenario.summary_text()


def test_the_action_input_is_the_only_switch(repo_root):
    import yaml

    action = yaml.safe_load((repo_root / "action.yml").read_text(encoding="utf-8"))
    assert action["inputs"]["review"]["default"] == "false"
    run = action["runs"]["steps"][2]
    assert run["env"]["PM_REVIEW"] == "${{ inputs.review }}"
    assert 'if [ "${PM_REVIEW:-false}" = "true" ]; then args+=(--review); fi' in run["run"]
