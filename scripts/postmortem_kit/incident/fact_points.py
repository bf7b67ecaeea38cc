"""Timestamped observations read from an incident's inputs, for the computed facts.

Events, alerts, response actions and metrics with a time, plus error- and
warning-level log lines grouped by message template; the word patterns that
classify them are data (facts.yaml).  incident.facts derives start,
detection and resolution from these points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from functools import cache
from typing import Any

from postmortem_kit.core import package_file
from postmortem_kit.incident.times import parse_timestamp

FACTS_FILE = "facts.yaml"

LOG_TIMESTAMP = re.compile(
    r"(?<!\d)(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"(?:\s?(Z|[+-]\d{2}:?\d{2})(?![\d:]))?")
MAX_LOG_POINTS = 40


@dataclass(frozen=True)
class Rules:
    impact: re.Pattern[str]
    trigger: re.Pattern[str]
    detection: re.Pattern[str]
    resolution: re.Pattern[str]
    error_levels: re.Pattern[str]
    warn_levels: re.Pattern[str]


@cache
def rules() -> Rules:
    import yaml

    with open(package_file(__package__, FACTS_FILE), encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)

    def any_of(items: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{item})" for item in items), re.IGNORECASE)

    return Rules(any_of(raw["impact"]), any_of(raw["trigger"]), any_of(raw["detection"]),
                 any_of(raw["resolution"]), re.compile(raw["error_levels"]), re.compile(raw["warn_levels"]))


@dataclass(frozen=True)
class TimelinePoint:
    """One timestamped observation from the inputs."""

    at: datetime
    kind: str  # event | alert | response | metric | log
    text: str
    source: str | None = None
    responder: str | None = None
    count: int = 1  # log lines: how many similar lines this point stands for
    last_at: datetime | None = None

    def label(self, *, responder: bool = True) -> str:
        where = f" ({self.source})" if self.source else ""
        if self.kind == "alert":
            return f"Alert {self.text}"
        if self.kind == "response":
            who = f" by {self.responder}" if self.responder and responder else ""
            return f"Response{who}: {self.text}"
        if self.kind == "log":
            more = ""
            if self.count > 1 and self.last_at is not None:
                more = f" [{self.count} similar lines until {self.last_at.strftime('%H:%M')}]"
            return f"Log{where}: {self.text}{more}"
        if self.kind == "metric":
            return f"Metric {self.source}: {self.text}" if self.source else f"Metric: {self.text}"
        return f"Event{where}: {self.text}"


def to_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def input_points(incident: dict[str, Any]) -> list[TimelinePoint]:
    points: list[TimelinePoint] = []

    def entries(key: str) -> list[dict]:
        value = incident.get(key)
        return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []

    for entry in entries("events"):
        at = parse_timestamp(entry.get("time"))
        if at and isinstance(entry.get("event"), str):
            points.append(TimelinePoint(to_minute(at), "event", entry["event"].strip(), text_of(entry.get("source"))))
    for entry in entries("alerts"):
        at = parse_timestamp(entry.get("time"))
        if at and isinstance(entry.get("name"), str):
            details = text_of(entry.get("details"))
            text = f"{entry['name']} fired" + (f": {details}" if details else "")
            points.append(TimelinePoint(to_minute(at), "alert", text))
    for entry in entries("response_actions"):
        at = parse_timestamp(entry.get("time"))
        if at and isinstance(entry.get("action"), str):
            points.append(TimelinePoint(to_minute(at), "response", entry["action"].strip(),
                                        responder=text_of(entry.get("responder"))))
    for entry in entries("metrics"):
        at = parse_timestamp(entry.get("time"))
        if at and isinstance(entry.get("observation"), str):
            points.append(TimelinePoint(to_minute(at), "metric", entry["observation"].strip(), text_of(entry.get("name"))))
    return points


def text_of(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def fixed_zone(text: str) -> tzinfo:
    if text == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def log_points(incident: dict[str, Any], zone: tzinfo) -> list[TimelinePoint]:
    """Error- and warning-level log lines with a timestamp, one point per distinct message."""
    rule = rules()
    groups: dict[tuple[str, str], list] = {}
    order: list[tuple[str, str]] = []
    logs = incident.get("logs")
    for entry in logs if isinstance(logs, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("excerpt"), str):
            continue
        source = text_of(entry.get("source"))
        for line in entry["excerpt"].splitlines():
            match = LOG_TIMESTAMP.search(line)
            if match is None:
                continue
            error = bool(rule.error_levels.search(line))
            if not error and not (rule.warn_levels.search(line) and rule.impact.search(line)):
                continue
            at = log_time(match, zone)
            if at is None:
                continue
            message = (line[:match.start()] + line[match.end():]).strip(" []\t")
            key = (source or "", _template(message))
            if key not in groups:
                groups[key] = [at, at, 0, message, source]
                order.append(key)
            group = groups[key]
            group[0] = min(group[0], at)
            group[1] = max(group[1], at)
            group[2] += 1
    points = [TimelinePoint(to_minute(g[0]), "log", g[3], g[4], count=g[2], last_at=to_minute(g[1]))
              for g in (groups[k] for k in order)]
    return points[:MAX_LOG_POINTS]


def log_time(match: re.Match[str], zone: tzinfo) -> datetime | None:
    year, month, day, hour, minute = (int(match.group(i)) for i in range(1, 6))
    second = int(match.group(6) or 0)
    try:
        moment = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    offset = match.group(8)
    return moment.replace(tzinfo=fixed_zone(offset) if offset else zone)


_VARIABLE = re.compile(r"0x[0-9a-fA-F]+|\b[0-9a-fA-F]{8,}\b|\d+")


def _template(message: str) -> str:
    """A log message with its numbers and ids blanked, so repeated lines group together."""
    return _VARIABLE.sub("#", message)


def shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
