"""The order in which the build writes the pages, and the build process's tail of incident pages.

With Pagefind (and without ``search_overlap``) the incident pages are written first and the listings
last (``listings_last``): the page workers then make incident pages from the first page written, and
once they are gone the search shards are indexed on the other core beside the last incident pages,
which the build process makes itself (``tail_pages``), and the listings.  MkDocs' navigation is made
before and is unchanged; templates given ``pages`` (the sitemap) get MkDocs' order, which
``listings_last`` returns.  Measured in docs/pages/design/site-scale.md ("Pagefind beside the last
pages").
"""

from __future__ import annotations

# Relative CPU costs that size the tail, measured at 10,000 incidents: Pagefind per indexed page, the
# build process per listing page, and per incident page it makes and writes alone (ms).
TAIL_COSTS = (1.9, 14.0, 2.8)


def listings_last(files, pages: dict) -> list:
    """Move every listing page (a generated page without a digest in ``pages``) behind the incident
    pages in ``files``, the order MkDocs writes them in; return the pages in MkDocs' order."""
    order = files.documentation_pages()
    for file in order:
        spec = pages.get(file.src_uri)
        if spec is not None and not spec.digest:
            files.remove(file)
            files.append(file)
    return order


def tail_pages(uris: list[str], files, pages: dict, indexed: int) -> int:
    """How many of the last incident pages (``uris``, write order) the build process makes itself,
    the page workers gone, while Pagefind indexes the shards already written on the other core: so
    many that its pages and the listings take about as long as Pagefind's runs over the ``indexed``
    pages (``TAIL_COSTS``)."""
    pagefind, listing, page = TAIL_COSTS
    listings = sum(1 for file in files.documentation_pages()
                   if file.src_uri in pages and not pages[file.src_uri].digest)
    return max(0, min(len(uris), round((indexed * pagefind - listings * listing) / page)))
