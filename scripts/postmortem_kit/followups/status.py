"""Where every follow-up stands: its issue's state, owner, due date and days overdue.

Printed by ``postmortem followups --status`` (a table, or ``--format json``)
and written to the status file (default ``build/followups-status.json``) that
the lessons site reads. Overdue means past the due date and still open.

The JSON document::

    {"format": "postmortem-kit/followups-status@1", "repository": "acme/shop",
     "generated_at": "2026-06-01T08:00:00Z", "today": "2026-06-01",
     "summary": {"total": 10, "open": 4, "overdue": 2, "done": 3, "not_planned": 0, "no_issue": 1, "unknown": 0},
     "follow_ups": [{"incident": "INC-2026-0002", "index": 0, "action": "...", "owner": "team-data-platform",
                     "due": "2026-05-27", "tracking": "#12", "issue": 12, "url": "https://github.com/acme/shop/issues/12",
                     "state": "open", "state_reason": null, "status": "overdue", "overdue_days": 5,
                     "assignees": [], "incident_title": "...", "severity": "SEV3",
                     "file": "postmortems/INC-2026-0002.yaml"}, ...]}

``state`` is the issue's (open, closed, or unknown when there is no issue or
it could not be read); ``status`` refines it: open, overdue, done,
not-planned, no-issue, external (tracked outside this repository), unknown.
The one reader of the file is followup_status_file.read_status_document.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from postmortem_kit.core import write_atomic

if TYPE_CHECKING:  # annotations only: the status file's readers need not load the YAML and issue modules
    from postmortem_kit.followups.issue_index import KnownIssue
    from postmortem_kit.followups.source import FollowUp, Incident

STATUS_FILE = "build/followups-status.json"
FORMAT = "postmortem-kit/followups-status@1"
STATUSES = ("open", "overdue", "done", "not-planned", "no-issue", "external", "unknown")
# the issue state each status goes with (make_row never writes another pair)
STATE_OF_STATUS = {"open": "open", "overdue": "open", "done": "closed", "not-planned": "closed",
                   "no-issue": "unknown", "external": "unknown", "unknown": "unknown"}


@dataclass
class StatusRow:
    incident: str
    index: int
    action: str
    owner: str
    due: str
    tracking: str
    issue: int | None
    url: str | None
    state: str
    state_reason: str | None
    status: str
    overdue_days: int
    assignees: list[str] = field(default_factory=list)
    incident_title: str = ""
    severity: str | None = None
    file: str = ""


def make_row(incident: Incident, follow_up: FollowUp, issue: KnownIssue | None, today: date, *,
             kind: str = "issue", number: int | None = None) -> StatusRow:
    """``kind``: "issue" (``issue`` is the follow-up's issue, or None when it has none yet),
    "external" (tracked elsewhere) or "unknown" (the issue named by tracking could not be read)."""
    days_past = (today - date.fromisoformat(follow_up.due)).days
    state, reason, status, overdue = "unknown", None, "unknown", 0
    if kind == "external":
        status = "external"
    elif issue is not None:
        state, reason = issue.state, issue.state_reason
        if issue.open:
            overdue = max(0, days_past)
            status = "overdue" if overdue > 0 else "open"
        else:
            status = "not-planned" if reason == "not_planned" else "done"
    elif kind == "issue":
        status = "no-issue"
    return StatusRow(
        incident=incident.id, index=follow_up.index, action=follow_up.action, owner=follow_up.owner,
        due=follow_up.due, tracking=follow_up.tracking,
        issue=issue.number if issue else number, url=issue.url if issue else None,
        state=state, state_reason=reason, status=status, overdue_days=overdue,
        assignees=list(issue.assignees) if issue else [], incident_title=incident.title,
        severity=incident.severity, file=incident.repo_path,
    )


def summary(rows: list[StatusRow]) -> dict[str, int]:
    counts = {"total": len(rows)}
    for status in STATUSES:
        counts[status.replace("-", "_")] = sum(1 for row in rows if row.status == status)
    counts["open"] += counts["overdue"]  # overdue ones are open too
    return counts


def status_document(rows: list[StatusRow], *, repository: str | None, today: date, generated_at: str) -> dict:
    ordered = sorted(rows, key=lambda r: (r.incident, r.index))
    return {
        "format": FORMAT,
        "repository": repository,
        "generated_at": generated_at,
        "today": today.isoformat(),
        "summary": summary(ordered),
        "follow_ups": [asdict(row) for row in ordered],
    }


def write_status(path: Path, document: dict) -> None:
    """Write atomically, so the site never reads half a file."""
    write_atomic(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(rows: list[StatusRow]) -> str:
    ordered = sorted(rows, key=lambda r: (r.incident, r.index))
    header = ("INCIDENT", "#", "ISSUE", "STATUS", "OWNER", "DUE", "OVERDUE", "ACTION")
    body = [(r.incident, str(r.index + 1), f"#{r.issue}" if r.issue else (r.tracking if r.status == "external" else "-"),
             r.status, _cut(r.owner, 24), r.due, f"{r.overdue_days}d" if r.overdue_days else "-", _cut(r.action, 60))
            for r in ordered]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header) - 1)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths)) + "  " + row[-1]
             for row in [header, *body]]
    counts = summary(ordered)
    lines.append("")
    lines.append(f"{counts['total']} follow-ups: {counts['open']} open ({counts['overdue']} overdue), "
                 f"{counts['done']} done, {counts['not_planned']} not planned, {counts['no_issue']} without an issue, "
                 f"{counts['external']} tracked elsewhere, {counts['unknown']} unknown")
    return "\n".join(lines)
