"""Listings split into pages: every incident on exactly one page of each listing, pagers that link
to pages that exist, and the search metadata of an incident page."""

from __future__ import annotations

import posixpath
import re

from postmortem_kit.site import Links, filter_block, generate_site, paged_src, site_options
from support.incident_factory import write_incidents


def test_paged_src():
    assert paged_src("incidents/index.md", 1) == "incidents/index.md"
    assert paged_src("incidents/index.md", 2) == "incidents/page/2.md"
    assert paged_src("lessons.md", 3) == "lessons/page/3.md"
    assert paged_src("tags/dns.md", 2) == "tags/dns/page/2.md"
    assert paged_src("incidents/severity/sev2.md", 4) == "incidents/severity/sev2/page/4.md"


def _site(tmp_path, count, page_size):
    folder = tmp_path / "postmortems"
    write_incidents(folder, count, seed=3)
    options = site_options({"dir": str(folder), "followups_status": None, "page_size": page_size}, tmp_path)
    return generate_site(options)


def test_every_listing_is_split_and_complete(tmp_path):
    result = _site(tmp_path, 27, 10)
    pages = {page.src_uri: page for page in result.pages}
    listing = [pages[src] for src in ("incidents/index.md", "incidents/page/2.md", "incidents/page/3.md")]
    assert "incidents/page/4.md" not in pages
    ids = []
    for page in listing:
        html = page.expanded_markdown()
        rows = re.findall(r'<tr><td class="pm-col-id"><a href="[^"]+"><strong>(INC-\d{4}-\d+)</strong>', html)
        assert len(rows) <= 10
        ids += rows
        for href in re.findall(r'<a href="([^"]+)" class="pm-pager__[a-z]+"', html):
            assert href.startswith("../") or href.startswith("page/") or href == "./", href
    assert len(ids) == len(set(ids)) == 27
    assert "27" in listing[1].expanded_markdown() and "aria-current" in listing[1].expanded_markdown()
    assert pages["incidents/page/2.md"].title == "All incidents (page 2)"
    links = Links(True)
    urls = {links.url(src).rstrip("/") for src in pages}
    for src, page in pages.items():  # the pagers link only to pages that exist
        for href in re.findall(r'<a href="([^"]+)" class="pm-pager__', page.expanded_markdown()):
            target = posixpath.normpath(posixpath.join(links.url(src) or ".", href))
            assert (target if target != "." else "") in urls, (src, href)


def test_a_one_page_listing_has_no_pager(tmp_path):
    result = _site(tmp_path, 5, 10)
    assert all("pm-pager" not in page.expanded_markdown() for page in result.pages)


def test_filter_block_holds_slugs_only(tmp_path):
    result = _site(tmp_path, 3, 10)
    page = next(p for p in result.pages if p.src_uri.startswith("incidents/INC-")).load()
    block = next(f for f in page.fragments if "data-pagefind-filter" in f)
    assert block.startswith('<div class="pm-search-facets" hidden data-pagefind-ignore>')
    assert re.findall(r'data-pagefind-filter="(severity|year|category):', block)

    class Hostile:
        severity, category, year = "SEV1", '"><script>x()</script>', "2026"
        services, tags = ["ok-service", "bad value"], ["<b>"]

    html = filter_block(Hostile())
    assert "script" not in html and "bad value" not in html and "<b>" not in html
    assert 'data-pagefind-filter="service:ok-service"' in html


def test_search_and_page_size_options_are_checked(tmp_path):
    from postmortem_kit.site.options import PostmortemsConfig

    assert site_options({}, tmp_path).search == "pagefind"
    assert site_options({"search": "builtin"}, tmp_path).search == "builtin"
    for bad in ({"search": "lunr"}, {"page_size": 3}, {"page_size": "200"}):
        config = PostmortemsConfig()
        config.load_dict(bad)
        failed, _ = config.validate()
        assert failed, bad
