"""The lessons site: pages, listings, analytics and similar incidents generated from the incident files
at MkDocs build time.

Public names are listed in ``__all__`` and imported lazily on first use, so importing one
of them loads only the module that defines it (the cold `postmortem check` path stays short).
"""

from __future__ import annotations

from postmortem_kit.core import lazy_exports

_EXPORTS: dict[str, str] = {
    "Links": "postmortem_kit.site.links",
    "PostmortemsConfig": "postmortem_kit.site.options",
    "PostmortemsPlugin": "postmortem_kit.site.plugin",
    "SiteOptions": "postmortem_kit.site.options",
    "build_incident": "postmortem_kit.site.model",
    "generate_site": "postmortem_kit.site.build",
    "issue_url": "postmortem_kit.site.html",
    "load_incidents": "postmortem_kit.site.model",
    "load_status": "postmortem_kit.site.followups",
    "make_page": "postmortem_kit.site.html",
    "filter_block": "postmortem_kit.site.search_index",
    "paged_src": "postmortem_kit.site.paging",
    "site_options": "postmortem_kit.site.options",
    "web_url": "postmortem_kit.site.repository",
    "similar_incidents": "postmortem_kit.site.similarity",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
