"""Follow-up status for the site, from ``postmortem followups --status --format json``.

The file (format ``postmortem-kit/followups-status@1``) is read by
followup_status_file.read_status_document, the strict reader next to the
writer; this module only turns its rows into what the pages show. The file is
optional: without it the site shows each follow-up's tracking reference and
due date, and says that its state is unknown. A file that cannot be used is
reported as one problem line and the site goes on without status.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from postmortem_kit.followups import STATE_OF_STATUS, StatusFileError, StatusRow, read_status_document
from postmortem_kit.textsafety import plain


@dataclass
class FollowUpStatus:
    status: str  # one of followup_status.STATUSES
    issue: str | None = None  # "#123", the issue the status file names
    url: str | None = None
    due: str | None = None
    overdue_days: int = 0

    @property
    def overdue(self) -> bool:
        return self.status == "overdue"

    @property
    def state(self) -> str:
        """open / closed / unknown, the issue's own state."""
        return STATE_OF_STATUS.get(self.status, "unknown")


@dataclass
class StatusTable:
    """Status records by (incident id, 0-based follow-up index) and by (incident id, action text)."""

    by_index: dict[tuple[str, int], FollowUpStatus]
    by_action: dict[tuple[str, str], FollowUpStatus]
    source: str | None = None

    def lookup(self, incident_id: str, index: int, action: Any) -> FollowUpStatus | None:
        key = _norm(action)
        if key and (incident_id, key) in self.by_action:
            return self.by_action[(incident_id, key)]
        return self.by_index.get((incident_id, index))

    @property
    def available(self) -> bool:
        return self.source is not None


EMPTY = StatusTable({}, {}, None)


def load_status(path: Path) -> tuple[StatusTable, str | None]:
    """The status table, and a problem message when the file exists but cannot be used."""
    if not path.is_file():
        return EMPTY, None
    try:
        rows = read_status_document(path)
    except StatusFileError as error:
        return EMPTY, f"{error}; follow-up status not shown"
    by_index: dict[tuple[str, int], FollowUpStatus] = {}
    by_action: dict[tuple[str, str], FollowUpStatus] = {}
    for row in rows:
        status = _status(row)
        by_index[(row.incident, row.index)] = status
        action = _norm(row.action)
        if action:
            by_action[(row.incident, action)] = status
    return StatusTable(by_index, by_action, str(path)), None


def _status(row: StatusRow) -> FollowUpStatus:
    return FollowUpStatus(status=row.status, issue=f"#{row.issue}" if row.issue is not None else None,
                          url=plain(row.url) or None, due=row.due, overdue_days=row.overdue_days)


def _norm(value: Any) -> str:
    return " ".join(plain(value).lower().split())
