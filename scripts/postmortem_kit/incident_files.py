"""Which files a command reads: incident YAML files under the given paths."""

from __future__ import annotations

import os
from pathlib import Path

from postmortem_kit.findings import Finding

DEFAULT_DIR = "postmortems"
SUFFIXES = (".yaml", ".yml")


def collect(paths: list[str]) -> tuple[list[str], list[Finding]]:
    """Files to check, in a stable order, and fatal findings for paths that cannot be used."""
    files: list[str] = []
    problems: list[Finding] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(_walk(path))
            if not found:
                problems.append(Finding(given, 1, 1, "file/no-incidents", "error",
                                        "directory holds no incident files (*.yaml, *.yml)", fatal=True))
            files.extend(found)
        elif path.exists() or path.is_symlink():
            files.append(given)
        else:
            problems.append(Finding(given, 1, 1, "file/missing", "error", "no such file or directory", fatal=True))
    seen: set[str] = set()
    unique = [f for f in files if not (f in seen or seen.add(f))]
    return unique, problems


def _walk(root: Path):
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in names:
            if name.endswith(SUFFIXES) and not name.startswith("."):
                yield os.path.join(directory, name)
