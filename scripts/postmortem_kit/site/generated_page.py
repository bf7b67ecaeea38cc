"""How the plugin gets an incident page into MkDocs without holding every page at once.

MkDocs reads and renders every page's Markdown first and only then writes the pages, so a page's
HTML would otherwise stay in memory from the first phase to the second (10,000 incident pages:
hundreds of MB).  An incident page is a ``GeneratedPage``: MkDocs' read and render steps are
no-ops for it, and the plugin makes its body just before the theme writes it
(``on_page_context``) and drops it once written (``on_post_page``).

``MarkdownMemo`` converts a generated page's Markdown (fixed headings plus one token per HTML
block) with one Markdown instance, and remembers the result by text: incident pages share a few
heading layouts, so almost every page reuses a conversion.

Listing pages are lazy too (made when written) but carry no digest: they are made each build.
``MadeCache`` keeps, between the builds of one ``mkdocs serve``, each incident page's cleaned
blocks (compressed) under its digest (``Page.digest``): a rebuild writes again only the pages
whose inputs changed; ``renders`` counts the pages made.
"""

from __future__ import annotations

import pickle
import zlib
from typing import Any, Callable

import markdown
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.structure.toc import get_toc

from postmortem_kit.site.html import Page

MEMO_SIZE = 256


class GeneratedPage(MkDocsPage):
    """A page whose body the plugin puts in when the page is written (see the module docstring)."""

    def read_source(self, config) -> None:
        self.markdown, self.meta = "", {}

    def render(self, config, files) -> None:
        self.content = ""
        self.toc = get_toc([])
        self.present_anchor_ids = set()
        self.links_to_anchors = {}

    searched: str | None = None  # the body without the blocks left out of the search index (Pagefind)

    def fill(self, content: str, toc_tokens: list[dict[str, Any]]) -> None:
        self.content = content
        self.toc = get_toc(toc_tokens)
        self.present_anchor_ids = set(_ids(toc_tokens))

    def drop(self) -> None:
        self.content = ""
        self.searched = None
        self.toc = get_toc([])


def _ids(tokens: list[dict[str, Any]]):
    for token in tokens:
        yield token["id"]
        yield from _ids(token.get("children", []))


class MarkdownMemo:
    """Markdown → (HTML, table-of-contents tokens), one converter, results remembered by text."""

    def __init__(self, config, clean: Callable[[str], str]):
        self._md = markdown.Markdown(extensions=config["markdown_extensions"],
                                     extension_configs=config["mdx_configs"] or {})
        self._clean = clean
        self._memo: dict[str, tuple[str, list[dict[str, Any]]]] = {}
        self.conversions = 0

    def convert(self, source: str) -> tuple[str, list[dict[str, Any]]]:
        found = self._memo.get(source)
        if found is None:
            self.conversions += 1
            self._md.reset()
            html = self._clean(self._md.convert(source))
            found = (html, getattr(self._md, "toc_tokens", []))
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[source] = found
        return found


class MadeCache:
    """Made incident pages by path, under their digest (kept only while ``mkdocs serve`` runs)."""

    def __init__(self, keep: bool):
        self.keep = keep
        self._made: dict[str, tuple[str, bytes]] = {}
        self.renders = 0  # incident pages made (not taken from the cache) in the current build

    def made(self, spec: Page, clean: Callable[[str], str]) -> Page:
        entry = self._made.get(spec.src_uri)
        if entry is not None and entry[0] == spec.digest and spec.digest:
            markdown_text, fragments, searchable = pickle.loads(zlib.decompress(entry[1]))
            return Page(spec.src_uri, spec.title, markdown_text, fragments, searchable, spec.search,
                        list(spec.hide), spec.edit_uri)
        self.renders += bool(spec.digest)
        made = spec.load()
        made.fragments = [clean(fragment) for fragment in made.fragments]
        if self.keep and spec.digest:
            packed = zlib.compress(pickle.dumps((made.markdown, made.fragments, made.searchable)), 1)
            self._made[spec.src_uri] = (spec.digest, packed)
        return made

    def retain(self, uris: set[str]) -> None:
        """Forget the pages that are gone (an incident deleted or renamed)."""
        for uri in [uri for uri in self._made if uri not in uris]:
            del self._made[uri]
