"""The follow-up actions of the incident files, as the sync needs them.

An incident takes part once its status is in-review or published. A file
that cannot be loaded, or a follow-up whose fields are unusable, is reported
as an error finding and skipped; its incident is then marked incomplete so
that none of its existing issues is closed because of the skip.

The patterns for owners, dates and tracking references are read from
schema/postmortem.schema.json, so the sync accepts exactly what the check does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from postmortem_kit.core import Finding, SourceDocument, YamlLoadError, declare, load_yaml_file, schema_file
from postmortem_kit.incident import collect

DUPLICATE_ID = declare("followups/duplicate-id", "error", "Two incident files with the same id: their follow-ups are skipped")
INVALID = declare("followups/invalid", "error", "A follow-up cannot be synced (the file or the entry breaks the schema)")
OUTSIDE_REPO = declare("followups/outside-repo", "error", "An incident file outside the repository root is not synced")

SYNCED_STATUSES = ("in-review", "published")
FIELDS = ("action", "owner", "due", "success_criteria", "tracking")


@dataclass(frozen=True)
class FollowUp:
    incident_id: str
    index: int  # 0-based position in follow_ups
    action: str
    owner: str
    due: str  # YYYY-MM-DD
    success_criteria: str
    tracking: str

    @property
    def label(self) -> str:
        return f"{self.incident_id} follow-up {self.index + 1}"


@dataclass
class Incident:
    id: str
    title: str
    status: str
    severity: str | None
    path: str  # as found on disk
    repo_path: str  # relative to the repository root, with forward slashes
    follow_ups: list[FollowUp] = field(default_factory=list)
    complete: bool = True  # False when some follow-up was skipped for an error
    total_follow_ups: int = 0  # entries in follow_ups, skipped ones included
    document: SourceDocument | None = None

    @property
    def synced(self) -> bool:
        return self.status in SYNCED_STATUSES


@dataclass
class LoadResult:
    incidents: list[Incident]
    findings: list[Finding]
    drafts: int = 0
    unreadable_ids: set[str] = field(default_factory=set)  # ids guessed from names of files that did not load

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")


@cache
def _patterns() -> dict[str, re.Pattern]:
    schema = json.loads(schema_file("postmortem.schema.json").read_text(encoding="utf-8"))
    defs = schema["$defs"]
    return {
        "id": re.compile(schema["properties"]["id"]["pattern"]),
        "owner": re.compile(defs["person"]["pattern"]),
        "due": re.compile(defs["date"]["pattern"]),
        "tracking": re.compile(defs["follow_up"]["properties"]["tracking"]["pattern"]),
    }


def repo_relative(path: str | Path, root: Path) -> str | None:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def load_incidents(paths: list[str], root: Path) -> LoadResult:
    files, problems = collect(paths)
    result = LoadResult([], list(problems))
    seen: dict[str, str] = {}
    for path in files:
        incident = _load_one(path, root, result)
        if incident is None:
            continue
        if incident.id in seen:
            line, column = incident.document.key_position(("id",)) if incident.document else (1, 1)
            result.findings.append(Finding(path, line, column, DUPLICATE_ID, "error",
                                           f"incident id {incident.id} is also used by {seen[incident.id]}; "
                                           "its follow-ups are skipped"))
            continue
        seen[incident.id] = path
        if not incident.synced:
            result.drafts += 1
            continue
        result.incidents.append(incident)
    return result


def _load_one(path: str, root: Path, result: LoadResult) -> Incident | None:
    patterns = _patterns()
    stem = Path(path).stem
    try:
        document = load_yaml_file(path)
    except YamlLoadError as error:
        finding = error.finding
        result.findings.append(Finding(finding.path, finding.line, finding.column, finding.rule, "error",
                                       f"{finding.message}; this file's follow-ups are skipped"))
        if patterns["id"].match(stem):
            result.unreadable_ids.add(stem)
        return None
    data = document.data

    def fail(where: tuple, message: str, rule: str = INVALID) -> None:
        line, column = document.position(where)
        result.findings.append(Finding(path, line, column, rule, "error", message))

    if document.findings:
        for finding in document.findings:
            result.findings.append(finding)
        if patterns["id"].match(stem):
            result.unreadable_ids.add(stem)
        fail((), "the file has YAML errors (see above); its follow-ups are skipped")
        return None
    if not isinstance(data, dict):
        fail((), "an incident file must be a mapping; its follow-ups are skipped")
        return None
    incident_id = data.get("id")
    if not isinstance(incident_id, str) or not patterns["id"].match(incident_id):
        if patterns["id"].match(stem):
            result.unreadable_ids.add(stem)
        fail(("id",), "the incident has no valid id (INC-YYYY-NNNN); its follow-ups are skipped")
        return None
    status = data.get("status")
    summary = data.get("summary") if isinstance(data.get("summary"), dict) else {}
    severity = summary.get("severity") if isinstance(summary.get("severity"), str) else None
    title = data.get("title") if isinstance(data.get("title"), str) else incident_id
    relative = repo_relative(path, root)
    if relative is None:
        fail((), f"the file is outside the repository root {root}; its follow-ups are skipped", OUTSIDE_REPO)
        return None
    incident = Incident(incident_id, " ".join(title.split()), str(status), severity, path, relative, document=document)
    if not incident.synced:
        return incident
    follow_ups = data.get("follow_ups")
    if follow_ups is None:
        return incident
    if not isinstance(follow_ups, list):
        fail(("follow_ups",), "follow_ups must be a list; the follow-ups are skipped")
        incident.complete = False
        return incident
    incident.total_follow_ups = len(follow_ups)
    for index, item in enumerate(follow_ups):
        follow_up = _follow_up(incident_id, index, item, fail)
        if follow_up is None:
            incident.complete = False
        else:
            incident.follow_ups.append(follow_up)
    return incident


def _follow_up(incident_id: str, index: int, item, fail) -> FollowUp | None:
    patterns = _patterns()
    where = ("follow_ups", index)
    if not isinstance(item, dict):
        fail(where, f"follow-up {index + 1} is not a mapping; it is skipped")
        return None
    values = {}
    for name in FIELDS:
        value = item.get(name)
        if not isinstance(value, str) or not value.strip():
            fail(where + (name,) if name in item else where,
                 f"follow-up {index + 1} has no {name} (a non-empty string); it is skipped")
            return None
        values[name] = value.strip()
    if not patterns["owner"].match(values["owner"]):
        fail(where + ("owner",), f"follow-up {index + 1}: owner {values['owner']!r} is not a GitHub handle, "
                                 "team or role; it is skipped")
        return None
    try:
        valid_date = bool(patterns["due"].match(values["due"])) and bool(date.fromisoformat(values["due"]))
    except ValueError:
        valid_date = False
    if not valid_date:
        fail(where + ("due",), f"follow-up {index + 1}: due {values['due']!r} is not a date (YYYY-MM-DD); it is skipped")
        return None
    if not patterns["tracking"].match(values["tracking"]):
        fail(where + ("tracking",), f"follow-up {index + 1}: tracking {values['tracking']!r} is not new, #123, "
                                    "owner/repo#123, a URL or a ticket id; it is skipped")
        return None
    return FollowUp(incident_id, index, " ".join(values["action"].split()), values["owner"], values["due"],
                    values["success_criteria"], values["tracking"])
