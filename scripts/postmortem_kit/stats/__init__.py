"""`postmortem stats`: time to detect and resolve, causes and follow-up status across incidents.

Public names are listed in ``__all__`` and imported lazily on first use, so importing one
of them loads only the module that defines it (the cold `postmortem check` path stays short).
"""

from __future__ import annotations

import importlib

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


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
