"""The emulator's REST endpoints: one method per GitHub operation id.

Each handler gets a ``Request`` and returns a ``Reply`` (or raises
``ApiError``); the server in github_emulator.py matches the route, holds the
state lock, applies faults and records the exchange. Behaviour follows
api.github.com where the tests depend on it: validation errors (422 with
GitHub's error codes), pagination limits, review comments only on lines in
the diff, labels compared case-insensitively, refs that only fast-forward
unless forced.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from support.github.state import (
    Issue,
    IssueComment,
    Label,
    Milestone,
    PullFile,
    PullRequest,
    Repo,
    Review,
    ReviewComment,
    find_line,
    find_position,
    hunk_text,
    next_id,
    parse_hunks,
    utc_now,
)

DOCS = "https://docs.github.com/rest"
LABEL_COLOR = re.compile(r"[0-9a-fA-F]{6}\Z")
ISSUE_STATE_REASONS = ("completed", "not_planned", "reopened", "duplicate")
MAX_PULL_FILES = 3000


class ApiError(Exception):
    def __init__(self, status: int, message: str, errors: list | None = None, docs: str = DOCS,
                 headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.docs = docs
        self.headers = headers or {}

    def body(self) -> dict:
        data: dict[str, Any] = {"message": self.message, "documentation_url": self.docs, "status": str(self.status)}
        if self.errors is not None:
            data["errors"] = self.errors
        return data


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def invalid(resource: str, field_name: str, code: str = "invalid", **extra) -> ApiError:
    error = {"resource": resource, "field": field_name, "code": code, **extra}
    return ApiError(422, "Validation Failed", [error])


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    params: dict[str, str]
    body: Any
    login: str | None
    operation: str

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def field(self, name: str, default: Any = None) -> Any:
        if isinstance(self.body, dict):
            return self.body.get(name, default)
        return default


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class Handlers:
    """Mixed into GitHubEmulator: the state (``repos``, ``users``) and renderer live there."""

    # --- helpers ---

    def _repo(self, req: Request) -> Repo:
        repo = self.repos.get(f"{req.params['owner']}/{req.params['repo']}")
        if repo is None:
            raise not_found()
        return repo

    def _issue(self, repo: Repo, number: str, *, pull: bool | None = None) -> Issue:
        issue = repo.issues.get(int(number))
        if issue is None or (pull is True and issue.pull is None):
            raise not_found()
        return issue

    def _need(self, req: Request, *names: str) -> None:
        if not isinstance(req.body, dict):
            raise ApiError(400, "Problems parsing JSON")
        for name in names:
            if req.body.get(name) in (None, ""):
                raise invalid(req.operation.split("/")[0].rstrip("s").title(), name, "missing_field")

    def _page(self, req: Request, items: list, render, *, default: int = 30, maximum: int = 100,
              cap: int | None = None) -> Reply:
        try:
            per_page = int(req.arg("per_page", str(default)))
            page = int(req.arg("page", "1"))
        except ValueError:
            raise ApiError(422, "Validation Failed", [{"resource": "Search", "field": "per_page", "code": "invalid"}])
        per_page = max(1, min(per_page, maximum))
        page = max(1, page)
        if cap is not None:
            items = items[:cap]
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page: page * per_page]
        links = []

        def url(number: int) -> str:
            query = [(k, v) for k, values in req.query.items() if k != "page" for v in values]
            query.append(("page", str(number)))
            return f"{self.url}{req.path}?{urlencode(query)}"

        if page < last:
            links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
        if page > 1:
            links += [f'<{url(1)}>; rel="first"', f'<{url(page - 1)}>; rel="prev"']
        headers = {"Link": ", ".join(links)} if links else {}
        return Reply(200, [render(item) for item in chunk], headers)

    def _assignable(self, repo: Repo, login: str) -> bool:
        return login == repo.owner or login in repo.collaborators

    def _labels_for(self, repo: Repo, names: list, creator: str) -> list[str]:
        """Label names as stored; unknown names are created (GitHub does this for writers)."""
        result = []
        for name in names:
            if isinstance(name, dict):
                name = name.get("name")
            if not isinstance(name, str) or not name.strip():
                raise invalid("Label", "name")
            label = repo.label(name)
            if label is None:
                label = Label(next_id(), name.strip())
                repo.labels[label.name.lower()] = label
            if label.name not in result:
                result.append(label.name)
        return result

    def _refresh_pulls(self, repo: Repo, ref: str) -> None:
        """A branch moved: its open pull requests now show the new head and files (as on GitHub)."""
        branch = ref.removeprefix("refs/heads/")
        head = repo.git.refs.get(ref)
        for issue in repo.pulls():
            pull = issue.pull
            if issue.state == "open" and pull.head_repo is None and pull.head_ref == branch and head:
                pull.head_sha = head
                pull.base_sha = repo.git.resolve(pull.base_ref) or pull.base_sha
                pull.files = diff_files(repo, pull.base_sha, head)
                issue.updated_at = utc_now()

    def _sort(self, req: Request, items: list, keys: dict[str, Any], default: str, default_direction: str = "desc"):
        key = keys.get(req.arg("sort", default), keys[default])
        return sorted(items, key=key, reverse=req.arg("direction", default_direction) == "desc")

    # --- meta, users, repositories ---

    def op_meta_root(self, req: Request) -> Reply:
        root = self.url
        names = ["current_user_url", "current_user_authorizations_html_url", "authorizations_url", "code_search_url",
                 "commit_search_url", "emails_url", "emojis_url", "events_url", "feeds_url", "followers_url",
                 "following_url", "gists_url", "issue_search_url", "issues_url", "keys_url", "label_search_url",
                 "notifications_url", "organization_url", "organization_repositories_url", "organization_teams_url",
                 "public_gists_url", "rate_limit_url", "repository_url", "repository_search_url",
                 "current_user_repositories_url", "starred_url", "starred_gists_url", "user_url",
                 "user_organizations_url", "user_repositories_url", "user_search_url"]
        return Reply(200, {name: f"{root}/{name.removesuffix('_url')}" for name in names})

    def op_rate_limit_get(self, req: Request) -> Reply:
        core = self.rate_limit_state()
        search = {"limit": 30, "remaining": 30, "reset": core["reset"], "used": 0, "resource": "search"}
        return Reply(200, {"resources": {"core": core, "search": search}, "rate": core})

    def op_users_get_authenticated(self, req: Request) -> Reply:
        if self.tokens[self.current_token(req)].app:
            raise ApiError(403, "Resource not accessible by integration",
                           docs=f"{DOCS}/users/users#get-the-authenticated-user")
        return Reply(200, self.render.private_user(req.login))

    def op_users_get_by_username(self, req: Request) -> Reply:
        if req.params["username"] not in self.users:
            raise not_found()
        return Reply(200, self.render.public_user(req.params["username"]))

    def op_repos_get(self, req: Request) -> Reply:
        return Reply(200, self.render.repository(self._repo(req), full=True))

    def op_repos_check_collaborator(self, req: Request) -> Reply:
        repo = self._repo(req)
        login = req.params["username"]
        return Reply(204) if self._assignable(repo, login) else Reply(404)

    def op_repos_list_collaborators(self, req: Request) -> Reply:
        repo = self._repo(req)
        logins = [repo.owner, *sorted(l for l in repo.collaborators if l != repo.owner)]
        return self._page(req, logins, lambda login: self.render.collaborator(repo, login))

    # --- contents ---

    def op_repos_get_content(self, req: Request) -> Reply:
        repo = self._repo(req)
        ref = req.arg("ref") or repo.default_branch
        sha = repo.git.resolve(ref)
        if sha is None:
            raise ApiError(404, f"No commit found for the ref {ref}")
        path = req.params["path"].strip("/")
        files = repo.git.flatten(repo.git.commits[sha].tree)
        if path in files:
            blob = files[path][1]
            return Reply(200, self.render.content_file(repo, path, blob, repo.git.blobs[blob], ref))
        prefix = f"{path}/" if path else ""
        children: dict[str, tuple[str, str, int]] = {}
        for name, (_, blob) in files.items():
            if name.startswith(prefix):
                head, _, rest = name[len(prefix):].partition("/")
                child = prefix + head
                if rest:
                    children.setdefault(child, ("dir", _tree_sha_of(repo, sha, child), 0))
                else:
                    children[child] = ("file", blob, len(repo.git.blobs[blob]))
        if not children:
            raise not_found()
        entries = [self.render.content_entry(repo, p, kind, s, size, ref) for p, (kind, s, size) in sorted(children.items())]
        return Reply(200, entries)

    def op_repos_create_or_update_file_contents(self, req: Request) -> Reply:
        repo = self._repo(req)
        self._need(req, "message", "content")
        path = req.params["path"].strip("/")
        branch = req.field("branch") or repo.default_branch
        head = repo.git.resolve(branch)
        if head is None:
            raise ApiError(404, f"Branch {branch} not found")
        try:
            data = base64.b64decode(req.body["content"], validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(422, "content is not valid Base64")
        files = repo.git.flatten(repo.git.commits[head].tree)
        existing = files.get(path)
        given = req.field("sha")
        if existing and not given:
            raise ApiError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
        if existing and given != existing[1]:
            raise ApiError(409, f"{path} does not match {given}")
        commit = repo.commit_files(branch, {path: data}, req.body["message"], req.login)
        blob = repo.git.flatten(repo.git.commits[commit].tree)[path][1]
        content = self.render.content_file(repo, path, blob, data, branch)
        for key in ("content", "encoding"):
            content.pop(key)
        rendered_commit = self.render.git_commit(repo, commit, repo.git.commits[commit])
        return Reply(200 if existing else 201, {"content": content, "commit": rendered_commit})

    # --- pull requests ---

    def op_repos_list_pull_requests_associated_with_commit(self, req: Request) -> Reply:
        repo = self._repo(req)
        sha = req.params["commit_sha"]
        pulls = [i for i in repo.pulls() if sha in (i.pull.head_sha, i.pull.merge_commit_sha)]
        return self._page(req, pulls, lambda i: self.render.pull(repo, i, simple=True))

    def op_pulls_list(self, req: Request) -> Reply:
        repo = self._repo(req)
        state = req.arg("state", "open")
        pulls = [i for i in repo.pulls() if state == "all" or i.state == state]
        head = req.arg("head")
        if head:
            owner, _, branch = head.rpartition(":")
            pulls = [i for i in pulls if i.pull.head_ref == branch and
                     (not owner or (i.pull.head_repo or repo.full_name).split("/")[0] == owner)]
        base = req.arg("base")
        if base:
            pulls = [i for i in pulls if i.pull.base_ref == base]
        pulls = self._sort(req, pulls, {"created": lambda i: (i.created_at, i.number),
                                        "updated": lambda i: (i.updated_at, i.number)}, "created")
        return self._page(req, pulls, lambda i: self.render.pull(repo, i, simple=True))

    def op_pulls_create(self, req: Request) -> Reply:
        repo = self._repo(req)
        self._need(req, "head", "base")
        if not req.field("title") and not req.field("issue"):
            raise invalid("PullRequest", "title", "missing_field")
        head = req.body["head"].rpartition(":")[2]
        base = req.body["base"]
        head_sha = repo.git.resolve(head)
        base_sha = repo.git.resolve(base)
        if head_sha is None:
            raise invalid("PullRequest", "head")
        if base_sha is None:
            raise invalid("PullRequest", "base")
        for other in repo.pulls():
            if other.state == "open" and other.pull.head_ref == head and other.pull.base_ref == base:
                raise ApiError(422, "Validation Failed", [{"resource": "PullRequest", "code": "custom",
                                                           "message": f"A pull request already exists for {repo.owner}:{head}."}])
        if head_sha == base_sha or repo.git.is_ancestor(head_sha, base_sha):
            raise ApiError(422, "Validation Failed", [{"resource": "PullRequest", "code": "custom",
                                                       "message": f"No commits between {base} and {head}"}])
        issue = Issue(next_id(), repo.take_number(), req.body["title"], req.login, body=req.field("body"))
        issue.pull = PullRequest(head, head_sha, base, base_sha, files=diff_files(repo, base_sha, head_sha),
                                 draft=bool(req.field("draft", False)),
                                 maintainer_can_modify=bool(req.field("maintainer_can_modify", False)))
        repo.issues[issue.number] = issue
        return Reply(201, self.render.pull(repo, issue))

    def op_pulls_get(self, req: Request) -> Reply:
        repo = self._repo(req)
        return Reply(200, self.render.pull(repo, self._issue(repo, req.params["pull_number"], pull=True)))

    def op_pulls_update(self, req: Request) -> Reply:
        repo = self._repo(req)
        issue = self._issue(repo, req.params["pull_number"], pull=True)
        for name in ("title", "body"):
            if name in (req.body or {}):
                setattr(issue, name, req.body[name])
        state = req.field("state")
        if state in ("open", "closed") and state != issue.state:
            issue.state = state
            issue.closed_at = utc_now() if state == "closed" else None
        elif state is not None and state not in ("open", "closed"):
            raise invalid("PullRequest", "state")
        if req.field("base"):
            issue.pull.base_ref = req.body["base"]
        issue.updated_at = utc_now()
        return Reply(200, self.render.pull(repo, issue))

    def op_pulls_list_files(self, req: Request) -> Reply:
        repo = self._repo(req)
        issue = self._issue(repo, req.params["pull_number"], pull=True)
        return self._page(req, issue.pull.files, lambda f: self.render.pull_file(repo, issue, f), cap=MAX_PULL_FILES)

    def op_pulls_list_review_comments(self, req: Request) -> Reply:
        repo = self._repo(req)
        number = self._issue(repo, req.params["pull_number"], pull=True).number
        comments = [c for c in repo.review_comments.values() if c.pull_number == number]
        return self._page(req, comments, lambda c: self.render.review_comment(repo, c))

    def _anchor(self, repo: Repo, issue: Issue, spec: dict, *, simple_errors: bool) -> dict:
        """Validate a review comment's anchor against the diff; return the stored fields."""

        def fail(field_name: str, message: str, simple: str):
            if simple_errors:
                raise ApiError(422, "Unprocessable Entity", [simple],
                               docs=f"{DOCS}/pulls/reviews#create-a-review-for-a-pull-request")
            raise ApiError(422, "Validation Failed", [{"resource": "PullRequestReviewComment", "code": "custom",
                                                       "field": field_name, "message": message}],
                           docs=f"{DOCS}/pulls/comments#create-a-review-comment-for-a-pull-request")

        path = spec.get("path")
        entry = issue.pull.file(path) if isinstance(path, str) else None
        if entry is None:
            fail("pull_request_review_thread.path", "pull_request_review_thread.path could not be resolved",
                 "Path could not be resolved")
        hunks = parse_hunks(entry.patch)
        position = spec.get("position")
        if position is not None and spec.get("line") is None:
            found = find_position(hunks, int(position))
            if found is None:
                fail("pull_request_review_thread.position", "pull_request_review_thread.position could not be resolved",
                     "Position could not be resolved")
            hunk, index = found
            _, old, new, _ = hunk.lines[index]
            side, line = ("RIGHT", new) if new is not None else ("LEFT", old)
            return {"path": path, "line": line, "side": side, "start_line": None, "start_side": None,
                    "position": int(position), "diff_hunk": hunk_text(entry.patch, hunk, index)}
        line = spec.get("line")
        if not isinstance(line, int):
            fail("pull_request_review_thread.line", "pull_request_review_thread.line could not be resolved",
                 "Line could not be resolved")
        side = spec.get("side") or "RIGHT"
        found = find_line(hunks, line, side)
        if found is None:
            fail("pull_request_review_thread.line", "pull_request_review_thread.line must be part of the diff",
                 "Line could not be resolved")
        hunk, index = found
        start_line = spec.get("start_line")
        start_side = spec.get("start_side") or (side if start_line is not None else None)
        if start_line is not None:
            start = find_line(hunks, start_line, start_side)
            if start is None or start[0] is not hunk or start_line > line:
                fail("pull_request_review_thread.start_line",
                     "pull_request_review_thread.start_line must be part of the same hunk as the line.",
                     "Start line could not be resolved")
        return {"path": path, "line": line, "side": side, "start_line": start_line, "start_side": start_side,
                "position": hunk.lines[index][3], "diff_hunk": hunk_text(entry.patch, hunk, index)}

    def op_pulls_create_review_comment(self, req: Request) -> Reply:
        repo = self._repo(req)
        issue = self._issue(repo, req.params["pull_number"], pull=True)
        self._need(req, "body")
        reply_to = req.field("in_reply_to")
        if reply_to is not None:
            parent = repo.review_comments.get(int(reply_to))
            if parent is None or parent.pull_number != issue.number:
                raise not_found()
            anchor = {"path": parent.path, "line": parent.line, "side": parent.side, "start_line": parent.start_line,
                      "start_side": parent.start_side, "position": parent.position, "diff_hunk": parent.diff_hunk}
        else:
            self._need(req, "commit_id", "path")
            anchor = self._anchor(repo, issue, req.body, simple_errors=False)
        comment = ReviewComment(next_id(), issue.number, req.body["body"], req.login,
                                commit_id=req.field("commit_id") or issue.pull.head_sha,
                                in_reply_to_id=int(reply_to) if reply_to is not None else None, **anchor)
        review = Review(next_id(), issue.number, req.login, "", "COMMENTED", comment.commit_id)
        repo.reviews[review.id] = review
        comment.review_id = review.id
        repo.review_comments[comment.id] = comment
        return Reply(201, self.render.review_comment(repo, comment))

    def _review_comment(self, req: Request) -> tuple[Repo, ReviewComment]:
        repo = self._repo(req)
        comment = repo.review_comments.get(int(req.params["comment_id"]))
        if comment is None:
            raise not_found()
        return repo, comment

    def op_pulls_get_review_comment(self, req: Request) -> Reply:
        repo, comment = self._review_comment(req)
        return Reply(200, self.render.review_comment(repo, comment))

    def op_pulls_update_review_comment(self, req: Request) -> Reply:
        repo, comment = self._review_comment(req)
        self._need(req, "body")
        comment.body = req.body["body"]
        comment.updated_at = utc_now()
        return Reply(200, self.render.review_comment(repo, comment))

    def op_pulls_delete_review_comment(self, req: Request) -> Reply:
        repo, comment = self._review_comment(req)
        del repo.review_comments[comment.id]
        return Reply(204)

    def op_pulls_list_reviews(self, req: Request) -> Reply:
        repo = self._repo(req)
        number = self._issue(repo, req.params["pull_number"], pull=True).number
        reviews = [r for r in repo.reviews.values() if r.pull_number == number]
        return self._page(req, reviews, lambda r: self.render.review(repo, r))

    def op_pulls_create_review(self, req: Request) -> Reply:
        repo = self._repo(req)
        issue = self._issue(repo, req.params["pull_number"], pull=True)
        body = req.body if isinstance(req.body, dict) else {}
        event = body.get("event")
        if event in ("APPROVE", "REQUEST_CHANGES") and issue.user == req.login:
            verb = "approve" if event == "APPROVE" else "request changes on"
            raise ApiError(422, "Unprocessable Entity", [f"Review Can not {verb} your own pull request"],
                           docs=f"{DOCS}/pulls/reviews#create-a-review-for-a-pull-request")
        if event in ("REQUEST_CHANGES", "COMMENT") and not body.get("body") and not body.get("comments"):
            raise ApiError(422, "Unprocessable Entity", ["Review body is required"],
                           docs=f"{DOCS}/pulls/reviews#create-a-review-for-a-pull-request")
        anchors = [self._anchor(repo, issue, spec, simple_errors=True) for spec in body.get("comments") or []]
        state = {"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "COMMENT": "COMMENTED"}.get(event, "PENDING")
        commit_id = body.get("commit_id") or issue.pull.head_sha
        review = Review(next_id(), issue.number, req.login, body.get("body") or "", state, commit_id,
                        submitted_at=None if state == "PENDING" else utc_now())
        repo.reviews[review.id] = review
        for spec, anchor in zip(body.get("comments") or [], anchors):
            comment = ReviewComment(next_id(), issue.number, spec.get("body", ""), req.login, commit_id=commit_id,
                                    review_id=review.id, **anchor)
            repo.review_comments[comment.id] = comment
        return Reply(200, self.render.review(repo, review))

    # --- issues ---

    def op_issues_list_for_repo(self, req: Request) -> Reply:
        repo = self._repo(req)
        state = req.arg("state", "open")
        if state not in ("open", "closed", "all"):
            raise invalid("Issue", "state")
        items = [i for i in repo.issues.values() if state == "all" or i.state == state]
        labels = [name.strip().lower() for name in (req.arg("labels") or "").split(",") if name.strip()]
        if labels:
            items = [i for i in items if set(labels) <= {name.lower() for name in i.labels}]
        creator = req.arg("creator")
        if creator:
            items = [i for i in items if i.user.lower() == creator.lower()]
        assignee = req.arg("assignee")
        if assignee == "none":
            items = [i for i in items if not i.assignees]
        elif assignee == "*":
            items = [i for i in items if i.assignees]
        elif assignee:
            items = [i for i in items if assignee in i.assignees]
        milestone = req.arg("milestone")
        if milestone == "none":
            items = [i for i in items if i.milestone is None]
        elif milestone == "*":
            items = [i for i in items if i.milestone is not None]
        elif milestone:
            items = [i for i in items if str(i.milestone) == milestone]
        since = req.arg("since")
        if since:
            items = [i for i in items if i.updated_at >= since]
        items = self._sort(req, items, {"created": lambda i: (i.created_at, i.number),
                                        "updated": lambda i: (i.updated_at, i.number),
                                        "comments": lambda i: (sum(1 for c in repo.comments.values()
                                                                   if c.issue_number == i.number), i.number)},
                           "created")
        return self._page(req, items, lambda i: self.render.issue(repo, i))

    def _apply_issue_fields(self, repo: Repo, issue: Issue, req: Request) -> None:
        body = req.body
        if "title" in body:
            if not isinstance(body["title"], (str, int)) or str(body["title"]).strip() == "":
                raise invalid("Issue", "title", "missing_field")
            issue.title = str(body["title"])
        if "body" in body:
            issue.body = body["body"]
        assignees = body.get("assignees")
        if body.get("assignee"):
            assignees = [body["assignee"]]
        if assignees is not None:
            for login in assignees:
                if not self._assignable(repo, login):
                    raise invalid("Issue", "assignees", value=login)
            issue.assignees = list(dict.fromkeys(assignees))
        if "labels" in body:
            issue.labels = self._labels_for(repo, body["labels"] or [], req.login)
        if "milestone" in body:
            number = body["milestone"]
            if number is not None and int(number) not in repo.milestones:
                raise invalid("Issue", "milestone", value=number)
            issue.milestone = None if number is None else int(number)
        state = body.get("state")
        reason = body.get("state_reason")
        if reason is not None and reason not in ISSUE_STATE_REASONS:
            raise invalid("Issue", "state_reason")
        if state is not None and state not in ("open", "closed"):
            raise invalid("Issue", "state")
        if state == "closed" and issue.state != "closed":
            issue.state, issue.closed_at, issue.closed_by = "closed", utc_now(), req.login
            issue.state_reason = reason or "completed"
        elif state == "open" and issue.state != "open":
            issue.state, issue.closed_at, issue.closed_by, issue.state_reason = "open", None, None, "reopened"
        elif reason is not None and issue.state == "closed" and reason != "reopened":
            issue.state_reason = reason

    def op_issues_create(self, req: Request) -> Reply:
        repo = self._repo(req)
        self._need(req, "title")
        issue = Issue(next_id(), repo.take_number(), str(req.body["title"]), req.login)
        self._apply_issue_fields(repo, issue, req)
        repo.issues[issue.number] = issue
        return Reply(201, self.render.issue(repo, issue))

    def op_issues_get(self, req: Request) -> Reply:
        repo = self._repo(req)
        return Reply(200, self.render.issue(repo, self._issue(repo, req.params["issue_number"])))

    def op_issues_update(self, req: Request) -> Reply:
        repo = self._repo(req)
        issue = self._issue(repo, req.params["issue_number"])
        if not isinstance(req.body, dict):
            raise ApiError(400, "Problems parsing JSON")
        self._apply_issue_fields(repo, issue, req)
        issue.updated_at = utc_now()
        return Reply(200, self.render.issue(repo, issue))

    def op_issues_list_comments(self, req: Request) -> Reply:
        repo = self._repo(req)
        number = self._issue(repo, req.params["issue_number"]).number
        comments = [c for c in repo.comments.values() if c.issue_number == number]
        since = req.arg("since")
        if since:
            comments = [c for c in comments if c.updated_at >= since]
        return self._page(req, comments, lambda c: self.render.issue_comment(repo, c))

    def op_issues_create_comment(self, req: Request) -> Reply:
        repo = self._repo(req)
        issue = self._issue(repo, req.params["issue_number"])
        self._need(req, "body")
        if len(req.body["body"]) > 65536:
            raise invalid("IssueComment", "data", "custom", message="Body is too long (maximum is 65536 characters)")
        comment = IssueComment(next_id(), issue.number, req.body["body"], req.login)
        repo.comments[comment.id] = comment
        issue.updated_at = utc_now()
        return Reply(201, self.render.issue_comment(repo, comment))

    def _comment(self, req: Request) -> tuple[Repo, IssueComment]:
        repo = self._repo(req)
        comment = repo.comments.get(int(req.params["comment_id"]))
        if comment is None:
            raise not_found()
        return repo, comment

    def op_issues_get_comment(self, req: Request) -> Reply:
        repo, comment = self._comment(req)
        return Reply(200, self.render.issue_comment(repo, comment))

    def op_issues_update_comment(self, req: Request) -> Reply:
        repo, comment = self._comment(req)
        self._need(req, "body")
        if len(req.body["body"]) > 65536:
            raise invalid("IssueComment", "data", "custom", message="Body is too long (maximum is 65536 characters)")
        comment.body = req.body["body"]
        comment.updated_at = utc_now()
        return Reply(200, self.render.issue_comment(repo, comment))

    def op_issues_delete_comment(self, req: Request) -> Reply:
        repo, comment = self._comment(req)
        del repo.comments[comment.id]
        return Reply(204)

    # --- labels ---

    def op_issues_list_labels_for_repo(self, req: Request) -> Reply:
        repo = self._repo(req)
        return self._page(req, list(repo.labels.values()), lambda l: self.render.label(repo, l))

    def _check_color(self, color: Any) -> str:
        color = str(color).removeprefix("#")
        if not LABEL_COLOR.match(color):
            raise invalid("Label", "color")
        return color.lower()

    def op_issues_create_label(self, req: Request) -> Reply:
        repo = self._repo(req)
        self._need(req, "name")
        name = req.body["name"].strip()
        if repo.label(name):
            raise ApiError(422, "Validation Failed", [{"resource": "Label", "code": "already_exists", "field": "name"}],
                           docs=f"{DOCS}/issues/labels#create-a-label")
        if len(name) > 50:
            raise invalid("Label", "name", "custom", message="name is too long (maximum is 50 characters)")
        label = Label(next_id(), name, self._check_color(req.field("color", "ededed")), req.field("description"))
        repo.labels[name.lower()] = label
        return Reply(201, self.render.label(repo, label))

    def op_issues_get_label(self, req: Request) -> Reply:
        repo = self._repo(req)
        label = repo.label(req.params["name"])
        if label is None:
            raise not_found()
        return Reply(200, self.render.label(repo, label))

    def op_issues_update_label(self, req: Request) -> Reply:
        repo = self._repo(req)
        label = repo.label(req.params["name"])
        if label is None:
            raise not_found()
        new_name = req.field("new_name")
        if new_name and new_name.lower() != label.name.lower() and repo.label(new_name):
            raise ApiError(422, "Validation Failed", [{"resource": "Label", "code": "already_exists", "field": "name"}])
        if "color" in (req.body or {}):
            label.color = self._check_color(req.body["color"])
        if "description" in (req.body or {}):
            label.description = req.body["description"]
        if new_name:
            del repo.labels[label.name.lower()]
            for issue in repo.issues.values():
                issue.labels = [new_name if n == label.name else n for n in issue.labels]
            label.name = new_name
            repo.labels[new_name.lower()] = label
        return Reply(200, self.render.label(repo, label))

    # --- milestones ---

    def op_issues_list_milestones(self, req: Request) -> Reply:
        repo = self._repo(req)
        state = req.arg("state", "open")
        items = [m for m in repo.milestones.values() if state == "all" or m.state == state]
        items = self._sort(req, items, {"due_on": lambda m: (m.due_on or "9999", m.number),
                                        "completeness": lambda m: m.number}, "due_on", "asc")
        return self._page(req, items, lambda m: self.render.milestone(repo, m))

    def op_issues_create_milestone(self, req: Request) -> Reply:
        repo = self._repo(req)
        self._need(req, "title")
        if any(m.title == req.body["title"] for m in repo.milestones.values()):
            raise ApiError(422, "Validation Failed", [{"resource": "Milestone", "code": "already_exists", "field": "title"}])
        number = max(repo.milestones, default=0) + 1
        milestone = Milestone(next_id(), number, req.body["title"], req.login,
                              description=req.field("description"), state=req.field("state", "open"),
                              due_on=_due_on(req.field("due_on")))
        repo.milestones[number] = milestone
        return Reply(201, self.render.milestone(repo, milestone))

    def _milestone(self, req: Request) -> tuple[Repo, Milestone]:
        repo = self._repo(req)
        milestone = repo.milestones.get(int(req.params["milestone_number"]))
        if milestone is None:
            raise not_found()
        return repo, milestone

    def op_issues_get_milestone(self, req: Request) -> Reply:
        repo, milestone = self._milestone(req)
        return Reply(200, self.render.milestone(repo, milestone))

    def op_issues_update_milestone(self, req: Request) -> Reply:
        repo, milestone = self._milestone(req)
        body = req.body or {}
        for name in ("title", "description"):
            if name in body:
                setattr(milestone, name, body[name])
        if "due_on" in body:
            milestone.due_on = _due_on(body["due_on"])
        if body.get("state") in ("open", "closed"):
            milestone.state = body["state"]
            milestone.closed_at = utc_now() if milestone.state == "closed" else None
        milestone.updated_at = utc_now()
        return Reply(200, self.render.milestone(repo, milestone))

    # --- git data ---

    def op_git_get_ref(self, req: Request) -> Reply:
        repo = self._repo(req)
        ref = "refs/" + req.params["ref"]
        if ref not in repo.git.refs:
            raise not_found()
        return Reply(200, self.render.git_ref(repo, ref, repo.git.refs[ref]))

    def op_git_create_ref(self, req: Request) -> Reply:
        repo = self._repo(req)
        self._need(req, "ref", "sha")
        ref, sha = req.body["ref"], req.body["sha"]
        if not ref.startswith("refs/") or ref.count("/") < 2:
            raise ApiError(422, "Reference name must start with 'refs/' and have at least two slashes.")
        if ref in repo.git.refs:
            raise ApiError(422, "Reference already exists")
        if repo.git.kind(sha) is None:
            raise ApiError(422, "Object does not exist")
        repo.git.refs[ref] = sha
        self._refresh_pulls(repo, ref)
        return Reply(201, self.render.git_ref(repo, ref, sha))

    def op_git_update_ref(self, req: Request) -> Reply:
        repo = self._repo(req)
        self._need(req, "sha")
        ref = "refs/" + req.params["ref"]
        if ref not in repo.git.refs:
            raise ApiError(422, "Reference does not exist")
        sha = req.body["sha"]
        if sha not in repo.git.commits:
            raise ApiError(422, "Object does not exist")
        if not req.field("force", False) and not repo.git.is_ancestor(repo.git.refs[ref], sha):
            raise ApiError(422, "Update is not a fast forward")
        repo.git.refs[ref] = sha
        self._refresh_pulls(repo, ref)
        return Reply(200, self.render.git_ref(repo, ref, sha))

    def op_git_delete_ref(self, req: Request) -> Reply:
        repo = self._repo(req)
        ref = "refs/" + req.params["ref"]
        if ref not in repo.git.refs:
            raise ApiError(422, "Reference does not exist")
        del repo.git.refs[ref]
        return Reply(204)

    def op_git_get_blob(self, req: Request) -> Reply:
        repo = self._repo(req)
        if req.params["file_sha"] not in repo.git.blobs:
            raise not_found()
        return Reply(200, self.render.blob(repo, req.params["file_sha"]))

    def op_git_create_blob(self, req: Request) -> Reply:
        repo = self._repo(req)
        self._need(req, "content")
        data = _decode(req.body["content"], req.field("encoding", "utf-8"))
        sha = repo.git.put_blob(data)
        return Reply(201, {"url": f"{self.url}/repos/{repo.full_name}/git/blobs/{sha}", "sha": sha})

    def op_git_get_tree(self, req: Request) -> Reply:
        repo = self._repo(req)
        sha = req.params["tree_sha"]
        if sha in repo.git.commits:
            sha = repo.git.commits[sha].tree
        elif sha not in repo.git.trees:
            resolved = repo.git.resolve(sha)
            if resolved is None:
                raise not_found()
            sha = repo.git.commits[resolved].tree
        recursive = req.arg("recursive") not in (None, "", "0", "false")
        return Reply(200, self.render.git_tree(repo, sha, recursive))

    def op_git_create_tree(self, req: Request) -> Reply:
        repo = self._repo(req)
        self._need(req, "tree")
        base = req.field("base_tree")
        if base is not None and base not in repo.git.trees:
            raise ApiError(422, "Invalid tree info", [f"base_tree {base} is not a tree"])
        files = repo.git.flatten(base) if base else {}
        for entry in req.body["tree"]:
            path = (entry.get("path") or "").strip("/")
            if not path or entry.get("type", "blob") != "blob":
                raise ApiError(422, "Invalid tree info", [f"tree.path {path!r} is not supported here"])
            if "content" in entry:
                files[path] = (entry.get("mode", "100644"), repo.git.put_blob(str(entry["content"]).encode()))
            elif entry.get("sha") is None:
                files.pop(path, None)
            elif entry["sha"] in repo.git.blobs:
                files[path] = (entry.get("mode", "100644"), entry["sha"])
            else:
                raise ApiError(422, "Invalid tree info", [f"tree.sha {entry['sha']} is not a valid blob"])
        sha = repo.git.build(files)
        return Reply(201, self.render.git_tree(repo, sha, False))

    def op_git_get_commit(self, req: Request) -> Reply:
        repo = self._repo(req)
        sha = req.params["commit_sha"]
        if sha not in repo.git.commits:
            raise not_found()
        return Reply(200, self.render.git_commit(repo, sha, repo.git.commits[sha]))

    def op_git_create_commit(self, req: Request) -> Reply:
        repo = self._repo(req)
        self._need(req, "message", "tree")
        tree = req.body["tree"]
        parents = req.field("parents", [])
        if tree not in repo.git.trees:
            raise ApiError(422, "Tree SHA does not exist")
        if any(p not in repo.git.commits for p in parents):
            raise ApiError(422, "Parent SHA does not exist or is not a commit object")
        user = self.users[req.login]
        person = req.field("author") or {"name": user.name or user.login,
                                         "email": user.email or f"{user.id}+{user.login}@users.noreply.github.com"}
        person = {"name": person["name"], "email": person["email"], "date": person.get("date") or utc_now()}
        sha = repo.git.put_commit(tree, parents, req.body["message"], person, req.field("committer"))
        return Reply(201, self.render.git_commit(repo, sha, repo.git.commits[sha]))


def _due_on(value: Any) -> str | None:
    if value in (None, ""):
        return None
    text = str(value)
    return text if "T" in text else f"{text}T07:00:00Z"


def _decode(content: Any, encoding: str) -> bytes:
    if encoding == "base64":
        try:
            return base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(422, "content is not valid Base64")
    return str(content).encode()


def _tree_sha_of(repo: Repo, commit: str, path: str) -> str:
    sha = repo.git.commits[commit].tree
    for part in path.split("/"):
        sha = next(s for mode, name, s in repo.git.trees[sha] if name == part)
    return sha


def diff_files(repo: Repo, base_sha: str, head_sha: str) -> list[PullFile]:
    """The files a pull request changes, with unified-diff patches, from the two commits' trees."""
    base = repo.git.flatten(repo.git.commits[base_sha].tree)
    head = repo.git.flatten(repo.git.commits[head_sha].tree)
    files = []
    for path in sorted(set(base) | set(head)):
        old, new = base.get(path), head.get(path)
        if old == new:
            continue
        old_text = repo.git.blobs[old[1]].decode(errors="replace").splitlines() if old else []
        new_text = repo.git.blobs[new[1]].decode(errors="replace").splitlines() if new else []
        patch = "\n".join(list(difflib.unified_diff(old_text, new_text, lineterm="", n=3))[2:])
        status = "added" if old is None else "removed" if new is None else "modified"
        files.append(PullFile(path, status, patch or None, sha=new[1] if new else None))
    return files
