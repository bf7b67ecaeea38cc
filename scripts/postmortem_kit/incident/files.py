"""Which files a command reads: incident YAML files under the given paths."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from postmortem_kit.core import Finding, declare

NO_INCIDENTS = declare("file/no-incidents", "error", "A folder given to check holds no incident files")
NO_DOCUMENTS = declare("file/no-documents", "error", "A folder given to lint holds no documents")

DEFAULT_DIR = "postmortems"
SUFFIXES = (".yaml", ".yml")


def collect(paths: list[str], *, suffixes: tuple[str, ...] = SUFFIXES,
            what: str = "incident files (*.yaml, *.yml)", empty_rule: str = NO_INCIDENTS,
            stdin: str | None = None) -> tuple[list[str], list[Finding]]:
    """Files to read, in a stable order, and fatal findings for paths that cannot be used.

    A directory contributes the files under it whose names end in ``suffixes``; ``stdin``
    (e.g. "-") is passed through as it is.
    """
    files: list[str] = []
    problems: list[Finding] = []
    for given in paths:
        if stdin is not None and given == stdin:
            files.append(given)
            continue
        path = Path(given)
        if path.is_dir():
            found = sorted(walk(path, suffixes))
            if not found:
                problems.append(Finding(given, 1, 1, empty_rule, "error", f"directory holds no {what}", fatal=True,
                                        positioned=False))
            files.extend(found)
        elif path.exists() or path.is_symlink():
            files.append(given)
        else:
            problems.append(Finding(given, 1, 1, "file/missing", "error", "no such file or directory", fatal=True,
                                    positioned=False))
    seen: set[str] = set()
    unique = [f for f in files if not (f in seen or seen.add(f))]
    return unique, problems


def walk(root: Path, suffixes: tuple[str, ...] = SUFFIXES) -> Iterator[str]:
    """Files under ``root`` ending in ``suffixes``, skipping hidden files and directories."""
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in names:
            if name.endswith(suffixes) and not name.startswith("."):
                yield os.path.join(directory, name)
