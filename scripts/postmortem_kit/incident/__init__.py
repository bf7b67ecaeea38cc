"""The incident file as data: its schema, times, ids, files, placeholders, computed facts and the
YAML writer.

Public names are listed in ``__all__`` and imported lazily on first use, so importing one
of them loads only the module that defines it (the cold `postmortem check` path stays short).
"""

from __future__ import annotations

from postmortem_kit.core import lazy_exports

_EXPORTS: dict[str, str] = {
    "DEFAULT_DIR": "postmortem_kit.incident.files",
    "ID_PATTERN": "postmortem_kit.incident.ids",
    "IncidentFacts": "postmortem_kit.incident.facts",
    "NewIncident": "postmortem_kit.incident.new_file",
    "NewIncidentError": "postmortem_kit.incident.new_file",
    "OFFLINE_MARKER": "postmortem_kit.incident.placeholders",
    "SCHEMA_FILE": "postmortem_kit.incident.schema",
    "Stub": "postmortem_kit.incident.stubs",
    "STATUSES": "postmortem_kit.incident.schema",
    "SUFFIXES": "postmortem_kit.incident.files",
    "SourceLabel": "postmortem_kit.incident.evidence_facts",
    "Shape": "postmortem_kit.incident.schema_fields",
    "analysis_sections": "postmortem_kit.incident.schema",
    "collect": "postmortem_kit.incident.files",
    "compute_facts": "postmortem_kit.incident.facts",
    "create_incident": "postmortem_kit.incident.new_file",
    "dump_incident": "postmortem_kit.incident.yaml_writer",
    "evidence_times": "postmortem_kit.incident.evidence_facts",
    "find_placeholder": "postmortem_kit.incident.placeholders",
    "find_stubs": "postmortem_kit.incident.stubs",
    "format_duration": "postmortem_kit.incident.times",
    "incident_zone": "postmortem_kit.incident.times",
    "is_valid": "postmortem_kit.incident.schema",
    "load_schema": "postmortem_kit.incident.schema",
    "next_free_id": "postmortem_kit.incident.ids",
    "parse_date": "postmortem_kit.incident.times",
    "parse_duration": "postmortem_kit.incident.times",
    "parse_label": "postmortem_kit.incident.evidence_facts",
    "parse_stub": "postmortem_kit.incident.stubs",
    "parse_timestamp": "postmortem_kit.incident.times",
    "prose_field_names": "postmortem_kit.incident.schema_fields",
    "prose_strings": "postmortem_kit.incident.schema_fields",
    "render_template": "postmortem_kit.incident.new_file",
    "replace_stubs": "postmortem_kit.incident.stubs",
    "response_schema": "postmortem_kit.incident.section_schema",
    "root_shape": "postmortem_kit.incident.schema_fields",
    "schema_id": "postmortem_kit.incident.schema",
    "schema_url": "postmortem_kit.incident.schema",
    "schema_name": "postmortem_kit.incident.section_schema",
    "schema_reference": "postmortem_kit.incident.new_file",
    "stub_block": "postmortem_kit.incident.stubs",
    "stub_line": "postmortem_kit.incident.stubs",
    "section_subschema": "postmortem_kit.incident.section_schema",
    "summary_times": "postmortem_kit.incident.times",
    "timeline_instants": "postmortem_kit.incident.times",
    "typed_strings": "postmortem_kit.incident.schema_fields",
    "validator": "postmortem_kit.incident.schema",
    "walk": "postmortem_kit.incident.files",
    "zone_named": "postmortem_kit.incident.times",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
