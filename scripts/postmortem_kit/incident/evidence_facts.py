"""Start, detection and resolution read from evidence entries (written by `postmortem evidence add`).

Every entry the evidence command merges into ``inputs.incident_data`` carries a
``source`` label in one grammar::

    <kind>/<role> <file>#<id>        e.g.  pagerduty/resolve pd-log.json#R2XGXEAQWPRTKB

``kind`` is the tool (slack, pagerduty, alertmanager, github, logs, prometheus),
``role`` what the entry means for the facts, ``file`` the file (and member of an
archive) it came from, ``id`` the record's own id where it has one.  The roles
that fix a time:

* ``alert``    a page or an alert that fired: detection is the first one;
* ``symptom``  an error or symptom (an error log line, a metric over its
  threshold): the start is the first one (or the detection, if earlier);
* ``resolve``  the incident or alert resolved: resolution is the last one.

Entries without such a label (typed by a person) are left to the text rules
of ``facts.py``.  This module knows nothing of ``facts.py``: it returns plain
``(instant, basis)`` pairs, and ``compute_facts`` prefers them where present.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from postmortem_kit.incident.times import parse_timestamp

KINDS = ("slack", "pagerduty", "opsgenie", "alertmanager", "github", "logs", "prometheus")
ROLES = ("alert", "symptom", "resolve", "response", "message", "change", "log", "metric")
LABEL_MAX = 200  # the schema's label length
_LABEL = re.compile(r"\A(?P<kind>[a-z]{1,20})/(?P<role>[a-z]{1,20}) (?P<file>[^#\n]{1,190}?)(?:#(?P<id>[^\s#]{1,120}))?\Z")


@dataclass(frozen=True, slots=True)
class SourceLabel:
    kind: str
    role: str
    file: str
    id: str | None = None

    def text(self) -> str:
        """The label as written; a long file name loses its start, never the id."""
        tail = f"#{self.id}" if self.id else ""
        head = f"{self.kind}/{self.role} "
        room = LABEL_MAX - len(head) - len(tail)
        file = self.file if len(self.file) <= room else "…" + self.file[-(room - 1):]
        return head + file + tail


def parse_label(value: Any) -> SourceLabel | None:
    """The parts of an evidence source label, or None for any other text (bounded: one anchored match)."""
    if not isinstance(value, str) or len(value) > LABEL_MAX:
        return None
    match = _LABEL.match(value)
    if match is None or match["kind"] not in KINDS or match["role"] not in ROLES:
        return None
    return SourceLabel(match["kind"], match["role"], match["file"], match["id"])


_SECTIONS = (("events", "event"), ("alerts", "name"), ("response_actions", "action"), ("metrics", "observation"))

Found = tuple[datetime, str]  # (instant, basis shown to the reviewer)


def evidence_points(incident: dict[str, Any]) -> list[tuple[datetime, SourceLabel, str]]:
    """(time, label, text) of every evidence-labelled entry of ``inputs.incident_data``."""
    points = []
    for key, text_key in _SECTIONS:
        entries = incident.get(key)
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            label = parse_label(entry.get("source"))
            at = parse_timestamp(entry.get("time"))
            if label is None or at is None:
                continue
            text = entry.get(text_key)
            points.append((at, label, " ".join(text.split())[:300] if isinstance(text, str) else key))
    points.sort(key=lambda point: point[0])
    return points


def evidence_times(incident: dict[str, Any], rules: Any = None) -> tuple[Found | None, Found | None, Found | None]:
    """(start, detection, resolution) from evidence entries; None where the evidence says nothing.

    ``rules`` are facts.py's text rules (``impact``, ``trigger``, ``resolution`` patterns): a message
    (chat) that matches ``impact`` and neither of the others reports a symptom, e.g. "checkout returns
    503 errors".  Without rules only entries labelled ``symptom`` count.
    """

    def shows_impact(text: str) -> bool:
        return rules is not None and bool(rules.impact.search(text)) and not rules.trigger.search(text) \
            and not rules.resolution.search(text)

    points = evidence_points(incident)
    alerts = [p for p in points if p[1].role == "alert"]
    symptoms = [p for p in points if p[1].role == "symptom" or (p[1].role == "message" and shows_impact(p[2]))]
    resolves = [p for p in points if p[1].role == "resolve"]
    detection = _found(alerts[0], "the first page or alert") if alerts else None
    start = _found(symptoms[0], "the first error or symptom") if symptoms else None
    if start is not None and detection is not None and detection[0] < start[0]:
        start = (detection[0], f"{detection[1]}; no earlier symptom in the evidence")
    resolution = None
    if resolves:
        last = resolves[-1]
        if start is None or last[0] >= start[0]:
            resolution = _found(last, "the resolve event")
    return start, detection, resolution


def _found(point: tuple[datetime, SourceLabel, str], what: str) -> Found:
    at, label, text = point
    short = text if len(text) <= 80 else text[:79] + "…"
    return at, f"{what}, {short} ({label.text()})"
