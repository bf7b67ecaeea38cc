"""Follow-up status for `postmortem stats`, from the status file.

The file is written by ``postmortem followups --status --format json``
(default ``build/followups-status.json``) and read by
followup_status_file.read_status_document, the strict reader next to the
writer (a file it cannot use raises its StatusFileError). Here each
follow-up gets its state for the counts: the file's status, except that a
follow-up the file does not mention is ``unknown`` and an open one whose due
date has passed by the day stats measures against is ``overdue``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from postmortem_kit.followups import StatusRow, read_status_document


class FollowUpStates:
    STATES = ("done", "open", "overdue", "not-planned", "no-issue", "external", "unknown")

    def __init__(self, rows: dict[tuple[str, int], StatusRow], source: str):
        self.rows = rows  # by (incident id, 0-based follow-up index)
        self.source = source

    def state(self, incident_id: str, index: int, due: date | None, today: date) -> str:
        row = self.rows.get((incident_id, index))
        if row is None:
            return "unknown"
        if row.status == "open" and due is not None and due < today:
            return "overdue"
        return row.status


def read_status(path: Path) -> FollowUpStates:
    """The states in the status file at ``path``; StatusFileError when the file cannot be used."""
    rows = read_status_document(path)
    return FollowUpStates({(row.incident, row.index): row for row in rows}, str(path))
