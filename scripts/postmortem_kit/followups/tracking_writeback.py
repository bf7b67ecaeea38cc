"""Record issue numbers in the follow-ups' ``tracking`` fields, in the repository itself.

Modes (``--write-back``):

* ``pr`` (default): one commit on the branch ``postmortem-kit/follow-up-tracking``
  (followups/texts.yaml), built on the tip of the default branch through
  the git data API, and one pull request from it. Each run rebuilds the
  branch from the current default branch and force-moves it, so there is
  only ever one such pull request, updated in place; history on the default
  branch is only ever added to, by merging it.
* ``commit``: the same commit, fast-forwarded onto the default branch
  (where branch protection allows the token to push).
* ``local``: rewrite the files in the working tree (for a person running the
  command by hand, who then commits).
* ``off``: nothing.

While that pull request is unmerged, its branch is where the issue numbers
are recorded: ``recorded_tracking`` reads them back, so an issue of the sync
whose hidden marker a person edited out is still known by its number (only
read when there is such an issue; see followups/plan.py).

A file whose blob on the default branch differs from the checkout this run
read is skipped: it changed since, and the push that changed it starts the
next run, which writes its tracking. A rerun whose branch and pull request
already hold exactly these changes makes no write at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from postmortem_kit.core import write_atomic
from postmortem_kit.followups.source import Incident
from postmortem_kit.followups.texts import fill, texts
from postmortem_kit.followups.tracking_text import TrackingEditError, rewrite_tracking, tracking_values
from postmortem_kit.github import WriteGate, describe_error, is_transient

MODES = ("pr", "commit", "local", "off")


@dataclass
class TrackingChange:
    incident: Incident
    index: int  # 0-based follow-up position
    old: str
    new: str
    action: str


@dataclass
class WritebackResult:
    mode: str
    result: str  # nothing, off, planned, written, committed, pull-request-opened, pull-request-updated, unchanged, failed
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "path: reason"
    url: str | None = None
    error: str | None = None


def git_blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def describe_changes(changes: list[TrackingChange]) -> str:
    lines = [f"- `{c.incident.repo_path}`: follow-up {c.index + 1} ({c.action[:80]}): `{c.old}` → `{c.new}`"
             for c in sorted(changes, key=lambda c: (c.incident.repo_path, c.index))]
    return "\n".join(lines)


def _by_file(changes: list[TrackingChange]) -> dict[str, list[TrackingChange]]:
    grouped: dict[str, list[TrackingChange]] = {}
    for change in changes:
        grouped.setdefault(change.incident.repo_path, []).append(change)
    return dict(sorted(grouped.items()))


def _edit(path: str, raw: bytes, changes: list[TrackingChange]) -> bytes:
    return rewrite_tracking(raw, path, {c.index: c.new for c in changes})


def write_local(changes: list[TrackingChange]) -> WritebackResult:
    result = WritebackResult("local", "nothing")
    for repo_path, group in _by_file(changes).items():
        local = Path(group[0].incident.path)
        try:
            new = _edit(repo_path, local.read_bytes(), group)
        except (OSError, TrackingEditError) as error:
            result.skipped.append(f"{repo_path}: {error}")
            continue
        write_atomic(local, new)
        result.files.append(repo_path)
    if result.files:
        result.result = "written"
    return result


def recorded_tracking(repo, incidents: list[Incident], branch: str | None = None) -> dict[tuple[str, int], str]:
    """(incident id, follow-up index) -> the tracking value the unmerged tracking branch records, for
    the follow-ups still ``tracking: new`` here. Nothing when there is no such branch."""
    from github.GithubException import GithubException

    waiting = [incident for incident in incidents if any(f.tracking == "new" for f in incident.follow_ups)]
    if not waiting:
        return {}
    branch = branch or texts()["writeback"]["branch"]
    try:
        repo.get_git_ref(f"heads/{branch}")
    except GithubException as error:
        if error.status == 404:
            return {}
        raise
    recorded: dict[tuple[str, int], str] = {}
    for incident in waiting:
        try:
            content = repo.get_contents(incident.repo_path, ref=branch)
        except GithubException as error:
            if error.status == 404:
                continue
            raise
        if isinstance(content, list) or content.type != "file":
            continue
        values = tracking_values(content.decoded_content, incident.repo_path)
        for follow_up in incident.follow_ups:
            value = values.get(follow_up.index)
            if follow_up.tracking == "new" and value not in (None, "new"):
                recorded[(incident.id, follow_up.index)] = value
    return recorded


class TrackingPublisher:
    """Puts the rewritten files on GitHub as a pull request or a direct commit."""

    def __init__(self, repo, gate: WriteGate, default_branch: str, *, branch: str | None = None):
        self.repo = repo
        self.gate = gate
        self.default_branch = default_branch
        self.branch = branch or texts()["writeback"]["branch"]

    def publish(self, changes: list[TrackingChange], mode: str) -> WritebackResult:
        result = WritebackResult(mode, "nothing")
        if not changes:
            return result
        try:
            self._publish(changes, mode, result)
        except Exception as error:  # noqa: BLE001 - issues are synced already; report and go on
            result.result = "failed"
            result.error = describe_error(error)
        return result

    def _publish(self, changes: list[TrackingChange], mode: str, result: WritebackResult) -> None:
        from github import InputGitTreeElement

        main_ref = self.repo.get_git_ref(f"heads/{self.default_branch}")
        main_sha = main_ref.object.sha
        main_commit = self.repo.get_git_commit(main_sha)
        main_tree = self.repo.get_git_tree(main_commit.tree.sha, recursive=True)
        on_main = {entry.path: (entry.sha, entry.mode) for entry in main_tree.tree if entry.type == "blob"}

        new_files: dict[str, tuple[bytes, str]] = {}
        for repo_path, group in _by_file(changes).items():
            local = Path(group[0].incident.path)
            try:
                raw = local.read_bytes()
            except OSError as error:
                result.skipped.append(f"{repo_path}: cannot read ({error.strerror})")
                continue
            if repo_path not in on_main:
                result.skipped.append(f"{repo_path}: not on {self.default_branch}")
                continue
            if git_blob_sha(raw) != on_main[repo_path][0]:
                result.skipped.append(f"{repo_path}: changed on {self.default_branch} since this checkout; "
                                      "the next run records its tracking")
                continue
            try:
                new_files[repo_path] = (_edit(repo_path, raw, group), on_main[repo_path][1])
            except TrackingEditError as error:
                result.skipped.append(f"{repo_path}: {error}")
        if not new_files:
            return
        kept = [c for c in changes if c.incident.repo_path in new_files]
        result.files = sorted(new_files)
        message = fill(texts()["writeback"]["commit_message"], changes=describe_changes(kept))

        def make_commit() -> str:
            elements = [InputGitTreeElement(path, mode_, "blob", content=data.decode("utf-8"))
                        for path, (data, mode_) in sorted(new_files.items())]
            tree = self.gate.send(lambda: self.repo.create_git_tree(elements, main_tree), retry_transient=True)
            commit = self.gate.send(lambda: self.repo.create_git_commit(message, tree, [main_commit]),
                                    retry_transient=True)
            return commit.sha

        if mode == "commit":
            sha = make_commit()
            try:
                self.gate.send(lambda: main_ref.edit(sha, force=False), retry_transient=True)
            except Exception as error:  # noqa: BLE001
                result.result = "failed"
                result.error = (f"could not move {self.default_branch} ({describe_error(error)}); if branch rules "
                                "forbid direct pushes, use --write-back pr")
                return
            result.result = "committed"
            result.url = main_commit.html_url.rsplit("/", 1)[0] + f"/{sha}"
            return

        expected = {path: sha for path, (sha, _) in on_main.items()}
        expected.update({path: git_blob_sha(data) for path, (data, _) in new_files.items()})
        branch_ref = self._branch_ref()
        if branch_ref is None or not self._holds(branch_ref.object.sha, main_sha, expected):
            sha = make_commit()
            if branch_ref is None:
                self._create_branch(sha)
            else:
                self.gate.send(lambda: branch_ref.edit(sha, force=True), retry_transient=True)
            moved = True
        else:
            moved = False
        self._pull_request(kept, result, moved)

    def _branch_ref(self):
        from github.GithubException import GithubException

        try:
            return self.repo.get_git_ref(f"heads/{self.branch}")
        except GithubException as error:
            if error.status == 404:
                return None
            raise

    def _holds(self, branch_sha: str, main_sha: str, expected: dict[str, str]) -> bool:
        """Does the bot branch already hold exactly the default branch plus these changes?"""
        commit = self.repo.get_git_commit(branch_sha)
        if [parent.sha for parent in commit.parents] != [main_sha]:
            return False
        tree = self.repo.get_git_tree(commit.tree.sha, recursive=True)
        return {entry.path: entry.sha for entry in tree.tree if entry.type == "blob"} == expected

    def _create_branch(self, sha: str) -> None:
        from github.GithubException import GithubException

        try:
            self.gate.send(lambda: self.repo.create_git_ref(f"refs/heads/{self.branch}", sha))
        except GithubException as error:
            if error.status != 422 and not is_transient(error):
                raise
            ref = self._branch_ref()  # created meanwhile, or our lost answer: move it
            if ref is None:
                raise
            if ref.object.sha != sha:
                self.gate.send(lambda: ref.edit(sha, force=True), retry_transient=True)

    def _open_pulls(self):
        owner = self.repo.full_name.split("/")[0]
        return list(self.repo.get_pulls(state="open", head=f"{owner}:{self.branch}", base=self.default_branch))

    def _pull_request(self, changes: list[TrackingChange], result: WritebackResult, moved: bool) -> None:
        title = texts()["writeback"]["pull_request_title"]
        body = fill(texts()["writeback"]["pull_request_body"], changes=describe_changes(changes))
        pulls = self._open_pulls()
        if pulls:
            pull = pulls[0]
            if pull.title != title or (pull.body or "") != body:
                self.gate.send(lambda: pull.edit(title=title, body=body), retry_transient=True)
                result.result = "pull-request-updated"
            else:
                result.result = "pull-request-updated" if moved else "unchanged"
            result.url = pull.html_url
            return
        for attempt in range(3):
            try:
                pull = self.gate.send(lambda: self.repo.create_pull(base=self.default_branch, head=self.branch,
                                                                     title=title, body=body))
                result.result, result.url = "pull-request-opened", pull.html_url
                return
            except Exception as error:  # noqa: BLE001
                if not (is_transient(error) or getattr(error, "status", None) == 422) or attempt == 2:
                    raise
                pulls = self._open_pulls()  # a lost answer: look before sending it again
                if pulls:
                    result.result, result.url = "pull-request-opened", pulls[0].html_url
                    return
