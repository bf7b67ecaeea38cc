"""The incidents the lessons site shows, read defensively from postmortems/.

The site build does not re-run the schema (`postmortem check` does that in
CI); it reads each file with the safe loader and takes only values of the
expected type, so a malformed section is left out of the page instead of
breaking the build.  Files that cannot be used at all (unreadable YAML, no
usable id, id not matching the file name, duplicate id) are reported as
problems, one clear line each, and skipped.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from postmortem_kit.core import YamlLoadError, brief, load_yaml_file
from postmortem_kit.incident import format_duration, incident_zone, parse_duration, parse_timestamp, walk
from postmortem_kit.textsafety import plain, slug

ID_PATTERN = re.compile(r"^INC-[0-9]{4}-[0-9]{4,6}$")
SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")
CATEGORIES = ("configuration-error", "code-bug", "capacity-issue", "dependency-failure")
STATUSES = ("draft", "in-review", "published")


@dataclass
class Incident:
    """One incident as the site needs it: typed summary fields plus the raw mapping."""

    id: str
    path: Path
    data: dict[str, Any]
    title: str
    status: str
    severity: str | None
    category: str | None
    services: list[str]
    tags: list[str]
    start: datetime | None
    detection: datetime | None
    resolution: datetime | None
    zone: tzinfo | None
    duration: timedelta | None
    sort_key: tuple = field(default=(), repr=False)
    year: str = ""
    relative_path: str = ""  # the file's path inside the incident directory (for edit links)

    @property
    def time_to_detect(self) -> timedelta | None:
        if self.start and self.detection and self.detection >= self.start:
            return self.detection - self.start
        return None

    @property
    def time_to_resolve(self) -> timedelta | None:
        if self.start and self.resolution and self.resolution >= self.start:
            return self.resolution - self.start
        return None

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(self.zone) if self.zone else instant

    def section(self, name: str) -> dict[str, Any]:
        value = self.data.get(name)
        return value if isinstance(value, dict) else {}

    def items(self, name: str) -> list[dict[str, Any]]:
        value = self.data.get(name)
        return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


@dataclass
class Problem:
    """A file the site could not use: ``path:line:col: message``."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return brief(self)


def incident_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(Path(name) for name in walk(directory))


def load_incidents(directory: Path, *, publish_drafts: bool = False) -> tuple[list[Incident], list[Problem], int]:
    """The incidents to publish (newest first), the problems found, and how many drafts were left out."""
    incidents: list[Incident] = []
    problems: list[Problem] = []
    seen: dict[str, Path] = {}
    drafts_skipped = 0
    for path in incident_files(directory):
        shown = _display_path(path)
        try:
            doc = load_yaml_file(str(path))
        except YamlLoadError as error:
            finding = error.finding
            problems.append(Problem(shown, finding.line, finding.column, f"{finding.message} (not published)"))
            continue
        except OSError as error:
            problems.append(Problem(shown, 1, 1, f"cannot read the file: {error.strerror or error} (not published)"))
            continue
        errors = [f for f in doc.findings if f.severity == "error"]
        if errors:  # e.g. a duplicate key: YAML would keep only one of the two values
            problems.append(Problem(shown, errors[0].line, errors[0].column, f"{errors[0].message} (not published)"))
            continue
        data = doc.data
        if not isinstance(data, dict):
            problems.append(Problem(shown, 1, 1, "the file is not a mapping of incident fields (not published)"))
            continue
        incident_id = data.get("id")
        line, column = doc.position(("id",))
        if not isinstance(incident_id, str) or not ID_PATTERN.match(incident_id):
            problems.append(Problem(shown, line, column, f"id {plain(incident_id)!r} is not an incident id such "
                                    "as INC-2026-0042 (not published)"))
            continue
        if path.stem != incident_id:
            problems.append(Problem(shown, line, column, f"id {incident_id} does not match the file name "
                                    f"{path.name} (not published)"))
            continue
        if incident_id in seen:
            problems.append(Problem(shown, line, column, f"id {incident_id} is also used by "
                                    f"{_display_path(seen[incident_id])} (not published)"))
            continue
        seen[incident_id] = path
        status = data.get("status") if data.get("status") in STATUSES else "draft"
        if status == "draft" and not publish_drafts:
            drafts_skipped += 1
            continue
        incident = build_incident(incident_id, path, data, status)
        incident.relative_path = path.relative_to(directory).as_posix()
        incidents.append(incident)
    incidents.sort(key=lambda incident: incident.sort_key, reverse=True)
    return incidents, problems, drafts_skipped


def build_incident(incident_id: str, path: Path, data: dict[str, Any], status: str) -> Incident:
    summary = data.get("summary") if isinstance(data.get("summary"), dict) else {}
    root = data.get("root_cause") if isinstance(data.get("root_cause"), dict) else {}
    start = parse_timestamp(summary.get("start"))
    detection = parse_timestamp(summary.get("detection"))
    resolution = parse_timestamp(summary.get("resolution"))
    zone = incident_zone(summary) if summary else None
    if start is None:
        start = _earliest_input_event(data)
    if zone is None and start is not None:
        zone = start.tzinfo
    duration = parse_duration(summary.get("total_duration"))
    if duration is None and start and resolution and resolution >= start:
        duration = resolution - start
    severity = summary.get("severity") if summary.get("severity") in SEVERITIES else None
    category = root.get("category") if root.get("category") in CATEGORIES else None
    title = plain(data.get("title")).strip() or incident_id
    incident = Incident(
        id=incident_id, path=path, data=data, title=title, status=status, severity=severity,
        category=category, services=_slugs(data.get("services")), tags=_slugs(data.get("tags")),
        start=start, detection=detection, resolution=resolution, zone=zone, duration=duration)
    stamp = start.timestamp() if start else float("-inf")
    incident.sort_key = (stamp, incident_id)
    incident.year = f"{incident.local(start):%Y}" if start else incident_id[4:8]
    return incident


def _slugs(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    result: list[str] = []
    for item in value:
        name = slug(item)
        if name and name not in result:
            result.append(name)
    return result


def _earliest_input_event(data: dict[str, Any]) -> datetime | None:
    """A draft has no summary yet: its first pasted event stands in for the start."""
    inputs = data.get("inputs")
    events = inputs.get("incident_data", {}).get("events") if isinstance(inputs, dict) and isinstance(
        inputs.get("incident_data"), dict) else None
    times = [parse_timestamp(event.get("time")) for event in events or [] if isinstance(event, dict)]
    times = [t for t in times if t is not None]
    return min(times) if times else None


def _display_path(path: Path) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def duration_text(delta: timedelta | None) -> str:
    """``1:35`` style, or ``2d 3:10`` past a day; '' when unknown."""
    if delta is None:
        return ""
    if delta >= timedelta(days=1):
        return f"{delta.days}d {format_duration(delta - timedelta(days=delta.days))}"
    return format_duration(delta)
