"""The analytics page: numbers and static SVG charts computed at build time.

Charts: incidents per month by severity; median time to detect and time to
resolve per month; root-cause categories; follow-up completion per month and
overdue follow-ups per owner.  Each chart is followed by its data as a table
(folded, and kept out of the search index) for screen readers and for
anyone who wants the numbers.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING

from postmortem_kit.site import charts
from postmortem_kit.site.charts import FOLLOW_UP_COLOURS, SEVERITY_COLOURS, Series
from postmortem_kit.site.model import CATEGORIES, SEVERITIES, Incident
from postmortem_kit.textsafety import plain, text

if TYPE_CHECKING:  # pragma: no cover
    from postmortem_kit.site.html import HtmlWriter, Page, SiteData

UNRATED_COLOUR = "#9e9e9e"
FOLLOW_UP_STATES = ("done", "open", "overdue", "not planned", "unknown")


def month_key(incident: Incident) -> str | None:
    return f"{incident.local(incident.start):%Y-%m}" if incident.start else None


def month_window(incidents: list[Incident], months: int) -> list[str]:
    keys = sorted({k for k in (month_key(i) for i in incidents) if k})
    if not keys:
        return []
    year, month = map(int, keys[-1].split("-"))
    first_year, first_month = map(int, keys[0].split("-"))
    window = []
    while len(window) < months and (year, month) >= (first_year, first_month):
        window.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return window[::-1]


def follow_up_states(site: "SiteData", incident: Incident) -> list[tuple[str, str]]:
    """(state, owner) of each follow-up: done, open, overdue, not planned or unknown (no issue, tracked
    elsewhere, or no status data)."""
    result = []
    for index, item in enumerate(incident.items("follow_ups")):
        status = site.status.lookup(incident.id, index, item.get("action")) if site.status.available else None
        name = status.status if status is not None else "unknown"
        state = {"done": "done", "open": "open", "overdue": "overdue", "not-planned": "not planned"}.get(
            name, "unknown")
        result.append((state, plain(item.get("owner")).strip() or "unassigned"))
    return result


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _table(caption: str, header: list[str], rows: list[list[object]]) -> str:
    head = "".join(f'<th scope="col">{text(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f"<td>{text(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (f'<details class="pm-chart-data" data-search-exclude><summary>Data: {text(caption)}</summary>'
            f'<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>')


def _minutes(delta: timedelta | None) -> float | None:
    return delta.total_seconds() / 60 if delta is not None else None


def analytics_page(site: "SiteData", writer: "HtmlWriter") -> "Page":
    from postmortem_kit.site import links as where
    from postmortem_kit.site.html import make_page, minutes_text

    incidents = [i for i in site.incidents if i.start is not None]
    window = month_window(incidents, site.chart_months)
    in_window = [i for i in incidents if month_key(i) in set(window)]
    body = ["# Analytics", ""]
    if not incidents:
        body += ['<p class="pm-empty">No incidents with a start time yet.</p>', ""]
        return make_page(where.ANALYTICS, "Analytics", (body), search=False, hide=["navigation", "toc"])

    # --- headline numbers
    ttd = [m for m in (_minutes(i.time_to_detect) for i in incidents) if m is not None]
    ttr = [m for m in (_minutes(i.time_to_resolve) for i in incidents) if m is not None]
    states = Counter(state for i in incidents for state, _ in follow_up_states(site, i))
    known = states["done"] + states["open"] + states["overdue"] + states["not planned"]
    done = f"{round(100 * states['done'] / known)}%" if known else "n/a"
    tiles = [("Incidents", str(len(incidents))),
             ("SEV1–2", str(sum(1 for i in incidents if i.severity in ("SEV1", "SEV2")))),
             ("Median time to detect", minutes_text(timedelta(minutes=_median(ttd))) if ttd else "n/a"),
             ("Median time to resolve", minutes_text(timedelta(minutes=_median(ttr))) if ttr else "n/a"),
             ("Follow-ups done", done),
             ("Follow-ups overdue", str(states["overdue"]) if known else "n/a")]
    body += ['<div class="pm-tiles">' + "".join(
        f'<div class="pm-tile"><span class="pm-tile__value">{text(v)}</span>'
        f'<span class="pm-tile__label">{text(k)}</span></div>' for k, v in tiles) + "</div>", ""]
    span = f"{window[0]} to {window[-1]}" if window else ""

    # --- incidents per month by severity
    per_month: dict[str, Counter] = defaultdict(Counter)
    for incident in in_window:
        per_month[month_key(incident)][incident.severity or "unrated"] += 1
    levels = list(SEVERITIES) + (["unrated"] if any(per_month[m]["unrated"] for m in window) else [])
    series = [Series(level, SEVERITY_COLOURS.get(level, UNRATED_COLOUR), [per_month[m][level] for m in window])
              for level in levels]
    body += ["## Incidents per month", "", f'<p class="pm-muted">By severity, {text(span)}.</p>',
             '<figure class="pm-figure" id="chart-incidents-per-month">'
             + charts.stacked_bars("Incidents per month by severity", window, series, css="pm-chart--months")
             + "</figure>",
             _table("incidents per month", ["Month", *levels, "Total"],
                    [[m, *[per_month[m][level] for level in levels], sum(per_month[m].values())] for m in window]),
             ""]

    # --- time to detect / resolve trend
    detect: dict[str, list[float]] = defaultdict(list)
    resolve: dict[str, list[float]] = defaultdict(list)
    for incident in in_window:
        if (m := _minutes(incident.time_to_detect)) is not None:
            detect[month_key(incident)].append(m)
        if (m := _minutes(incident.time_to_resolve)) is not None:
            resolve[month_key(incident)].append(m)
    medians_detect = [_median(detect[m]) for m in window]
    medians_resolve = [_median(resolve[m]) for m in window]
    largest = max([v for v in medians_detect + medians_resolve if v is not None], default=0)
    scale, unit = (60.0, "hours") if largest > 180 else (1.0, "minutes")
    trend = [Series("time to detect", charts.LINE_COLOURS[0],
                    [None if v is None else round(v / scale, 2) for v in medians_detect]),
             Series("time to resolve", charts.LINE_COLOURS[1],
                    [None if v is None else round(v / scale, 2) for v in medians_resolve])]
    body += ["## Time to detect and time to resolve", "",
             f'<p class="pm-muted">Median per month, in {unit} from the start of the incident.</p>',
             '<figure class="pm-figure" id="chart-detect-resolve">'
             + charts.line_chart("Median time to detect and to resolve per month", window, trend, unit,
                                 css="pm-chart--trend") + "</figure>",
             _table("median minutes per month", ["Month", "Time to detect (min)", "Time to resolve (min)"],
                    [[m, "" if d is None else round(d), "" if r is None else round(r)]
                     for m, d, r in zip(window, medians_detect, medians_resolve)]),
             ""]

    # --- root-cause categories
    by_category: dict[str, Counter] = defaultdict(Counter)
    for incident in incidents:
        by_category[incident.category or "unclassified"][incident.severity or "unrated"] += 1
    names = [c for c in CATEGORIES if by_category[c]] + (["unclassified"] if by_category["unclassified"] else [])
    labels = [n.replace("-", " ") for n in names]
    levels = list(SEVERITIES) + (["unrated"] if any(by_category[n]["unrated"] for n in names) else [])
    series = [Series(level, SEVERITY_COLOURS.get(level, UNRATED_COLOUR), [by_category[n][level] for n in names])
              for level in levels]
    links = " · ".join(writer.link(where.category(n), text(n.replace("-", " ")))
                       for n in names if n != "unclassified")
    body += ["## Root-cause categories", "", f'<p class="pm-muted">All incidents, by severity. {links}</p>',
             '<figure class="pm-figure" id="chart-root-causes">'
             + charts.horizontal_bars("Incidents per root-cause category", labels, series, css="pm-chart--causes")
             + "</figure>",
             _table("root-cause categories", ["Category", *levels, "Total"],
                    [[label, *[by_category[n][level] for level in levels], sum(by_category[n].values())]
                     for n, label in zip(names, labels)]),
             ""]

    # --- follow-ups
    per_month_states: dict[str, Counter] = defaultdict(Counter)
    overdue_by_owner: Counter[str] = Counter()
    for incident in in_window:
        for state, owner in follow_up_states(site, incident):
            per_month_states[month_key(incident)][state] += 1
            if state == "overdue":
                overdue_by_owner[owner] += 1
    shown_states = [s for s in FOLLOW_UP_STATES if any(per_month_states[m][s] for m in window)] or ["unknown"]
    series = [Series(state, FOLLOW_UP_COLOURS[state], [per_month_states[m][state] for m in window])
              for state in shown_states]
    note = ("" if site.status.available else
            '<p class="pm-muted pm-note">No follow-up status data in this build: every follow-up counts as '
            "unknown. Run <code>postmortem followups --status --format json</code> before the build to show "
            "which are done, open or overdue.</p>")
    body += ["## Follow-ups", "",
             f'<p class="pm-muted">Follow-up actions of the incidents of each month, by issue state: '
             f"{states['done']} done, {states['open']} open, {states['overdue']} overdue, "
             f"{states['not planned']} not planned, {states['unknown']} unknown.</p>", note,
             '<figure class="pm-figure" id="chart-follow-ups">'
             + charts.stacked_bars("Follow-up completion per incident month", window, series, unit="follow-ups",
                                   css="pm-chart--follow-ups") + "</figure>",
             _table("follow-ups per month", ["Month", *shown_states],
                    [[m, *[per_month_states[m][s] for s in shown_states]] for m in window]),
             ""]
    if overdue_by_owner:
        top = overdue_by_owner.most_common(10)
        body += ["### Overdue follow-ups by owner", "",
                 '<figure class="pm-figure" id="chart-overdue">'
                 + charts.horizontal_bars("Overdue follow-ups by owner", [o for o, _ in top],
                                          [Series("overdue", FOLLOW_UP_COLOURS["overdue"], [n for _, n in top])],
                                          unit="overdue follow-ups", css="pm-chart--overdue") + "</figure>",
                 _table("overdue follow-ups by owner", ["Owner", "Overdue"], [[o, n] for o, n in top]), ""]
    return make_page(where.ANALYTICS, "Analytics", (body), search=False, hide=["navigation", "toc"])
