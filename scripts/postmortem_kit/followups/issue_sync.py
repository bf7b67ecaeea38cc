"""Carry out a follow-ups plan against GitHub, one paced write at a time, exactly once.

* Create: ``POST /issues``. When the answer is lost (5xx, timeout, dropped
  connection) the write may still have happened, so the newest
  ``postmortem`` issues are listed again and an issue with the same marker
  is adopted; only when none is there is the create sent again. The
  transport never repeats a POST on its own (see github_client).
* Update: ``PATCH`` with the changed fields; repeating it is harmless.
* Close (a follow-up removed from its incident): ``PATCH state=closed,
  state_reason=not_planned``, then one comment saying why (found again by
  its author and its marker, or its fixed first words when a person edited
  the marker out, after a lost answer). An issue a person reopened after the
  sync closed it stays open.
* Closed issues are never edited or reopened.

A failure is recorded for its step and the run goes on; a refusal that will
not go away (401, 403 without a rate limit, a rate-limit wait longer than
allowed) stops the remaining writes, and the report says what was not done.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from postmortem_kit.core import PostmortemError
from postmortem_kit.followups.issue_content import Links, desired_issue
from postmortem_kit.followups.issue_index import KnownIssue, known_issue, newest_followup_issues
from postmortem_kit.followups.markers import is_closing_comment, render_closed
from postmortem_kit.followups.owners import label_style
from postmortem_kit.followups.plan import (
    CLOSE,
    CREATE,
    DONE,
    EXTERNAL,
    KEEP,
    LINKED,
    UPDATE,
    Plan,
    Step,
    new_assignees,
    new_labels,
)
from postmortem_kit.followups.texts import fill, texts
from postmortem_kit.github import (
    RateLimitWaitTooLong,
    WriteGate,
    describe_error,
    is_transient,
    rate_limit_kind,
    wrong_author,
)

CREATE_ATTEMPTS = 3


class StopWrites(PostmortemError):
    """Further writes would fail the same way; the reason is the message."""


@dataclass
class Outcome:
    step: Step
    result: str  # created, adopted, updated, unchanged, closed, left-open, done, linked, external, failed, not-attempted
    issue: KnownIssue | None = None
    error: str | None = None

    @property
    def number(self) -> int | None:
        return self.issue.number if self.issue else self.step.number


@dataclass
class SyncReport:
    outcomes: list[Outcome] = field(default_factory=list)
    labels_created: list[str] = field(default_factory=list)
    milestones_created: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stopped: str | None = None
    relists: int = 0

    def count(self, result: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.result == result)


class IssueSync:
    def __init__(self, repo, bot: str, gate: WriteGate, links: Links, *, due_dates: str = "text"):
        self.repo = repo
        self.bot = bot
        self.gate = gate
        self.links = links
        self.due_dates = due_dates
        self.report = SyncReport()
        self._taken: set[int] = set()
        self._milestones: dict[str, object] = {}

    # --- reads that refine a plan (also done for a dry run) ---

    def reopened_by_people(self, plan: Plan) -> set[int]:
        """Issues the plan would close that a person reopened after the sync closed them."""
        reopened = set()
        for step in plan.of_kind(CLOSE):
            if step.issue.state_reason != "reopened":
                continue
            if any(self._our_closing_comment(comment) for comment in step.issue.handle.get_comments()):
                reopened.add(step.issue.number)
        return reopened

    def _our_closing_comment(self, comment) -> bool:
        """Written by the sync's login, and either its marker or (a person edited that out) the
        comment's fixed opening words. A comment by anyone else never counts."""
        login = comment.user.login if comment.user is not None else ""
        if login.lower() != self.bot.lower():
            return False
        return is_closing_comment(comment.body) or _closing_lead(comment.body)

    # --- writes ---

    def run(self, plan: Plan, *, reopened: set[int] = frozenset()) -> SyncReport:
        self._taken = {step.issue.number for step in plan.steps if step.issue is not None}
        try:
            self._labels(plan.labels_needed())
            self._milestones_for(plan.milestones_needed())
        except StopWrites as stop:
            self.report.stopped = str(stop)
        for step in plan.steps:
            if self.report.stopped:
                if step.kind in (CREATE, UPDATE, CLOSE):
                    self.report.outcomes.append(Outcome(step, "not-attempted", step.issue))
                else:
                    self.report.outcomes.append(self._passive(step))
                continue
            try:
                self.report.outcomes.append(self._do(step, reopened))
            except StopWrites as stop:
                self.report.stopped = str(stop)
                self.report.outcomes.append(Outcome(step, "failed", step.issue, str(stop)))
            except Exception as error:  # noqa: BLE001 - one step failing must not lose the others
                message = describe_error(error)
                self.report.errors.append(f"{_where(step)}: {message}")
                self.report.outcomes.append(Outcome(step, "failed", step.issue, message))
        return self.report

    def _passive(self, step: Step) -> Outcome:
        return Outcome(step, {KEEP: "unchanged", DONE: "done", LINKED: "linked", EXTERNAL: "external"}[step.kind],
                       step.issue)

    def _do(self, step: Step, reopened: set[int]) -> Outcome:
        if step.kind == CREATE:
            return self._create(step)
        if step.kind == UPDATE:
            return self._update(step)
        if step.kind == CLOSE:
            if step.issue.number in reopened:
                return Outcome(step, "left-open", step.issue)
            return self._close(step)
        return self._passive(step)

    def _write(self, request, *, retry_transient: bool = False):
        try:
            return self.gate.send(request, retry_transient=retry_transient)
        except RateLimitWaitTooLong as error:
            raise StopWrites(str(error)) from error
        except Exception as error:
            status = getattr(error, "status", None)
            if status in (401, 403) and rate_limit_kind(error) is None:
                raise StopWrites(f"GitHub refused a write ({describe_error(error)}); check the token's "
                                 "permissions (issues: write, contents: write, pull-requests: write)") from error
            raise

    def _labels(self, needed: list[str]) -> None:
        if not needed:
            return
        existing = {label.name.lower() for label in self.repo.get_labels()}
        for name in needed:
            if name.lower() in existing:
                continue
            color, description = label_style(name)
            try:
                self._write(lambda: self.repo.create_label(name, color, description), retry_transient=False)
                self.report.labels_created.append(name)
            except StopWrites:
                raise
            except Exception as error:  # noqa: BLE001
                if getattr(error, "status", None) == 422:
                    continue  # already exists (created meanwhile, or differs only in case): use it as it is
                if not is_transient(error):
                    self.report.errors.append(f"label {name}: {describe_error(error)}")
                # GitHub creates a missing label (grey) when an issue names it, so the run goes on.
            existing.add(name.lower())

    def _milestones_for(self, needed: dict[str, str]) -> None:
        if not needed:
            return
        for milestone in self.repo.get_milestones(state="all"):
            self._milestones[milestone.title] = milestone
        for title, due in sorted(needed.items()):
            if title in self._milestones:
                continue
            due_on = date.fromisoformat(due)
            try:
                self._milestones[title] = self._write(lambda: self.repo.create_milestone(
                    title, description="Postmortem follow-ups due on this day", due_on=due_on))
                self.report.milestones_created.append(title)
            except StopWrites:
                raise
            except Exception as error:  # noqa: BLE001
                if getattr(error, "status", None) == 422 or is_transient(error):
                    for milestone in self.repo.get_milestones(state="all"):
                        self._milestones[milestone.title] = milestone
                if title not in self._milestones:
                    self.report.errors.append(f"milestone {title}: {describe_error(error)}")

    def _milestone(self, title: str | None):
        from github.GithubObject import NotSet

        if title is None:
            return NotSet
        return self._milestones.get(title, NotSet)

    def _create(self, step: Step) -> Outcome:
        from github.GithubObject import NotSet

        desired = step.desired
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                issue = self._write(lambda: self.repo.create_issue(
                    desired.title, body=desired.body, labels=list(desired.labels),
                    assignees=[desired.assignee] if desired.assignee else NotSet,
                    milestone=self._milestone(desired.milestone)))
            except StopWrites:
                raise
            except Exception as error:  # noqa: BLE001
                if desired.assignee and _refused_assignee(error):
                    # GitHub would not assign the owner after all: label them instead, as for a non-collaborator.
                    desired = desired_issue(step.incident, step.follow_up, self.links, assignable=False,
                                            due_dates=self.due_dates, count=step.incident.total_follow_ups)
                    step.desired = desired
                    self._labels(list(desired.labels))
                    continue
                if not is_transient(error):
                    raise
                found = self._find_created(step)
                if found is not None:
                    self._taken.add(found.number)
                    return Outcome(step, "adopted", found)
                if attempt == CREATE_ATTEMPTS:
                    raise
                continue
            known = known_issue(issue)
            self._taken.add(known.number)
            problem = wrong_author(issue, self.bot)
            if problem and problem not in self.report.errors:
                self.report.errors.append(problem)
            return Outcome(step, "created", known)
        raise AssertionError("unreachable")

    def _find_created(self, step: Step) -> KnownIssue | None:
        """After a lost answer: is the issue there already? (One page of the newest issues.)"""
        self.report.relists += 1
        marker = step.desired.marker
        for issue in newest_followup_issues(self.repo, self.bot).issues:
            if (issue.marker.incident, issue.marker.slot, issue.marker.key) == (marker.incident, marker.slot, marker.key) \
                    and issue.number not in self._taken:
                return issue
        return None

    def _update(self, step: Step) -> Outcome:
        from github.GithubObject import NotSet

        issue, desired = step.issue, step.desired
        fields = {}
        if "title" in step.changes:
            fields["title"] = desired.title
        if "body" in step.changes:
            fields["body"] = desired.body
        if "labels" in step.changes:
            fields["labels"] = new_labels(issue, desired)
        if "assignee" in step.changes:
            fields["assignees"] = new_assignees(issue, desired)
        if "milestone" in step.changes:
            milestone = self._milestone(desired.milestone)
            if milestone is not NotSet:
                fields["milestone"] = milestone.number
        data = self._write(lambda: self._patch(issue, fields), retry_transient=True)
        return Outcome(step, "updated", known_issue(issue.handle, data))

    def _patch(self, issue: KnownIssue, fields: dict) -> dict:
        """PATCH the issue and return GitHub's answer (PyGithub's Issue.edit would keep stale raw data)."""
        _, data = self.repo.requester.requestJsonAndCheck("PATCH", issue.api_url, input=fields)
        return data

    def _close(self, step: Step) -> Outcome:
        issue = step.issue
        data = self._write(lambda: self._patch(issue, {"state": "closed", "state_reason": "not_planned"}),
                           retry_transient=True)
        closed = known_issue(issue.handle, data)
        body = fill(texts()["closing_comment"], marker=render_closed(step.incident.id, issue.number),
                    incident_id=step.incident.id, incident_url=self.links.incident(step.incident))
        try:
            self._comment_once(issue, body)
        except StopWrites:
            raise
        except Exception as error:  # noqa: BLE001 - the issue is closed; only the explanation is missing
            self.report.errors.append(f"{_where(step)}: closed, but the comment saying why failed: "
                                      f"{describe_error(error)}")
        return Outcome(step, "closed", closed)

    def _comment_once(self, issue: KnownIssue, body: str) -> None:
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                self._write(lambda: issue.handle.create_comment(body))
                return
            except StopWrites:
                raise
            except Exception as error:  # noqa: BLE001
                if not is_transient(error) or attempt == CREATE_ATTEMPTS:
                    raise
                self.report.relists += 1
                if any(self._our_closing_comment(c) for c in issue.handle.get_comments()):
                    return


def _closing_lead(body: str | None) -> bool:
    """Does ``body`` open with the closing comment's fixed words (the template's text between
    ``$marker`` and the first other placeholder)?"""
    template = texts()["closing_comment"].replace("$marker", "", 1).lstrip()
    lead = template.split("$", 1)[0].strip()
    return bool(lead) and (body or "").lstrip().startswith(lead)


def _refused_assignee(error: BaseException) -> bool:
    data = getattr(error, "data", None)
    if getattr(error, "status", None) != 422 or not isinstance(data, dict):
        return False
    return any(isinstance(e, dict) and e.get("field") in ("assignee", "assignees") for e in data.get("errors") or [])


def _where(step: Step) -> str:
    if step.follow_up is not None:
        return step.follow_up.label
    return f"{step.incident.id} issue #{step.issue.number}"
