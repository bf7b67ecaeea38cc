"""`postmortem import` and `export`: the RCA Markdown layout read into incident YAML and written back.

Public names are listed in ``__all__`` and imported lazily on first use, so importing one
of them loads only the module that defines it (the cold `postmortem check` path stays short).
"""

from __future__ import annotations

from postmortem_kit.core import lazy_exports

_EXPORTS: dict[str, str] = {
    "ExportError": "postmortem_kit.rca.export_command",
    "ImportCommandError": "postmortem_kit.rca.import_command",
    "ImportReport": "postmortem_kit.rca.markdown_fields",
    "TimelineContext": "postmortem_kit.rca.timeline_parse",
    "category_of": "postmortem_kit.rca.analysis_map",
    "derive_human_factor": "postmortem_kit.rca.human_factors",
    "export_command": "postmortem_kit.rca.export_command",
    "git_author": "postmortem_kit.rca.git_author",
    "import_command": "postmortem_kit.rca.import_command",
    "import_markdown": "postmortem_kit.rca.importer",
    "import_provenance": "postmortem_kit.rca.reimport",
    "map_follow_ups": "postmortem_kit.rca.closing_map",
    "map_lesson": "postmortem_kit.rca.analysis_map",
    "map_summary": "postmortem_kit.rca.summary_map",
    "merge_import": "postmortem_kit.rca.reimport",
    "parse_sla": "postmortem_kit.rca.inputs_parse",
    "parse_spoken_duration": "postmortem_kit.rca.times",
    "parse_stated_time": "postmortem_kit.rca.times",
    "parse_timeline": "postmortem_kit.rca.timeline_parse",
    "person": "postmortem_kit.rca.values",
    "read_entries": "postmortem_kit.rca.markdown_fields",
    "relative_in": "postmortem_kit.rca.times",
    "render_markdown": "postmortem_kit.rca.markdown_render",
    "slug": "postmortem_kit.rca.values",
    "split_lines": "postmortem_kit.rca.markdown_sections",
    "split_sections": "postmortem_kit.rca.markdown_sections",
    "states_no_human_factor": "postmortem_kit.rca.human_factors",
    "zone_from_text": "postmortem_kit.rca.times",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
