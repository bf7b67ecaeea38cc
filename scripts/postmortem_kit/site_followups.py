"""Follow-up status for the site, from ``postmortem followups --status --format json``.

The file (format ``postmortem-kit/followups-status@1``, see followup_status.py)
is optional: without it the site shows each follow-up's tracking reference and
due date, and says that its state is unknown.  The reader is forgiving about
the shape, because the file may be older or newer than this code: the top
level may be a list of records or an object holding one (``follow_ups``,
``followups``, ``items``, ``results``); each record names its incident
(``incident`` / ``incident_id``) and its follow-up by position (``index``:
0-based, or ``number`` / ``position``: 1-based) and/or by ``action`` text, and
carries a ``status`` (open, overdue, done, not-planned, no-issue, external,
unknown) or at least an issue ``state`` (open / closed).  A file that cannot
be read is reported as one problem line and the site goes on without status.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from postmortem_kit.site_text import plain

_LIST_KEYS = ("follow_ups", "followups", "items", "results", "status")
_MAX_BYTES = 32 * 1024 * 1024


STATUSES = ("open", "overdue", "done", "not-planned", "no-issue", "external", "unknown")


@dataclass
class FollowUpStatus:
    status: str  # one of STATUSES (followup_status.py's vocabulary)
    issue: str | None = None  # "#123" or "owner/repo#123" as given
    url: str | None = None
    due: str | None = None
    overdue_days: int = 0

    @property
    def overdue(self) -> bool:
        return self.status == "overdue"

    @property
    def state(self) -> str:
        """open / closed / unknown, the issue's own state."""
        if self.status in ("open", "overdue"):
            return "open"
        if self.status in ("done", "not-planned"):
            return "closed"
        return "unknown"


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
        if path.stat().st_size > _MAX_BYTES:
            return EMPTY, f"{path}: follow-up status file is over {_MAX_BYTES // (1024 * 1024)} MB; status not shown"
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return EMPTY, f"{path}: follow-up status is not readable JSON ({_short(error)}); status not shown"
    records = _records(raw)
    if records is None:
        return EMPTY, f"{path}: follow-up status is not a list of follow-up records; status not shown"
    by_index: dict[tuple[str, int], FollowUpStatus] = {}
    by_action: dict[tuple[str, str], FollowUpStatus] = {}
    for record in records:
        if not isinstance(record, dict):
            continue
        incident_id = _first(record, ("incident", "incident_id", "incident_key", "id"))
        if isinstance(incident_id, dict):
            incident_id = incident_id.get("id")
        if not isinstance(incident_id, str):
            continue
        status = _status(record)
        index = _index(record)
        if index is not None:
            by_index[(incident_id, index)] = status
        action = _norm(_first(record, ("action", "title")))
        if action:
            by_action[(incident_id, action)] = status
    return StatusTable(by_index, by_action, str(path)), None


def _records(raw: Any) -> list[Any] | None:
    if isinstance(raw, list):
        return raw
    if isinstance(raw, dict):
        for key in _LIST_KEYS:
            if isinstance(raw.get(key), list):
                return raw[key]
    return None


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if key in record and record[key] is not None:
            return record[key]
    return None


def _index(record: dict[str, Any]) -> int | None:
    for key in ("index", "follow_up_index", "followup_index"):
        value = record.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
    for key in ("number", "position", "follow_up_number"):
        value = record.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value - 1
    return None


def _status(record: dict[str, Any]) -> FollowUpStatus:
    issue_value = _first(record, ("issue", "issue_number"))
    url = _first(record, ("url", "issue_url", "html_url"))
    if isinstance(issue_value, dict):
        url = url or issue_value.get("html_url") or issue_value.get("url")
        issue_value = issue_value.get("number")
    issue = None
    if isinstance(issue_value, int) and not isinstance(issue_value, bool):
        issue = f"#{issue_value}"
    elif isinstance(issue_value, str) and issue_value.strip():
        issue = plain(issue_value).strip()[:120]
    overdue_value = record.get("overdue_days")
    overdue = overdue_value if isinstance(overdue_value, int) and not isinstance(overdue_value, bool) else 0
    status = str(record.get("status") or "").lower()
    if status not in STATUSES:
        # an older or other producer: derive the status from the issue state
        state = str(_first(record, ("state", "issue_state")) or "").lower()
        if state == "closed":
            status = "not-planned" if record.get("state_reason") == "not_planned" else "done"
        elif state == "open":
            if overdue_value is None and record.get("overdue") is True:
                overdue = _days_past(record.get("due"))
            status = "overdue" if overdue > 0 else "open"
        else:
            status = "unknown"
    if status == "overdue" and overdue <= 0:
        overdue = _days_past(record.get("due"))
    due = record.get("due") if isinstance(record.get("due"), str) else None
    return FollowUpStatus(status=status, issue=issue, url=plain(url) if isinstance(url, str) else None,
                          due=due, overdue_days=max(0, overdue) if status == "overdue" else 0)


def _days_past(due: Any) -> int:
    try:
        return max(1, (date.today() - date.fromisoformat(due)).days)
    except (TypeError, ValueError):
        return 1


def _norm(value: Any) -> str:
    return " ".join(plain(value).lower().split())


def _short(error: Exception) -> str:
    return str(error).splitlines()[0][:160] if str(error) else type(error).__name__
