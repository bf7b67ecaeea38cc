"""The issues the sync already made, found by one pass over the repository's issue list.

``GET /repos/{owner}/{repo}/issues?state=all&labels=postmortem`` (100 per
page), kept when the author is the sync's own login. Those whose body carries
a follow-up marker are ``issues``; those whose marker a person edited out are
``unmarked``: the plan still recognises them by the ``tracking`` number or by
their title (see followups/plan.py), so a rerun restores the marker instead of
opening a second issue. An issue by any other author is never kept, marker or
not. The search API is not used: its index lags behind, and a lagging index is
how duplicates get made. An issue whose ``postmortem`` label a person removed
is not listed; it is still found through the follow-up's ``tracking``
reference once that has been written back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from postmortem_kit.followups.markers import Marker, parse
from postmortem_kit.followups.owners import POSTMORTEM_LABEL

PER_PAGE = 100


@dataclass
class KnownIssue:
    number: int
    title: str
    body: str
    state: str  # open, closed
    state_reason: str | None
    labels: list[str]
    assignees: list[str]
    milestone: str | None  # title
    author: str
    url: str  # html_url
    api_url: str
    marker: Marker | None
    handle: Any = field(default=None, repr=False)  # the PyGithub Issue (comments)

    @property
    def open(self) -> bool:
        return self.state == "open"


def raw_fields(obj) -> dict:
    """The JSON GitHub sent for a PyGithub object, without a lazy re-fetch (``raw_data`` would GET it again)."""
    data = getattr(obj, "_rawData", None)
    return data if isinstance(data, dict) else obj.raw_data


def known_issue(issue, data: dict | None = None) -> KnownIssue:
    """A KnownIssue from a PyGithub Issue (``data``: fresher JSON for it, e.g. a PATCH answer)."""
    data = raw_fields(issue) if data is None else data
    milestone = data.get("milestone") or None
    return KnownIssue(
        number=data["number"], title=data.get("title") or "", body=data.get("body") or "",
        state=data.get("state") or "open", state_reason=data.get("state_reason"),
        labels=[label["name"] if isinstance(label, dict) else str(label) for label in data.get("labels") or []],
        assignees=[user["login"] for user in data.get("assignees") or [] if isinstance(user, dict)],
        milestone=milestone.get("title") if isinstance(milestone, dict) else None,
        author=(data.get("user") or {}).get("login") or "", url=data.get("html_url") or "",
        api_url=data.get("url") or "", marker=parse(data.get("body")), handle=issue,
    )


@dataclass
class IssueIndex:
    """The sync's own follow-up issues, plus the pages read to find them."""

    issues: list[KnownIssue]
    pages: int = 0  # list passes made
    foreign_markers: int = 0  # issues with a marker that the sync's login did not write
    unmarked: list[KnownIssue] = field(default_factory=list)  # the sync's own issues whose marker was edited out

    def by_incident(self) -> dict[str, list[KnownIssue]]:
        grouped: dict[str, list[KnownIssue]] = {}
        for issue in self.issues:
            grouped.setdefault(issue.marker.incident, []).append(issue)
        return grouped

    def by_number(self) -> dict[int, KnownIssue]:
        return {issue.number: issue for issue in self.issues}


def _is_pull(issue) -> bool:
    return "pull_request" in raw_fields(issue)


def _collect(index: IssueIndex, items, bot: str) -> None:
    for issue in items:
        if _is_pull(issue):
            continue
        known = known_issue(issue)
        if known.author.lower() != bot.lower():
            if known.marker is not None:
                index.foreign_markers += 1
            continue
        (index.issues if known.marker is not None else index.unmarked).append(known)


def list_followup_issues(repo, bot: str) -> IssueIndex:
    """One pass over the repository's ``postmortem`` issues (all states), following the Link headers."""
    index = IssueIndex([])
    _collect(index, repo.get_issues(state="all", labels=[POSTMORTEM_LABEL], sort="created", direction="asc"), bot)
    index.pages = 1
    return index


def newest_followup_issues(repo, bot: str) -> IssueIndex:
    """The first page of the newest ``postmortem`` issues: where an issue created a moment ago is."""
    pages = repo.get_issues(state="all", labels=[POSTMORTEM_LABEL], sort="created", direction="desc")
    index = IssueIndex([])
    _collect(index, pages.get_page(0), bot)
    index.pages = 1
    return index
