"""Incident analytics: time to detect and to resolve, causes, recurring services and tags, follow-ups.

Cheap by design: each file is only loaded (the project's safe YAML loader),
never schema-checked; values of the wrong type are ignored, so a file the
check would reject still counts for what it does hold.

Definitions
    time to detect   summary.detection - summary.start
    time to resolve  summary.resolution - summary.start (the total duration)
    mean, median     of the incidents that have both times (negative spans are left out)
    p90              nearest rank: the smallest value at or above 90% of the sorted values
    service          the first of ``services`` (the affected one) for times; every listed
                     service for "recurring"
    quarter          of the start, in the incident's own zone (2026-Q1)
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from postmortem_kit.core import Finding, YamlLoadError, declare, load_yaml_file
from postmortem_kit.incident import collect, incident_zone, parse_date, parse_timestamp
from postmortem_kit.stats.followups import FollowUpStates

NOT_AN_INCIDENT = declare("stats/not-an-incident", "error", "A file stats cannot count (not an incident mapping)")
DUPLICATE_ID = declare("stats/duplicate-id", "error", "Two files with the same id: the second is not counted")

SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")
CATEGORIES = ("configuration-error", "code-bug", "capacity-issue", "dependency-failure")
STATUSES = ("published", "in-review", "draft")
NOT_STATED = "not stated"
UNKNOWN = "unknown"


@dataclass
class FollowUpItem:
    index: int
    owner: str
    due: date | None


@dataclass
class IncidentRecord:
    id: str
    path: str
    status: str
    severity: str
    category: str
    services: list[str]
    tags: list[str]
    quarter: str
    detect_minutes: float | None
    resolve_minutes: float | None
    follow_ups: list[FollowUpItem] = field(default_factory=list)


def record_from(data: Any, path: str) -> IncidentRecord | None:
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return None
    summary = data.get("summary") if isinstance(data.get("summary"), dict) else {}
    root = data.get("root_cause") if isinstance(data.get("root_cause"), dict) else {}
    start = parse_timestamp(summary.get("start"))
    detection = parse_timestamp(summary.get("detection"))
    resolution = parse_timestamp(summary.get("resolution"))
    quarter = UNKNOWN
    if start is not None:
        local = start.astimezone(incident_zone(summary) or start.tzinfo)
        quarter = f"{local.year}-Q{(local.month - 1) // 3 + 1}"
    status = data.get("status") if data.get("status") in STATUSES else UNKNOWN
    follow_ups = []
    items = data.get("follow_ups") if isinstance(data.get("follow_ups"), list) else []
    for index, item in enumerate(items):
        if isinstance(item, dict):
            owner = item.get("owner") if isinstance(item.get("owner"), str) and item.get("owner") else "unassigned"
            follow_ups.append(FollowUpItem(index, owner, parse_date(item.get("due"))))
    return IncidentRecord(
        id=data["id"], path=path, status=status,
        severity=summary.get("severity") if summary.get("severity") in SEVERITIES else "unrated",
        category=root.get("category") if root.get("category") in CATEGORIES else NOT_STATED,
        services=_names(data.get("services")), tags=_names(data.get("tags")), quarter=quarter,
        detect_minutes=_minutes(start, detection), resolve_minutes=_minutes(start, resolution),
        follow_ups=follow_ups)


def _names(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return list(dict.fromkeys(item for item in value if isinstance(item, str) and item))


def _minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds() / 60


def load_records(paths: list[str]) -> tuple[list[IncidentRecord], list[Finding], int]:
    """The incidents under ``paths``, the problems met (files skipped), and how many files were read."""
    files, problems = collect(paths)
    records: list[IncidentRecord] = []
    seen: dict[str, str] = {}
    for path in files:
        try:
            doc = load_yaml_file(path)
        except YamlLoadError as error:
            problems.append(error.finding)
            continue
        record = record_from(doc.data, path)
        if record is None:
            problems.append(Finding(path, 1, 1, NOT_AN_INCIDENT, "error",
                                    "not an incident (no mapping with an id); skipped"))
            continue
        if record.id in seen:
            line, column = doc.position(("id",))
            problems.append(Finding(path, line, column, DUPLICATE_ID, "error",
                                    f"id {record.id} is also used by {seen[record.id]}; counted once"))
            continue
        seen[record.id] = path
        records.append(record)
    return records, problems, len(files)


def distribution(values: list[float]) -> dict[str, Any]:
    """count, mean, median and p90 in minutes (None without values)."""
    if not values:
        return {"count": 0, "mean_minutes": None, "median_minutes": None, "p90_minutes": None}
    ordered = sorted(values)
    rank = max(1, math.ceil(0.9 * len(ordered)))
    return {"count": len(ordered), "mean_minutes": round(statistics.fmean(ordered), 1),
            "median_minutes": round(statistics.median(ordered), 1), "p90_minutes": round(ordered[rank - 1], 1)}


def _breakdown(records: list[IncidentRecord], attribute: str, key) -> dict[str, Any]:
    overall = [value for record in records if (value := getattr(record, attribute)) is not None]
    groups: dict[str, dict[str, list[float]]] = {"by_severity": defaultdict(list), "by_service": defaultdict(list),
                                                 "by_quarter": defaultdict(list)}
    for record in records:
        value = getattr(record, attribute)
        if value is None:
            continue
        groups["by_severity"][record.severity].append(value)
        groups["by_service"][record.services[0] if record.services else UNKNOWN].append(value)
        groups["by_quarter"][record.quarter].append(value)
    result: dict[str, Any] = {"overall": distribution(overall)}
    for name, grouped in groups.items():
        result[name] = {group: distribution(values) for group, values in sorted(grouped.items(), key=key(name))}
    return result


def _group_order(name: str):
    if name == "by_severity":
        order = {severity: index for index, severity in enumerate(SEVERITIES)}
        return lambda item: (order.get(item[0], len(order)), item[0])
    return lambda item: item[0]


def _recurring(records: list[IncidentRecord], attribute: str) -> list[dict[str, Any]]:
    ids: dict[str, list[str]] = defaultdict(list)
    for record in records:
        for name in getattr(record, attribute):
            ids[name].append(record.id)
    recurring = [{"name": name, "incidents": len(found), "ids": sorted(found)}
                 for name, found in ids.items() if len(found) >= 2]
    return sorted(recurring, key=lambda item: (-item["incidents"], item["name"]))


def compute_stats(records: list[IncidentRecord], *, status: FollowUpStates | None, today: date) -> dict[str, Any]:
    by_status = Counter(record.status for record in records)
    categories = Counter(record.category for record in records)
    return {
        "incidents": {"total": len(records),
                      "by_status": {name: by_status[name] for name in (*STATUSES, UNKNOWN) if by_status[name]}},
        "time_to_detect": _breakdown(records, "detect_minutes", _group_order),
        "time_to_resolve": _breakdown(records, "resolve_minutes", _group_order),
        "root_cause_categories": {name: categories[name] for name in (*CATEGORIES, NOT_STATED) if categories[name]},
        "recurring": {"services": _recurring(records, "services"), "tags": _recurring(records, "tags")},
        "follow_ups": _follow_ups(records, status, today),
    }


def _follow_ups(records: list[IncidentRecord], status: FollowUpStates | None, today: date) -> dict[str, Any]:
    total = sum(len(record.follow_ups) for record in records)
    result: dict[str, Any] = {"total": total, "incidents": sum(1 for record in records if record.follow_ups),
                              "status_source": status.source if status else None}
    if status is None:
        return result
    counts = Counter()
    overdue_by_owner: Counter = Counter()
    open_by_owner: Counter = Counter()
    for record in records:
        for item in record.follow_ups:
            state = status.state(record.id, item.index, item.due, today)
            counts[state] += 1
            if state == "overdue":
                overdue_by_owner[item.owner] += 1
            if state in ("open", "overdue"):
                open_by_owner[item.owner] += 1
    for state in FollowUpStates.STATES:
        result[state.replace("-", "_")] = counts[state]
    planned = total - counts["not-planned"]
    result["completion_percent"] = round(100 * counts["done"] / planned, 1) if planned else None
    result["overdue_by_owner"] = dict(sorted(overdue_by_owner.items(), key=lambda item: (-item[1], item[0])))
    result["open_by_owner"] = dict(sorted(open_by_owner.items(), key=lambda item: (-item[1], item[0])))
    return result
