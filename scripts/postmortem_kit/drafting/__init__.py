"""`postmortem draft`: computed facts, per-section prompts, model providers, validation, redaction and
the draft cache; and the model review of the blameless check (`lint --review`).

Public names are listed in ``__all__`` and imported lazily on first use, so importing one
of them loads only the module that defines it (the cold `postmortem check` path stays short).
"""

from __future__ import annotations

from postmortem_kit.core import lazy_exports

_EXPORTS: dict[str, str] = {
    "write_sections": "postmortem_kit.drafting.output",
    "DraftCache": "postmortem_kit.drafting.cache",
    "DraftConfig": "postmortem_kit.drafting.config",
    "DraftConfigError": "postmortem_kit.drafting.config",
    "DraftInputError": "postmortem_kit.drafting.engine",
    "DraftOutputError": "postmortem_kit.drafting.output",
    "DraftResult": "postmortem_kit.drafting.result",
    "DroppedSection": "postmortem_kit.drafting.result",
    "Provenance": "postmortem_kit.drafting.result",
    "SERVERS": "postmortem_kit.drafting.config",
    "SectionDraft": "postmortem_kit.drafting.result",
    "PromptContext": "postmortem_kit.drafting.prompt_files",
    "PromptError": "postmortem_kit.drafting.prompt_files",
    "ProviderError": "postmortem_kit.drafting.providers",
    "TokenBudget": "postmortem_kit.drafting.token_budget",
    "append_sections": "postmortem_kit.drafting.output",
    "build_messages": "postmortem_kit.drafting.prompt_files",
    "cache_key": "postmortem_kit.drafting.cache",
    "default_cache_dir": "postmortem_kit.drafting.cache",
    "draft_incident": "postmortem_kit.drafting.engine",
    "draft_command": "postmortem_kit.drafting.command",
    "drop_nulls": "postmortem_kit.drafting.validation",
    "Evidence": "postmortem_kit.drafting.grounding",
    "estimate_tokens": "postmortem_kit.drafting.token_budget",
    "ungrounded_figures": "postmortem_kit.drafting.grounding",
    "whole_incident_pass": "postmortem_kit.drafting.consistency",
    "load_config": "postmortem_kit.drafting.config",
    "MISSED_RULE": "postmortem_kit.drafting.review_findings",
    "Candidate": "postmortem_kit.drafting.review",
    "ReviewOutcome": "postmortem_kit.drafting.review",
    "ReviewReport": "postmortem_kit.drafting.review_findings",
    "Reviewer": "postmortem_kit.drafting.review",
    "lint_review_command": "postmortem_kit.drafting.review_findings",
    "load_review_prompts": "postmortem_kit.drafting.review",
    "make_reviewer": "postmortem_kit.drafting.review_findings",
    "review_all": "postmortem_kit.drafting.review_findings",
    "review_document": "postmortem_kit.drafting.review_findings",
    "load_prompts": "postmortem_kit.drafting.prompt_files",
    "nothing_to_draft": "postmortem_kit.drafting.sections",
    "render_json": "postmortem_kit.drafting.output",
    "repair_messages": "postmortem_kit.drafting.prompt_files",
    "section_yaml": "postmortem_kit.drafting.output",
    "validate": "postmortem_kit.drafting.config",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
