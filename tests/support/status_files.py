"""Follow-up status files for tests, made by the writer `postmortem followups --status` uses.

- ``status_row(incident, index, status, overdue_days=0, ...)``: a StatusRow from
  ``followup_status.make_row`` (the function the command calls), for the wanted status;
- ``status_document(rows)``: the JSON document (``followup_status.status_document``);
- ``write_status_file(path, rows)``: that document written by ``followup_status.write_status``.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from postmortem_kit.followups import FollowUp, Incident, KnownIssue, StatusRow, make_row
from postmortem_kit.followups import status as followup_status

TODAY = date(2026, 11, 1)
REPOSITORY = "postmortem-kit/postmortem-kit"


def status_row(incident_id: str, index: int, status: str, overdue_days: int = 0, *, number: int | None = None,
               action: str = "", owner: str = "team-x", today: date = TODAY) -> StatusRow:
    """The row make_row writes for a follow-up whose issue (``number``) is in ``status``."""
    days_past = overdue_days if status == "overdue" else -7
    follow_up = FollowUp(incident_id=incident_id, index=index, action=action, owner=owner,
                         due=(today - timedelta(days=days_past)).isoformat(), success_criteria="",
                         tracking=f"#{number}" if number else "new")
    incident = Incident(id=incident_id, title=f"Incident {incident_id}", status="published", severity="SEV3",
                        path=f"postmortems/{incident_id}.yaml", repo_path=f"postmortems/{incident_id}.yaml")
    issue, kind = None, "issue"
    if status in ("open", "overdue", "done", "not-planned"):
        closed = status in ("done", "not-planned")
        reason = {"done": "completed", "not-planned": "not_planned"}.get(status)
        issue = KnownIssue(number=number or 1, title=action, body="", state="closed" if closed else "open",
                           state_reason=reason, labels=[], assignees=[], milestone=None, author="bot",
                           url=f"https://github.com/{REPOSITORY}/issues/{number or 1}", api_url="", marker=None)
    elif status in ("external", "unknown"):
        kind = status
    elif status != "no-issue":
        raise ValueError(f"unknown status {status!r}")
    row = make_row(incident, follow_up, issue, today, kind=kind, number=number)
    assert row.status == status and row.overdue_days == (overdue_days if status == "overdue" else 0), row
    return row


def status_document(rows: list[StatusRow], *, today: date = TODAY) -> dict[str, Any]:
    return followup_status.status_document(rows, repository=REPOSITORY, today=today,
                                           generated_at=f"{today.isoformat()}T08:00:00Z")


def write_status_file(path: Path, rows: list[StatusRow], *, today: date = TODAY) -> Path:
    followup_status.write_status(path, status_document(rows, today=today))
    return path
