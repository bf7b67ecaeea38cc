"""`postmortem evidence`: read chat exports, pager logs, alert payloads, deploy records, logs and metrics,
and merge them into an incident's ``inputs.incident_data`` with their sources, redacted and deduplicated.

Public names are listed in ``__all__`` and imported lazily on first use, so importing one
of them loads only the module that defines it (the cold `postmortem check` path stays short).
"""

from __future__ import annotations

from postmortem_kit.core import lazy_exports

_EXPORTS: dict[str, str] = {
    "Evidence": "postmortem_kit.evidence.model",
    "EvidenceError": "postmortem_kit.evidence.model",
    "EvidenceResult": "postmortem_kit.evidence.command",
    "MAX_NEW_ENTRIES": "postmortem_kit.evidence.merge",
    "Options": "postmortem_kit.evidence.model",
    "Progress": "postmortem_kit.evidence.probe",
    "Reader": "postmortem_kit.evidence.probe",
    "Source": "postmortem_kit.evidence.inputs",
    "Window": "postmortem_kit.evidence.model",
    "add_evidence": "postmortem_kit.evidence.command",
    "build_options": "postmortem_kit.evidence.command",
    "choose": "postmortem_kit.evidence.registry",
    "evidence_add": "postmortem_kit.evidence.command",
    "formats_text": "postmortem_kit.evidence.registry",
    "insert_entries": "postmortem_kit.evidence.yaml_insert",
    "readers": "postmortem_kit.evidence.registry",
    "report_lines": "postmortem_kit.evidence.command",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
