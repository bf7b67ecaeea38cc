"""A repository for follow-up sync tests: incident files on disk and the same files on the
default branch of a GitHub emulator repository, the environment a push workflow sees, and
helpers to run `postmortem followups` and read the resulting issues."""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from support.examples import example_text
from support.github.emulator import GitHubEmulator
from support.github.fixtures import BOT_LOGIN, BOT_TOKEN, WEBHOOKS, VirtualClock, load_webhook

PUSH_TO_DEFAULT = "push.5"  # a real push to refs/heads/master of Codertocat/Hello-World
TRACKING = re.compile(r'tracking: "#\d+"')


def incident_text(base: str = "INC-2026-0002", new_id: str | None = None) -> str:
    """An example incident with every tracking field set to ``new`` (and another id, if given)."""
    text = TRACKING.sub("tracking: new", example_text(base))
    if new_id:
        text = text.replace(f"id: {base}\n", f"id: {new_id}\n", 1)
    return text


@dataclass(frozen=True)
class IssueView:
    number: int
    title: str
    state: str
    state_reason: str | None
    labels: tuple[str, ...]
    assignees: tuple[str, ...]
    author: str
    incident: str | None


class World:
    def __init__(self, tmp_path: Path, emu: GitHubEmulator, monkeypatch, *, event: str = PUSH_TO_DEFAULT,
                 collaborators: dict[str, str] | None = None):
        self.emu = emu
        payload = load_webhook(event)
        self.repository = payload["repository"]["full_name"]
        self.branch = payload["repository"]["default_branch"]
        self.root = tmp_path / "checkout"
        (self.root / "postmortems").mkdir(parents=True)
        self.repo = emu.add_repo(self.repository, default_branch=self.branch, collaborators=collaborators or {})
        self.clock = VirtualClock()
        self.status_file = tmp_path / "status.json"
        monkeypatch.chdir(self.root)
        monkeypatch.setenv("GITHUB_TOKEN", BOT_TOKEN)
        monkeypatch.setenv("GITHUB_API_URL", emu.url)
        monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
        monkeypatch.setenv("GITHUB_REPOSITORY", self.repository)
        monkeypatch.setenv("GITHUB_EVENT_NAME", "push")
        monkeypatch.setenv("GITHUB_EVENT_PATH", str(WEBHOOKS / f"{event}.json"))
        monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
        from postmortem_kit.cli import followups
        monkeypatch.setattr(followups, "CLOCK", self.clock.now)
        monkeypatch.setattr(followups, "SLEEP", self.clock.sleep)

    # --- files ---

    def path(self, incident_id: str) -> Path:
        return self.root / "postmortems" / f"{incident_id}.yaml"

    def write(self, incident_id: str, text: str, *, push: bool = True) -> Path:
        """Write an incident file in the checkout and (``push``) commit it to the default branch."""
        path = self.path(incident_id)
        path.write_bytes(text.encode("utf-8"))
        if push:
            self.repo.commit_files(self.branch, {f"postmortems/{incident_id}.yaml": text}, f"Add {incident_id}")
        return path

    def remove(self, incident_id: str) -> None:
        self.path(incident_id).unlink()
        self.repo.commit_files(self.branch, {f"postmortems/{incident_id}.yaml": None}, f"Remove {incident_id}")

    def text(self, incident_id: str) -> str:
        return self.path(incident_id).read_text(encoding="utf-8")

    def on_branch(self, branch: str, incident_id: str) -> str | None:
        return self.repo.read_file(branch, f"postmortems/{incident_id}.yaml")

    def merge(self, branch: str = "postmortem-kit/follow-up-tracking") -> None:
        """Merge the tracking pull request (fast-forward) and pull it into the checkout."""
        git = self.repo.git
        git.refs[f"refs/heads/{self.branch}"] = git.refs[f"refs/heads/{branch}"]
        for issue in self.repo.pulls():
            if issue.pull.head_ref == branch and issue.state == "open":
                issue.state, issue.pull.merged = "closed", True
        for path in (self.root / "postmortems").glob("*.yaml"):
            text = self.on_branch(self.branch, path.stem)
            if text is not None:
                path.write_bytes(text.encode("utf-8"))

    # --- running ---

    def run(self, *argv: str) -> tuple[int, str, str]:
        from postmortem_kit.cli.main import main

        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["followups", *argv, "--status-file", str(self.status_file)])
        return code, out.getvalue(), err.getvalue()

    def status(self) -> dict:
        return json.loads(self.status_file.read_text(encoding="utf-8"))

    # --- GitHub state ---

    def issues(self) -> list[IssueView]:
        from postmortem_kit.followups import parse

        views = []
        for number, issue in sorted(self.repo.plain_issues().items()):
            marker = parse(issue.body)
            views.append(IssueView(number, issue.title, issue.state, issue.state_reason,
                                   tuple(sorted(issue.labels)), tuple(issue.assignees), issue.user,
                                   marker.incident if marker else None))
        return views

    def titles(self, state: str | None = None) -> list[str]:
        return [view.title for view in self.issues() if state is None or view.state == state]

    def writes(self) -> list:
        return [call for call in self.emu.calls if call.is_write]

    def list_passes(self) -> int:
        """Issue list passes: requests for the first page of the issue list."""
        from urllib.parse import parse_qs

        return sum(1 for call in self.emu.calls_to("issues/list-for-repo")
                   if parse_qs(call.query).get("page", ["1"]) == ["1"])


BOT = BOT_LOGIN
