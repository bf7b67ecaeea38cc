"""The GitHub Actions event the pull-request job runs for (``GITHUB_EVENT_PATH``).

Two events matter:

* ``pull_request`` with action ``opened``, ``synchronize`` or ``reopened``
  (and ``labeled``, which the workflow uses for the model-drafting opt-in
  label): stage 1 (`postmortem pr check`) checks the pull request's incident
  files.  Other actions (``closed``, ``edited``...) are read and reported as
  nothing to do.
* ``workflow_run`` with action ``completed``: stage 2 (`postmortem pr post`)
  runs in the base repository after stage 1 finished.  The payload says which
  commit ran (``head_sha``, ``head_repository``) and, for pull requests from
  the same repository only, which pull requests (GitHub leaves
  ``pull_requests`` empty for forks and may list pull requests of *other*
  repositories that share the head branch: those are ignored).  A run not
  triggered by ``pull_request`` is nothing to do.

The payload is untrusted input like any other: size-capped, every field
checked for type and shape, one-line errors (exit 2) instead of tracebacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from postmortem_kit.github import EventError, event_name, event_path, read_event_payload

PULL_ACTIONS = ("opened", "synchronize", "reopened", "labeled")  # labeled: the opt-in label for model drafts
_SHA = re.compile(r"\A[0-9a-f]{40}(?:[0-9a-f]{24})?\Z")
_FULL_NAME = re.compile(r"\A[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}\Z")


@dataclass(frozen=True)
class PullRequestRef:
    """A pull request as the ``pull_request`` event describes it."""

    repository: str  # the base repository, owner/name
    number: int
    head_sha: str
    base_sha: str
    head_repository: str | None  # None when the head repository was deleted
    fork: bool
    changed_files: int | None
    draft: bool = False


@dataclass(frozen=True)
class WorkflowRunRef:
    """A completed workflow run as the ``workflow_run`` event describes it."""

    repository: str
    run_id: int
    event: str  # what triggered the completed run
    conclusion: str | None
    head_sha: str
    head_repository: str | None
    workflow_path: str | None
    pull_numbers: tuple[int, ...] = ()  # pull requests of this repository the run belongs to


@dataclass(frozen=True)
class PrEvent:
    name: str
    action: str | None
    repository: str
    pull: PullRequestRef | None = None
    run: WorkflowRunRef | None = None
    skip_reason: str | None = None  # set when there is nothing to do for this event
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def relevant(self) -> bool:
        return self.skip_reason is None


def read_event(path: str | None = None, name: str | None = None,
               env: Mapping[str, str] | None = None) -> PrEvent:
    """Read and check the event file (default ``GITHUB_EVENT_PATH``/``GITHUB_EVENT_NAME``)."""
    path = path or event_path(env)
    if not path:
        raise EventError("GITHUB_EVENT_PATH is not set: run inside GitHub Actions or pass --event FILE")
    payload = read_event_payload(path)
    return parse_event(payload, name or event_name(env), path)


def parse_event(payload: Any, name: str | None = None, where: str = "event") -> PrEvent:
    if not isinstance(payload, dict):
        raise EventError(f"{where}: the event payload is not a JSON object")
    if name is None:
        name = "workflow_run" if "workflow_run" in payload else "pull_request" if "pull_request" in payload else None
        if name is None:
            raise EventError(f"{where}: neither a pull_request nor a workflow_run event (set GITHUB_EVENT_NAME)")
    action = payload.get("action") if isinstance(payload.get("action"), str) else None
    repository = _full_name(_dict(payload, "repository", where), "full_name", f"{where}: repository")
    if name in ("pull_request", "pull_request_target"):
        pull = _pull_request(payload, repository, where)
        skip = None if action in PULL_ACTIONS else f"pull_request action {action!r}: only {', '.join(PULL_ACTIONS)} are checked"
        return PrEvent(name, action, repository, pull=pull, skip_reason=skip)
    if name == "workflow_run":
        run = _workflow_run(payload, repository, where)
        skip = None
        if action != "completed":
            skip = f"workflow_run action {action!r}: only completed runs are posted"
        elif run.event not in ("pull_request", "pull_request_target"):
            skip = f"the completed run was triggered by {run.event!r}, not by a pull request: nothing to post"
        return PrEvent(name, action, repository, run=run, skip_reason=skip)
    return PrEvent(name, action, repository, skip_reason=f"event {name!r} is not handled (pull_request or workflow_run)")


def _dict(parent: dict, key: str, where: str) -> dict:
    value = parent.get(key)
    if not isinstance(value, dict):
        raise EventError(f"{where}: `{key}` is missing or not an object")
    return value


def _full_name(holder: dict, key: str, where: str) -> str:
    value = holder.get(key)
    if not isinstance(value, str) or not _FULL_NAME.match(value):
        raise EventError(f"{where}: `{key}` is not an owner/name repository name")
    return value


def _sha(holder: dict, key: str, where: str) -> str:
    value = holder.get(key)
    if not isinstance(value, str) or not _SHA.match(value):
        raise EventError(f"{where}: `{key}` is not a commit sha")
    return value


def _number(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**53:
        raise EventError(f"{where}: not a positive number")
    return value


def _optional_repo(holder: Any) -> str | None:
    if isinstance(holder, dict) and isinstance(holder.get("full_name"), str) and _FULL_NAME.match(holder["full_name"]):
        return holder["full_name"]
    return None


def _pull_request(payload: dict, repository: str, where: str) -> PullRequestRef:
    pr = _dict(payload, "pull_request", where)
    number = _number(pr.get("number", payload.get("number")), f"{where}: pull_request.number")
    head = _dict(pr, "head", f"{where}: pull_request")
    base = _dict(pr, "base", f"{where}: pull_request")
    head_repo = _optional_repo(head.get("repo"))
    fork = head_repo != repository  # a deleted head repository (None) counts as a fork
    changed = pr.get("changed_files")
    changed_files = changed if isinstance(changed, int) and not isinstance(changed, bool) and changed >= 0 else None
    return PullRequestRef(repository, number, _sha(head, "sha", f"{where}: pull_request.head"),
                          _sha(base, "sha", f"{where}: pull_request.base"), head_repo, fork, changed_files,
                          pr.get("draft") is True)


def _workflow_run(payload: dict, repository: str, where: str) -> WorkflowRunRef:
    run = _dict(payload, "workflow_run", where)
    run_id = _number(run.get("id"), f"{where}: workflow_run.id")
    event = run.get("event") if isinstance(run.get("event"), str) else ""
    conclusion = run.get("conclusion") if isinstance(run.get("conclusion"), str) else None
    numbers = []
    repo_id = payload["repository"].get("id")
    repo_url_tail = f"/repos/{repository}".lower()
    for entry in run.get("pull_requests") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("number"), int):
            continue
        base_repo = (entry.get("base") or {}).get("repo") if isinstance(entry.get("base"), dict) else None
        if not isinstance(base_repo, dict):
            continue
        same = (repo_id is not None and base_repo.get("id") == repo_id) or \
            str(base_repo.get("url") or "").lower().endswith(repo_url_tail)
        if same:  # GitHub also lists pull requests of other repositories that share the branch
            numbers.append(entry["number"])
    path = run.get("path") if isinstance(run.get("path"), str) else None
    return WorkflowRunRef(repository, run_id, event, conclusion, _sha(run, "head_sha", f"{where}: workflow_run"),
                          _optional_repo(run.get("head_repository")), path, tuple(numbers))
