"""Incident ids (INC-<year>-<number>) and the next free one in a folder."""

from __future__ import annotations

import os
import re
from pathlib import Path

ID_PATTERN = re.compile(r"^INC-(\d{4})-(\d{4,6})$")


def existing_ids(directory: str | Path) -> set[str]:
    """Ids in use under ``directory``, read from file names (the check enforces id == file name)."""
    ids: set[str] = set()
    if not os.path.isdir(directory):
        return ids
    for _, subdirs, names in os.walk(directory):
        subdirs[:] = [d for d in subdirs if not d.startswith(".")]
        for name in names:
            stem, _, suffix = name.rpartition(".")
            if suffix in ("yaml", "yml") and ID_PATTERN.match(stem):
                ids.add(stem)
    return ids


def next_free_id(directory: str | Path, year: int) -> str:
    numbers = [int(match.group(2)) for incident_id in existing_ids(directory)
               if (match := ID_PATTERN.match(incident_id)) and int(match.group(1)) == year]
    return f"INC-{year}-{(max(numbers, default=0) + 1):04d}"
