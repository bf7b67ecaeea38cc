"""One run of `postmortem followups`: load, read GitHub, plan, write, record, report.

Kept apart from the argument parsing so tests and the benchmark can run it
with their own environment, clock and sleep (a virtual clock for pacing).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Mapping

from postmortem_kit.core import Finding, PostmortemError, brief
from postmortem_kit.followups.event import decide
from postmortem_kit.followups.issue_content import Links
from postmortem_kit.followups.issue_index import IssueIndex, KnownIssue, known_issue, list_followup_issues
from postmortem_kit.followups.issue_sync import IssueSync, Outcome, SyncReport
from postmortem_kit.followups.plan import CREATE, DONE, EXTERNAL, KEEP, LINKED, UPDATE, Plan, build_plan
from postmortem_kit.followups.source import LoadResult, load_incidents
from postmortem_kit.followups.status import make_row, status_document
from postmortem_kit.followups.tracking_writeback import (
    TrackingChange,
    TrackingPublisher,
    WritebackResult,
    recorded_tracking,
    write_local,
)
from postmortem_kit.github import (
    GITHUB_SECONDARY_LIMIT_PER_MINUTE,
    GitHubConfigError,
    GitHubSettings,
    Pacer,
    WriteGate,
    bot_login,
    connect,
    describe_error,
    event_name,
    event_path,
    repository_name,
    server_url,
    settings_from_env,
)


@dataclass
class RunOptions:
    paths: list[str]
    root: Path = Path(".")
    repository: str | None = None
    dry_run: bool = False
    status_only: bool = False
    offline: bool = False
    write_back: str = "pr"
    due_dates: str = "text"
    bot_login: str | None = None
    today: date | None = None
    status_file: Path | None = None
    writes_per_minute: float | None = GITHUB_SECONDARY_LIMIT_PER_MINUTE
    max_rate_limit_wait: float = 120.0
    timeout: int = 30
    ignore_event: bool = False


@dataclass
class RunResult:
    code: int
    load: LoadResult | None = None
    plan: Plan | None = None
    report: SyncReport | None = None
    writeback: WritebackResult | None = None
    rows: list = field(default_factory=list)
    document: dict | None = None
    skipped_reason: str | None = None
    index: IssueIndex | None = None
    fatal: str | None = None
    reopened: set[int] = field(default_factory=set)
    unreadable_links: set[int] = field(default_factory=set)  # tracking numbers with no readable issue
    changes: list[TrackingChange] = field(default_factory=list)


class RunError(PostmortemError):
    """Unusable arguments, environment or repository (exit code 2)."""


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def run(options: RunOptions, *, env: Mapping[str, str], clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep, settings: GitHubSettings | None = None) -> RunResult:
    today = options.today or datetime.now(timezone.utc).date()
    if not options.ignore_event and not options.status_only:
        decision = decide(event_name(env), event_path(env))
        if not decision.run:
            return RunResult(0, skipped_reason=decision.reason)
        if options.repository is None and decision.repository:
            options.repository = decision.repository

    load = load_incidents(options.paths, options.root)
    if any(f.rule in ("file/missing", "file/no-incidents") for f in load.findings) and not load.incidents:
        raise RunError(load.findings[0].message + f": {load.findings[0].path}")

    if options.offline:
        return _offline(options, load, today, env)

    try:
        settings = settings or settings_from_env(env, repository=options.repository, timeout=options.timeout,
                                                 max_rate_limit_wait=options.max_rate_limit_wait)
    except GitHubConfigError as error:
        raise RunError(str(error)) from None
    if not settings.repository:
        raise RunError("no repository: pass --repo OWNER/NAME or set GITHUB_REPOSITORY")
    return _online(options, settings, load, today, clock, sleep)


def _offline(options: RunOptions, load: LoadResult, today: date, env: Mapping[str, str]) -> RunResult:
    """No GitHub at all: a dry run shows what would be created; status knows only the YAML."""
    repository = options.repository or repository_name(env) or "OWNER/REPO"
    server = server_url(env)
    links = Links(server, repository, "main")
    plan = build_plan(load.incidents, IssueIndex([]), links, assignable=lambda login: False,
                      due_dates=options.due_dates)
    rows = _rows_from_plan(plan, {}, today)
    document = status_document(rows, repository=options.repository or repository_name(env), today=today,
                               generated_at=_now())
    return RunResult(1 if load.errors else 0, load=load, plan=plan, rows=rows, document=document,
                     changes=planned_tracking_changes(plan))


def _online(options: RunOptions, settings: GitHubSettings, load: LoadResult, today: date,
            clock, sleep) -> RunResult:
    from github.GithubException import BadCredentialsException, GithubException, UnknownObjectException

    gh = connect(settings)
    try:
        try:
            repo = gh.get_repo(settings.repository)
            default_branch = repo.default_branch
        except BadCredentialsException:
            raise RunError("GitHub rejected the token (401 Bad credentials)") from None
        except UnknownObjectException:
            raise RunError(f"repository {settings.repository} not found, or the token cannot see it") from None
        bot = bot_login(gh, options.bot_login)
        links = Links(settings.server_url, repo.full_name, default_branch)
        result = RunResult(0, load=load)
        try:
            result.index = list_followup_issues(repo, bot)
            assignable = _collaborators(repo)
            # Only when a person edited a marker out: the unmerged tracking branch records their numbers.
            recorded = recorded_tracking(repo, load.incidents) if result.index.unmarked else {}
            plan = build_plan(load.incidents, result.index, links, assignable=assignable,
                              due_dates=options.due_dates, recorded=recorded)
        except GithubException as error:
            result.fatal = f"reading issues from GitHub failed: {describe_error(error)}"
            result.code = 1
            return result
        result.plan = plan
        linked = _read_linked(repo, plan)
        result.unreadable_links = {number for number, issue in linked.items() if issue is None}
        gate = WriteGate(Pacer(options.writes_per_minute or None, clock=clock, sleep=sleep),
                         max_rate_limit_wait=options.max_rate_limit_wait, dry_run=options.dry_run or options.status_only)
        sync = IssueSync(repo, bot, gate, links, due_dates=options.due_dates)
        reopened = sync.reopened_by_people(plan) if not options.status_only else set()
        result.reopened = reopened
        if options.status_only or options.dry_run:
            result.rows = _rows_from_plan(plan, linked, today)
        else:
            result.report = sync.run(plan, reopened=reopened)
            result.rows = _rows_from_report(result.report, linked, today)
            changes = tracking_changes(result.report.outcomes)
            if options.write_back == "local":
                result.writeback = write_local(changes)
            elif options.write_back in ("pr", "commit"):
                result.writeback = TrackingPublisher(repo, gate, default_branch).publish(changes, options.write_back)
            else:
                result.writeback = WritebackResult("off", "off" if changes else "nothing")
            result.changes = changes
        if options.dry_run:
            result.changes = planned_tracking_changes(plan)
        result.document = status_document(result.rows, repository=repo.full_name, today=today, generated_at=_now())
        failed = bool(load.errors) or (result.report is not None and (
            result.report.errors or result.report.stopped)) or (
            result.writeback is not None and result.writeback.result == "failed")
        result.code = 1 if failed else 0
        return result
    finally:
        gh.close()


def _collaborators(repo) -> Callable[[str], bool]:
    cache: dict[str, bool] = {}

    def assignable(login: str) -> bool:
        key = login.lower()
        if key not in cache:
            try:
                cache[key] = bool(repo.has_in_collaborators(login))
            except Exception:  # noqa: BLE001 - unknown means "do not assign", the owner becomes a label
                cache[key] = False
        return cache[key]

    return assignable


def _read_linked(repo, plan: Plan) -> dict[int, KnownIssue | None]:
    """The issues that tracking fields name but the sync did not make (read, never edited)."""
    from github.GithubException import GithubException

    found: dict[int, KnownIssue | None] = {}
    for step in plan.of_kind(LINKED):
        number = step.linked_number
        if number in found:
            continue
        try:
            found[number] = known_issue(repo.get_issue(number))
        except GithubException:
            found[number] = None
    return found


def _rows_from_plan(plan: Plan, linked: dict[int, KnownIssue | None], today: date) -> list:
    return _status_rows(((step, step.issue) for step in plan.steps), linked, today)


def _rows_from_report(report: SyncReport, linked: dict[int, KnownIssue | None], today: date) -> list:
    return _status_rows(((outcome.step, outcome.issue) for outcome in report.outcomes), linked, today)


def _status_rows(steps, linked: dict[int, KnownIssue | None], today: date) -> list:
    """One status row per follow-up step, given each step with the issue it has (planned or synced)."""
    rows = []
    for step, own_issue in steps:
        if step.follow_up is None:
            continue
        if step.kind == EXTERNAL:
            rows.append(make_row(step.incident, step.follow_up, None, today, kind="external"))
        elif step.kind == LINKED:
            issue = linked.get(step.linked_number)
            rows.append(make_row(step.incident, step.follow_up, issue, today,
                                 kind="issue" if issue else "unknown", number=step.linked_number))
        else:
            rows.append(make_row(step.incident, step.follow_up, own_issue, today))
    return rows


def tracking_changes(outcomes: list[Outcome]) -> list[TrackingChange]:
    """Follow-ups still marked ``tracking: new`` whose issue exists now."""
    changes = []
    for outcome in outcomes:
        step = outcome.step
        if step.follow_up is None or step.follow_up.tracking != "new" or outcome.issue is None:
            continue
        if outcome.result in ("created", "adopted", "updated", "unchanged", "done", "not-attempted"):
            changes.append(TrackingChange(step.incident, step.follow_up.index, "new", f"#{outcome.issue.number}",
                                          step.follow_up.action))
    return changes


def planned_tracking_changes(plan: Plan) -> list[TrackingChange]:
    changes = []
    for step in plan.steps:
        if step.follow_up is None or step.follow_up.tracking != "new":
            continue
        if step.kind in (UPDATE, KEEP, DONE):
            new = f"#{step.issue.number}"
        elif step.kind == CREATE:
            new = "#<new issue>"
        else:
            continue
        changes.append(TrackingChange(step.incident, step.follow_up.index, "new", new, step.follow_up.action))
    return changes


def finding_lines(findings: list[Finding]) -> list[str]:
    return [brief(f, detail=True) for f in findings]
