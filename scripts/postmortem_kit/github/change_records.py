"""Deployments (with their statuses), merged pull requests and releases of a repository in a time window.

The "triggering change" evidence of `postmortem evidence add github:OWNER/REPO`.
Read through PyGithub, newest first, stopping at the first record older than
the window (GitHub lists deployments and releases newest first, and pull
requests sorted by ``updated``), so a busy repository costs a few pages.
Records come back as plain ``ChangeRecord`` values: the evidence package never
sees PyGithub.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

from postmortem_kit.github.client import GitHubConfigError, GitHubSettings, connect, describe_error, settings_from_env

MAX_RECORDS = 2000  # per kind: a window holding more is too wide to be a timeline
STATUS_LOOKBACK = timedelta(days=2)  # a deployment created before the window may finish inside it


@dataclass(frozen=True)
class ChangeRecord:
    kind: str  # deployment | deployment_status | pull_request | release
    id: str
    at: datetime
    text: str
    url: str | None = None


class ChangeRecordError(GitHubConfigError):
    """The repository cannot be read (token, name, network); the message says which."""


def change_records(repository: str, since: datetime | None, until: datetime | None, *,
                   settings: GitHubSettings | None = None) -> list[ChangeRecord]:
    """Every change record of ``repository`` (OWNER/NAME) between ``since`` and ``until`` (inclusive)."""
    if repository.count("/") != 1 or not all(repository.split("/")):
        raise ChangeRecordError(f"github:{repository}: not OWNER/NAME")
    settings = settings or settings_from_env(repository=repository)
    client = connect(settings)
    try:
        repo = client.get_repo(repository)
        records = [*_deployments(repo, since, until), *_pulls(repo, since, until), *_releases(repo, since, until)]
    except ChangeRecordError:
        raise
    except Exception as error:  # noqa: BLE001 - PyGithub and network errors become one clear message
        raise ChangeRecordError(f"github:{repository}: {describe_error(error)}") from None
    finally:
        client.close()
    return sorted(records, key=lambda record: (record.at, record.kind, record.id))


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _inside(moment: datetime | None, since: datetime | None, until: datetime | None) -> bool:
    return moment is not None and (since is None or moment >= since) and (until is None or moment <= until)


def _bounded(items: Iterator[Any], what: str) -> Iterator[Any]:
    for count, item in enumerate(items, 1):
        if count > MAX_RECORDS:
            raise ChangeRecordError(f"more than {MAX_RECORDS} {what} to look through; narrow the window with --from/--to")
        yield item


def _deployments(repo, since, until) -> Iterator[ChangeRecord]:
    for deployment in _bounded(iter(repo.get_deployments()), "deployments"):
        created = _aware(deployment.created_at)
        if since is not None and created is not None and created < since - STATUS_LOOKBACK:
            break  # newest first: everything further is older
        what = f"{deployment.environment}: {deployment.ref} ({(deployment.sha or '')[:12]})"
        if _inside(created, since, until):
            described = f" - {deployment.description}" if deployment.description else ""
            yield ChangeRecord("deployment", str(deployment.id), created, f"Deployment to {what}{described}",
                               deployment.url)
        for status in _bounded(iter(deployment.get_statuses()), "deployment statuses"):
            at = _aware(status.created_at)
            if _inside(at, since, until):
                described = f" - {status.description}" if status.description else ""
                yield ChangeRecord("deployment_status", f"{deployment.id}-{status.id}", at,
                                   f"Deployment to {what} {status.state}{described}", status.target_url or None)


def _pulls(repo, since, until) -> Iterator[ChangeRecord]:
    for pull in _bounded(iter(repo.get_pulls(state="closed", sort="updated", direction="desc")), "pull requests"):
        updated = _aware(pull.updated_at)
        if since is not None and updated is not None and updated < since:
            break  # merged_at <= updated_at: nothing further can be in the window
        merged = _aware(pull.merged_at)
        if _inside(merged, since, until):
            yield ChangeRecord("pull_request", str(pull.number), merged,
                               f"Pull request #{pull.number} merged into {pull.base.ref}: {pull.title}", pull.html_url)


def _releases(repo, since, until) -> Iterator[ChangeRecord]:
    for release in _bounded(iter(repo.get_releases()), "releases"):
        published = _aware(release.published_at) or _aware(release.created_at)
        if release.draft:
            continue
        if since is not None and published is not None and published < since:
            break
        if _inside(published, since, until):
            name = release.name or release.tag_name
            yield ChangeRecord("release", str(release.id), published, f"Release {name} ({release.tag_name}) published",
                               release.html_url)
