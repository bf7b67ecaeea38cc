"""Follow-up actions as GitHub issues: planning, syncing exactly once, the status file, and writing
issue numbers back into git.

Public names are listed in ``__all__`` and imported lazily on first use, so importing one
of them loads only the module that defines it (the cold `postmortem check` path stays short).
"""

from __future__ import annotations

from postmortem_kit.core import lazy_exports

_EXPORTS: dict[str, str] = {
    "FollowUp": "postmortem_kit.followups.source",
    "FollowupsRequest": "postmortem_kit.followups.command",
    "Incident": "postmortem_kit.followups.source",
    "KnownIssue": "postmortem_kit.followups.issue_index",
    "MODES": "postmortem_kit.followups.tracking_writeback",
    "Marker": "postmortem_kit.followups.markers",
    "RunError": "postmortem_kit.followups.runner",
    "RunOptions": "postmortem_kit.followups.runner",
    "STATE_OF_STATUS": "postmortem_kit.followups.status",
    "STATUSES": "postmortem_kit.followups.status",
    "STATUS_FILE": "postmortem_kit.followups.status",
    "StatusFileError": "postmortem_kit.followups.status_file",
    "StatusRow": "postmortem_kit.followups.status",
    "TrackingEditError": "postmortem_kit.followups.tracking_text",
    "action_key": "postmortem_kit.followups.markers",
    "classify": "postmortem_kit.followups.owners",
    "decide": "postmortem_kit.followups.event",
    "followups_command": "postmortem_kit.followups.command",
    "is_closing_comment": "postmortem_kit.followups.markers",
    "is_managed_label": "postmortem_kit.followups.owners",
    "label_style": "postmortem_kit.followups.owners",
    "make_row": "postmortem_kit.followups.status",
    "markdown_summary": "postmortem_kit.followups.report",
    "parse": "postmortem_kit.followups.markers",
    "plan_lines": "postmortem_kit.followups.report",
    "read_status_document": "postmortem_kit.followups.status_file",
    "render": "postmortem_kit.followups.markers",
    "render_closed": "postmortem_kit.followups.markers",
    "render_table": "postmortem_kit.followups.status",
    "report_lines": "postmortem_kit.followups.report",
    "rewrite_tracking": "postmortem_kit.followups.tracking_text",
    "run": "postmortem_kit.followups.runner",
    "status_document": "postmortem_kit.followups.status",
    "tracking_number": "postmortem_kit.followups.plan",
    "write_status": "postmortem_kit.followups.status",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
