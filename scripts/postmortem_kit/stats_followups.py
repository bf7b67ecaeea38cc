"""Follow-up status for `postmortem stats`, read defensively from the status file.

The file is written by ``postmortem followups --status --format json``
(default ``build/followups-status.json``; see followup_status.py for its
format).  It may be older or newer than this code, so the reader takes what
it recognises: a list of records (top level, or under ``follow_ups`` /
``followups`` / ``items``), each naming its incident (``incident`` /
``incident_id``) and its follow-up position (``index``, 0-based, or
``number``, 1-based), with a ``status`` (open, overdue, done, not-planned,
no-issue, external, unknown) or an issue ``state`` (open / closed).  A
follow-up the file does not mention is ``unknown``; an open one whose due
date has passed is ``overdue``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

MAX_BYTES = 32 * 1024 * 1024
_LIST_KEYS = ("follow_ups", "followups", "items", "results")


@dataclass
class _Entry:
    status: str
    overdue: bool


class FollowUpStates:
    STATES = ("done", "open", "overdue", "not-planned", "no-issue", "external", "unknown")

    def __init__(self, entries: dict[tuple[str, int], _Entry], source: str):
        self.entries = entries
        self.source = source

    def state(self, incident_id: str, index: int, due: date | None, today: date) -> str:
        entry = self.entries.get((incident_id, index))
        if entry is None:
            return "unknown"
        if entry.status in ("open", "overdue"):
            if entry.overdue or entry.status == "overdue" or (due is not None and due < today):
                return "overdue"
            return "open"
        return entry.status


class StatusFileError(ValueError):
    """The status file exists but cannot be used; the message says why."""


def read_status(path: Path) -> FollowUpStates:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise StatusFileError(f"{path}: over {MAX_BYTES // (1024 * 1024)} MiB; not a follow-up status file")
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise StatusFileError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise StatusFileError(f"{path}: not UTF-8 text") from None
    except ValueError as error:
        raise StatusFileError(f"{path}: not JSON ({str(error).splitlines()[0][:120]})") from None
    records = _records(raw)
    if records is None:
        raise StatusFileError(f"{path}: no list of follow-up records (expected `follow_ups: [...]`)")
    entries: dict[tuple[str, int], _Entry] = {}
    for record in records:
        if not isinstance(record, dict):
            continue
        incident = record.get("incident", record.get("incident_id"))
        if isinstance(incident, dict):
            incident = incident.get("id")
        index = _index(record)
        if not isinstance(incident, str) or index is None:
            continue
        entries[(incident, index)] = _Entry(_status(record), _overdue(record))
    return FollowUpStates(entries, str(path))


def _records(raw: Any) -> list[Any] | None:
    if isinstance(raw, list):
        return raw
    if isinstance(raw, dict):
        for key in _LIST_KEYS:
            if isinstance(raw.get(key), list):
                return raw[key]
    return None


def _index(record: dict[str, Any]) -> int | None:
    value = record.get("index")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    value = record.get("number")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value - 1
    return None


def _status(record: dict[str, Any]) -> str:
    status = str(record.get("status") or "").lower().replace("_", "-")
    if status in FollowUpStates.STATES:
        return status
    if status in ("closed", "completed", "complete", "resolved"):
        return "done"
    state = str(record.get("state") or "").lower()
    if state == "closed":
        return "not-planned" if str(record.get("state_reason") or "").lower() == "not_planned" else "done"
    if state == "open":
        return "open"
    return "unknown"


def _overdue(record: dict[str, Any]) -> bool:
    days = record.get("overdue_days")
    if isinstance(days, int) and not isinstance(days, bool):
        return days > 0
    return record.get("overdue") is True
