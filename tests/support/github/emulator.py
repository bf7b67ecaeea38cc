"""A stateful GitHub REST API emulator: a real HTTP server on 127.0.0.1.

PyGithub (or any HTTP client) talks to it as to api.github.com::

    emu = GitHubEmulator().start()
    emu.add_token("t0ken", "github-actions[bot]", app=True)
    repo = emu.add_repo("acme/shop", files={"postmortems/INC-2026-0001.yaml": "..."})
    gh = Github(base_url=emu.url, auth=Auth.Token("t0ken"))

State is plain Python objects (github_emulator_state.py) that tests set up and
inspect: ``emu.repos["acme/shop"].issues``, ``emu.issues`` (the first
repository's issues without pulls), ``emu.add_pull(...)``. Every exchange is
recorded in ``emu.calls`` (method, path, status, operation id, request and
response bodies); ``support.github.openapi`` validates them against GitHub's
OpenAPI description extracted into tests/support/github/api/openapi-subset.json.

Identity: each token belongs to a login; what a request creates is authored
by that login. ``app=True`` tokens behave like GITHUB_TOKEN (an integration):
``GET /user`` answers 403 "Resource not accessible by integration", and
``permissions`` (e.g. {"issues": "write", "contents": "read"}) limit writes.

Faults (see ``Fault``): fail the next N matching requests with a status,
before or after the write is applied (``applied=True``: the write happens,
the response is lost); secondary rate limit (403 with ``retry-after``);
primary rate limit (403 with ``x-ratelimit-remaining: 0``); slow responses.
``enforce_secondary_limit(80)`` answers a secondary-rate-limit 403 to any
content-creating request beyond 80 in a minute, and
``max_content_creating_per_minute()`` reports the busiest minute. Times are
read from ``clock`` (``time.monotonic`` unless a test passes a virtual clock
that its client also sleeps on).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, unquote, urlsplit

from support.github.deploys import DeployHandlers
from support.github.handlers import ApiError, Handlers, Reply, Request
from support.github.json_io import Renderer
from support.github.state import Issue, Label, PullFile, PullRequest, Repo, User, next_id, utc_now

# (method, OpenAPI path template, operation id). Handlers are op_<id with / and - as _>.
ROUTES: list[tuple[str, str, str]] = [
    ("GET", "/", "meta/root"),
    ("GET", "/rate_limit", "rate-limit/get"),
    ("GET", "/user", "users/get-authenticated"),
    ("GET", "/users/{username}", "users/get-by-username"),
    ("GET", "/repos/{owner}/{repo}", "repos/get"),
    ("GET", "/repos/{owner}/{repo}/collaborators", "repos/list-collaborators"),
    ("GET", "/repos/{owner}/{repo}/collaborators/{username}", "repos/check-collaborator"),
    ("GET", "/repos/{owner}/{repo}/contents/{path}", "repos/get-content"),
    ("PUT", "/repos/{owner}/{repo}/contents/{path}", "repos/create-or-update-file-contents"),
    ("GET", "/repos/{owner}/{repo}/commits/{commit_sha}/pulls", "repos/list-pull-requests-associated-with-commit"),
    ("GET", "/repos/{owner}/{repo}/pulls", "pulls/list"),
    ("POST", "/repos/{owner}/{repo}/pulls", "pulls/create"),
    ("GET", "/repos/{owner}/{repo}/pulls/comments/{comment_id}", "pulls/get-review-comment"),
    ("PATCH", "/repos/{owner}/{repo}/pulls/comments/{comment_id}", "pulls/update-review-comment"),
    ("DELETE", "/repos/{owner}/{repo}/pulls/comments/{comment_id}", "pulls/delete-review-comment"),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}", "pulls/get"),
    ("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}", "pulls/update"),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files", "pulls/list-files"),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/comments", "pulls/list-review-comments"),
    ("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/comments", "pulls/create-review-comment"),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", "pulls/list-reviews"),
    ("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", "pulls/create-review"),
    ("GET", "/repos/{owner}/{repo}/issues", "issues/list-for-repo"),
    ("POST", "/repos/{owner}/{repo}/issues", "issues/create"),
    ("GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}", "issues/get-comment"),
    ("PATCH", "/repos/{owner}/{repo}/issues/comments/{comment_id}", "issues/update-comment"),
    ("DELETE", "/repos/{owner}/{repo}/issues/comments/{comment_id}", "issues/delete-comment"),
    ("GET", "/repos/{owner}/{repo}/issues/{issue_number}", "issues/get"),
    ("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}", "issues/update"),
    ("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments", "issues/list-comments"),
    ("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", "issues/create-comment"),
    ("GET", "/repos/{owner}/{repo}/labels", "issues/list-labels-for-repo"),
    ("POST", "/repos/{owner}/{repo}/labels", "issues/create-label"),
    ("GET", "/repos/{owner}/{repo}/labels/{name}", "issues/get-label"),
    ("PATCH", "/repos/{owner}/{repo}/labels/{name}", "issues/update-label"),
    ("GET", "/repos/{owner}/{repo}/milestones", "issues/list-milestones"),
    ("POST", "/repos/{owner}/{repo}/milestones", "issues/create-milestone"),
    ("GET", "/repos/{owner}/{repo}/milestones/{milestone_number}", "issues/get-milestone"),
    ("PATCH", "/repos/{owner}/{repo}/milestones/{milestone_number}", "issues/update-milestone"),
    ("GET", "/repos/{owner}/{repo}/git/ref/{ref}", "git/get-ref"),
    ("POST", "/repos/{owner}/{repo}/git/refs", "git/create-ref"),
    ("PATCH", "/repos/{owner}/{repo}/git/refs/{ref}", "git/update-ref"),
    ("DELETE", "/repos/{owner}/{repo}/git/refs/{ref}", "git/delete-ref"),
    ("GET", "/repos/{owner}/{repo}/git/blobs/{file_sha}", "git/get-blob"),
    ("POST", "/repos/{owner}/{repo}/git/blobs", "git/create-blob"),
    ("GET", "/repos/{owner}/{repo}/git/trees/{tree_sha}", "git/get-tree"),
    ("POST", "/repos/{owner}/{repo}/git/trees", "git/create-tree"),
    ("GET", "/repos/{owner}/{repo}/git/commits/{commit_sha}", "git/get-commit"),
    ("POST", "/repos/{owner}/{repo}/git/commits", "git/create-commit"),
    ("GET", "/repos/{owner}/{repo}/deployments", "repos/list-deployments"),
    ("POST", "/repos/{owner}/{repo}/deployments", "repos/create-deployment"),
    ("GET", "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses", "repos/list-deployment-statuses"),
    ("POST", "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses", "repos/create-deployment-status"),
    ("GET", "/repos/{owner}/{repo}/releases", "repos/list-releases"),
    ("POST", "/repos/{owner}/{repo}/releases", "repos/create-release"),
]

# Which fine-grained permission a write needs (app tokens with ``permissions`` only).
WRITE_PERMISSION = {"issues": "issues", "pulls": "pull_requests", "git": "contents", "repos": "contents"}

SECONDARY_MESSAGE = ("You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
                     "If you reach out to GitHub Support for help, please include the request ID {id}.")
SECONDARY_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
PRIMARY_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits"


def _pattern(template: str) -> re.Pattern:
    def part(match: re.Match) -> str:
        name = match.group(1)
        if name in ("path", "ref"):
            return f"(?P<{name}>.+)"
        if name.endswith(("_number", "_id")):
            return f"(?P<{name}>[0-9]+)"
        return f"(?P<{name}>[^/]+)"

    return re.compile("^" + re.sub(r"\{(\w+)\}", part, template) + "$")


COMPILED = [(method, _pattern(template), operation) for method, template, operation in ROUTES]


@dataclass
class Token:
    login: str
    app: bool = False
    permissions: dict[str, str] | None = None


@dataclass
class Fault:
    """One injected failure, matched against each request until ``times`` are used up.

    kind: "status" (answer ``status`` with a GitHub error body), "secondary"
    (403 secondary rate limit with ``retry-after``), "primary" (403 with
    ``x-ratelimit-remaining: 0``), "slow" (sleep ``delay`` seconds, then answer).
    ``applied``: perform the request's write first, then fail or delay (a
    lost or late response); otherwise nothing is changed.
    """

    kind: str
    method: str | None = None
    path: str | None = None  # regular expression searched in the request path
    operation: str | None = None  # GitHub operation id, e.g. "issues/create"
    times: int = 1
    status: int = 502
    applied: bool = False
    retry_after: int = 60
    reset_in: int = 3600
    delay: float = 0.0
    hits: int = 0

    def matches(self, method: str, path: str, operation: str | None) -> bool:
        if self.hits >= self.times:
            return False
        if self.method and self.method.upper() != method:
            return False
        if self.operation and self.operation != operation:
            return False
        if self.path and not re.search(self.path, path):
            return False
        return True


@dataclass
class Call:
    method: str
    path: str
    query: str
    status: int
    operation: str | None
    login: str | None
    request: Any
    response: Any
    headers: dict[str, str]
    time: float
    applied: bool
    fault: str | None = None

    @property
    def is_write(self) -> bool:
        return self.method != "GET"


@dataclass
class EmulatorStats:
    """Counts over ``emu.calls``."""

    calls: int
    reads: int
    writes: int
    by_operation: dict[str, int] = field(default_factory=dict)


class GitHubEmulator(Handlers, DeployHandlers):
    def __init__(self, *, clock: Callable[[], float] | None = None, html_url: str = "https://github.com"):
        self.clock = clock or time.monotonic
        self.html_url = html_url
        self.origin = ""
        self.api_prefix = ""  # "/api/v3" makes URLs look like GitHub Enterprise Server's
        self.users: dict[str, User] = {}
        self.tokens: dict[str, Token] = {}
        self.repos: dict[str, Repo] = {}
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        self.lock = threading.RLock()
        self.render = Renderer(self)
        self.rate_limit = 5000
        self.rate_used = 0
        self.rate_reset = int(time.time()) + 3600
        self.secondary_limit: int | None = None
        self._content_times: deque[float] = deque()
        self._all_content_times: list[float] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---

    def start(self) -> GitHubEmulator:
        emulator = self

        class Handler(_RequestHandler):
            emu = emulator

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="github-emulator",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        """The API base URL to give PyGithub (``base_url``)."""
        return self.origin + self.api_prefix

    def __enter__(self) -> GitHubEmulator:
        return self.start() if self._server is None else self

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- set-up API ---

    def add_user(self, login: str, *, type: str = "User", name: str | None = None, email: str | None = None) -> User:
        with self.lock:
            if login not in self.users:
                kind = "Bot" if login.endswith("[bot]") and type == "User" else type
                self.users[login] = User(login, next_id(), kind, name, email)
            return self.users[login]

    def user(self, login: str) -> User:
        return self.users.get(login) or self.add_user(login)

    def add_token(self, token: str, login: str, *, app: bool = False,
                  permissions: dict[str, str] | None = None) -> Token:
        self.add_user(login)
        self.tokens[token] = Token(login, app, permissions)
        return self.tokens[token]

    def add_repo(self, full_name: str, *, default_branch: str = "main", files: dict[str, str] | None = None,
                 collaborators: dict[str, str] | None = None, private: bool = False) -> Repo:
        owner, name = full_name.split("/")
        with self.lock:
            self.add_user(owner)
            repo = Repo(owner, name, next_id(), default_branch, private)
            self.repos[full_name] = repo
            repo.commit_files(default_branch, files or {"README.md": f"# {name}\n"}, "Initial commit", owner)
            for login, role in (collaborators or {}).items():
                self.add_collaborator(full_name, login, role)
            return repo

    def repo(self, full_name: str | None = None) -> Repo:
        return self.repos[full_name] if full_name else next(iter(self.repos.values()))

    @property
    def issues(self) -> dict[int, Issue]:
        """The first repository's issues (pull requests left out), by number."""
        return self.repo().plain_issues()

    def add_collaborator(self, full_name: str, login: str, role: str = "write") -> None:
        with self.lock:
            self.add_user(login)
            self.repos[full_name].collaborators[login] = role

    def add_label(self, full_name: str, name: str, color: str = "ededed", description: str | None = None) -> Label:
        with self.lock:
            repo = self.repos[full_name]
            label = repo.label(name) or Label(next_id(), name, color, description)
            repo.labels[name.lower()] = label
            return label

    def add_issue(self, full_name: str, title: str, *, user: str, body: str | None = None, labels: list[str] = (),
                  state: str = "open", state_reason: str | None = None, assignees: list[str] = (),
                  number: int | None = None) -> Issue:
        """An issue as a person (or another tool) made it; ``number`` jumps the counter ahead."""
        with self.lock:
            repo = self.repos[full_name]
            self.add_user(user)
            names = self._labels_for(repo, list(labels), user)
            if number is None:
                number = repo.take_number()
            else:
                repo.next_number = max(repo.next_number, number + 1)
            issue = Issue(next_id(), number, title, user, body=body, labels=names,
                          assignees=list(assignees), state=state,
                          state_reason=state_reason or ("completed" if state == "closed" else None),
                          closed_at=utc_now() if state == "closed" else None,
                          closed_by=user if state == "closed" else None)
            repo.issues[issue.number] = issue
            return issue

    def add_pull(self, full_name: str, *, title: str, user: str, head: str = "feature", base: str | None = None,
                 files: list[PullFile] | dict[str, str | None] | None = None, body: str | None = None,
                 head_repo: str | None = None, number: int | None = None, head_sha: str | None = None) -> Issue:
        """Open a pull request. ``files``: PullFile entries, or path -> new text (None deletes)
        committed on branch ``head`` so the files, patches and contents come from git."""
        with self.lock:
            repo = self.repos[full_name]
            self.add_user(user)
            base = base or repo.default_branch
            base_sha = repo.git.resolve(base)
            if isinstance(files, dict):
                head_sha = repo.commit_files(head, files, title, user)
                from support.github.handlers import diff_files
                entries = diff_files(repo, base_sha, head_sha)
            else:
                entries = list(files or [])
                head_sha = head_sha or uuid.uuid4().hex + uuid.uuid4().hex[:8]
            if number is None:
                number = repo.take_number()
            else:
                repo.next_number = max(repo.next_number, number + 1)
            issue = Issue(next_id(), number, title, user, body=body)
            issue.pull = PullRequest(head, head_sha, base, base_sha, entries, head_repo=head_repo)
            repo.issues[number] = issue
            return issue

    def apply_suggestions(self, full_name: str, number: int, comment_ids: list[int], *, user: str) -> str:
        """A reviewer commits a batch of suggestions (a web UI action: see suggestion_batch)."""
        from support.github.suggestion_batch import apply_suggestions

        return apply_suggestions(self, full_name, number, comment_ids, user=user)

    def fault(self, kind: str = "status", **options) -> Fault:
        fault = Fault(kind, **options)
        with self.lock:
            self.faults.append(fault)
        return fault

    def fail_next(self, status: int = 502, *, times: int = 1, applied: bool = False, **match) -> Fault:
        return self.fault("status", status=status, times=times, applied=applied, **match)

    def secondary_rate_limit(self, *, times: int = 1, retry_after: int = 60, **match) -> Fault:
        return self.fault("secondary", times=times, retry_after=retry_after, **match)

    def primary_rate_limit(self, *, times: int = 1, reset_in: int = 3600, **match) -> Fault:
        return self.fault("primary", times=times, reset_in=reset_in, **match)

    def slow(self, delay: float, *, times: int = 1, applied: bool = True, **match) -> Fault:
        return self.fault("slow", delay=delay, times=times, applied=applied, **match)

    def enforce_secondary_limit(self, per_minute: int | None = 80) -> None:
        """Answer a secondary-rate-limit 403 to content-creating requests beyond ``per_minute``."""
        self.secondary_limit = per_minute

    # --- inspection ---

    def calls_to(self, operation: str | None = None, method: str | None = None) -> list[Call]:
        with self.lock:
            return [c for c in self.calls
                    if (operation is None or c.operation == operation) and (method is None or c.method == method)]

    def stats(self) -> EmulatorStats:
        with self.lock:
            by_operation: dict[str, int] = {}
            for call in self.calls:
                by_operation[call.operation or "?"] = by_operation.get(call.operation or "?", 0) + 1
            writes = sum(1 for c in self.calls if c.is_write)
            return EmulatorStats(len(self.calls), len(self.calls) - writes, writes, by_operation)

    def reset_calls(self) -> None:
        with self.lock:
            self.calls.clear()
            self._all_content_times.clear()
            self._content_times.clear()

    def max_content_creating_per_minute(self) -> int:
        """The most content-creating requests received in any 60-second window."""
        with self.lock:
            times = sorted(self._all_content_times)
        best, start = 0, 0
        for end, moment in enumerate(times):
            while moment - times[start] >= 60:
                start += 1
            best = max(best, end - start + 1)
        return best

    def rate_limit_state(self) -> dict:
        remaining = max(0, self.rate_limit - self.rate_used)
        return {"limit": self.rate_limit, "remaining": remaining, "reset": self.rate_reset, "used": self.rate_used,
                "resource": "core"}

    # --- request processing (called by the HTTP handler thread) ---

    def current_token(self, req: Request) -> str:
        return req.token  # type: ignore[attr-defined]

    def _match(self, method: str, path: str) -> tuple[str | None, dict[str, str]]:
        for route_method, pattern, operation in COMPILED:
            if route_method != method:
                continue
            found = pattern.match(path)
            if found:
                return operation, {k: unquote(v) for k, v in found.groupdict().items()}
        return None, {}

    def _take_fault(self, method: str, path: str, operation: str | None) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.matches(method, path, operation):
                    fault.hits += 1
                    return fault
        return None

    def _rate_headers(self) -> dict[str, str]:
        state = self.rate_limit_state()
        return {"x-ratelimit-limit": str(state["limit"]), "x-ratelimit-remaining": str(state["remaining"]),
                "x-ratelimit-reset": str(state["reset"]), "x-ratelimit-used": str(state["used"]),
                "x-ratelimit-resource": "core"}

    def _error(self, error: ApiError) -> Reply:
        return Reply(error.status, error.body(), dict(error.headers))

    def _secondary(self, retry_after: int) -> Reply:
        body = {"message": SECONDARY_MESSAGE.format(id=uuid.uuid4().hex[:20].upper()),
                "documentation_url": SECONDARY_DOCS, "status": "403"}
        return Reply(403, body, {"retry-after": str(retry_after)})

    def _primary(self, reset_in: int, login: str | None) -> Reply:
        user_id = self.users[login].id if login in self.users else 0
        body = {"message": f"API rate limit exceeded for user ID {user_id}. If you reach out to GitHub Support for "
                           "help, please include the request ID.", "documentation_url": PRIMARY_DOCS, "status": "403"}
        return Reply(403, body, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.time()) + reset_in)})

    def process(self, method: str, raw_path: str, raw_body: bytes, authorization: str | None) -> tuple[Reply, Call]:
        split = urlsplit(raw_path)
        path = split.path
        if path.startswith("/api/v3"):
            path = path[len("/api/v3"):] or "/"
        if len(path) > 1:
            path = path.rstrip("/")
        query = parse_qs(split.query, keep_blank_values=True)
        operation, params = self._match(method, path)
        body: Any = None
        if raw_body:
            try:
                body = json.loads(raw_body)
            except ValueError:
                body = raw_body.decode(errors="replace")
        token = None
        if authorization:
            scheme, _, value = authorization.partition(" ")
            if scheme.lower() in ("token", "bearer"):
                token = value.strip()
        login = self.tokens[token].login if token in self.tokens else None
        now = self.clock()
        applied = False
        fault_name = None
        delay = 0.0
        is_write = method != "GET"

        with self.lock:
            self.rate_used += 1
        fault = self._take_fault(method, path, operation)
        if fault:
            fault_name = fault.kind if fault.kind != "status" else f"status {fault.status}"
        if operation is None:
            reply = self._error(ApiError(404, "Not Found"))
        elif token is None:
            reply = self._error(ApiError(401, "Requires authentication"))
        elif login is None:
            reply = self._error(ApiError(401, "Bad credentials"))
        elif fault and fault.kind == "secondary":
            reply = self._secondary(fault.retry_after)
        elif fault and fault.kind == "primary":
            reply = self._primary(fault.reset_in, login)
        elif fault and fault.kind == "status" and not fault.applied:
            reply = self._error(ApiError(fault.status, _reason(fault.status)))
        elif is_write and not self._permitted(token, operation):
            reply = self._error(ApiError(403, "Resource not accessible by integration"))
        else:
            limited = False
            if is_write:
                with self.lock:
                    window = self._content_times
                    while window and now - window[0] >= 60:
                        window.popleft()
                    if self.secondary_limit is not None and len(window) >= self.secondary_limit:
                        limited = True
                    else:
                        window.append(now)
                        self._all_content_times.append(now)
            if limited:
                reply = self._secondary(60)
                fault_name = "secondary limit enforced"
            else:
                req = Request(method, path, query, params, body, login, operation)
                req.token = token  # type: ignore[attr-defined]
                handler = getattr(self, "op_" + operation.replace("/", "_").replace("-", "_"))
                with self.lock:
                    try:
                        reply = handler(req)
                        applied = is_write and reply.status < 400
                    except ApiError as error:
                        reply = self._error(error)
                if fault and fault.kind == "status":  # applied, then the response is lost
                    reply = self._error(ApiError(fault.status, _reason(fault.status)))
                if fault and fault.kind == "slow":
                    delay = fault.delay
        if fault and fault.kind == "slow" and not fault.applied:
            delay = fault.delay
        headers = {**self._rate_headers(), "x-github-request-id": uuid.uuid4().hex[:16].upper(),
                   "x-github-api-version-selected": "2022-11-28", **reply.headers}
        reply.headers = headers
        call = Call(method, path, split.query, reply.status, operation, login, body, reply.body, headers, now,
                    applied, fault_name)
        with self.lock:
            self.calls.append(call)
        if delay:
            time.sleep(delay)
        return reply, call

    def _permitted(self, token: str, operation: str) -> bool:
        permissions = self.tokens[token].permissions
        if permissions is None:
            return True
        needed = WRITE_PERMISSION.get(operation.split("/")[0])
        if operation in ("issues/create-comment", "issues/update-comment", "issues/delete-comment"):
            return "write" in (permissions.get("issues"), permissions.get("pull_requests"))
        return needed is None or permissions.get(needed) == "write"


def _reason(status: int) -> str:
    return {500: "Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
            404: "Not Found", 409: "Conflict"}.get(status, "Error")


class _RequestHandler(BaseHTTPRequestHandler):
    emu: GitHubEmulator
    protocol_version = "HTTP/1.1"
    server_version = "GitHub.com-emulator"
    wbufsize = 1 << 16  # one write per response: no delayed-ACK stall on keep-alive connections
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # keep test output quiet
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        reply, _ = self.emu.process(self.command, self.path, raw, self.headers.get("Authorization"))
        payload = b"" if reply.body is None else json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.body is not None:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if payload:
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            self.close_connection = True

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle
