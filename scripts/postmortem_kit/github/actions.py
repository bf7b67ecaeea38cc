"""The GitHub Actions environment: event files, step outputs, the job summary.

The one place that reads ``GITHUB_EVENT_PATH``, ``GITHUB_EVENT_NAME``,
``GITHUB_OUTPUT``, ``GITHUB_STEP_SUMMARY`` and ``GITHUB_ACTOR``.  The event
payload is untrusted input like any other: read through the bounded reader
(regular files only, size-capped), strict JSON, one-line errors.
"""

from __future__ import annotations

import json
import os
from typing import Any, Mapping

from postmortem_kit.core import FileReadError, PostmortemError, read_bytes


class EventError(PostmortemError, ValueError):
    """The event file is missing or unusable (one-line message, exit 2)."""


def event_name(env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    return env.get("GITHUB_EVENT_NAME") or None


def event_path(env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    return env.get("GITHUB_EVENT_PATH") or None


def read_event_payload(path: str) -> Any:
    """The JSON payload of the event file at ``path`` (not yet checked for shape)."""
    try:
        raw = read_bytes(path, "event")
    except FileReadError as error:
        raise EventError(f"cannot read the event file: {error}") from None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise EventError(f"{path}: the event file is not JSON ({str(error).splitlines()[0][:120]})") from None


def actor(env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    return env.get("GITHUB_ACTOR") or None


def append_outputs(lines: list[str], path: str | None = None) -> bool:
    """Append ``key=value`` lines to ``GITHUB_OUTPUT`` (when set); the values are already one line each."""
    path = path or os.environ.get("GITHUB_OUTPUT")
    if not path:
        return False
    with open(path, "a", encoding="utf-8") as handle:
        handle.writelines(line + "\n" for line in lines)
    return True


def append_summary(data: bytes, path: str | None = None) -> bool:
    """Append to ``GITHUB_STEP_SUMMARY`` (when set)."""
    path = path or os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return False
    with open(path, "ab") as handle:
        handle.write(data)
    return True


def repository_name(env: Mapping[str, str] | None = None) -> str | None:
    """``GITHUB_REPOSITORY`` (owner/name), when set."""
    env = os.environ if env is None else env
    return env.get("GITHUB_REPOSITORY") or None


def server_url(env: Mapping[str, str] | None = None) -> str:
    """``GITHUB_SERVER_URL`` without a trailing slash (https://github.com when unset)."""
    env = os.environ if env is None else env
    return (env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/")
