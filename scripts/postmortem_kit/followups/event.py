"""Should this workflow run sync at all? Decided from the GitHub event that started it.

Only a push that moves the default branch syncs: a tag push, a push to
another branch or a branch deletion does nothing. Any other event
(workflow_dispatch, schedule) or none (a person at a terminal) syncs.
"""

from __future__ import annotations

from dataclasses import dataclass

from postmortem_kit.github import EventError, read_event_payload


@dataclass
class EventDecision:
    run: bool
    reason: str
    repository: str | None = None
    default_branch: str | None = None
    sha: str | None = None


def decide(event_name: str | None, event_path: str | None) -> EventDecision:
    if event_name != "push":
        return EventDecision(True, f"event {event_name}" if event_name else "run by hand")
    if not event_path:
        raise EventError("GITHUB_EVENT_NAME is push but GITHUB_EVENT_PATH is not set")
    payload = read_event_payload(event_path)
    repository = payload.get("repository") if isinstance(payload, dict) else None
    if not isinstance(repository, dict) or not isinstance(payload.get("ref"), str):
        raise EventError(f"{event_path}: not a push event payload (no ref or repository)")
    default = repository.get("default_branch") or repository.get("master_branch")
    full_name = repository.get("full_name")
    ref = payload["ref"]
    common = {"repository": full_name, "default_branch": default, "sha": payload.get("after")}
    if payload.get("deleted"):
        return EventDecision(False, f"the push deleted {ref}", **common)
    if not default or ref != f"refs/heads/{default}":
        return EventDecision(False, f"the push was to {ref}, not to the default branch {default}", **common)
    return EventDecision(True, f"push to {default}", **common)
