"""The site's search: Pagefind indexes of the incident pages, written after the build.

Pagefind (``pagefind[bin]``, the ``site`` extra) reads the built HTML and writes a bundle: an index
split in small chunks, so a query in the reader's browser downloads a few hundred kilobytes however
many incidents there are (material's built-in search downloads one JSON index of every page, 30 MB
at 10,000 incidents).  Only an incident page's article is indexed (``data-pagefind-body``), without
the parts marked ``data-search-exclude`` or ``data-pagefind-ignore`` (raw inputs, timeline,
prevention, follow-ups, similar incidents ...); listing pages are not indexed at all.  Filters
(severity, root-cause category, service, tag, year) are ``data-pagefind-filter`` metadata on each
incident page.

Pagefind holds every page of a run in memory (about 300 KB a page: 2.6 GB at 10,000 incidents),
so the pages are indexed in shards of ``search_shard_pages``: one Pagefind run per shard, one
after the other, each over a temporary folder of hard links to its pages.  The first shard's
bundle is ``pagefind/``, the others ``pagefind/1/``, ``pagefind/2/`` ...; ``pagefind/pm-search.json``
(``MANIFEST``) lists the bundles and every filter value with its count, and the search box
(``assets/search.js``) loads the first bundle and merges the others into it (Pagefind's
``mergeIndex``), so one query searches them all.

The plugin option ``search: builtin`` keeps material's own search instead (the benchmark's
baseline; a site without the ``site`` extra).  The plugin calls, in build order:
``filter_block`` (per incident page), ``SearchPages.add`` (``on_post_page``: marks the article and
notes the page) and ``build_index`` (``on_post_build``).
"""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
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
BODY_OPEN = '<article class="md-content__inner md-typeset" data-pagefind-body>'
FACETS_OPEN = '<div class="pm-search-facets" hidden'  # a tag: page text cannot hold a raw "<"
_FILTER_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_FACET = re.compile(r'data-pagefind-filter="([a-z]+):([A-Za-z0-9][A-Za-z0-9._-]*)"')
# What a merged bundle needs (the browser loads pagefind.js and the wasm from the first one).
_SECONDARY_KEEP = ("pagefind-entry.json", "index", "filter", "fragment")
# The size of Pagefind's index chunks (in word positions; its default 20,000): smaller chunks, fewer
# bytes per query word in each shard, a larger metadata file per shard.  At 10,000 incidents in
# shards of 500, "database connection" fetched 379 KB with 5,000 and 328 KB with 1,500.  An
# "unstable" setting of Pagefind 1.5.2 (pinned); the environment's value, if set, is kept.
CHUNK_SIZE_VARIABLE = "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"
CHUNK_SIZE = 1500
TIMEOUT = 900  # seconds per shard; a shard of 1,000 pages takes about 10 s on a loaded 2-core machine


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

    def manifest(self, bundles: list[str]) -> dict:
        return {"version": 1, "pages": len(set(self.paths)), "bundles": bundles,
                "filters": {name: dict(sorted(counts.items())) for name, counts in sorted(self.filters.items())}}


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
    """The pages in runs of at most ``size``, in path order (the same pages, the same shards)."""
    ordered = sorted(set(paths))
    return [ordered[start:start + size] for start in range(0, len(ordered), max(1, size))]


def bundle_name(number: int) -> str:
    """Shard ``number``'s bundle, relative to ``pagefind/``: '' for the first, then '1/', '2/' ..."""
    return f"{number}/" if number else ""


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


def build_index(site_dir: str | Path, pages: SearchPages, shard_pages: int = 1000) -> IndexResult:
    """Index the noted pages: one Pagefind run per shard (each its own process, one at a time, so
    the memory is a shard's), then the manifest.  No page: no bundle, an empty manifest."""
    site = Path(site_dir)
    out = site / BUNDLE
    if out.is_dir():
        shutil.rmtree(out)  # an earlier build's bundles (mkdocs build --dirty, mkdocs serve)
    started = time.perf_counter()
    groups = shards(pages.paths, shard_pages)
    release_memory()
    command = _command()
    env = dict(os.environ)
    env.setdefault(CHUNK_SIZE_VARIABLE, str(CHUNK_SIZE))
    bundles, outputs, indexed = [], [], 0
    for number, group in enumerate(groups):
        bundle = bundle_name(number)
        folder = Path(tempfile.mkdtemp(prefix=".pm-search-", dir=site))
        try:
            _link(site, folder, group)
            output = _run(command + ["--site", str(folder), "--output-path", str(out / bundle),
                                     "--exclude-selectors", EXCLUDE_SELECTORS], env)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        found = re.search(r"Indexed ([0-9,]+) pages?", output)
        indexed += int(found[1].replace(",", "")) if found else 0
        outputs.append(output)
        if number:
            _prune(out / bundle)
        bundles.append(bundle)
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).write_text(json.dumps(pages.manifest(bundles), separators=(",", ":")), encoding="utf-8")
    return IndexResult(indexed, time.perf_counter() - started, "\n".join(outputs), tuple(bundles))


def _command() -> list[str]:
    """Pagefind's binary (``pagefind[bin]``), else its Python launcher (which finds other builds)."""
    try:
        from pagefind_bin import get_executable

        return [str(get_executable())]
    except (ImportError, OSError):
        return [sys.executable, "-m", "pagefind"]


def _link(site: Path, folder: Path, group: list[str]) -> None:
    """``folder`` mirrors the site's paths for these pages (hard links; copies where links fail)."""
    for relative in group:
        source, target = site / relative, folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)


def _prune(bundle: Path) -> None:
    """A merged bundle keeps only its index: the scripts, styles and wasm come from the first one."""
    for entry in bundle.iterdir():
        if entry.name in _SECONDARY_KEEP or entry.suffix == ".pf_meta":
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _run(command: list[str], env: dict[str, str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False, env=env)
    except subprocess.TimeoutExpired:
        raise SearchIndexError(f"pagefind did not finish within {TIMEOUT} s") from None
    except OSError as error:
        raise SearchIndexError(f"pagefind could not start ({error})") from None
    output = (done.stdout or "") + (done.stderr or "")
    if done.returncode != 0:
        if "No module named pagefind" in output:
            raise SearchIndexError("the search index needs Pagefind: pip install 'postmortem-kit[site]' "
                                   "(or set the postmortems plugin's search: builtin for material's own search)")
        raise SearchIndexError(f"pagefind failed (exit {done.returncode}): {output.strip()[-800:]}")
    return output
