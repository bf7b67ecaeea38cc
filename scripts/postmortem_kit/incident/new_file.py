"""`postmortem new`: a new draft incident file with the next free id, from the template."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from postmortem_kit.core import PostmortemError, schema_file
from postmortem_kit.incident.ids import ID_PATTERN, next_free_id
from postmortem_kit.incident.schema import SCHEMA_FILE, schema_url

_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_HANDLE = re.compile(r"^@?[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")


class NewIncidentError(PostmortemError):
    """The new incident cannot be written as asked (exit 2); nothing was written."""


@dataclass
class NewIncident:
    directory: str
    title: str
    service: str
    author: str | None = None
    incident_id: str | None = None
    now: str | None = None


def schema_reference(target_dir: Path) -> str:
    """A relative path to the repository's schema when there is one (``postmortem init`` writes it), else
    the schema of this release at its tag in the project's repository."""
    here = target_dir.resolve()
    for folder in (here, *here.parents):
        candidate = folder / "schema" / SCHEMA_FILE
        if candidate.is_file():
            return os.path.relpath(candidate, here).replace(os.sep, "/")
    return schema_url()


def render_template(template: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        template = template.replace(f"@{key}@", value)
    return template


def create_incident(request: NewIncident) -> Path:
    """Write the new file (never over an existing one) and return its path."""
    now = request.now or datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    try:
        year = datetime.fromisoformat(now).year
    except ValueError:
        raise NewIncidentError(f"--now {now!r} is not an ISO 8601 timestamp") from None
    if not _SLUG.match(request.service):
        raise NewIncidentError(f"--service {request.service!r} must be a lower-case slug like checkout-api")
    author = request.author or "TODO"
    if not _HANDLE.match(author):
        raise NewIncidentError(f"--author {author!r} is not a GitHub handle or team")
    directory = Path(request.directory)
    incident_id = request.incident_id or next_free_id(directory, year)
    if not ID_PATTERN.match(incident_id):
        raise NewIncidentError(f"{incident_id!r} is not an id of the form INC-2026-0042")
    target = directory / f"{incident_id}.yaml"
    if target.exists():
        raise NewIncidentError(f"{target} already exists; not overwriting it")
    text = render_template(schema_file("incident-template.yaml").read_text(encoding="utf-8"), {
        "SCHEMA": schema_reference(directory if directory.exists() else Path.cwd()),
        "ID": incident_id,
        "TITLE": request.title.replace("\\", "\\\\").replace('"', '\\"'),
        "AUTHOR": author,
        "SERVICE": request.service,
        "NOW": now,
    })
    directory.mkdir(parents=True, exist_ok=True)
    try:
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise NewIncidentError(f"{target} already exists; not overwriting it") from None
    return target
