"""The blameless-language check: rules as data (``rules.yaml``), the scanner and grammar, suppression,
and linting of incident fields, Markdown and plain text.

Public names are listed in ``__all__`` and imported lazily on first use, so importing one
of them loads only the module that defines it (the cold `postmortem check` path stays short).
"""

from __future__ import annotations

from postmortem_kit.core import lazy_exports

_EXPORTS: dict[str, str] = {
    "COMPILED_FILE": "postmortem_kit.blameless.rule_source",
    "MASK": "postmortem_kit.blameless.mask",
    "RULES_FILE": "postmortem_kit.blameless.rule_source",
    "Region": "postmortem_kit.blameless.scanner",
    "RuleFileError": "postmortem_kit.blameless.rule_source",
    "compile_yaml": "postmortem_kit.blameless.rule_source",
    "describe_prose_pattern_error": "postmortem_kit.blameless.schema_bridge",
    "ProseDocument": "postmortem_kit.blameless.prose",
    "ProseField": "postmortem_kit.blameless.prose",
    "find_blame": "postmortem_kit.blameless.document",
    "incident_prose": "postmortem_kit.blameless.prose",
    "from_compiled": "postmortem_kit.blameless.rules",
    "lint_command": "postmortem_kit.blameless.lint",
    "lint_document": "postmortem_kit.blameless.lint",
    "lint_target": "postmortem_kit.blameless.lint",
    "lint_text": "postmortem_kit.blameless.text",
    "load_rules": "postmortem_kit.blameless.rules",
    "markdown_block_spans": "postmortem_kit.blameless.mask",
    "mask_inline": "postmortem_kit.blameless.mask",
    "prose_items": "postmortem_kit.blameless.document",
    "replace_prose_not": "postmortem_kit.blameless.schema_bridge",
    "scan": "postmortem_kit.blameless.scanner",
    "schema_not_entry": "postmortem_kit.blameless.schema_bridge",
    "schema_pattern": "postmortem_kit.blameless.schema_bridge",
    "source_digest": "postmortem_kit.blameless.rules",
    "text_prose": "postmortem_kit.blameless.prose",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
