"""`postmortem stats`: time to detect and resolve, causes and follow-up status across incidents.

Public names are listed in ``__all__`` and imported lazily on first use, so importing one
of them loads only the module that defines it (the cold `postmortem check` path stays short).
"""

from __future__ import annotations

from postmortem_kit.core import lazy_exports

_EXPORTS: dict[str, str] = {
    "STATUS_FILE": "postmortem_kit.stats.command",
    "StatsError": "postmortem_kit.stats.command",
    "compute_stats": "postmortem_kit.stats.incidents",
    "distribution": "postmortem_kit.stats.incidents",
    "load_records": "postmortem_kit.stats.incidents",
    "read_status": "postmortem_kit.stats.followups",
    "render_table": "postmortem_kit.stats.table",
    "stats_command": "postmortem_kit.stats.command",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
