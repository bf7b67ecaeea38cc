"""HTML building blocks of the lessons site's pages.

``Page`` and ``make_page``: a page is Markdown only for its fixed headings (so the theme's table of
contents, permalinks and search sections work) plus one token per HTML block; the blocks are put in
after MkDocs has rendered the Markdown, so incident text is never parsed as Markdown.  Everything
taken from an incident file is written through ``site_text``.  ``HtmlWriter`` holds what every kind
of page uses: relative links, badges, the lesson block.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable

from postmortem_kit.site import links as where
from postmortem_kit.site.followups import StatusTable
from postmortem_kit.site.links import Links
from postmortem_kit.site.model import Incident
from postmortem_kit.textsafety import paragraphs, plain, safe_href, text

STATUS_LABELS = {"published": "Published", "in-review": "In review", "draft": "Draft"}


@dataclass
class Page:
    """One generated page.

    ``markdown`` holds only what Markdown is needed for (the fixed headings that give the table of
    contents, permalinks and search sections) plus a token per HTML block; ``fragments`` holds the
    HTML blocks, which ``render_fragments`` puts in place of the tokens after MkDocs has rendered
    the Markdown.  Incident text is never parsed as Markdown, and the build does not spend time
    running pre-rendered HTML through Python-Markdown's raw-HTML parser.
    """

    src_uri: str
    title: str  # inert text (site_text.safe_title)
    markdown: str
    fragments: list[str] = field(default_factory=list)
    searchable: list[bool] = field(default_factory=list)  # per fragment: part of the search index
    search: bool = True  # False: left out of the search index
    hide: list[str] = field(default_factory=list)  # material's `hide` (toc, navigation)
    edit_uri: str | None = None  # path of the source file in the repository, for the edit link
    # A lazy page (one per incident) has only its title and options until ``load()`` calls ``make``:
    # the site does not hold every incident page's HTML at once.
    make: Callable[[], Page] | None = field(default=None, repr=False)
    digest: str = ""  # a lazy page's inputs: equal digests, equal pages (mkdocs serve keeps them)

    def load(self) -> Page:
        """The page with its Markdown and blocks (a new object for a lazy page; not kept)."""
        return self.make() if self.make is not None else self

    def expanded_markdown(self) -> str:
        """The same page as one plain Markdown document (HTML blocks inline), e.g. for a baseline build."""
        page = self.load()
        return _TOKEN.sub(lambda match: page.fragments[int(match[1])], page.markdown)

    def render_fragments(self, html: str, searchable_only: bool = False) -> str:
        """The rendered page body with each token replaced by its HTML block (``searchable_only``:
        blocks left out of the search index are left out here too)."""
        if searchable_only:
            return _TOKEN.sub(lambda match: self.fragments[int(match[1])] if self.searchable[int(match[1])]
                              else "", html)
        return _TOKEN.sub(lambda match: self.fragments[int(match[1])], html)


EXTERNAL_REL = ' rel="noopener noreferrer nofollow"'  # links whose URL comes from an incident file or status data
_TOKEN = re.compile(r"<!--pm-fragment:([0-9]+)-->")


def make_page(src_uri: str, title: str, segments: list[str], **options: Any) -> Page:
    """A page from Markdown lines (headings) and HTML blocks, in order.

    A block is searchable unless its first tag or the heading of its section carries
    ``data-search-exclude``."""
    lines: list[str] = []
    fragments: list[str] = []
    searchable: list[bool] = []
    excluded_section = False
    for segment in segments:
        if not segment:
            continue
        if segment.startswith("<"):
            lines.append(f"<!--pm-fragment:{len(fragments)}-->")
            fragments.append(tidy(segment))
            searchable.append(not excluded_section and "data-search-exclude" not in segment[:segment.find(">")])
        else:
            lines.append(segment)
            excluded_section = segment.startswith("#") and "data-search-exclude" in segment
    return Page(src_uri, title, "\n\n".join(lines) + "\n", fragments, searchable, **options)


@dataclass
class SiteData:
    incidents: list[Incident]  # newest first
    status: StatusTable
    similar: dict[str, list[tuple[Incident, float]]]
    links: Links
    repo_url: str | None
    edit_url_base: str | None  # repo_url joined with edit_uri: the incident's path is appended
    edit_path: str
    latest: int
    chart_months: int
    drafts_skipped: int = 0
    page_size: int = 200  # rows per page of a listing (site/paging.py)


def category_label(name: str | None) -> str:
    return name.replace("-", " ") if name else "unclassified"


def when(incident: Incident, instant: datetime | None, with_date: bool = True) -> str:
    """Local time of an instant in the incident's zone, as inert HTML with a machine-readable datetime."""
    if instant is None:
        return ""
    local = incident.local(instant)
    zone = local.tzname() or ""
    shown = f"{local:%Y-%m-%d %H:%M}" if with_date else f"{local:%H:%M}"
    return f'<time datetime="{text(instant.isoformat())}">{text(shown)} {text(zone)}</time>'


def start_date(incident: Incident) -> str:
    return f"{incident.local(incident.start):%Y-%m-%d}" if incident.start else ""


def minutes_text(delta: timedelta | None) -> str:
    if delta is None:
        return ""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60:02d} min"
    return f"{minutes // 1440} d {minutes % 1440 // 60} h"


def severity_badge(incident: Incident) -> str:
    if not incident.severity:
        return '<span class="pm-badge pm-badge--unrated">unrated</span>'
    return f'<span class="pm-badge pm-sev pm-sev--{incident.severity.lower()}">{incident.severity}</span>'


FOLLOW_UP_LABELS = {"done": "done", "not-planned": "closed (not planned)", "open": "open",
                    "no-issue": "no issue yet", "external": "tracked elsewhere", "unknown": "unknown"}


def state_badge(status) -> str:
    """A follow-up's status (from the status file) as a label; 'unknown' without status data."""
    name = status.status if status is not None else "unknown"
    if name == "overdue":
        days = status.overdue_days
        label = f"overdue {days} day{'s' if days != 1 else ''}" if days else "overdue"
    else:
        label = FOLLOW_UP_LABELS.get(name, "unknown")
    return f'<span class="pm-state pm-state--{name}">{text(label)}</span>'


def status_badge(incident: Incident) -> str:
    if incident.status == "published":
        return ""
    return (f'<span class="pm-badge pm-status pm-status--{incident.status}">'
            f"{STATUS_LABELS[incident.status]}</span>")


class HtmlWriter:
    """Writes HTML for one page at a time; ``self.here`` is that page (links are relative to it)."""

    def __init__(self, site: SiteData):
        self.site = site
        self.here = where.HOME
        self._lessons: dict[tuple[str, int], str] = {}  # per (incident, page depth): links differ

    def _depth(self) -> int:
        return self.site.links.url(self.here).count("/")

    def link(self, to_src: str, label_html: str, css: str = "", anchor: str = "") -> str:
        cls = f' class="{css}"' if css else ""
        return f'<a href="{self.site.links.href(self.here, to_src, anchor)}"{cls}>{label_html}</a>'

    def incident_link(self, incident: Incident, with_title: bool = True) -> str:
        label = f"<strong>{text(incident.id)}</strong>"
        if with_title:
            label += f" {text(incident.title)}"
        return self.link(where.incident(incident.id), label)

    def chips(self, names: Iterable[str], target: Callable[[str], str], css: str) -> str:
        return " ".join(self.link(target(name), text(name), f"pm-chip {css}") for name in names)

    def category_link(self, incident: Incident) -> str:
        if not incident.category:
            return '<span class="pm-muted">unclassified</span>'
        return self.link(where.category(incident.category), text(category_label(incident.category)))

    def lesson_block(self, incident: Incident, heading: bool = True) -> str:
        key = (incident.id, self._depth() if heading else -1)
        if key not in self._lessons:
            self._lessons[key] = self._lesson_block(incident, heading)
        return self._lessons[key]

    def _lesson_block(self, incident: Incident, heading: bool) -> str:
        lesson = incident.section("lesson")
        if not lesson:
            return ""
        parts = []
        for key, label in (("what_happened", "What happened"), ("why_it_matters", "Why it matters"),
                           ("what_changed", "What changed")):
            if plain(lesson.get(key)).strip():
                parts.append(f"<dt>{label}</dt><dd>{text(lesson.get(key))}</dd>")
        if not parts:
            return ""
        meta = ""
        if heading:
            meta = (f'<p class="pm-lesson__meta">{self.incident_link(incident)} '
                    f'{severity_badge(incident)} {status_badge(incident)} '
                    f'<span class="pm-muted">{text(start_date(incident))}</span></p>')
        return f'<div class="pm-lesson">{meta}<dl class="pm-lesson__parts">{"".join(parts)}</dl></div>'


def issue_url(tracking: str, repo_url: str | None) -> str | None:
    """A link for a follow-up's tracking reference: #123, owner/repo#123 or an http(s) URL."""
    if re.fullmatch(r"#[0-9]{1,9}", tracking):
        base = safe_href(repo_url) if repo_url else None
        return f"{base.rstrip('/')}/issues/{tracking[1:]}" if base else None
    match = re.fullmatch(r"([A-Za-z0-9_.-]{1,100})/([A-Za-z0-9_.-]{1,100})#([0-9]{1,9})", tracking)
    if match:
        host = "https://github.com"
        base = safe_href(repo_url) if repo_url else None
        if base and "://" in base:
            host = base.split("/", 3)[0] + "//" + base.split("/", 3)[2]
        return safe_href(f"{host}/{match[1]}/{match[2]}/issues/{match[3]}")
    return safe_href(tracking)


def definition_list(section: dict[str, Any], fields: tuple[tuple[str, str], ...]) -> str:
    parts = [f"<dt>{label}</dt><dd>{paragraphs(section.get(key))}</dd>" for key, label in fields
             if plain(section.get(key)).strip()]
    return f'<dl class="pm-details">{"".join(parts)}</dl>' if parts else ""


def median_minutes(deltas: Iterable[timedelta | None]) -> str:
    values = [d.total_seconds() / 60 for d in deltas if d is not None]
    if not values:
        return ""
    return minutes_text(timedelta(minutes=statistics.median(values)))


_BLOCK_TAGS = ("td", "th", "tr", "dt", "dd", "li", "p", "h3", "h4", "summary", "table", "div", "dl", "ul", "ol",
               "thead", "tbody")
# a block's closing tag directly followed by a tag: split around it in one pass (re.split with a group keeps it)
_BLOCK_CLOSE = re.compile("(</(?:" + "|".join(_BLOCK_TAGS) + ")>)(?=<)")


def tidy(markdown: str) -> str:
    """Line breaks between block elements (the search index then keeps words of adjacent cells apart)
    and table headers kept out of the search index.

    A line break goes after every closing tag of ``_BLOCK_TAGS`` that a tag directly follows (what
    replacing ``</td><`` with ``</td>\n<`` until none is left gave, tag by tag: 17 scans of the
    text or more, against one here; tests/unit/site/test_html_tidy.py holds it to that)."""
    parts = _BLOCK_CLOSE.split(markdown)
    if len(parts) > 1:
        parts[1::2] = [closing + "\n" for closing in parts[1::2]]
        markdown = "".join(parts)
    return markdown.replace("<thead>", "<thead data-search-exclude>")
