"""`postmortem check`: schema findings, consistency rules and the blameless check of incident files.

Public names are listed in ``__all__`` and imported lazily on first use, so importing one
of them loads only the module that defines it (the cold `postmortem check` path stays short).
"""

from __future__ import annotations

from postmortem_kit.core import lazy_exports

_EXPORTS: dict[str, str] = {
    "UNPLACED_KEY": "postmortem_kit.checks.consistency",
    "check_command": "postmortem_kit.checks.run",
    "check_document": "postmortem_kit.checks.incident",
    "check_file": "postmortem_kit.checks.incident",
    "duplicate_ids": "postmortem_kit.checks.duplicates",
    "exit_status": "postmortem_kit.checks.run",
    "explained_errors": "postmortem_kit.checks.schema_findings",
    "incident_status": "postmortem_kit.checks.incident",
    "run_checks": "postmortem_kit.checks.run",
    "schema_errors": "postmortem_kit.checks.schema_findings",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
