"""The reusable workflow (on: workflow_call) adopters call for the pull-request job: clean under
actionlint and zizmor, and the caller in docs/pages/guide/adopt.md is about ten lines that lint clean too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from support.workflow_lint import actionlint, zizmor

ROOT = Path(__file__).resolve().parents[2]
REUSABLE = ROOT / ".github" / "workflows" / "postmortem-check.yml"


def caller() -> str:
    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "docs" / "pages" / "guide" / "adopt.md").read_text(), re.S)
    [block] = [b for b in blocks if "postmortem-check.yml@" in b]
    return block


def test_the_reusable_workflow_is_called_by_workflow_call():
    data = yaml.safe_load(REUSABLE.read_text())
    assert "workflow_call" in data[True]
    assert data["permissions"] == {}


def test_the_reusable_workflow_lints_clean():
    assert actionlint(REUSABLE) == []


@pytest.mark.parametrize("persona", ["regular", "pedantic"])
def test_zizmor_finds_nothing_in_the_reusable_workflow(persona):
    done = zizmor("--persona", persona, REUSABLE)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_adopters_caller_is_about_ten_lines_and_lints_clean(tmp_path):
    text = caller()
    assert len(text.strip().splitlines()) <= 12
    path = tmp_path / ".github" / "workflows" / "postmortem-pr.yml"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    assert actionlint(path) == []
