"""The exported pre-commit hook, run by real `pre-commit try-repo` in a temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.examples import edited, example_text

PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory, repo_root):
    if shutil.which("git") is None:
        pytest.fail("git is required for the pre-commit test")
    home = tmp_path_factory.mktemp("pre-commit-home")
    # try-repo clones the hook repository; use a snapshot of the working tree so
    # the test exercises the files as they are, committed or not.
    snapshot = tmp_path_factory.mktemp("hook-repo")
    for name in (".pre-commit-hooks.yaml", "pyproject.toml", "README.md"):
        shutil.copy2(repo_root / name, snapshot / name)
    shutil.copytree(repo_root / "scripts", snapshot / "scripts", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(repo_root / "schema", snapshot / "schema")
    _git(snapshot, "init", "-q")
    _git(snapshot, "add", "-A")
    _git(snapshot, "commit", "-qm", "snapshot")
    user_repo = tmp_path_factory.mktemp("user-repo")
    _git(user_repo, "init", "-q")
    (user_repo / "postmortems").mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    return snapshot, user_repo, env


def _try_repo(hook_env, *files: str) -> subprocess.CompletedProcess:
    snapshot, user_repo, env = hook_env
    return subprocess.run([*PRE_COMMIT, "try-repo", str(snapshot), "postmortem-check", "--files", *files],
                          cwd=user_repo, env=env, capture_output=True, text=True, timeout=900)


def test_hook_passes_a_good_file_and_blocks_a_bad_one(hook_env):
    _, user_repo, _ = hook_env
    good = user_repo / "postmortems" / "INC-2026-0001.yaml"
    good.write_text(example_text())
    bad = user_repo / "postmortems" / "INC-2026-0002.yaml"
    bad.write_text(edited("id: INC-2026-0001", "id: INC-2026-0002").replace("severity: SEV2", "severity: SEV7"))
    _git(user_repo, "add", "-A")

    passed = _try_repo(hook_env, "postmortems/INC-2026-0001.yaml")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout

    blocked = _try_repo(hook_env, "postmortems/INC-2026-0002.yaml")
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "Failed" in blocked.stdout
    assert "postmortems/INC-2026-0002.yaml:" in blocked.stdout and "schema/enum" in blocked.stdout
