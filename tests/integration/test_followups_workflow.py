"""The follow-ups workflow: least privilege, pinned actions, timeouts, no interpolation into
shell; clean under actionlint and zizmor."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from support.workflow_lint import actionlint, zizmor

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "followups.yml"


def load() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_actionlint_finds_nothing():
    assert actionlint(WORKFLOW) == []


def test_zizmor_finds_nothing_even_pedantic():
    done = zizmor("--pedantic", WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr


def test_permissions_are_per_job_and_minimal():
    workflow = load()
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write", "issues": "write", "pull-requests": "write"}
    assert job["timeout-minutes"] <= 30
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_actions_are_pinned_by_full_commit_sha_with_a_version_comment():
    uses = re.findall(r"uses:\s*(\S+)(.*)", WORKFLOW.read_text(encoding="utf-8"))
    assert uses
    for action, rest in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
        assert re.search(r"#\s*v\d+\.\d+\.\d+", rest), f"{action} has no version comment"


def test_runs_on_pushes_to_the_default_branch_and_inputs_reach_shell_through_env_only():
    workflow = load()
    triggers = workflow[True] if True in workflow else workflow["on"]  # PyYAML reads `on` as a boolean
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), step["name"]
    sync = next(s for s in load()["jobs"]["sync"]["steps"] if s["name"] == "Sync follow-ups")
    assert sync["env"]["DRY_RUN"] == "${{ inputs.dry-run }}"
    assert "postmortem followups" in sync["run"]
