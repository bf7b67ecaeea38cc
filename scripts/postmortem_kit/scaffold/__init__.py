"""Scaffolding: ``postmortem init`` writes a repository of postmortems (incident folder, schema,
pre-commit, workflows, lessons site, editor settings) from the templates beside this module.

Public names are listed in ``__all__`` and imported lazily on first use.
"""

from __future__ import annotations

from postmortem_kit.core import lazy_exports

_EXPORTS: dict[str, str] = {
    "HINTS": "postmortem_kit.scaffold.repository",
    "InitError": "postmortem_kit.scaffold.repository",
    "InitResult": "postmortem_kit.scaffold.repository",
    "REPOSITORY": "postmortem_kit.scaffold.repository",
    "REPOSITORY_URL": "postmortem_kit.scaffold.repository",
    "init_repository": "postmortem_kit.scaffold.repository",
    "planned_files": "postmortem_kit.scaffold.repository",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
