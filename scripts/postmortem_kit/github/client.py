"""A GitHub REST client set up for jobs that write: PyGithub with bounded waits and paced writes.

Shared by `postmortem followups` and the pull-request job; nothing here knows
about incidents.

* ``connect(settings)``: PyGithub with ``Auth.Token``, ``base_url`` from
  ``GITHUB_API_URL`` (GitHub Enterprise Server: ``https://HOST/api/v3``) and a
  ``BoundedRetry``: reads are retried on 5xx, on connection errors and on
  rate limits, but a rate-limit wait longer than ``max_rate_limit_wait`` raises
  instead of blocking the job for an hour. POST and PATCH are never retried by
  the transport: a lost response to a POST may mean the write happened, and
  only the caller knows how to look for it before trying again.
* ``Pacer``: spaces content-creating requests so that no 60-second window
  holds more than ``per_minute`` of them (GitHub's secondary limit is 80).
  Its clock and sleep are injectable, so tests run it on a virtual clock.
* ``WriteGate``: sends one write at a time through the pacer, waits out a
  secondary rate limit (``retry-after``, bounded) and retries, and counts
  writes. ``is_transient`` tells a lost response from a refusal.
"""

from __future__ import annotations

import os
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Mapping, TypeVar

from postmortem_kit.core import PostmortemError

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_SERVER_URL = "https://github.com"
GITHUB_SECONDARY_LIMIT_PER_MINUTE = 80
DEFAULT_MAX_RATE_LIMIT_WAIT = 120.0
ACTIONS_BOT_LOGIN = "github-actions[bot]"

T = TypeVar("T")


class GitHubConfigError(PostmortemError):
    """The environment or options do not say how to reach GitHub (exit code 2)."""


class RateLimitWaitTooLong(PostmortemError):
    """A rate limit asks for a longer wait than the job may spend."""

    def __init__(self, wait: float, limit: float, kind: str):
        super().__init__(f"GitHub {kind} rate limit: retry in {wait:.0f} s, more than the {limit:.0f} s this run may wait")
        self.wait = wait
        self.limit = limit
        self.kind = kind


@dataclass
class GitHubSettings:
    token: str
    api_url: str = DEFAULT_API_URL
    server_url: str = DEFAULT_SERVER_URL
    repository: str | None = None
    timeout: int = 30
    max_rate_limit_wait: float = DEFAULT_MAX_RATE_LIMIT_WAIT
    retries: int = 4
    backoff_factor: float = 1.0


def settings_from_env(env: Mapping[str, str] | None = None, *, repository: str | None = None,
                      token_variable: str = "GITHUB_TOKEN", **overrides: Any) -> GitHubSettings:
    """Settings from the variables GitHub Actions sets (GITHUB_TOKEN, GITHUB_API_URL, GITHUB_REPOSITORY...)."""
    env = os.environ if env is None else env
    token = (env.get(token_variable) or "").strip()
    if not token:
        raise GitHubConfigError(f"{token_variable} is not set: a GitHub token is needed to reach the API")
    repository = repository or env.get("GITHUB_REPOSITORY") or None
    if repository is not None and (repository.count("/") != 1 or not all(repository.split("/"))):
        raise GitHubConfigError(f"repository {repository!r} is not OWNER/NAME")
    api_url = (env.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
    if not api_url.startswith(("https://", "http://")):
        raise GitHubConfigError(f"GITHUB_API_URL {api_url!r} is not an http(s) URL")
    server_url = (env.get("GITHUB_SERVER_URL") or DEFAULT_SERVER_URL).rstrip("/")
    return GitHubSettings(token=token, api_url=api_url, server_url=server_url, repository=repository, **overrides)


def _bounded_retry_class():
    from github import GithubRetry
    from github.GithubException import RateLimitExceededExceedsMaxWait
    from urllib3 import Retry

    class BoundedRetry(GithubRetry):
        """GithubRetry that never sleeps longer than ``max_rate_limit_wait`` for a ``Retry-After``
        and never repeats a POST or PATCH."""

        def __init__(self, **kwargs: Any):
            kwargs.setdefault("allowed_methods", Retry.DEFAULT_ALLOWED_METHODS)  # GET, HEAD, PUT, DELETE, OPTIONS, TRACE
            kwargs.setdefault("status_forcelist", [*range(500, 600), 429])
            super().__init__(**kwargs)

        def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
            if response is not None and response.status in (403, 429) and self.max_rate_limit_wait is not None:
                wait = retry_after_seconds(response.headers)
                if wait is not None and wait > self.max_rate_limit_wait:
                    raise RateLimitExceededExceedsMaxWait(response.status, {"message": "secondary rate limit"},
                                                          dict(response.headers), wait=wait)
            return super().increment(method, url, response, error, _pool, _stacktrace)

    return BoundedRetry


def connect(settings: GitHubSettings):
    """A PyGithub client for ``settings`` (imports PyGithub only when called)."""
    import logging

    from github import Auth, Github

    # PyGithub logs every retried 403 at INFO to stderr; the commands report failures themselves.
    logging.getLogger("github").setLevel(logging.WARNING)

    retry = _bounded_retry_class()(total=settings.retries, backoff_factor=settings.backoff_factor,
                                   secondary_rate_wait=min(60.0, settings.max_rate_limit_wait),
                                   max_rate_limit_wait=settings.max_rate_limit_wait)
    # PyGithub's own throttle (sleeping between requests) is off: writes are paced by WriteGate.
    return Github(base_url=settings.api_url, auth=Auth.Token(settings.token), timeout=settings.timeout,
                  retry=retry, per_page=100, seconds_between_requests=None, seconds_between_writes=None)


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    value = None
    for name, given in headers.items():
        if name.lower() == "retry-after":
            value = given
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _header(headers: Mapping[str, Any] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return str(value)
    return None


def rate_limit_kind(error: BaseException) -> str | None:
    """"secondary" or "primary" when ``error`` is GitHub refusing for a rate limit, else None."""
    from github.GithubException import GithubException

    if not isinstance(error, GithubException) or error.status not in (403, 429):
        return None
    data = error.data if isinstance(error.data, dict) else {}
    message = str(data.get("message") or "").lower()
    if "secondary rate limit" in message or message.endswith("please wait a few minutes before you try again."):
        return "secondary"
    if message.startswith("api rate limit exceeded") or _header(error.headers, "x-ratelimit-remaining") == "0":
        return "primary"
    if _header(error.headers, "retry-after") is not None:
        return "secondary"
    return None


def is_transient(error: BaseException) -> bool:
    """True when the request may or may not have been applied: 5xx, a timeout, a dropped connection."""
    import requests
    from github.GithubException import GithubException

    if isinstance(error, GithubException):
        return error.status is not None and error.status >= 500
    return isinstance(error, (requests.exceptions.Timeout, requests.exceptions.ConnectionError))


def describe_error(error: BaseException) -> str:
    """One line for a log or summary."""
    from github.GithubException import GithubException

    if isinstance(error, RateLimitWaitTooLong):
        return str(error)
    if isinstance(error, GithubException):
        data = error.data if isinstance(error.data, dict) else {}
        message = str(data.get("message") or error.message or "").splitlines()[0] if (data or error.message) else ""
        details = []
        for item in data.get("errors") or []:
            if isinstance(item, dict):
                details.append(item.get("message") or "/".join(str(item.get(k)) for k in ("field", "code") if item.get(k)))
            else:
                details.append(str(item))
        suffix = f" ({'; '.join(d for d in details if d)})" if details else ""
        return f"HTTP {error.status}: {message or 'error'}{suffix}"
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}"[:300]


def bot_login(gh, override: str | None = None) -> str:
    """The login that authors what this token writes.

    A personal token can ask ``GET /user``; GITHUB_TOKEN and app installation
    tokens cannot (403 "Resource not accessible by integration"), and then the
    Actions bot is assumed unless ``override`` (an app's ``slug[bot]``) says otherwise.
    """
    from github.GithubException import GithubException

    if override:
        return override
    try:
        return gh.get_user().login
    except GithubException as error:
        if error.status in (401, 403):
            return ACTIONS_BOT_LOGIN
        raise


def wrong_author(created, expected: str) -> str | None:
    """A problem line when GitHub shows ``created`` (what this token just wrote: an issue, a comment,
    a review) as written by another login than ``expected``, the one reruns look for. An app token
    cannot ask ``GET /user``, so its ``slug[bot]`` must be given; without it every rerun would write
    the same object again."""
    user = getattr(created, "user", None)
    login = getattr(user, "login", None) if user is not None else None
    if not isinstance(login, str) or not login or login.lower() == expected.lower():
        return None
    return (f"GitHub shows what this token writes as written by {login}, not {expected}: set the bot login to "
            f"{login} (--bot-login, or the action's bot-login input), or the next run will not recognise it "
            "and write it again")


class Pacer:
    """At most ``per_minute`` calls to ``wait()`` return in any 60 seconds, evenly spaced."""

    def __init__(self, per_minute: float | None = GITHUB_SECONDARY_LIMIT_PER_MINUTE, *,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        if per_minute is not None and per_minute <= 0:
            raise ValueError("per_minute must be positive (or None for no pacing)")
        self.per_minute = per_minute
        self.clock = clock
        self.sleep = sleep
        self._sent: deque[float] = deque()
        self.waited = 0.0

    def pause(self, seconds: float) -> None:
        if seconds > 0:
            self.waited += seconds
            self.sleep(seconds)

    def wait(self) -> None:
        if self.per_minute is None:
            return
        limit = int(self.per_minute) if self.per_minute >= 1 else 1
        interval = 60.0 / self.per_minute
        now = self.clock()
        if self._sent and now - self._sent[-1] < interval:
            self.pause(interval - (now - self._sent[-1]))
            now = self.clock()
        while self._sent and now - self._sent[0] >= 60:
            self._sent.popleft()
        while len(self._sent) >= limit:
            # a hair over the minute, so that float rounding never lets one more through (or loops forever)
            self.pause(60 - (now - self._sent[0]) + 1e-6)
            now = self.clock()
            while self._sent and now - self._sent[0] >= 60:
                self._sent.popleft()
        self._sent.append(now)


class WriteGate:
    """Sends writes one at a time, paced, and rides out secondary rate limits within a bounded wait."""

    def __init__(self, pacer: Pacer | None = None, *, max_rate_limit_wait: float = DEFAULT_MAX_RATE_LIMIT_WAIT,
                 attempts: int = 4, dry_run: bool = False):
        self.pacer = pacer or Pacer()
        self.max_rate_limit_wait = max_rate_limit_wait
        self.attempts = attempts
        self.dry_run = dry_run
        self.writes = 0
        self.rate_limited = 0

    def send(self, request: Callable[[], T], *, retry_transient: bool = False) -> T:
        """Run one write. ``retry_transient``: also repeat it after a 5xx or timeout (only for
        writes that are safe to repeat, such as PATCH with the full new state)."""
        if self.dry_run:
            raise RuntimeError("a write was attempted during a dry run")
        from github.GithubException import RateLimitExceededExceedsMaxWait

        attempt = 0
        while True:
            attempt += 1
            self.pacer.wait()
            self.writes += 1
            try:
                return request()
            except RateLimitExceededExceedsMaxWait as error:
                raise RateLimitWaitTooLong(error.wait or 0, self.max_rate_limit_wait, "secondary") from error
            except Exception as error:  # noqa: BLE001 - classified below, re-raised when not ours to handle
                kind = rate_limit_kind(error)
                if kind is not None and attempt < self.attempts:
                    self.rate_limited += 1
                    self.pacer.pause(self._rate_limit_wait(error, kind))
                    continue
                if retry_transient and is_transient(error) and attempt < self.attempts:
                    self.pacer.pause(min(2.0 ** attempt, self.max_rate_limit_wait))
                    continue
                raise

    def _rate_limit_wait(self, error, kind: str) -> float:
        wait = retry_after_seconds(error.headers or {})
        if wait is None and kind == "primary":
            reset = _header(error.headers, "x-ratelimit-reset")
            wait = max(1.0, float(reset) - time.time() + 1) if reset and reset.isdigit() else 60.0
        if wait is None:
            wait = 60.0  # GitHub: wait at least a minute when no retry-after is given
        if wait > self.max_rate_limit_wait:
            raise RateLimitWaitTooLong(wait, self.max_rate_limit_wait, kind) from error
        return wait
