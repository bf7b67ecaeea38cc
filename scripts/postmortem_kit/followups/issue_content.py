"""What a follow-up's issue should look like: title, body, labels, assignee, milestone.

The body template is ``issue_body`` in followups/texts.yaml. The due date is
written as text in the body (the default); with ``due_dates="milestone"`` the
issue also goes into a milestone named ``Due YYYY-MM-DD`` whose due date is
that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from postmortem_kit.followups.markers import Marker, action_key, render
from postmortem_kit.followups.owners import POSTMORTEM_LABEL, classify, severity_label
from postmortem_kit.followups.source import FollowUp, Incident
from postmortem_kit.followups.texts import fill, texts

TITLE_MAX = 256  # GitHub's limit for an issue title
BODY_MAX = 65536  # GitHub's limit for an issue body (characters)


@dataclass(frozen=True)
class Links:
    server_url: str  # https://github.com
    repository: str  # owner/name
    branch: str  # the default branch

    def incident(self, incident: Incident) -> str:
        return f"{self.server_url}/{self.repository}/blob/{quote(self.branch)}/{quote(incident.repo_path)}"

    def issue(self, number: int) -> str:
        return f"{self.server_url}/{self.repository}/issues/{number}"


@dataclass(frozen=True)
class DesiredIssue:
    title: str
    body: str
    labels: tuple[str, ...]  # the labels the sync manages, in order
    assignee: str | None
    milestone: str | None  # milestone title, in milestone mode
    marker: Marker


def milestone_title(due: str) -> str:
    return f"Due {due}"


def issue_title(action: str) -> str:
    title = " ".join(action.split())
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"


def desired_issue(incident: Incident, follow_up: FollowUp, links: Links, *, assignable: bool,
                  due_dates: str = "text", count: int | None = None) -> DesiredIssue:
    owner = classify(follow_up.owner)
    assignee = owner.login if owner.kind == "person" and assignable else None
    labels = [POSTMORTEM_LABEL]
    severity = severity_label(incident.severity)
    if severity:
        labels.append(severity)
    if assignee is None:
        labels.append(owner.label)
    marker = Marker(incident.id, follow_up.index, action_key(follow_up.action), assignee)
    owner_text = f"@{assignee}" if assignee else f"`{owner.text}`"
    milestone = milestone_title(follow_up.due) if due_dates == "milestone" else None
    body = fill(
        texts()["issue_body"],
        marker=render(marker),
        position=follow_up.index + 1,
        count=count or len(incident.follow_ups),
        incident_id=incident.id,
        severity_text=f" ({incident.severity})" if incident.severity else "",
        incident_title=_inline(incident.title),
        incident_url=links.incident(incident),
        owner_text=owner_text,
        due=follow_up.due,
        due_note=f" (milestone *{milestone}*)" if milestone else "",
        path=incident.repo_path,
        success_criteria=follow_up.success_criteria.strip(),
    )
    if len(body) > BODY_MAX:
        note = "\n\n_(Success criteria cut to fit GitHub's issue size limit: read them in the incident file.)_"
        body = body[: BODY_MAX - len(note)] + note
    return DesiredIssue(issue_title(follow_up.action), body, tuple(labels), assignee, milestone, marker)


def _inline(text: str) -> str:
    """Text safe inside a Markdown link label."""
    return " ".join(text.split()).replace("[", "(").replace("]", ")")
