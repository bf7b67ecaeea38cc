"""The GitHub emulator's state: users, repositories and their issues, pulls,
comments, labels, milestones and a small git object store.

Plain Python objects that tests set up and inspect directly; the HTTP layer
(github_emulator.py) reads and changes them under the emulator's lock and
renders them with github_emulator_json.py.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import count


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


_ids = count(1000)


def next_id() -> int:
    return next(_ids)


@dataclass
class User:
    login: str
    id: int
    type: str = "User"  # User, Bot or Organization
    name: str | None = None
    email: str | None = None
    created_at: str = field(default_factory=utc_now)


@dataclass
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None
    default: bool = False


@dataclass
class Milestone:
    id: int
    number: int
    title: str
    creator: str
    description: str | None = None
    state: str = "open"
    due_on: str | None = None
    created_at: str = field(default_factory=utc_now)
    updated_at: str = field(default_factory=utc_now)
    closed_at: str | None = None


@dataclass
class Issue:
    """An issue, or the issue half of a pull request (``pull`` is then set)."""

    id: int
    number: int
    title: str
    user: str
    body: str | None = None
    state: str = "open"
    state_reason: str | None = None
    labels: list[str] = field(default_factory=list)  # label names as stored in the repo
    assignees: list[str] = field(default_factory=list)
    milestone: int | None = None
    locked: bool = False
    created_at: str = field(default_factory=utc_now)
    updated_at: str = field(default_factory=utc_now)
    closed_at: str | None = None
    closed_by: str | None = None
    pull: PullRequest | None = None


@dataclass
class PullFile:
    filename: str
    status: str = "modified"  # added, removed, modified, renamed
    patch: str | None = None
    additions: int = 0
    deletions: int = 0
    previous_filename: str | None = None
    sha: str | None = None

    def __post_init__(self):
        if self.patch is not None and not (self.additions or self.deletions):
            for line in self.patch.splitlines():
                if line.startswith("+"):
                    self.additions += 1
                elif line.startswith("-"):
                    self.deletions += 1
        if self.sha is None and self.status != "removed":
            self.sha = hashlib.sha1(f"{self.filename}\n{self.patch}".encode()).hexdigest()


@dataclass
class PullRequest:
    head_ref: str
    head_sha: str
    base_ref: str
    base_sha: str
    files: list[PullFile] = field(default_factory=list)
    head_repo: str | None = None  # owner/name of a fork; None means the same repository
    draft: bool = False
    merged: bool = False
    merged_at: str | None = None
    merge_commit_sha: str | None = None
    maintainer_can_modify: bool = False

    def file(self, path: str) -> PullFile | None:
        for entry in self.files:
            if entry.filename == path:
                return entry
        return None


@dataclass
class IssueComment:
    id: int
    issue_number: int
    body: str
    user: str
    created_at: str = field(default_factory=utc_now)
    updated_at: str = field(default_factory=utc_now)


@dataclass
class ReviewComment:
    id: int
    pull_number: int
    body: str
    user: str
    path: str
    commit_id: str
    diff_hunk: str
    line: int | None = None
    side: str = "RIGHT"
    start_line: int | None = None
    start_side: str | None = None
    original_line: int | None = None
    original_commit_id: str | None = None
    position: int | None = None
    review_id: int | None = None
    in_reply_to_id: int | None = None
    created_at: str = field(default_factory=utc_now)
    updated_at: str = field(default_factory=utc_now)


@dataclass
class Review:
    id: int
    pull_number: int
    user: str
    body: str
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, PENDING
    commit_id: str
    submitted_at: str | None = field(default_factory=utc_now)


# --- diff hunks: which lines of a file's patch a review comment may anchor on ---

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


@dataclass
class Hunk:
    index: int
    header_position: int  # position (1-based line of the patch after the first header) of the header
    lines: list[tuple[str, int | None, int | None, int]]  # (text, old line, new line, position)


def parse_hunks(patch: str | None) -> list[Hunk]:
    """Split a unified-diff patch into hunks with old/new line numbers and positions."""
    hunks: list[Hunk] = []
    if not patch:
        return hunks
    old = new = 0
    position = 0
    for raw in patch.split("\n"):
        match = _HUNK.match(raw)
        if match:
            old, new = int(match.group(1)), int(match.group(3))
            if hunks:
                position += 1  # later hunk headers count as positions
            hunks.append(Hunk(len(hunks), position, []))
            continue
        if not hunks:
            continue
        if raw.startswith("\\"):  # "\ No newline at end of file"
            continue
        position += 1
        if raw.startswith("+"):
            hunks[-1].lines.append((raw, None, new, position))
            new += 1
        elif raw.startswith("-"):
            hunks[-1].lines.append((raw, old, None, position))
            old += 1
        else:
            hunks[-1].lines.append((raw, old, new, position))
            old += 1
            new += 1
    return hunks


def find_line(hunks: list[Hunk], line: int, side: str) -> tuple[Hunk, int] | None:
    """The hunk and the index in it of ``line`` on ``side`` (RIGHT: new file, LEFT: old)."""
    for hunk in hunks:
        for number, (_, old, new, _) in enumerate(hunk.lines):
            if (new if side == "RIGHT" else old) == line:
                return hunk, number
    return None


def find_position(hunks: list[Hunk], position: int) -> tuple[Hunk, int] | None:
    for hunk in hunks:
        for number, entry in enumerate(hunk.lines):
            if entry[3] == position:
                return hunk, number
    return None


def hunk_text(patch: str, hunk: Hunk, upto: int) -> str:
    """The diff_hunk GitHub stores with a comment: the hunk header through the commented line."""
    headers = [raw for raw in patch.split("\n") if _HUNK.match(raw)]
    return "\n".join([headers[hunk.index], *(text for text, *_ in hunk.lines[: upto + 1])])


# --- git objects with git's own hashing, so shas look and behave like GitHub's ---

@dataclass
class GitCommit:
    tree: str
    parents: list[str]
    message: str
    author: dict
    committer: dict


class GitStore:
    """Blobs, trees, commits and refs of one repository."""

    def __init__(self):
        self.blobs: dict[str, bytes] = {}
        self.trees: dict[str, list[tuple[str, str, str]]] = {}  # sha -> [(mode, name, sha)]
        self.commits: dict[str, GitCommit] = {}
        self.refs: dict[str, str] = {}  # "refs/heads/main" -> commit sha

    @staticmethod
    def _hash(kind: str, body: bytes) -> str:
        return hashlib.sha1(f"{kind} {len(body)}\0".encode() + body).hexdigest()

    def put_blob(self, data: bytes) -> str:
        sha = self._hash("blob", data)
        self.blobs[sha] = data
        return sha

    def put_tree(self, entries: list[tuple[str, str, str]]) -> str:
        # git orders tree entries by name, with directories compared as "name/".
        ordered = sorted(entries, key=lambda e: e[1] + ("/" if e[0] == "40000" else ""))
        body = b"".join(f"{mode} {name}\0".encode() + bytes.fromhex(sha) for mode, name, sha in ordered)
        sha = self._hash("tree", body)
        self.trees[sha] = ordered
        return sha

    def put_commit(self, tree: str, parents: list[str], message: str, author: dict, committer: dict | None = None) -> str:
        committer = committer or author
        lines = [f"tree {tree}", *(f"parent {p}" for p in parents),
                 f"author {author['name']} <{author['email']}> {author['date']}",
                 f"committer {committer['name']} <{committer['email']}> {committer['date']}", "", message]
        sha = self._hash("commit", "\n".join(lines).encode())
        self.commits[sha] = GitCommit(tree, list(parents), message, dict(author), dict(committer))
        return sha

    def kind(self, sha: str) -> str | None:
        if sha in self.blobs:
            return "blob"
        if sha in self.trees:
            return "tree"
        if sha in self.commits:
            return "commit"
        return None

    def flatten(self, tree_sha: str, prefix: str = "") -> dict[str, tuple[str, str]]:
        """Every file under a tree: path -> (mode, blob sha)."""
        files: dict[str, tuple[str, str]] = {}
        for mode, name, sha in self.trees[tree_sha]:
            path = f"{prefix}{name}"
            if mode == "40000":
                files.update(self.flatten(sha, path + "/"))
            else:
                files[path] = (mode, sha)
        return files

    def build(self, files: dict[str, tuple[str, str]]) -> str:
        """Store the nested trees for path -> (mode, blob sha); return the root tree sha."""
        children: dict[str, dict[str, tuple[str, str]]] = {}
        entries: list[tuple[str, str, str]] = []
        for path, (mode, sha) in files.items():
            head, _, rest = path.partition("/")
            if rest:
                children.setdefault(head, {})[rest] = (mode, sha)
            else:
                entries.append((mode, head, sha))
        for name, sub in children.items():
            entries.append(("40000", name, self.build(sub)))
        return self.put_tree(entries)

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        pending, seen = [descendant], set()
        while pending:
            sha = pending.pop()
            if sha == ancestor:
                return True
            if sha in seen or sha not in self.commits:
                continue
            seen.add(sha)
            pending.extend(self.commits[sha].parents)
        return False

    def resolve(self, ref_or_sha: str) -> str | None:
        """A commit sha for a branch name, a full ref, a tag or a commit sha."""
        for candidate in (ref_or_sha, f"refs/heads/{ref_or_sha}", f"refs/tags/{ref_or_sha}"):
            if candidate in self.refs:
                return self.refs[candidate]
        if ref_or_sha in self.commits:
            return ref_or_sha
        return None

    def read_file(self, commit_sha: str, path: str) -> bytes | None:
        entry = self.flatten(self.commits[commit_sha].tree).get(path)
        return None if entry is None else self.blobs[entry[1]]


@dataclass
class Repo:
    owner: str
    name: str
    id: int
    default_branch: str = "main"
    private: bool = False
    description: str | None = None
    fork: bool = False
    created_at: str = field(default_factory=utc_now)
    collaborators: dict[str, str] = field(default_factory=dict)  # login -> role (read, triage, write, maintain, admin)
    labels: dict[str, Label] = field(default_factory=dict)  # lower-cased name -> Label
    milestones: dict[int, Milestone] = field(default_factory=dict)
    issues: dict[int, Issue] = field(default_factory=dict)  # issues and pulls share numbers
    comments: dict[int, IssueComment] = field(default_factory=dict)
    review_comments: dict[int, ReviewComment] = field(default_factory=dict)
    reviews: dict[int, Review] = field(default_factory=dict)
    git: GitStore = field(default_factory=GitStore)
    next_number: int = 1
    deployments: dict = field(default_factory=dict)  # id -> support.github.deploys.Deployment
    releases: dict = field(default_factory=dict)  # id -> support.github.deploys.Release

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def take_number(self) -> int:
        number = self.next_number
        self.next_number += 1
        return number

    def label(self, name: str) -> Label | None:
        return self.labels.get(name.lower())

    def pulls(self) -> list[Issue]:
        return [issue for issue in self.issues.values() if issue.pull is not None]

    def plain_issues(self) -> dict[int, Issue]:
        return {number: issue for number, issue in self.issues.items() if issue.pull is None}

    def can_push(self, login: str) -> bool:
        return login == self.owner or self.collaborators.get(login) in ("write", "maintain", "admin")

    def commit_files(self, branch: str, files: dict[str, str | bytes | None], message: str = "Update files",
                     author: str = "emulator") -> str:
        """Commit ``files`` (path -> text, or None to delete) on ``branch``; return the commit sha."""
        ref = f"refs/heads/{branch}"
        parent = self.git.refs.get(ref) or self.git.refs.get(f"refs/heads/{self.default_branch}")
        current = self.git.flatten(self.git.commits[parent].tree) if parent else {}
        for path, content in files.items():
            if content is None:
                current.pop(path, None)
                continue
            data = content.encode() if isinstance(content, str) else content
            current[path] = (current.get(path, ("100644", ""))[0], self.git.put_blob(data))
        tree = self.git.build(current)
        person = {"name": author, "email": f"{author}@users.noreply.github.com", "date": utc_now()}
        sha = self.git.put_commit(tree, [parent] if parent else [], message, person)
        self.git.refs[ref] = sha
        return sha

    def read_file(self, branch: str, path: str) -> str | None:
        sha = self.git.resolve(branch)
        if sha is None:
            return None
        data = self.git.read_file(sha, path)
        return None if data is None else data.decode()
