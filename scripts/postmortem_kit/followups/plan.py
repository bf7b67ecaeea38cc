"""Which issue belongs to which follow-up, and what has to change: a plan, before any write.

Matching, per incident, among the sync's own issues for that incident:

1. a ``tracking`` reference (``#12``, ``owner/repo#12`` or the issue URL) to
   one of them, or to an issue of the sync whose marker a person edited out;
   a reference to any other issue links the follow-up to that issue, which
   the sync reads but never edits;
2. for ``tracking: new``: the issue whose marker has the same action
   fingerprint (the text did not change), open or closed;
3. then an issue of the sync without a marker (a person edited it out before
   the tracking pull request was merged) whose number that pull request's
   branch records for this follow-up (``recorded``), or else whose title is
   the action's title, open or closed, lowest number first;
4. then an open issue in the same position (the text was edited).

Whatever is left unmatched is created. An issue matched without its marker
gets the marker back with the next body update. An open issue of the sync
that no follow-up claims any more is closed, but only for an incident that
loaded without errors (never one without a marker: its incident is unknown).
A closed issue is never reopened or edited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from postmortem_kit.followups.issue_content import DesiredIssue, Links, desired_issue, issue_title
from postmortem_kit.followups.issue_index import IssueIndex, KnownIssue
from postmortem_kit.followups.markers import action_key
from postmortem_kit.followups.owners import classify, is_managed_label
from postmortem_kit.followups.source import FollowUp, Incident

# Step kinds
CREATE, UPDATE, KEEP, DONE, CLOSE, LINKED, EXTERNAL = "create", "update", "keep", "done", "close", "linked", "external"


@dataclass
class Step:
    kind: str
    incident: Incident
    follow_up: FollowUp | None = None
    issue: KnownIssue | None = None
    desired: DesiredIssue | None = None
    changes: tuple[str, ...] = ()
    linked_number: int | None = None  # LINKED: the issue the tracking field names

    @property
    def number(self) -> int | None:
        if self.issue is not None:
            return self.issue.number
        return self.linked_number


@dataclass
class Plan:
    steps: list[Step]
    untouched: list[KnownIssue] = field(default_factory=list)  # issues of incidents not synced this run

    def of_kind(self, *kinds: str) -> list[Step]:
        return [step for step in self.steps if step.kind in kinds]

    def labels_needed(self) -> list[str]:
        names: dict[str, None] = {}
        for step in self.of_kind(CREATE, UPDATE):
            for name in step.desired.labels:
                names.setdefault(name)
        return list(names)

    def milestones_needed(self) -> dict[str, str]:
        """Milestone title -> due date, for milestone mode."""
        return {step.desired.milestone: step.follow_up.due for step in self.of_kind(CREATE, UPDATE)
                if step.desired.milestone}


def tracking_number(tracking: str, repository: str, server_url: str) -> int | None | str:
    """The issue number a tracking value names in ``repository``; None for ``new``; "external" otherwise."""
    if tracking == "new":
        return None
    match = re.fullmatch(r"#(\d{1,12})", tracking)  # bounded: int() refuses very long digit strings
    if match:
        return int(match.group(1))
    match = re.fullmatch(r"([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)#(\d{1,12})", tracking)
    if match:
        return int(match.group(2)) if match.group(1).lower() == repository.lower() else "external"
    prefix = f"{server_url}/{repository}/issues/".lower()
    if tracking.lower().startswith(prefix) and tracking[len(prefix):].isdigit() and len(tracking) - len(prefix) <= 12:
        return int(tracking[len(prefix):])
    return "external"


def build_plan(incidents: list[Incident], index: IssueIndex, links: Links, *,
               assignable: Callable[[str], bool], due_dates: str = "text",
               recorded: dict[tuple[str, int], str] | None = None) -> Plan:
    """``recorded``: (incident id, follow-up index) -> tracking value on the unmerged tracking branch."""
    grouped = index.by_incident()
    synced_ids = {incident.id for incident in incidents}
    plan = Plan([], [issue for incident_id, issues in grouped.items() if incident_id not in synced_ids
                     for issue in issues])
    unmarked = _Unmarked(index.unmarked, recorded or {}, links)
    for incident in incidents:
        plan.steps += _plan_incident(incident, grouped.get(incident.id, []), links, assignable, due_dates, unmarked)
    return plan


class _Unmarked:
    """The sync's own issues whose marker was edited out, each claimed by at most one follow-up."""

    def __init__(self, issues: list[KnownIssue], recorded: dict[tuple[str, int], str], links: Links):
        self.issues = sorted(issues, key=lambda i: i.number)
        self.taken: set[int] = set()
        self.recorded = recorded
        self.links = links

    def for_new(self, follow_up: FollowUp) -> KnownIssue | None:
        """For a ``tracking: new`` follow-up: the number the tracking branch records, else the title."""
        value = self.recorded.get((follow_up.incident_id, follow_up.index))
        number = tracking_number(value, self.links.repository, self.links.server_url) if value else None
        found = self.by_number(number) if isinstance(number, int) else None
        return found or self.by_title(follow_up.action)

    def by_number(self, number: int) -> KnownIssue | None:
        found = next((i for i in self.issues if i.number == number and number not in self.taken), None)
        if found is not None:
            self.taken.add(number)
        return found

    def by_title(self, action: str) -> KnownIssue | None:
        title = issue_title(action)
        candidates = [i for i in self.issues if i.number not in self.taken and i.title == title]
        if not candidates:
            return None
        best = min(candidates, key=lambda i: (not i.open, i.number))
        self.taken.add(best.number)
        return best


def _plan_incident(incident: Incident, managed: list[KnownIssue], links: Links,
                   assignable: Callable[[str], bool], due_dates: str, unmarked: _Unmarked) -> list[Step]:
    by_number = {issue.number: issue for issue in managed}
    claimed: set[int] = set()
    matched: dict[int, KnownIssue] = {}
    steps: dict[int, Step] = {}
    waiting: list[FollowUp] = []

    for follow_up in incident.follow_ups:
        reference = tracking_number(follow_up.tracking, links.repository, links.server_url)
        if reference is None:
            waiting.append(follow_up)
        elif reference == "external":
            steps[follow_up.index] = Step(EXTERNAL, incident, follow_up)
        elif reference in by_number and reference not in claimed:
            claimed.add(reference)
            matched[follow_up.index] = by_number[reference]
        elif (orphan := unmarked.by_number(reference)) is not None:
            matched[follow_up.index] = orphan
        else:
            steps[follow_up.index] = Step(LINKED, incident, follow_up, linked_number=reference)

    def claim(follow_up: FollowUp, accept: Callable[[KnownIssue], bool]) -> bool:
        candidates = [i for i in managed if i.number not in claimed and accept(i)]
        if not candidates:
            return False
        best = min(candidates, key=lambda i: (i.marker.slot != follow_up.index, not i.open, i.number))
        claimed.add(best.number)
        matched[follow_up.index] = best
        return True

    still: list[FollowUp] = []
    for follow_up in waiting:
        key = action_key(follow_up.action)
        if not claim(follow_up, lambda issue: issue.marker.key == key):
            still.append(follow_up)
    left: list[FollowUp] = []
    for follow_up in still:
        orphan = unmarked.for_new(follow_up)
        if orphan is not None:
            matched[follow_up.index] = orphan
        else:
            left.append(follow_up)
    for follow_up in left:
        if not claim(follow_up, lambda issue: issue.open and issue.marker.slot == follow_up.index):
            steps[follow_up.index] = _create(incident, follow_up, links, assignable, due_dates)

    for position, issue in matched.items():
        follow_up = next(f for f in incident.follow_ups if f.index == position)
        steps[position] = _compare(incident, follow_up, issue, links, assignable, due_dates)

    ordered = [steps[f.index] for f in incident.follow_ups]
    if incident.complete:
        ordered += [Step(CLOSE, incident, issue=issue) for issue in managed
                    if issue.number not in claimed and issue.open]
    return ordered


def _render(incident: Incident, follow_up: FollowUp, links: Links, assignable: Callable[[str], bool],
            due_dates: str) -> DesiredIssue:
    owner = classify(follow_up.owner)
    can_assign = owner.kind == "person" and assignable(owner.login)
    return desired_issue(incident, follow_up, links, assignable=can_assign, due_dates=due_dates,
                         count=incident.total_follow_ups)


def _create(incident, follow_up, links, assignable, due_dates) -> Step:
    return Step(CREATE, incident, follow_up, desired=_render(incident, follow_up, links, assignable, due_dates))


def _compare(incident: Incident, follow_up: FollowUp, issue: KnownIssue, links: Links,
             assignable: Callable[[str], bool], due_dates: str) -> Step:
    if not issue.open:
        return Step(DONE, incident, follow_up, issue)
    desired = _render(incident, follow_up, links, assignable, due_dates)
    changes = []
    if issue.title != desired.title:
        changes.append("title")
    if issue.body != desired.body:
        changes.append("body")
    if {n.lower() for n in issue.labels if is_managed_label(n)} != {n.lower() for n in desired.labels}:
        changes.append("labels")
    if new_assignees(issue, desired) != issue.assignees:
        changes.append("assignee")
    if desired.milestone is not None and issue.milestone != desired.milestone:
        changes.append("milestone")
    return Step(UPDATE if changes else KEEP, incident, follow_up, issue, desired, tuple(changes))


def new_labels(issue: KnownIssue, desired: DesiredIssue) -> list[str]:
    """The issue's labels with the managed ones replaced (labels people added stay)."""
    return [n for n in issue.labels if not is_managed_label(n)] + list(desired.labels)


def new_assignees(issue: KnownIssue, desired: DesiredIssue) -> list[str]:
    """The issue's assignees with the sync's previous assignment replaced by the current owner."""
    previous = issue.marker.assignee if issue.marker else None
    kept = [login for login in issue.assignees if login != previous or login == desired.assignee]
    if desired.assignee and desired.assignee not in kept:
        kept.append(desired.assignee)
    return kept
