"""The site's search: Pagefind indexes of the incident pages, written while the pages are written.

Pagefind (``pagefind[bin]``, the ``site`` extra) reads the built HTML and writes a bundle: an index
split in small chunks, so a query in the reader's browser downloads a few hundred kilobytes however
many incidents there are (material's built-in search downloads one JSON index of every page, 30 MB
at 10,000 incidents).  Only an incident page's article is indexed (``data-pagefind-body``), without
the parts marked ``data-search-exclude`` or ``data-pagefind-ignore`` (raw inputs, timeline,
prevention, follow-ups, similar incidents ...); listing pages are not indexed at all.  Filters
(severity, root-cause category, service, tag, year) are ``data-pagefind-filter`` metadata on each
incident page.

Pagefind holds every page of a run in memory (about 300 KB a page: 2.6 GB at 10,000 incidents),
so the pages are indexed in shards of ``search_shard_pages`` (in the order they are written): one
Pagefind run per shard, one after the other, each over a temporary folder holding its pages cut to
what Pagefind reads of them (``shard_files.search_document``: the head and the marked article,
without the blocks left out of the index), after the last page (``search_overlap``: as soon as the
shard's last page is written).  The first shard's
bundle is ``pagefind/``, the others ``pagefind/1/``, ``pagefind/2/`` ...; ``pagefind/pm-search.json``
(``MANIFEST``) lists the bundles and every filter value with its count, and the search box
(``assets/search.js``) loads the first bundle and merges the others into it (Pagefind's
``mergeIndex``), so one query searches them all.

The plugin option ``search: builtin`` keeps material's own search instead (the benchmark's
baseline; a site without the ``site`` extra).  The plugin calls, in build order:
``filter_block`` (per incident page), then ``site.search_shards.ShardRunner`` (which runs Pagefind
over the shards): ``add`` (``on_post_page``: marks the article, notes the page, starts a shard's
run when one is due), ``finish`` (``on_post_build``) and ``close`` (``on_build_error``).  This
module holds what the pages and the runner share: the markers, the notes, the manifest.
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from postmortem_kit.core import PostmortemError
from postmortem_kit.site.model import Incident

PAGEFIND = "pagefind"
BUILTIN = "builtin"
MODES = (PAGEFIND, BUILTIN)
BUNDLE = "pagefind"  # the bundles' folder in the site
MANIFEST = "pm-search.json"  # in BUNDLE: the bundles and the filter values
EXCLUDE_SELECTORS = "[data-search-exclude]"
ARTICLE_OPEN = '<article class="md-content__inner md-typeset">'
ARTICLE_CLOSE = "</article>"
BODY_OPEN = '<article class="md-content__inner md-typeset" data-pagefind-body>'
FACETS_OPEN = '<div class="pm-search-facets" hidden'  # a tag: page text cannot hold a raw "<"
_FILTER_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_FILE_PART = re.compile(r"[A-Za-z0-9_-]{1,64}")  # a language's metadata hash or WebAssembly name
_FACET = re.compile(r'data-pagefind-filter="([a-z]+):([A-Za-z0-9][A-Za-z0-9._-]*)"')
# What a merged bundle needs (the browser loads pagefind.js and the wasm from the first one).
ENTRY = "pagefind-entry.json"  # each bundle's entry file: its languages, metadata file and WebAssembly
SECONDARY_KEEP = (ENTRY, "index", "filter", "fragment")
# The size of Pagefind's index chunks (in word positions; its default 20,000): smaller chunks, fewer
# bytes per query word in each shard, a larger metadata file per shard.  At 10,000 incidents in
# shards of 500, "database connection" fetched 379 KB with 5,000 and 328 KB with 1,500.  An
# "unstable" setting of Pagefind 1.5.2 (pinned); the environment's value, if set, is kept.
CHUNK_SIZE_VARIABLE = "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"
CHUNK_SIZE = 1500


class SearchIndexError(PostmortemError):
    """Pagefind is missing or failed; the message says what to do."""


@dataclass(frozen=True)
class IndexResult:
    pages: int
    seconds: float
    output: str
    bundles: tuple[str, ...] = ()


@dataclass
class SearchPages:
    """The pages this build marked for the index (paths relative to the site) and their filter values."""

    paths: list[str] = field(default_factory=list)
    filters: dict[str, Counter] = field(default_factory=dict)

    def add(self, document: str, dest_uri: str) -> str:
        """The page with its article marked for Pagefind; notes the page and its filter values."""
        self.paths.append(dest_uri)
        at = document.find(FACETS_OPEN)
        if at >= 0:
            block = document[at:document.find("</div>", at)]
            for name, value in _FACET.findall(block):
                self.filters.setdefault(name, Counter())[value] += 1
        return mark_body(document)

    def manifest(self, bundles: list[str], warm: tuple[str, list[str]] | None = None) -> dict:
        """The manifest; ``warm`` is ``preloads()``'s answer for these bundles (left out when None)."""
        found = {"version": 1, "pages": len(set(self.paths)), "bundles": bundles}
        if warm is not None:
            found["tag"], found["warm"] = warm
        found["filters"] = {name: dict(sorted(counts.items())) for name, counts in sorted(self.filters.items())}
        return found


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


def shards(paths: list[str], size: int) -> list[list[str]]:
    """The pages in runs of at most ``size``, in the order they were written (``ShardRunner``'s
    shards: a shard can be indexed as soon as its last page is written)."""
    size = max(1, size)
    return [paths[start:start + size] for start in range(0, len(paths), size)]


def bundle_name(number: int) -> str:
    """Shard ``number``'s bundle, relative to ``pagefind/``: '' for the first, then '1/', '2/' ..."""
    return f"{number}/" if number else ""


def preloads(out: Path, bundles: list[str]) -> tuple[str, list[str]] | None:
    """What the search box fetches as soon as it has the manifest, so that Pagefind finds it on its way
    instead of asking for it one step after another: a tag naming this build's bundles (Pagefind's
    ``metaCacheTag``: each bundle's entry file gets a fixed address for the build, not one per page
    view) and the files the entry files name (each bundle's metadata; the first bundle's WebAssembly).
    None when an entry file cannot be read or names other than one language (the box then loads as
    Pagefind does by itself), and for a site without bundles."""
    if not bundles:
        return None
    digest = hashlib.sha256()
    files: list[str] = []
    for bundle in bundles:
        try:
            raw = (out / bundle / ENTRY).read_bytes()
            languages = list(json.loads(raw)["languages"].values())
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        if len(languages) != 1 or not isinstance(languages[0], dict):
            return None
        digest.update(raw)
        meta, wasm = languages[0].get("hash"), languages[0].get("wasm") or "unknown"
        if not (isinstance(meta, str) and _FILE_PART.fullmatch(meta) and isinstance(wasm, str)
                and _FILE_PART.fullmatch(wasm)):
            return None
        files.append(f"{bundle}pagefind.{meta}.pf_meta")
        if not bundle:
            files.append(f"wasm.{wasm}.pagefind")
    return digest.hexdigest()[:16], files


def release_memory() -> None:
    """Give the build's freed memory back to the system before Pagefind starts (glibc keeps it)."""
    gc.collect()
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        pass
