"""Listings split into pages of a fixed number of rows, so no page grows with the number of incidents.

Page 1 of a listing keeps its address (``incidents/``, ``tags/dns/``); page N lives below it
(``incidents/page/N/``, ``tags/dns/page/N/``).  Each page has a pager (first, previous, a window
around the current page, next, last) that works without JavaScript.
"""

from __future__ import annotations

from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
WINDOW = 2  # pages shown on each side of the current one


def paged_src(src: str, number: int) -> str:
    """The source path of page ``number`` (1-based) of the listing at ``src``."""
    if number <= 1:
        return src
    stem = src[:-3] if src.endswith(".md") else src
    if stem == "index":
        stem = ""
    elif stem.endswith("/index"):
        stem = stem[: -len("/index")]
    return f"{stem}/page/{number}.md" if stem else f"page/{number}.md"


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """``items`` in consecutive runs of ``size`` (one empty run for no items)."""
    if not items:
        return [items]
    return [items[start:start + size] for start in range(0, len(items), size)]


def pager(src: str, number: int, total: int, link: Callable[[str, str, str], str], count: int, size: int) -> str:
    """The pager of page ``number`` of ``total`` (empty for a one-page listing); ``link(to_src, label_html, css)``."""
    if total <= 1:
        return ""
    first_row = (number - 1) * size + 1
    last_row = min(number * size, count)
    shown = sorted({1, total, *range(max(1, number - WINDOW), min(total, number + WINDOW) + 1)})
    parts = []
    if number > 1:
        parts.append(link(paged_src(src, number - 1), "← Newer", "pm-pager__prev"))
    previous = 0
    for page in shown:
        if page - previous > 1:
            parts.append('<span class="pm-pager__gap">…</span>')
        if page == number:
            parts.append(f'<span class="pm-pager__current" aria-current="page">{page}</span>')
        else:
            parts.append(link(paged_src(src, page), str(page), "pm-pager__page"))
        previous = page
    if number < total:
        parts.append(link(paged_src(src, number + 1), "Older →", "pm-pager__next"))
    return (f'<nav class="pm-pager" aria-label="Pages of this list"><span class="pm-muted">'
            f"{first_row:,}–{last_row:,} of {count:,}</span> " + " ".join(parts) + "</nav>")
