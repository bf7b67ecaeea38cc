"""The incidents the lessons site shows, read defensively from postmortems/.

The site build does not re-run the schema (`postmortem check` does that in
CI); it reads each file with the safe loader and takes only values of the
expected type, so a malformed section is left out of the page instead of
breaking the build.  Files that cannot be used at all (unreadable YAML, no
usable id, id not matching the file name, duplicate id) are reported as
problems, one clear line each, and skipped.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import zlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from postmortem_kit.core import (
    NOT_PLAIN,
    YamlLoadError,
    brief,
    load_plain,
    load_yaml_file,
    load_yaml_text,
    read_source,
)
from postmortem_kit.incident import format_duration, incident_zone, parse_duration, parse_timestamp, walk
from postmortem_kit.textsafety import plain, slug

ID_PATTERN = re.compile(r"^INC-[0-9]{4}-[0-9]{4,6}$")
SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")
CATEGORIES = ("configuration-error", "code-bug", "capacity-issue", "dependency-failure")
STATUSES = ("draft", "in-review", "published")
# Sections every listing or the analytics page reads: packed on their own, small and quick to unpack
# (see Incident.packed)
KEPT = ("lesson", "follow_ups")
READERS = 2  # processes that read the files of a large site (not under mkdocs serve: see _read_forked)
MIN_FORKED = 400


def pack(data: dict[str, Any]) -> bytes:
    return zlib.compress(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(blob: bytes) -> dict[str, Any]:
    """What ``pack`` packed."""
    return pickle.loads(zlib.decompress(blob))


@dataclass
class Incident:
    """One incident as the site needs it: typed summary fields plus the raw mapping.

    The raw mapping is held packed (pickled, compressed: a few KB instead of some 35 KB of Python
    objects), since the site holds every incident at once; ``data`` unpacks it on each call, and
    ``unpacked()`` gives a copy that holds it, for the time one incident page is being written."""

    id: str
    path: Path
    packed: bytes = field(repr=False)
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
    kept: bytes = field(default=b"", repr=False)  # the KEPT sections, packed (a tenth of their size as objects)
    full: dict[str, Any] | None = field(default=None, repr=False)  # set on an unpacked() copy
    digest: str = ""  # of the mapping: equal digests, equal pages

    @property
    def data(self) -> dict[str, Any]:
        return self.full if self.full is not None else unpack(self.packed)

    def unpacked(self) -> Incident:
        return self if self.full is not None else replace(self, full=self.data)

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

    def _get(self, name: str) -> Any:
        if name in KEPT and self.full is None:
            return unpack(self.kept).get(name) if self.kept else None
        return self.data.get(name)

    def section(self, name: str) -> dict[str, Any]:
        value = self._get(name)
        return value if isinstance(value, dict) else {}

    def items(self, name: str) -> list[dict[str, Any]]:
        value = self._get(name)
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


class LoadCache:
    """Kept between the builds of one ``mkdocs serve``: each file's outcome, keyed by its size and
    modification time, so a rebuild parses only the files that changed (``parsed`` counts them)."""

    def __init__(self):
        self.entries: dict[Path, tuple[tuple[int, int], Any]] = {}
        self.parsed = 0


def load_incidents(directory: Path, *, publish_drafts: bool = False,
                   cache: LoadCache | None = None) -> tuple[list[Incident], list[Problem], int]:
    """The incidents to publish (newest first), the problems found, and how many drafts were left out."""
    incidents: list[Incident] = []
    problems: list[Problem] = []
    seen: dict[str, Path] = {}
    drafts_skipped = 0
    paths = incident_files(directory)
    outcomes = _read_forked(paths) if cache is None else None
    for number, path in enumerate(paths):
        outcome = outcomes[number] if outcomes is not None else _cached_read(path, cache)
        if isinstance(outcome, Problem):
            problems.append(outcome)
            continue
        incident_id, line, column, incident = outcome
        shown = _display_path(path)
        if incident_id in seen:
            if line is None:
                line, column = id_position(path)
            problems.append(Problem(shown, line, column, f"id {incident_id} is also used by "
                                    f"{_display_path(seen[incident_id])} (not published)"))
            continue
        seen[incident_id] = path
        if incident.status == "draft" and not publish_drafts:
            drafts_skipped += 1
            continue
        incident.relative_path = path.relative_to(directory).as_posix()
        incidents.append(incident)
    incidents.sort(key=lambda incident: incident.sort_key, reverse=True)
    return incidents, problems, drafts_skipped


def _read_forked(paths: list[Path]) -> list | None:
    """Every file's outcome, read by ``READERS`` forked processes (``site.forking``), in order; None
    (read them in this process) for a few files, without ``fork``, or if a reader fails."""
    from postmortem_kit.site import forking

    if len(paths) < MIN_FORKED or not forking.can_fork() or (os.cpu_count() or 1) < 2:
        return None
    try:
        workers = forking.start(READERS, [paths[number::READERS] for number in range(READERS)], _read)
    except OSError:
        return None
    try:
        outcomes = []
        for number, path in enumerate(paths):
            item, outcome = workers[number % READERS].receive()
            if item != path:  # pragma: no cover - a reader out of step
                raise forking.WorkerError(f"reader sent {item} for {path}")
            outcomes.append(outcome)
    except forking.WorkerError:
        forking.finish(workers, kill=True)
        return None
    forking.finish(workers)
    return outcomes


def _cached_read(path: Path, cache: LoadCache | None):
    if cache is None:
        return _read(path)
    try:
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        return _read(path)
    entry = cache.entries.get(path)
    if entry is not None and entry[0] == key:
        return entry[1]
    cache.parsed += 1
    outcome = _read(path)
    cache.entries[path] = (key, outcome)
    return outcome


def _read(path: Path):
    """One file: a Problem, or (id, line, column of the id, Incident); line and column are None when
    the file took the fast path (``core.yaml_plain``): ``id_position`` finds them if needed."""
    shown = _display_path(path)
    try:
        text = read_source(str(path))
    except YamlLoadError as error:
        return _load_problem(shown, error)
    except OSError as error:
        return Problem(shown, 1, 1, f"cannot read the file: {error.strerror or error} (not published)")
    data = load_plain(text)
    if data is not NOT_PLAIN and isinstance(data, dict):
        incident_id = data.get("id")
        if isinstance(incident_id, str) and ID_PATTERN.match(incident_id) and path.stem == incident_id:
            status = data.get("status") if data.get("status") in STATUSES else "draft"
            return incident_id, None, None, build_incident(incident_id, path, data, status)
    # anything unusual (or a problem to report with its position): the full loader
    try:
        doc = load_yaml_text(text, str(path))
    except YamlLoadError as error:
        return _load_problem(shown, error)
    errors = [f for f in doc.findings if f.severity == "error"]
    if errors:  # e.g. a duplicate key: YAML would keep only one of the two values
        return Problem(shown, errors[0].line, errors[0].column, f"{errors[0].message} (not published)")
    data = doc.data
    if not isinstance(data, dict):
        return Problem(shown, 1, 1, "the file is not a mapping of incident fields (not published)")
    incident_id = data.get("id")
    line, column = doc.position(("id",))
    if not isinstance(incident_id, str) or not ID_PATTERN.match(incident_id):
        return Problem(shown, line, column, f"id {plain(incident_id)!r} is not an incident id such "
                       "as INC-2026-0042 (not published)")
    if path.stem != incident_id:
        return Problem(shown, line, column, f"id {incident_id} does not match the file name "
                       f"{path.name} (not published)")
    status = data.get("status") if data.get("status") in STATUSES else "draft"
    return incident_id, line, column, build_incident(incident_id, path, data, status)


def _load_problem(shown: str, error: YamlLoadError) -> Problem:
    finding = error.finding
    return Problem(shown, finding.line, finding.column, f"{finding.message} (not published)")


def id_position(path: Path) -> tuple[int, int]:
    """(line, column) of the file's id, for a problem about it (the full loader, with positions)."""
    try:
        return load_yaml_file(str(path)).position(("id",))
    except (YamlLoadError, OSError):
        return 1, 1


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
    packed = pack(data)
    incident = Incident(
        id=incident_id, path=path, packed=packed, title=title, status=status, severity=severity,
        category=category, services=_slugs(data.get("services")), tags=_slugs(data.get("tags")),
        start=start, detection=detection, resolution=resolution, zone=zone, duration=duration,
        kept=pack({name: data[name] for name in KEPT if name in data}),
        digest=hashlib.blake2b(packed, digest_size=12).hexdigest())
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
