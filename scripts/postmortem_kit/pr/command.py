"""`postmortem pr check|post` as library calls: read the event, run a stage, return the exit status."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from postmortem_kit.core import PostmortemError
from postmortem_kit.github import EventError, GitHubConfigError
from postmortem_kit.pr.event import read_event

PROG = "postmortem pr"


class PrUsageError(PostmortemError):
    """Unusable arguments for a stage (exit 2)."""


@dataclass
class PrCheckRequest:
    event: str | None = None
    out: str = "postmortem-pr-result.json"
    workspace: str = "."
    incident_dirs: list[str] | None = None
    provider: str = "auto"
    drafts: bool = True
    config: str | None = None
    config_optional: bool = False
    model: str | None = None
    cache_dir: str | None = None
    blameless: bool = True
    review: bool = False


@dataclass
class PrPostRequest:
    results: list[str] = field(default_factory=list)
    event: str | None = None
    bot_login: str | None = None
    allow_link_hosts: tuple[str, ...] = ()
    writes_per_minute: float = 80.0
    max_rate_limit_wait: float = 120.0


def _client(event, **overrides):
    from postmortem_kit.github import connect, settings_from_env

    settings = settings_from_env(repository=event.repository, **overrides)
    return connect(settings).withLazy(True)


def pr_check_command(request: PrCheckRequest, *, out: TextIO, err: TextIO) -> int:
    """Stage 1: 0 no errors outside drafts, 1 a file that is not a draft has errors, 2 unusable input."""
    from postmortem_kit.github import describe_error
    from postmortem_kit.textsafety import log_line

    try:
        event = read_event(request.event)
    except EventError as error:
        raise EventError(f"check: {error}") from None
    if event.name not in ("pull_request", "pull_request_target"):
        raise PrUsageError(f"check: runs on pull_request events, not {event.name} (use `postmortem pr post` there)")
    if not event.relevant:
        out.write(f"{PROG} check: nothing to do: {event.skip_reason}\n")
        return 0
    from postmortem_kit.drafting import DraftConfigError
    from postmortem_kit.pr.check_stage import CheckOptions, run_check
    from postmortem_kit.pr.drafts import DraftSettings
    from postmortem_kit.pr.files import normalise_dirs

    options = CheckOptions(
        workspace=request.workspace, dirs=normalise_dirs(request.incident_dirs), out=request.out,
        drafts=request.drafts,
        draft=DraftSettings(provider=request.provider, config_path=request.config,
                            config_optional=request.config_optional, model=request.model,
                            cache_dir=request.cache_dir, fork=event.pull.fork),
        blameless=request.blameless, review=request.review)
    try:
        gh = _client(event)
        outcome = run_check(event, gh, options)
    except (GitHubConfigError, DraftConfigError) as error:
        raise PrUsageError(f"check: {error}") from None
    except Exception as error:  # noqa: BLE001 - API failures end with one clear line
        from github.GithubException import GithubException

        from postmortem_kit.github import RateLimitWaitTooLong, is_transient
        from postmortem_kit.pr.summary import write_summary
        from postmortem_kit.textsafety import inline

        if not isinstance(error, (GithubException, RateLimitWaitTooLong)) and not is_transient(error):
            raise
        message = f"could not list the pull request's files: {describe_error(error)}"
        err.write(f"{PROG} check: {log_line(message, 400)}\n")
        write_summary(f"## postmortem-kit: pull request #{event.pull.number} not checked\n\n{inline(message, 600)}\n")
        return 2
    return outcome.exit_status


def pr_post_command(request: PrPostRequest, *, out: TextIO) -> int:
    """Stage 2: 0 posted or nothing to post, 1 GitHub failed part way, 2 unusable result, event or settings."""
    from postmortem_kit.github import Pacer, WriteGate

    if request.writes_per_minute <= 0 or request.max_rate_limit_wait < 0:
        raise PrUsageError("post: --writes-per-minute must be positive and --max-rate-limit-wait not negative")
    try:
        event = read_event(request.event)
    except EventError as error:
        missing = [path for path in request.results if not Path(path).is_file()]
        also = f"; result file(s) not found: {', '.join(missing)}" if missing else ""
        raise EventError(f"post: {error}{also}") from None
    if not event.relevant:
        out.write(f"{PROG} post: nothing to do: {event.skip_reason}\n")
        return 0
    from postmortem_kit.pr.post_stage import PostOptions, run_post

    try:
        gh = _client(event, max_rate_limit_wait=request.max_rate_limit_wait)
    except GitHubConfigError as error:
        raise PrUsageError(f"post: {error}") from None
    gate = WriteGate(Pacer(request.writes_per_minute), max_rate_limit_wait=request.max_rate_limit_wait)
    options = PostOptions(results=request.results, bot_login=request.bot_login, link_hosts=request.allow_link_hosts)
    return run_post(event, gh, options, gate).exit_status
