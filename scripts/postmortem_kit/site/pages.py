"""The listing pages of the lessons site, and ``build_pages``: every page of the site.

Home (latest incidents and lessons), all incidents with filter links, the pre-rendered filter pages
(severity, root-cause category, year; tags and services have their own pages), lessons newest first,
tags and services; the incident pages come from ``site_incident_page`` and the analytics page from
``site_analytics``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import partial

from postmortem_kit.site import links as where
from postmortem_kit.site.analytics import analytics_page
from postmortem_kit.site.html import (
    HtmlWriter,
    Page,
    SiteData,
    category_label,
    make_page,
    median_minutes,
    severity_badge,
    start_date,
    status_badge,
)
from postmortem_kit.site.incident_page import IncidentPageWriter
from postmortem_kit.site.model import CATEGORIES, SEVERITIES, Incident, duration_text
from postmortem_kit.site.paging import chunks, paged_src, pager
from postmortem_kit.textsafety import safe_title, text


class ListingWriter(HtmlWriter):
    """The pages that list incidents."""

    def __init__(self, site: SiteData):
        super().__init__(site)
        self._filter_rows: list | None = None
        self._rows: dict[tuple[str, int], str] = {}  # a table row per (incident, page depth): links differ

    def incident_table(self, incidents: list[Incident], caption: str = "") -> str:
        if not incidents:
            return '<p class="pm-empty">No incidents.</p>'
        depth = self._depth()
        rows = []
        for incident in incidents:
            cached = self._rows.get((incident.id, depth))
            if cached is not None:
                rows.append(cached)
                continue
            rows.append(
                "<tr>"
                f'<td class="pm-col-id">{self.incident_link(incident)} {status_badge(incident)}</td>'
                f'<td class="pm-nowrap" data-sort="{text(incident.start.isoformat() if incident.start else "")}">'
                f"{text(start_date(incident))}</td>"
                f"<td>{severity_badge(incident)}</td>"
                f"<td>{self.category_link(incident)}</td>"
                f"<td>{self.chips(incident.services, where.service, 'pm-chip--service')}</td>"
                f"<td>{text(duration_text(incident.duration))}</td>"
                "</tr>")
            self._rows[(incident.id, depth)] = rows[-1]
        cap = f"<caption>{text(caption)}</caption>" if caption else ""
        return ('<div class="pm-table-wrap"><table>' + cap +
                "<thead><tr><th scope=\"col\">Incident</th><th scope=\"col\">Started</th>"
                "<th scope=\"col\">Severity</th><th scope=\"col\">Root cause</th>"
                "<th scope=\"col\">Services</th><th scope=\"col\">Duration</th></tr></thead><tbody>"
                + "\n".join(rows) + "</tbody></table></div>")

    def filter_rows(self) -> list[tuple[str, list[tuple[str, str, int]], tuple[str, str] | None]]:
        """The filter facets with their counts, computed once: (label, [(name, page, count)], more link)."""
        if self._filter_rows is not None:
            return self._filter_rows
        incidents = self.site.incidents
        rows = []
        severities = Counter(i.severity for i in incidents if i.severity)
        rows.append(("Severity", [(s, where.severity(s), severities[s]) for s in SEVERITIES if severities[s]], None))
        categories = Counter(i.category for i in incidents if i.category)
        rows.append(("Root cause", [(category_label(c), where.category(c), categories[c]) for c in CATEGORIES
                                    if categories[c]], None))
        years = Counter(i.year for i in incidents)
        rows.append(("Year", [(y, where.year(y), years[y]) for y in sorted(years, reverse=True)], None))
        services = Counter(s for i in incidents for s in i.services)
        top = sorted(services.items(), key=lambda item: (-item[1], item[0]))[:12]
        rows.append(("Service", [(s, where.service(s), n) for s, n in top],
                     ("all services", where.SERVICES) if len(services) > len(top) else None))
        tags = Counter(t for i in incidents for t in i.tags)
        top = sorted(tags.items(), key=lambda item: (-item[1], item[0]))[:16]
        rows.append(("Tag", [(t, where.tag(t), n) for t, n in top],
                     ("all tags", where.TAGS) if len(tags) > len(top) else None))
        self._filter_rows = [row for row in rows if row[1]]
        return self._filter_rows

    def filter_bar(self, active: str = "") -> str:
        """Links to the pre-rendered filter pages (works without JavaScript)."""
        everything = "pm-chip pm-chip--active" if active == where.INCIDENTS else "pm-chip"
        html = ['<nav class="pm-filters" aria-label="Filter incidents"><div class="pm-filters__row">'
                '<span class="pm-filters__label">Show</span> '
                f'{self.link(where.INCIDENTS, f"all incidents <small>{len(self.site.incidents)}</small>", everything)}'
                "</div>"]
        for label, entries, more in self.filter_rows():
            chips = [self.link(src, f"{text(name)} <small>{count}</small>",
                               "pm-chip pm-chip--active" if src == active else "pm-chip")
                     for name, src, count in entries]
            if more:
                chips.append(self.link(more[1], text(more[0]), "pm-chip pm-chip--more"))
            html.append(f'<div class="pm-filters__row"><span class="pm-filters__label">{text(label)}</span> '
                        + " ".join(chips) + "</div>")
        return "".join(html) + "</nav>"

    def home(self) -> Page:
        self.here = where.HOME
        site = self.site
        incidents = site.incidents
        latest = incidents[: site.latest]
        published = sum(1 for i in incidents if i.status == "published")
        reviewing = sum(1 for i in incidents if i.status == "in-review")
        with_lessons = [i for i in incidents if i.section("lesson")][: site.latest]
        counts = (f"{len(incidents)} incident{'s' if len(incidents) != 1 else ''} "
                  f"({published} published, {reviewing} in review)")
        intro = ('<div class="pm-hero"><p class="pm-hero__lead">What we learned from our incidents, '
                 "written blamelessly and kept with the code.</p>"
                 f'<p class="pm-muted">{text(counts)}. '
                 f'{self.link(where.INCIDENTS, "Browse all incidents")} · '
                 f'{self.link(where.LESSONS, "Read every lesson")} · '
                 f'{self.link(where.ANALYTICS, "See the trends")}</p></div>')
        body = ["# Incident lessons", "", intro, "", "## Latest incidents", "", self.incident_table(latest), "",
                "## Latest lessons", ""]
        body.append("".join(self.lesson_block(i) for i in with_lessons) or '<p class="pm-empty">No lessons yet.</p>')
        body += ["", f'<p>{self.link(where.LESSONS, "All lessons, newest first →")}</p>', ""]
        return make_page(where.HOME, "Incident lessons", body, search=False, hide=["navigation", "toc"])

    def table_pages(self, src: str, title: str, heading: str, incidents: list[Incident], *,
                    intro: list[str] = (), lessons: bool = False, after: list[str] = ()) -> list[Page]:
        """A listing of ``incidents`` as a table, ``page_size`` rows a page (``lessons``: each page's
        lessons below its table); each page is lazy (written when ``Page.load`` is called)."""
        size = self.site.page_size
        groups = chunks(incidents, size)
        pages = []
        for number in range(1, len(groups) + 1):
            shown = title if number == 1 else f"{title} (page {number})"
            make = partial(self._table_page, src, safe_title(shown), heading, incidents, groups, number,
                           list(intro), lessons, list(after))
            pages.append(Page(paged_src(src, number), safe_title(shown), "", search=False,
                              hide=["navigation", "toc"], make=make))
        return pages

    def _table_page(self, src: str, title: str, heading: str, incidents: list[Incident], groups: list,
                    number: int, intro: list[str], lessons: bool, after: list[str]) -> Page:
        size = self.site.page_size
        group = groups[number - 1]
        self.here = paged_src(src, number)
        nav = pager(src, number, len(groups), self.link, len(incidents), size)
        body = [heading, "", *intro, self.filter_bar(src), "", nav, self.incident_table(list(group)), nav, ""]
        if lessons:
            body += ["## Lessons", "", "".join(self.lesson_block(i) for i in group)
                     or '<p class="pm-empty">No lessons yet.</p>', ""]
        body += after
        return make_page(self.here, title, body, search=False, hide=["navigation", "toc"])

    def incident_index(self) -> list[Page]:
        after = []
        if self.site.drafts_skipped:
            after.append(f'<p class="pm-muted">{self.site.drafts_skipped} draft(s) not published.</p>')
        return self.table_pages(where.INCIDENTS, "All incidents", "# All incidents", self.site.incidents, after=after)

    def filter_page(self, src: str, title: str, heading: str, incidents: list[Incident]) -> list[Page]:
        return self.table_pages(src, title, f'<h1 id="filter">{text(heading)}</h1>', incidents)

    def filter_pages(self) -> list[Page]:
        pages = []
        incidents = self.site.incidents
        for level in SEVERITIES:
            chosen = [i for i in incidents if i.severity == level]
            if chosen:
                pages += self.filter_page(where.severity(level), f"{level} incidents", f"{level} incidents", chosen)
        for name in CATEGORIES:
            chosen = [i for i in incidents if i.category == name]
            if chosen:
                label = category_label(name).capitalize()
                pages += self.filter_page(where.category(name), f"Root cause: {label}", f"Root cause: {label}", chosen)
        for value in sorted({i.year for i in incidents}):
            chosen = [i for i in incidents if i.year == value]
            pages += self.filter_page(where.year(value), f"Incidents in {value}", f"Incidents in {value}", chosen)
        return pages

    def lessons(self) -> list[Page]:
        with_lessons = [i for i in self.site.incidents if i.section("lesson")]
        size = max(10, self.site.page_size // 4)  # a lesson block is several rows' worth of text
        groups = chunks(with_lessons, size)
        return [Page(paged_src(where.LESSONS, number), "Lessons" if number == 1 else f"Lessons (page {number})", "",
                     search=False, hide=["navigation", "toc"],
                     make=partial(self._lessons_page, with_lessons, groups, number, size))
                for number in range(1, len(groups) + 1)]

    def _lessons_page(self, with_lessons: list[Incident], groups: list, number: int, size: int) -> Page:
        group = groups[number - 1]
        self.here = paged_src(where.LESSONS, number)
        nav = pager(where.LESSONS, number, len(groups), self.link, len(with_lessons), size)
        blocks = "".join(self.lesson_block(i) for i in group)
        body = ["# Lessons", "", '<p class="pm-muted">Every incident lesson, newest first: '
                "what happened, why it matters, and what changed.</p>", "", nav,
                '<div class="pm-lessons">' + blocks + "</div>" if blocks
                else '<p class="pm-empty">No lessons yet.</p>', nav, ""]
        title = "Lessons" if number == 1 else f"Lessons (page {number})"
        return make_page(self.here, title, body, search=False, hide=["navigation", "toc"])

    def tags(self) -> list[Page]:
        by_tag: dict[str, list[Incident]] = defaultdict(list)
        for incident in self.site.incidents:
            for name in incident.tags:
                by_tag[name].append(incident)
        self.here = where.TAGS
        items = "".join(f"<li>{self.link(where.tag(name), text(name), 'pm-chip')} "
                        f'<span class="pm-muted">{len(by_tag[name])}</span></li>' for name in sorted(by_tag))
        index = ["# Tags", "", f'<ul class="pm-tag-list">{items}</ul>' if items
                 else '<p class="pm-empty">No tags.</p>', ""]
        pages = [make_page(where.TAGS, "Tags", index, search=False, hide=["navigation", "toc"])]
        for name, incidents in sorted(by_tag.items()):
            pages += self.table_pages(where.tag(name), f"Tag: {name}", f'<h1 id="tag">Tag: {text(name)}</h1>', incidents)
        return pages

    def services(self) -> list[Page]:
        by_service: dict[str, list[Incident]] = defaultdict(list)
        for incident in self.site.incidents:
            for name in incident.services:
                by_service[name].append(incident)
        self.here = where.SERVICES
        rows = []
        for name in sorted(by_service):
            incidents = by_service[name]
            severe = sum(1 for i in incidents if i.severity in ("SEV1", "SEV2"))
            rows.append(f"<tr><td>{self.link(where.service(name), text(name))}</td><td>{len(incidents)}</td>"
                        f"<td>{severe}</td><td>{text(start_date(incidents[0]))}</td>"
                        f"<td>{text(median_minutes(i.time_to_resolve for i in incidents))}</td></tr>")
        table = ('<div class="pm-table-wrap"><table><thead><tr><th scope="col">Service</th>'
                 '<th scope="col">Incidents</th><th scope="col">SEV1–2</th><th scope="col">Latest</th>'
                 '<th scope="col">Median time to resolve</th></tr></thead><tbody>' + "".join(rows) +
                 "</tbody></table></div>") if rows else '<p class="pm-empty">No services.</p>'
        pages = [make_page(where.SERVICES, "Services", ["# Services", "", table, ""], search=False,
                      hide=["navigation", "toc"])]
        for name, incidents in sorted(by_service.items()):
            severities = Counter(i.severity or "unrated" for i in incidents)
            facts = " · ".join(f"{text(level)}: {count}" for level, count in sorted(severities.items()))
            intro = [f'<p class="pm-muted">{len(incidents)} incident(s) · {facts} · median time to detect '
                     f"{text(median_minutes(i.time_to_detect for i in incidents)) or 'n/a'} · median time to "
                     f"resolve {text(median_minutes(i.time_to_resolve for i in incidents)) or 'n/a'}</p>", ""]
            pages += self.table_pages(where.service(name), f"Service: {name}",
                                      f'<h1 id="service">Service: {text(name)}</h1>', incidents, intro=intro, lessons=True)
        return pages


def build_pages(site: SiteData) -> list[Page]:
    listings = ListingWriter(site)
    pages = [listings.home(), *listings.incident_index(), *listings.filter_pages(), *listings.lessons(),
             *listings.tags(), *listings.services()]
    listings.here = where.ANALYTICS
    pages.append(analytics_page(site, listings))
    incident_pages = IncidentPageWriter(site)
    pages.extend(incident_pages.lazy_page(incident) for incident in site.incidents)
    return pages
