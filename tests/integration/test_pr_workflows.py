"""action.yml and the pull-request workflows: clean under actionlint and zizmor, least privilege,
pinned actions, timeouts, inputs through env only, and the fork-safe two-stage split."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from support.workflow_lint import actionlint, zizmor

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
WORKFLOWS = ROOT / ".github" / "workflows"
MINE = [WORKFLOWS / "postmortem-pr.yml", WORKFLOWS / "postmortem-pr-comment.yml", WORKFLOWS / "ci.yml"]


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # PyYAML reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def steps(path: Path) -> list[dict]:
    data = load(path)
    if "runs" in data:
        return data["runs"]["steps"]
    return [step for job in data["jobs"].values() for step in job.get("steps", [])]


def test_actionlint_finds_nothing_in_the_workflows():
    assert actionlint(*MINE) == []


def test_actionlint_finds_nothing_in_the_action_steps(tmp_path):
    """actionlint reads workflows, not action metadata: lint the composite steps as a workflow job whose
    inputs are the action's inputs (expressions, contexts, shell steps)."""
    action = load(ACTION)
    inputs = {name: {"type": "string", "required": False, "default": str(spec.get("default", ""))
                     if "${{" not in str(spec.get("default", "")) else ""}
              for name, spec in action["inputs"].items()}
    workflow = {"name": "action steps", "on": {"workflow_dispatch": {"inputs": inputs}}, "permissions": {},
                "jobs": {"action": {"runs-on": "ubuntu-latest", "timeout-minutes": 5,
                                    "steps": action["runs"]["steps"]}}}
    path = tmp_path / "action-as-workflow.yml"
    path.write_text(yaml.safe_dump(workflow, sort_keys=False), encoding="utf-8")
    assert actionlint(path) == []


@pytest.mark.parametrize("persona", ["regular", "pedantic"])
def test_zizmor_finds_nothing(persona):
    done = zizmor("--persona", persona, *MINE, ACTION)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", [*MINE, ACTION], ids=lambda p: p.name)
def test_actions_are_pinned_by_full_commit_sha_with_a_version_comment(path):
    for action, rest in re.findall(r"uses:\s*(\S+)(.*)", path.read_text(encoding="utf-8")):
        if action.startswith("./"):
            continue
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
        assert re.search(r"#\s*v\d+\.\d+\.\d+", rest), f"{action} has no version comment"


@pytest.mark.parametrize("path", [*MINE, ACTION], ids=lambda p: p.name)
def test_no_expression_is_interpolated_into_shell(path):
    for step in steps(path):
        assert "${{" not in step.get("run", ""), step.get("name")


@pytest.mark.parametrize("path", MINE, ids=lambda p: p.name)
def test_every_job_has_a_timeout_and_its_own_minimal_permissions(path):
    workflow = load(path)
    assert workflow["permissions"] == {}
    allowed = {"contents": "read", "pull-requests": "read"}
    for name, job in workflow["jobs"].items():
        assert 0 < job["timeout-minutes"] <= 30, name
        for scope, level in job["permissions"].items():
            if path.name == "postmortem-pr-comment.yml":
                assert (scope, level) in {("actions", "read"), ("contents", "read"), ("pull-requests", "write")}
            else:
                assert allowed.get(scope) == level, (name, scope, level)


def test_stage_one_is_unprivileged_and_uploads_the_result():
    workflow = load(WORKFLOWS / "postmortem-pr.yml")
    assert list(workflow["on"]) == ["pull_request"]  # never pull_request_target
    check = workflow["jobs"]["check"]
    uses = [s.get("uses", "") for s in check["steps"]]
    assert uses[1] == "./" and any(u.startswith("actions/upload-artifact@") for u in uses)
    assert check["steps"][1]["with"]["provider"] == "offline"
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
    draft = workflow["jobs"]["draft"]
    assert draft["environment"] == "postmortem-llm"  # required reviewers approve each run
    assert "github.event.pull_request.head.repo.full_name == github.repository" in draft["if"]  # never a fork
    tool = next(s for s in draft["steps"] if s.get("with", {}).get("path") == "tool")
    assert tool["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"  # trusted code runs with the key
    assert any(s.get("uses") == "./tool" for s in draft["steps"])


def test_stage_two_never_checks_out_pull_request_code():
    workflow = load(WORKFLOWS / "postmortem-pr-comment.yml")
    assert list(workflow["on"]) == ["workflow_run"]
    assert workflow["on"]["workflow_run"]["workflows"] == [load(WORKFLOWS / "postmortem-pr.yml")["name"]]
    (job,) = workflow["jobs"].values()
    assert "github.event.workflow_run.event == 'pull_request'" in job["if"]
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert "ref" not in checkout.get("with", {}) and "repository" not in checkout.get("with", {})
    download = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/download-artifact@"))
    assert download["with"]["run-id"] == "${{ github.event.workflow_run.id }}"
    post = next(s for s in job["steps"] if s.get("uses") == "./")
    assert post["with"]["stage"] == "post"
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_the_action_installs_itself_and_passes_every_input_through_env():
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    install, run = action["runs"]["steps"][1], action["runs"]["steps"][2]
    assert '"$GITHUB_ACTION_PATH"' in install["run"]
    referenced = set(re.findall(r"inputs\.([\w-]+)", yaml.safe_dump(run["env"])))
    assert referenced >= set(action["inputs"]) - {"python-version", "working-directory"}
    assert '"$postmortem" "${args[@]}"' in run["run"]


def test_the_action_script_runs_both_stages(github_emulator, tmp_path, monkeypatch):
    """The composite action's shell step, run by bash as the runner would, against the emulator."""
    import os
    import subprocess
    import sys

    from support.pr_data import draft_incident, draft_path
    from support.pr_scenario import PrScenario

    env: dict[str, str] = {}
    scenario = PrScenario(github_emulator, tmp_path, env)
    scenario.open({draft_path(3): draft_incident(3)})
    runner_temp = tmp_path / "runner"
    (runner_temp / "postmortem-kit-venv" / "bin").mkdir(parents=True)
    (runner_temp / "postmortem-kit-venv" / "bin" / "postmortem").symlink_to(Path(sys.executable).parent / "postmortem")
    script = load(ACTION)["runs"]["steps"][2]["run"]
    base = {**os.environ, **env, "RUNNER_TEMP": str(runner_temp), "PM_INCIDENT_DIRS": "postmortems",
            "PM_PROVIDER": "auto", "PM_DRAFTS": "true", "PM_OPENAI_API_KEY": "", "PM_OPENAI_BASE_URL": "",
            "PM_MODEL": "", "PM_CONFIG": "", "PM_CACHE_DIR": "", "PM_BOT_LOGIN": "", "PM_LINK_HOSTS": ""}
    base.pop("OPENAI_API_KEY", None)

    scenario.pull_request_event()
    check = {**base, **env, "PM_STAGE": "check", "PM_RESULT": str(scenario.result)}
    done = subprocess.run(["bash", "-c", script], cwd=scenario.workspace, env=check, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "exit status 0" in done.stdout and scenario.result.is_file()
    assert "exit-status=0" in scenario.output.read_text()

    scenario.workflow_run_event()
    post = {**base, **env, "PM_STAGE": "post", "PM_BOT_LOGIN": "github-actions[bot]",
            "PM_RESULT": f"  {scenario.result}\n  {tmp_path / 'absent-llm.json'}\n"}
    done = subprocess.run(["bash", "-c", script], cwd=scenario.workspace, env=post, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "sticky comment: created" in done.stdout
    assert len(scenario.review_comments()) == 12

    bad = subprocess.run(["bash", "-c", script], cwd=scenario.workspace, env={**post, "PM_STAGE": "deploy"},
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "input 'stage' must be check or post" in bad.stdout
