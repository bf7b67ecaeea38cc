"""Prometheus Alertmanager webhook payloads, version 4.

One payload (``{"version": "4", "status": .., "alerts": [...], ...}``) or a JSON
array of them (a receiver that stored every notification).  Each alert gives:

* an alert at ``startsAt`` (role ``alert``) named by its ``alertname`` label,
  with its annotations (summary, description) and the other labels as details;
* when it is ``resolved``, an event at ``endsAt`` (role ``resolve``).

Alertmanager sends the same alert again in every notification of its group,
so an alert is identified by its ``fingerprint`` (or its labels) and its
``startsAt``; repeats are merged once.  ``endsAt`` of a firing alert is a
projection, not a resolution, and Go's zero time ``0001-01-01T00:00:00Z``
means "not set": neither becomes an event.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterator

from postmortem_kit.evidence.model import ZERO_TIME_PREFIX, Evidence, EvidenceError, Options, parse_instant
from postmortem_kit.evidence.probe import Probe, Progress
from postmortem_kit.incident import SourceLabel

_SHOWN_ANNOTATIONS = ("summary", "description", "message")


def _payloads(data: Any) -> list | None:
    def is_payload(value: Any) -> bool:
        return isinstance(value, dict) and isinstance(value.get("alerts"), list) and "version" in value
    if is_payload(data):
        return [data]
    if isinstance(data, list) and data and all(is_payload(item) for item in data):
        return data
    return None


class AlertmanagerReader:
    name = "alertmanager"
    title = "Prometheus Alertmanager webhook payload JSON (version 4), one or a list"

    def sniff(self, probe: Probe) -> bool:
        return not probe.is_container and _payloads(probe.json()) is not None

    def read(self, probe: Probe, options: Options, progress: Progress) -> Iterator[Evidence]:
        source = probe.source
        seen: set[tuple[str, str]] = set()
        for number, payload in enumerate(_payloads(probe.json()) or [], 1):
            where = f"{source.shown}: payload {number}"
            if str(payload.get("version")) != "4":
                raise EvidenceError(f"{where}: webhook version {payload.get('version')!r}; the version 4 payload is read")
            for index, alert in enumerate(payload["alerts"], 1):
                for item in _alert(alert, f"{where}, alert {index}", source.label_file(), options):
                    key = (item.source.role, item.source.id or "")
                    if key in seen or not options.window.holds(item.at):
                        continue
                    if options.grep is not None and not options.grep.search(f"{item.name or ''} {item.text}"):
                        continue
                    seen.add(key)
                    yield item


def _alert(alert: Any, where: str, file: str, options: Options) -> list[Evidence]:
    if not isinstance(alert, dict):
        raise EvidenceError(f"{where}: not an alert object")
    labels = alert.get("labels") if isinstance(alert.get("labels"), dict) else {}
    annotations = alert.get("annotations") if isinstance(alert.get("annotations"), dict) else {}
    name = str(labels.get("alertname") or "alert")[:200]
    starts = alert.get("startsAt")
    if not isinstance(starts, str) or starts.startswith(ZERO_TIME_PREFIX):
        raise EvidenceError(f"{where}: no startsAt (every alert Alertmanager sends has one)")
    started = parse_instant(starts, where, zone=options.zone, what="startsAt")
    fingerprint = alert.get("fingerprint")
    if not isinstance(fingerprint, str) or not fingerprint.strip() or any(c.isspace() or c == "#" for c in fingerprint):
        fingerprint = hashlib.sha256(repr(sorted((str(k), str(v)) for k, v in labels.items())).encode()).hexdigest()[:16]
    base = f"{fingerprint}@{int(started.timestamp())}"
    notes = [str(annotations[key]) for key in _SHOWN_ANNOTATIONS if isinstance(annotations.get(key), str)]
    shown_labels = ", ".join(f"{k}={v}" for k, v in sorted(labels.items()) if k != "alertname")
    details = "; ".join([*notes, *([f"labels: {shown_labels}"] if shown_labels else [])])
    out = [Evidence(started, "alerts", details, SourceLabel("alertmanager", "alert", file, base), name=name)]
    ends = alert.get("endsAt")
    if alert.get("status") == "resolved" and isinstance(ends, str) and not ends.startswith(ZERO_TIME_PREFIX):
        ended = parse_instant(ends, where, zone=options.zone, what="endsAt")
        out.append(Evidence(ended, "events", f"Alert {name} resolved", SourceLabel("alertmanager", "resolve", file, base)))
    return out
