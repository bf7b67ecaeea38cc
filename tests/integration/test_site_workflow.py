"""The Pages publishing workflow: strict build, artifact then deploy, least privilege, pinned actions."""

from __future__ import annotations

import re

import pytest
import yaml

from support.site_fixtures import ROOT
from support.workflow_lint import actionlint, zizmor

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


@pytest.fixture(scope="module")
def workflow():
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_runs_on_push_to_the_default_branch(workflow):
    triggers = workflow.get("on", workflow.get(True))
    assert triggers["push"]["branches"] == ["main"]
    assert "pull_request" not in triggers and "pull_request_target" not in triggers


def test_build_then_deploy_with_pages_permissions_only_in_deploy(workflow):
    assert workflow["permissions"] == {}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert "pages" not in build["permissions"] and "id-token" not in build["permissions"]
    assert all(value == "read" for value in build["permissions"].values())
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    for job in (build, deploy):
        assert 0 < job["timeout-minutes"] <= 30
    runs = [step.get("run", "") for step in build["steps"]]
    assert any(re.search(r"^mkdocs build --strict$", run.strip()) for run in runs)
    uses = [step["uses"].split("@")[0] for step in build["steps"] if "uses" in step]
    assert uses[-1] == "actions/upload-pages-artifact"
    upload = build["steps"][-1]
    site_dir = yaml.safe_load(re.sub(r"!ENV", "", (ROOT / "mkdocs.yml").read_text(encoding="utf-8")))["site_dir"]
    assert upload["with"]["path"] == site_dir
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]


def test_actions_are_pinned_by_commit_with_a_version_comment():
    lines = [line for line in WORKFLOW.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert len(lines) == 4
    for line in lines:
        assert re.search(r"uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line


def test_no_expression_is_interpolated_into_a_shell(workflow):
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), step


def test_actionlint_and_zizmor_are_clean():
    assert actionlint(WORKFLOW) == []
    done = zizmor(WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr
