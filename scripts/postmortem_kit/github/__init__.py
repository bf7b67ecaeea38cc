"""The only code that talks to GitHub: the PyGithub client with retries and rate limits, and the
Actions environment (``GITHUB_*`` variables, event files, step outputs and summaries).

Public names are listed in ``__all__`` and imported lazily on first use, so importing one
of them loads only the module that defines it (the cold `postmortem check` path stays short).
"""

from __future__ import annotations

from postmortem_kit.core import lazy_exports

_EXPORTS: dict[str, str] = {
    "ChangeRecord": "postmortem_kit.github.change_records",
    "ChangeRecordError": "postmortem_kit.github.change_records",
    "DEFAULT_MAX_RATE_LIMIT_WAIT": "postmortem_kit.github.client",
    "EventError": "postmortem_kit.github.actions",
    "GITHUB_SECONDARY_LIMIT_PER_MINUTE": "postmortem_kit.github.client",
    "GitHubConfigError": "postmortem_kit.github.client",
    "GitHubSettings": "postmortem_kit.github.client",
    "Pacer": "postmortem_kit.github.client",
    "RateLimitWaitTooLong": "postmortem_kit.github.client",
    "WriteGate": "postmortem_kit.github.client",
    "actor": "postmortem_kit.github.actions",
    "append_outputs": "postmortem_kit.github.actions",
    "append_summary": "postmortem_kit.github.actions",
    "bot_login": "postmortem_kit.github.client",
    "change_records": "postmortem_kit.github.change_records",
    "connect": "postmortem_kit.github.client",
    "describe_error": "postmortem_kit.github.client",
    "event_name": "postmortem_kit.github.actions",
    "event_path": "postmortem_kit.github.actions",
    "is_transient": "postmortem_kit.github.client",
    "rate_limit_kind": "postmortem_kit.github.client",
    "read_event_payload": "postmortem_kit.github.actions",
    "repository_name": "postmortem_kit.github.actions",
    "server_url": "postmortem_kit.github.actions",
    "settings_from_env": "postmortem_kit.github.client",
    "wrong_author": "postmortem_kit.github.client",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
