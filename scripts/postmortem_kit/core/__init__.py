"""The bottom layer: findings and their report formats, the YAML source loader with positions,
the error base class, the rule registry, bounded file reading and data-file lookup.

Public names are listed in ``__all__`` and imported lazily on first use, so importing one
of them loads only the module that defines it (the cold `postmortem check` path stays short).
"""

from __future__ import annotations

from postmortem_kit.core.lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "write_atomic": "postmortem_kit.core.files",
    "newline_of": "postmortem_kit.core.files",
    "require_unchanged": "postmortem_kit.core.files",
    "lazy_exports": "postmortem_kit.core.lazy",
    "brief": "postmortem_kit.core.report_formats",
    "location": "postmortem_kit.core.report_formats",
    "FORMATS": "postmortem_kit.core.report_formats",
    "FileReadError": "postmortem_kit.core.files",
    "Finding": "postmortem_kit.core.findings",
    "LIMITS": "postmortem_kit.core.files",
    "NOT_PLAIN": "postmortem_kit.core.yaml_plain",
    "GuardedStream": "postmortem_kit.core.text_guard",
    "LazyRegex": "postmortem_kit.core.lazy_regex",
    "PostmortemError": "postmortem_kit.core.errors",
    "RuleDoc": "postmortem_kit.core.rules",
    "SourceDocument": "postmortem_kit.core.yaml_source",
    "YamlLoadError": "postmortem_kit.core.yaml_source",
    "adjacent_runs": "postmortem_kit.core.regex_risk",
    "counts": "postmortem_kit.core.findings",
    "declare": "postmortem_kit.core.rules",
    "declare_family": "postmortem_kit.core.rules",
    "decode_source": "postmortem_kit.core.yaml_source",
    "decode_text": "postmortem_kit.core.files",
    "dotted_path": "postmortem_kit.core.yaml_source",
    "guard_commands": "postmortem_kit.core.text_guard",
    "mask_hidden": "postmortem_kit.core.text_guard",
    "write_command": "postmortem_kit.core.text_guard",
    "one_line": "postmortem_kit.core.text_guard",
    "strip_hidden": "postmortem_kit.core.text_guard",
    "github_annotation": "postmortem_kit.core.report_formats",
    "line_starts": "postmortem_kit.core.scalar_positions",
    "load_yaml_file": "postmortem_kit.core.yaml_source",
    "load_yaml_text": "postmortem_kit.core.yaml_source",
    "load_plain": "postmortem_kit.core.yaml_plain",
    "package_file": "postmortem_kit.core.resources",
    "read_bytes": "postmortem_kit.core.files",
    "read_source": "postmortem_kit.core.yaml_source",
    "read_text": "postmortem_kit.core.files",
    "registered": "postmortem_kit.core.rules",
    "render": "postmortem_kit.core.report_formats",
    "render_rules": "postmortem_kit.core.report_formats",
    "required_literals": "postmortem_kit.core.regex_literals",
    "resolve_plain": "postmortem_kit.core.yaml_source",
    "schema_file": "postmortem_kit.core.resources",
    "summary_line": "postmortem_kit.core.report_formats",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
