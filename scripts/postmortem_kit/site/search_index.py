"""The site's search: a Pagefind index of the incident pages, written after the build.

Pagefind (``pagefind[bin]``, the ``site`` extra) reads the built HTML and writes ``pagefind/``:
an index split in small chunks, so a query in the reader's browser downloads a few hundred
kilobytes however many incidents there are (material's built-in search downloads one JSON
index of every page, 30 MB at 10,000 incidents).  Only an incident page's article is indexed
(``data-pagefind-body``), without the parts marked ``data-search-exclude`` (raw inputs, similar
incidents, follow-ups ...); listing pages are not indexed at all.  Filters (severity, root-cause
category, service, tag, year) are ``data-pagefind-filter`` metadata on each incident page.

The plugin option ``search: builtin`` keeps material's own search instead (the benchmark's
baseline; a site without the ``site`` extra).  The plugin calls, in build order:
``filter_block`` (per incident page), ``mark_body`` (``on_post_page``) and ``build_index``
(``on_post_build``).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from postmortem_kit.core import PostmortemError
from postmortem_kit.site.model import Incident

PAGEFIND = "pagefind"
BUILTIN = "builtin"
MODES = (PAGEFIND, BUILTIN)
EXCLUDE_SELECTORS = "[data-search-exclude]"
ARTICLE_OPEN = '<article class="md-content__inner md-typeset">'
BODY_OPEN = '<article class="md-content__inner md-typeset" data-pagefind-body>'
_FILTER_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
TIMEOUT = 900  # seconds; 10,000 incident pages take well under a minute


class SearchIndexError(PostmortemError):
    """Pagefind is missing or failed; the message says what to do."""


@dataclass(frozen=True)
class IndexResult:
    pages: int
    seconds: float
    output: str


def available() -> bool:
    """Whether Pagefind (the ``site`` extra) is installed; without it the site keeps material's search."""
    import importlib.util

    return importlib.util.find_spec("pagefind") is not None


def filter_block(incident: Incident) -> str:
    """The incident's filter values as Pagefind metadata: empty, hidden and not indexed as text.

    The values are slugs and years (the schema's patterns); anything else is left out rather than
    escaped, since a filter value sits inside an attribute that Pagefind splits on ``:``."""
    values = [("severity", incident.severity), ("category", incident.category), ("year", str(incident.year))]
    values += [("service", name) for name in incident.services] + [("tag", name) for name in incident.tags]
    spans = "".join(f'<span data-pagefind-filter="{name}:{value}"></span>' for name, value in values
                    if value and _FILTER_VALUE.fullmatch(value))
    return f'<div class="pm-search-facets" hidden data-pagefind-ignore>{spans}</div>'


def mark_body(document: str) -> str:
    """The page with its content article marked as what Pagefind indexes (incident pages only)."""
    return document.replace(ARTICLE_OPEN, BODY_OPEN, 1)


def build_index(site_dir: str | Path, prefix: str = "") -> IndexResult:
    """Run Pagefind over the built site's incident pages (its own process: its memory is not the
    build's); the listings are not even read (``--glob``)."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--exclude-selectors", EXCLUDE_SELECTORS,
               "--glob", f"{prefix}incidents/**/*.html"]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise SearchIndexError(f"pagefind did not finish within {TIMEOUT} s") from None
    seconds = time.perf_counter() - started
    output = (done.stdout or "") + (done.stderr or "")
    if done.returncode != 0:
        if "No module named pagefind" in output:
            raise SearchIndexError("the search index needs Pagefind: pip install 'postmortem-kit[site]' "
                                   "(or set the postmortems plugin's search: builtin for material's own search)")
        raise SearchIndexError(f"pagefind failed (exit {done.returncode}): {output.strip()[-800:]}")
    found = re.search(r"Indexed ([0-9,]+) pages?", output)
    return IndexResult(int(found[1].replace(",", "")) if found else 0, seconds, output)
