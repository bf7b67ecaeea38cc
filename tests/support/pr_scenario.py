"""A pull request on the GitHub emulator, its checkout and its Actions environment.

Used by tests/test_pr_*.py and scripts/bench/bench_pr.py::

    scenario = PrScenario(emu, tmp_path, env)           # env: a dict or pytest's monkeypatch
    scenario.open({"postmortems/INC-2026-0003.yaml": text})
    code = scenario.check(run_cli)                        # stage 1 on a real pull_request payload
    code = scenario.post(run_cli)                         # stage 2 on a real workflow_run payload

Events are the real webhook payloads extracted from @octokit/webhooks-examples
(tests/support/github/api/webhooks/).  Their structure is kept as it is; only the
identifiers that must agree with the emulated repository are set: the head
and base commit shas, the number of changed files, and for workflow_run the
triggering event (``pull_request``: the examples were triggered by other
events), the repository and the listed pull request.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from support.github.fixtures import BOT_TOKEN, load_webhook
from support.github.suggestion_batch import move_head

REPO = "Codertocat/Hello-World"
BASE_BRANCH = "master"


class _EnvDict:
    def __init__(self, target: dict):
        self.target = target

    def setenv(self, name: str, value: str) -> None:
        self.target[name] = value

    def delenv(self, name: str, raising: bool = False) -> None:
        self.target.pop(name, None)


class PrScenario:
    def __init__(self, emu, tmp_path: Path, env, *, repo: str = REPO, base_files: dict[str, str] | None = None):
        self.emu = emu
        self.tmp = Path(tmp_path)
        self.env = env if hasattr(env, "setenv") else _EnvDict(env)
        self.repo_name = repo
        self.workspace = self.tmp / "workspace"
        self.workspace.mkdir(parents=True, exist_ok=True)
        self.result = self.tmp / "result.json"
        self.summary = self.tmp / "summary.md"
        self.output = self.tmp / "output.txt"
        self.summary.write_text("", encoding="utf-8")
        self.output.write_text("", encoding="utf-8")
        files = {"README.md": "# Hello-World\n"}
        files.update(base_files or {})
        if repo not in emu.repos:
            emu.add_repo(repo, default_branch=BASE_BRANCH, files=files)
        self.repo = emu.repos[repo]
        self.issue = None
        self.head_repo: str | None = None
        self.events: list[Path] = []
        for path, text in files.items():
            self._write(path, text)
        self.env.setenv("GITHUB_TOKEN", BOT_TOKEN)
        self.env.setenv("GITHUB_API_URL", emu.url)
        self.env.setenv("GITHUB_REPOSITORY", repo)
        self.env.setenv("GITHUB_STEP_SUMMARY", str(self.summary))
        self.env.setenv("GITHUB_OUTPUT", str(self.output))
        self.env.delenv("OPENAI_API_KEY", raising=False)

    # --- the pull request ---

    def _write(self, path: str, text: str | None) -> None:
        target = self.workspace / path
        if text is None:
            if target.exists():
                target.unlink()
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def open(self, files: dict[str, str | None], *, number: int = 2, fork: str | None = None,
             user: str = "Codertocat") -> PrScenario:
        """Open pull request ``number`` from branch ``changes`` with ``files`` (path -> text, None deletes)."""
        self.head_repo = fork
        if fork and fork not in self.emu.repos:
            self.emu.add_repo(fork, default_branch=BASE_BRANCH).fork = True
        self.issue = self.emu.add_pull(self.repo_name, title="Add incident", user=user, head="changes",
                                       files=files, number=number, head_repo=fork)
        for path, text in files.items():
            self._write(path, text)
        return self

    def push(self, files: dict[str, str | None]) -> str:
        """A new commit on the pull request's branch (the workspace follows); returns its sha."""
        pull = self.issue.pull
        old_head = pull.head_sha
        sha = self.repo.commit_files(pull.head_ref, files, "Update incident", self.issue.user)
        move_head(self.repo, self.issue, old_head, sha)
        for path, text in files.items():
            self._write(path, text)
        return sha

    def apply_suggestions(self, comments: list, user: str = "reviewer") -> str:
        """A reviewer batches ``comments`` (review comments with suggestions) into one commit, as on
        GitHub; the workspace follows the branch."""
        self.emu.add_user(user)
        self.repo.collaborators.setdefault(user, "write")
        sha = self.emu.apply_suggestions(self.repo_name, self.issue.number, [c.id for c in comments], user=user)
        for path in {c.path for c in comments}:
            self._write(path, self.repo.read_file(self.issue.pull.head_ref, path))
        return sha

    @property
    def head_sha(self) -> str:
        return self.issue.pull.head_sha

    # --- events ---

    def pull_request_event(self, name: str = "pull_request.opened.1") -> Path:
        payload = copy.deepcopy(load_webhook(name))
        pull = self.issue.pull
        pr = payload["pull_request"]
        pr["number"] = payload["number"] = self.issue.number
        pr["head"]["sha"] = pull.head_sha
        pr["base"]["sha"] = pull.base_sha
        pr["changed_files"] = len(pull.files)
        payload["repository"]["full_name"] = self.repo_name
        pr["base"]["repo"]["full_name"] = self.repo_name
        if self.head_repo:
            pr["head"]["repo"]["full_name"] = self.head_repo
            pr["head"]["repo"]["fork"] = True
        else:
            pr["head"]["repo"]["full_name"] = self.repo_name
        return self._save(payload, "pull_request")

    def workflow_run_event(self, name: str = "workflow_run.completed.3", *, list_pull: bool = True,
                           conclusion: str = "failure") -> Path:
        payload = copy.deepcopy(load_webhook(name))
        run = payload["workflow_run"]
        run["event"] = "pull_request"
        run["conclusion"] = conclusion
        run["head_sha"] = self.issue.pull.head_sha
        payload["repository"]["full_name"] = self.repo_name
        payload["repository"]["id"] = self.repo.id
        run["repository"]["full_name"] = self.repo_name
        run["head_repository"]["full_name"] = self.head_repo or self.repo_name
        entries = []
        if list_pull and not self.head_repo:  # GitHub lists no pull requests for a fork's run
            entries = [{"url": f"{self.emu.url}/repos/{self.repo_name}/pulls/{self.issue.number}",
                        "id": self.issue.id, "number": self.issue.number,
                        "head": {"ref": "changes", "sha": self.issue.pull.head_sha,
                                 "repo": {"id": self.repo.id, "url": f"{self.emu.url}/repos/{self.repo_name}",
                                          "name": self.repo.name}},
                        "base": {"ref": BASE_BRANCH, "sha": self.issue.pull.base_sha,
                                 "repo": {"id": self.repo.id, "url": f"{self.emu.url}/repos/{self.repo_name}",
                                          "name": self.repo.name}}}]
        run["pull_requests"] = entries
        return self._save(payload, "workflow_run")

    def _save(self, payload: dict[str, Any], name: str) -> Path:
        path = self.tmp / f"event-{len(self.events) + 1}-{name}.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        self.events.append(path)
        self.env.setenv("GITHUB_EVENT_PATH", str(path))
        self.env.setenv("GITHUB_EVENT_NAME", name)
        return path

    # --- the two stages through the CLI ---

    def check(self, run_cli, *extra: str, event: str = "pull_request.opened.1") -> tuple[int, str, str]:
        self.pull_request_event(event)
        return run_cli("pr", "check", "--workspace", str(self.workspace), "--out", str(self.result),
                       "--cache-dir", str(self.tmp / "cache"), *extra)

    def post(self, run_cli, *extra: str, event: str = "workflow_run.completed.3", results: list[str] | None = None,
             **event_options) -> tuple[int, str, str]:
        self.workflow_run_event(event, **event_options)
        return run_cli("pr", "post", *(results or [str(self.result)]), "--writes-per-minute", "100000", *extra)

    # --- what is on the pull request ---

    def comments(self) -> list:
        return [c for c in self.repo.comments.values() if c.issue_number == self.issue.number]

    def review_comments(self) -> list:
        return [c for c in self.repo.review_comments.values() if c.pull_number == self.issue.number]

    def summary_text(self) -> str:
        return self.summary.read_text(encoding="utf-8")
