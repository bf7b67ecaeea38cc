"""A git repository of this project at its release tag, made from the working tree (so uncommitted
changes are in it), for tests that consume a release the way adopters do: pre-commit's `rev:`, the
Action's `uses: …@vX.Y.Z`. Nothing is fetched: the repository is a local folder."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from postmortem_kit import __version__

ROOT = Path(__file__).resolve().parents[2]
TAG = f"v{__version__}"
GIT_ENV = {"GIT_AUTHOR_NAME": "release", "GIT_AUTHOR_EMAIL": "release@example.invalid",
           "GIT_COMMITTER_NAME": "release", "GIT_COMMITTER_EMAIL": "release@example.invalid",
           "GIT_CONFIG_NOSYSTEM": "1"}


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false",
                           "-c", "tag.gpgsign=false", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}, timeout=120, check=False)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def tracked_files() -> list[str]:
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    return [name for name in listed if name and (ROOT / name).is_file()]


def make_release_repo(target: Path, tag: str = TAG) -> Path:
    """Copy the project's files to ``target``, commit them and tag the commit ``tag`` (annotated)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in tracked_files():
        if name.startswith(("tests/", "scripts/bench/")):
            continue  # what a release needs, not the test suite
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, destination)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", f"Release {tag}")
    git(target, "tag", "-a", tag, "-m", f"postmortem-kit {tag}")
    return target
