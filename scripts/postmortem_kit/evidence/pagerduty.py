"""PagerDuty incident log entries, as the REST API v2 returns them (``GET /incidents/{id}/log_entries``).

The response body (``{"log_entries": [...], "limit": .., "more": ..}``), a bare
list of log entries, or several pages of it in one JSON array.  Each entry's
``type`` decides where it goes:

* ``trigger_log_entry``   -> an alert (role ``alert``: the page that detected the incident);
* ``acknowledge_log_entry``, ``escalate_log_entry``, ``assign_log_entry``,
  ``annotate_log_entry``  -> response actions, with the agent as responder;
* ``resolve_log_entry``   -> a response action with role ``resolve`` (the resolution);
* anything else (``notify_log_entry``, ``snooze_log_entry``, ...) -> an event.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from postmortem_kit.evidence.model import Evidence, EvidenceError, Options, parse_instant
from postmortem_kit.evidence.probe import Probe, Progress
from postmortem_kit.incident import SourceLabel

_RESPONSES = {
    "acknowledge_log_entry": "Acknowledged",
    "escalate_log_entry": "Escalated",
    "assign_log_entry": "Assigned",
    "annotate_log_entry": "Note added",
    "resolve_log_entry": "Resolved",
}
_HANDLE = re.compile(r"[^A-Za-z0-9._-]+")


def _entries(data: Any) -> list | None:
    if isinstance(data, dict) and isinstance(data.get("log_entries"), list):
        return data["log_entries"]
    if isinstance(data, dict) and isinstance(data.get("log_entry"), dict):
        return [data["log_entry"]]
    if isinstance(data, list) and data and all(isinstance(page, dict) and isinstance(page.get("log_entries"), list)
                                               for page in data):
        return [entry for page in data for entry in page["log_entries"]]
    if isinstance(data, list) and data and all(isinstance(e, dict) and str(e.get("type", "")).endswith("_log_entry")
                                               for e in data[:20]):
        return data
    return None


class PagerDutyReader:
    name = "pagerduty"
    title = "PagerDuty incident log entries JSON (REST API v2)"

    def sniff(self, probe: Probe) -> bool:
        return not probe.is_container and _entries(probe.json()) is not None

    def read(self, probe: Probe, options: Options, progress: Progress) -> Iterator[Evidence]:
        source = probe.source
        entries = _entries(probe.json()) or []
        for index, entry in enumerate(entries, 1):
            where = f"{source.shown}: log entry {index}"
            if not isinstance(entry, dict):
                raise EvidenceError(f"{where}: not an object")
            kind = entry.get("type")
            if not isinstance(kind, str):
                raise EvidenceError(f"{where}: no `type`")
            at = parse_instant(entry.get("created_at"), where, zone=options.zone, what="created_at")
            if not options.window.holds(at):
                continue
            ident = str(entry.get("id") or f"entry-{index}")
            item = _evidence(entry, kind, at, SourceLabel("pagerduty", _role(kind), source.label_file(), ident))
            if options.grep is None or options.grep.search(f"{item.name or ''} {item.text}"):
                yield item


def _role(kind: str) -> str:
    if kind == "trigger_log_entry":
        return "alert"
    if kind == "resolve_log_entry":
        return "resolve"
    return "response" if kind in _RESPONSES else "message"


def _summary(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("summary"), str) and value["summary"].strip():
        return " ".join(value["summary"].split())
    return None


def _evidence(entry: dict, kind: str, at, label: SourceLabel) -> Evidence:
    incident = _summary(entry.get("incident"))
    summary = entry.get("summary") if isinstance(entry.get("summary"), str) else None
    channel = _summary(entry.get("channel"))
    agent = entry.get("agent") if isinstance(entry.get("agent"), dict) else {}
    if kind == "trigger_log_entry":
        details = entry.get("event_details") if isinstance(entry.get("event_details"), dict) else {}
        name = incident or details.get("description") or summary or "PagerDuty incident"
        parts = [p for p in (summary, channel, details.get("description")) if isinstance(p, str) and p and p != name]
        return Evidence(at, "alerts", "; ".join(dict.fromkeys(p.strip().rstrip(".") for p in parts)), label,
                        name=str(name)[:200])
    if kind in _RESPONSES:
        text = _RESPONSES[kind]
        if kind == "assign_log_entry":
            assignees = [_summary(a) for a in entry.get("assignees") or []]
            text += " to " + ", ".join(a for a in assignees if a) if any(assignees) else ""
        elif kind == "annotate_log_entry":
            note = channel or summary
            text += f": {note}" if note else ""
        elif summary:
            text = summary.strip()
        if incident and kind != "annotate_log_entry":
            text += f" ({incident})"
        responder = None
        if agent.get("type") in ("user_reference", "user") and _summary(agent):
            responder = _handle(_summary(agent) or "")
        return Evidence(at, "response_actions", text, label, responder=responder)
    text = f"PagerDuty {kind.removesuffix('_log_entry').replace('_', ' ')}: {summary or channel or incident or ''}".rstrip(": ")
    return Evidence(at, "events", text, label)


def _handle(name: str) -> str | None:
    """A person's name as a handle the schema accepts ("Earline Greenholt" -> "earline-greenholt")."""
    handle = _HANDLE.sub("-", name.strip()).strip("-._").lower()[:100]
    return handle or None
