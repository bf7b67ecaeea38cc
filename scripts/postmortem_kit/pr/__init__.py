"""The pull-request job: `postmortem pr check` (unprivileged) and `postmortem pr post` (comments,
annotations, suggestions).

Public names are listed in ``__all__`` and imported lazily on first use, so importing one
of them loads only the module that defines it (the cold `postmortem check` path stays short).
"""

from __future__ import annotations

from postmortem_kit.core import lazy_exports

_EXPORTS: dict[str, str] = {
    "ALL_SECTIONS": "postmortem_kit.pr.suggestions",
    "Anchor": "postmortem_kit.pr.anchor",
    "ArtifactError": "postmortem_kit.pr.artifact",
    "COMMENT_LIMIT": "postmortem_kit.pr.comment",
    "CRITERIA": "postmortem_kit.pr.review_criteria",
    "ChangedFile": "postmortem_kit.pr.files",
    "CheckOptions": "postmortem_kit.pr.check_stage",
    "DraftSettings": "postmortem_kit.pr.drafts",
    "GITHUB_SUMMARY_LIMIT": "postmortem_kit.pr.summary",
    "Listing": "postmortem_kit.pr.files",
    "Plan": "postmortem_kit.pr.suggestions",
    "PostOptions": "postmortem_kit.pr.post_stage",
    "PrCheckRequest": "postmortem_kit.pr.command",
    "PrPostRequest": "postmortem_kit.pr.command",
    "PrUsageError": "postmortem_kit.pr.command",
    "Suggestion": "postmortem_kit.pr.suggestions",
    "SuggestionReport": "postmortem_kit.pr.suggestions",
    "check_summary": "postmortem_kit.pr.summary",
    "clean_draft": "postmortem_kit.pr.artifact",
    "combined": "postmortem_kit.pr.batch",
    "diff_lines": "postmortem_kit.pr.anchor",
    "evaluate": "postmortem_kit.pr.review_criteria",
    "find_anchor": "postmortem_kit.pr.anchor",
    "is_incident_path": "postmortem_kit.pr.files",
    "memory_markers": "postmortem_kit.pr.checklist",
    "normalise_dirs": "postmortem_kit.pr.files",
    "ours": "postmortem_kit.pr.suggestions",
    "pack": "postmortem_kit.pr.comment",
    "parse_event": "postmortem_kit.pr.event",
    "parse_result": "postmortem_kit.pr.artifact",
    "part_by_first_line": "postmortem_kit.pr.comment",
    "part_of": "postmortem_kit.pr.comment",
    "plan": "postmortem_kit.pr.suggestions",
    "pr_check_command": "postmortem_kit.pr.command",
    "pr_post_command": "postmortem_kit.pr.command",
    "read_event": "postmortem_kit.pr.event",
    "remembered_in": "postmortem_kit.pr.checklist",
    "render_checklist": "postmortem_kit.pr.checklist",
    "run_check": "postmortem_kit.pr.check_stage",
    "run_post": "postmortem_kit.pr.post_stage",
    "section_by_first_line": "postmortem_kit.pr.suggestions",
    "section_rows": "postmortem_kit.pr.checklist",
    "select": "postmortem_kit.pr.annotations",
    "slot_of": "postmortem_kit.pr.suggestions",
    "stub_anchors": "postmortem_kit.pr.anchor",
    "suggestion_text": "postmortem_kit.pr.anchor",
    "sync": "postmortem_kit.pr.suggestions",
    "ungrounded": "postmortem_kit.pr.grounding",
    "value_hash": "postmortem_kit.pr.drafts",
    "verify": "postmortem_kit.pr.anchor",
    "verify_stub": "postmortem_kit.pr.anchor",
    "write": "postmortem_kit.pr.annotations",
    "write_summary": "postmortem_kit.pr.summary",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
