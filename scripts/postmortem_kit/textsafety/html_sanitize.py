"""Allowlist sanitising of the HTML the lessons site generates (second line of defence).

The first line is ``site_text``: every value from YAML is escaped before it
is written.  This module runs nh3 (ammonia) over everything a generated page
shows:

* ``clean_content`` on each HTML block of a page when it is generated, and on
  the page's rendered Markdown (our fixed headings) before the blocks are put
  in; all of it before the search plugin indexes the page and before the
  theme template wraps it;
* ``clean_document`` on the final page: the ``<article>`` the theme wraps the
  content in also holds what the template inserted there (the page title, the
  edit button); that is cleaned too (the body itself, found verbatim, is not
  cleaned a second time; if it is not found verbatim the whole article is).

Everything outside the article is the theme's own template (navigation,
search box, scripts): it is left alone, and the only incident text that
reaches it is the page title, which ``site_text.safe_title`` builds from
characters that are inert in every place the theme puts it.

The allowlist keeps what our pages and material's content area use:
headings, tables, lists, links (http/https/mailto/relative only), details,
inline SVG for charts and icons, and ``class``/``id``/ARIA attributes.  No
``<script>``, ``<style>``, ``<img>``, ``<iframe>``, event handler, ``style``
attribute or ``javascript:`` URL survives.
"""

from __future__ import annotations

from functools import cache

TAGS = frozenset({
    "a", "abbr", "article", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "ins", "kbd", "li", "mark", "nav", "ol", "p", "pre", "q", "s", "section", "small", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u",
    "ul",
    # inline SVG: charts and the theme's icons
    "svg", "g", "path", "rect", "line", "polyline", "circle", "text", "title", "desc",
})

_COMMON = {"class", "id", "title", "role", "aria-label", "aria-hidden", "aria-describedby",
           "aria-current", "lang", "dir", "data-search-exclude", "data-pm-filter",
           # the search index's metadata (site/search_index.py): inert attributes, no URLs
           "data-pagefind-filter", "data-pagefind-ignore", "data-pagefind-meta", "hidden"}
_SVG_PAINT = {"fill", "stroke", "stroke-width", "stroke-opacity", "fill-opacity", "stroke-dasharray"}

ATTRIBUTES = {
    "*": _COMMON,
    "a": {"href", "hreflang", "rel"},
    "td": {"colspan", "rowspan", "data-sort"},
    "th": {"colspan", "rowspan", "scope", "abbr"},
    "time": {"datetime"},
    "ol": {"start", "reversed"},
    "details": {"open"},
    "col": {"span"},
    "svg": {"viewbox", "viewBox", "width", "height", "xmlns", "preserveaspectratio", "preserveAspectRatio",
            "focusable"} | _SVG_PAINT,
    "g": {"transform"} | _SVG_PAINT,
    "path": {"d"} | _SVG_PAINT,
    "rect": {"x", "y", "width", "height", "rx", "ry"} | _SVG_PAINT,
    "line": {"x1", "y1", "x2", "y2"} | _SVG_PAINT,
    "polyline": {"points"} | _SVG_PAINT,
    "circle": {"cx", "cy", "r"} | _SVG_PAINT,
    "text": {"x", "y", "dx", "dy", "text-anchor", "font-size", "font-weight", "dominant-baseline",
             "transform"} | _SVG_PAINT,
}

URL_SCHEMES = frozenset({"http", "https", "mailto"})
ARTICLE_OPEN = '<article class="md-content__inner md-typeset">'
ARTICLE_CLOSE = "</article>"


@cache
def _cleaner(keep_comments: bool = False):
    import nh3

    return nh3.Cleaner(tags=set(TAGS), attributes={k: set(v) for k, v in ATTRIBUTES.items()},
                       url_schemes=set(URL_SCHEMES), strip_comments=not keep_comments, link_rel=None,
                       clean_content_tags={"script", "style"})


def clean_content(fragment: str, keep_comments: bool = False) -> str:
    """The allowlisted form of an HTML fragment (``keep_comments``: for our own rendered Markdown,
    whose comments are the tokens the page's HTML blocks replace)."""
    return _cleaner(keep_comments).clean(fragment)


def clean_document(document: str, cleaned_content: str | None = None) -> str:
    """The page with the content of its theme ``<article>`` sanitised (the document unchanged if it has none).

    ``cleaned_content`` is the page body already cleaned by ``clean_content``: when the article holds it
    verbatim, only what the template put around it is cleaned here (the body is not cleaned twice)."""
    start = document.find(ARTICLE_OPEN)
    if start < 0:
        return document
    inner_start = start + len(ARTICLE_OPEN)
    end = document.rfind(ARTICLE_CLOSE)
    if end < inner_start:
        return document
    inner = document[inner_start:end]
    at = inner.find(cleaned_content) if cleaned_content else -1
    if at >= 0:
        before, after = inner[:at], inner[at + len(cleaned_content):]
        inner = clean_content(before) + cleaned_content + clean_content(after)
    else:
        inner = clean_content(inner)
    return document[:inner_start] + inner + document[end:]
