"""The hidden markers that tie a GitHub issue (or comment) to an incident's follow-up.

An issue created by the sync starts with an HTML comment, invisible on GitHub::

    <!-- postmortem-kit:follow-up {"incident":"INC-2026-0042","slot":2,"key":"3f1c0b9a27d4","assignee":"octocat"} -->

``slot`` is the follow-up's 0-based position, ``key`` a fingerprint of its
action text, ``assignee`` the login the sync assigned (so it can replace
that assignment, and only that one, when the owner changes). A marker counts
only on an issue authored by the sync's own login: anyone can paste one.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

PREFIX = "postmortem-kit:follow-up"
CLOSED_PREFIX = "postmortem-kit:follow-up-closed"
_MARKER = re.compile(r"<!-- postmortem-kit:follow-up (\{[^<>]*\}) -->")
_CLOSED = re.compile(r"<!-- postmortem-kit:follow-up-closed (\{[^<>]*\}) -->")


@dataclass(frozen=True)
class Marker:
    incident: str
    slot: int
    key: str
    assignee: str | None = None


def action_key(action: str) -> str:
    """A short fingerprint of an action's wording (case and spacing do not count)."""
    normal = " ".join(action.casefold().split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:12]


def render(marker: Marker) -> str:
    data = {"incident": marker.incident, "slot": marker.slot, "key": marker.key}
    if marker.assignee:
        data["assignee"] = marker.assignee
    return f"<!-- {PREFIX} {json.dumps(data, separators=(',', ':'), ensure_ascii=True)} -->"


def parse(body: str | None) -> Marker | None:
    """The marker in an issue body, or None (also for a damaged one)."""
    if not body:
        return None
    match = _MARKER.search(body)
    if not match:
        return None
    try:
        data = json.loads(match.group(1))
        incident, slot, key = data["incident"], data["slot"], data["key"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(incident, str) or not isinstance(slot, int) or isinstance(slot, bool) or not isinstance(key, str):
        return None
    assignee = data.get("assignee")
    return Marker(incident, slot, key, assignee if isinstance(assignee, str) else None)


def render_closed(incident: str, issue_number: int) -> str:
    data = json.dumps({"incident": incident, "issue": issue_number}, separators=(",", ":"), ensure_ascii=True)
    return f"<!-- {CLOSED_PREFIX} {data} -->"


def is_closing_comment(body: str | None) -> bool:
    return bool(body) and _CLOSED.search(body) is not None
