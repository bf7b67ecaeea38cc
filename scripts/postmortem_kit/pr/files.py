"""The incident files a pull request changes, listed through the GitHub API.

``GET /repos/{owner}/{repo}/pulls/{n}/files`` pages through at most 3,000
files (100 a page): GitHub does not list more, whatever the pull request
holds.  The listing says so (``truncated``), and the job summary and comment
tell the reader that incident files past that point were not checked.

Deleted incident files are listed with ``change == "removed"``: nothing to
check, but any suggestion the bot left on them is stale.  Renamed files keep
their previous path for the comment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Callable

from postmortem_kit.incident import DEFAULT_DIR, SUFFIXES

GITHUB_LIST_LIMIT = 3000


@dataclass
class ChangedFile:
    path: str
    change: str  # added, removed, modified, renamed, copied, changed, unchanged
    previous_path: str | None = None
    patch: str | None = None  # GitHub omits the patch of very large or binary diffs

    @property
    def deleted(self) -> bool:
        return self.change == "removed"


@dataclass
class Listing:
    files: list[ChangedFile] = field(default_factory=list)  # incident files only, in API order
    listed: int = 0  # every file the API listed
    changed_files: int | None = None  # what the pull request says it changes

    @property
    def truncated(self) -> bool:
        if self.listed < GITHUB_LIST_LIMIT:
            return False
        return self.changed_files is None or self.changed_files > self.listed

    def truncation_note(self) -> str | None:
        if not self.truncated:
            return None
        total = f"{self.changed_files:,}" if self.changed_files is not None else "more than 3,000"
        return (f"GitHub's API lists at most {GITHUB_LIST_LIMIT:,} files of a pull request; this one changes {total}. "
                f"Only the {self.listed:,} files listed were looked at: incident files past that point were not "
                "checked here (run `postmortem check` on the branch to cover them all).")

    def by_path(self) -> dict[str, ChangedFile]:
        return {entry.path: entry for entry in self.files}


def normalise_dirs(dirs: list[str] | None) -> tuple[str, ...]:
    cleaned = []
    for entry in dirs or [DEFAULT_DIR]:
        for part in entry.split():
            part = part.strip().strip("/")
            if part in ("", "."):
                part = ""
            cleaned.append(part)
    return tuple(dict.fromkeys(cleaned)) or (DEFAULT_DIR,)


def is_incident_path(path: str, dirs: tuple[str, ...]) -> bool:
    """A YAML file under one of ``dirs`` (``""`` means anywhere), not hidden."""
    if not path.endswith(SUFFIXES):
        return False
    pure = PurePosixPath(path)
    if any(part.startswith(".") for part in pure.parts):
        return False
    return any(directory == "" or path.startswith(directory + "/") for directory in dirs)


def list_incident_files(pull, dirs: tuple[str, ...], changed_files: int | None = None) -> Listing:
    """Page through the pull request's files (a PyGithub PullRequest, lazy is fine)."""
    return list_changed(pull, lambda path: is_incident_path(path, dirs), changed_files)


def list_changed(pull, keep: Callable[[str], bool], changed_files: int | None = None) -> Listing:
    """The pull request's changed files for which ``keep(path)`` is true, and how many were listed."""
    listing = Listing(changed_files=changed_files)
    for entry in pull.get_files():
        listing.listed += 1
        path = entry.filename
        previous = getattr(entry, "previous_filename", None)
        if keep(path):
            listing.files.append(ChangedFile(path, entry.status, previous, entry.patch))
        elif previous and keep(previous):  # moved out of the incident folders
            listing.files.append(ChangedFile(previous, "removed", None, None))
        if listing.listed >= GITHUB_LIST_LIMIT:
            break
    return listing
