"""The page of one incident: every section laid out for reading.

Summary card, impact, root cause with contributing factors, the timeline as a table in the incident's
time zone, prevention by horizon, monitoring and testing, follow-ups with their issue links and
status, lesson, communication, system gaps, similar past incidents, the raw inputs (drafts only) and
an "Edit this incident" link to the YAML.  Sections the search index leaves out carry
``data-search-exclude`` (material's index) and sit in a ``data-pagefind-ignore`` block (Pagefind's,
which also leaves out the timeline).
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from functools import partial

from postmortem_kit.site import links as where
from postmortem_kit.site.html import (
    EXTERNAL_REL,
    HtmlWriter,
    Page,
    definition_list,
    issue_url,
    make_page,
    minutes_text,
    severity_badge,
    start_date,
    state_badge,
    status_badge,
    when,
)
from postmortem_kit.site.model import Incident, duration_text
from postmortem_kit.site.search_index import filter_block
from postmortem_kit.textsafety import paragraphs, plain, safe_href, safe_title, text, verbatim

HORIZONS = (("immediate", "Immediate", "within 1 week"), ("short_term", "Short term", "within 1 month"),
            ("long_term", "Long term", "within 1 quarter"))
GAP_LABELS = {"missing-automation": "missing automation", "unclear-documentation": "unclear documentation",
              "inadequate-tooling": "inadequate tooling", "missing-safeguard": "missing safeguard",
              "process-gap": "process gap"}


class IncidentPageWriter(HtmlWriter):
    _site_token: str | None = None

    def lazy_page(self, incident: Incident) -> Page:
        """The incident's page with its title and options only; ``Page.load()`` writes it.  Its
        ``digest`` covers what the page shows: the incident file, its similar incidents' summaries,
        the follow-up status and the site's links."""
        if self._site_token is None:
            site = self.site
            status = (sorted(site.status.by_index.items()), sorted(site.status.by_action.items()))
            self._site_token = repr((site.repo_url, site.edit_url_base, site.edit_path,
                                     site.links.url(where.HOME), status))
        similar = [(other.id, other.title, other.severity, start_date(other), round(score * 100))
                   for other, score in self.site.similar.get(incident.id, [])]
        digest = hashlib.blake2b(repr((incident.digest, incident.relative_path, incident.status, similar,
                                       self._site_token)).encode(), digest_size=16).hexdigest()
        return Page(where.incident(incident.id), self._title(incident), "", edit_uri=self._edit_uri(incident),
                    make=partial(self.incident, incident), digest=digest)

    @staticmethod
    def _title(incident: Incident) -> str:
        return safe_title(f"{incident.id} {incident.title}")

    def _edit_uri(self, incident: Incident) -> str | None:
        edit_path = self._edit_path(incident)
        safe_path = re.fullmatch(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*", edit_path) and ".." not in edit_path
        return edit_path if safe_path else None

    def incident(self, incident: Incident) -> Page:
        incident = incident.unpacked()  # the whole mapping, for this page only
        self.here = where.incident(incident.id)
        parts: list[str] = []
        add = parts.append
        title_html = f"{text(incident.id)}: {text(incident.title)}"
        add(f'<h1 id="incident">{title_html}</h1>')
        add("")
        if incident.status == "in-review":
            add('<div class="pm-banner pm-banner--in-review" role="note"><strong>In review.</strong> This '
                "postmortem is still being reviewed; its analysis may change.</div>")
            add("")
        elif incident.status == "draft":
            add('<div class="pm-banner pm-banner--draft" role="note"><strong>Draft.</strong> Only the inputs '
                "may be filled in; the analysis has not been written or reviewed yet.</div>")
            add("")
        add(self.summary_card(incident))
        add("")
        add(filter_block(incident))
        add("")
        # The search index keeps what a reader looks an incident up by (summary, impact, root cause,
        # lesson); the other sections are left out of it to keep the index lean.  `searchable`: in
        # material's built-in index; `indexed`: in Pagefind's (whose memory and bytes per query grow
        # with the text: the timeline is the largest part and stays out).
        for name, method, searchable, indexed in (
                ("Impact", self.impact, True, True), ("Root cause", self.root_cause, True, True),
                ("Timeline", self.timeline, True, False), ("Prevention", self.prevention, False, False),
                ("Monitoring and testing", self.monitoring, False, False),
                ("Follow-ups", self.follow_ups, False, False), ("Lesson", self.lesson, True, True),
                ("Communication", self.communication, False, False), ("System gaps", self.blameless, False, False)):
            html_part = method(incident)
            if html_part:
                add(f"## {name}" + ("" if searchable else " { data-search-exclude }"))
                add("")
                add(html_part if indexed else f'<div class="pm-unindexed" data-pagefind-ignore>{html_part}</div>')
                add("")
        add("## Similar past incidents { data-search-exclude }")
        add("")
        add(self.similar(incident))
        add("")
        # The raw inputs are shown for drafts only (they are all a draft has); a reviewed incident is
        # read through its analysis, and its inputs stay in the YAML behind the edit link.
        inputs = self.inputs(incident) if incident.status == "draft" else ""
        if inputs:
            add(inputs)
            add("")
        edit = self._edit_url(incident)
        if edit and re.fullmatch(r"[A-Za-z0-9._/-]+", self._edit_path(incident)):
            add(f'<p class="pm-edit" data-search-exclude><a href="{edit}" rel="edit">Edit this incident</a> '
                f'<span class="pm-muted">({text(self._edit_path(incident))})</span></p>')
            add("")
        return make_page(self.here, self._title(incident), parts, edit_uri=self._edit_uri(incident))

    def _edit_path(self, incident: Incident) -> str:
        prefix = f"{self.site.edit_path}/" if self.site.edit_path else ""
        return f"{prefix}{incident.relative_path or incident.path.name}"

    def _edit_url(self, incident: Incident) -> str | None:
        if not self.site.edit_url_base:
            return None
        return safe_href(self.site.edit_url_base + self._edit_path(incident))

    def summary_card(self, incident: Incident) -> str:
        summary = incident.section("summary")
        facts: list[tuple[str, str]] = []
        if incident.start:
            facts.append(("Started", when(incident, incident.start)))
        if incident.detection:
            extra = minutes_text(incident.time_to_detect)
            facts.append(("Detected", when(incident, incident.detection) +
                          (f' <small class="pm-muted">after {text(extra)}</small>' if extra else "")))
        if incident.resolution:
            facts.append(("Resolved", when(incident, incident.resolution)))
        if incident.duration is not None:
            facts.append(("Duration", text(duration_text(incident.duration))))
        if incident.zone is not None and isinstance(summary.get("timezone"), str):
            facts.append(("Time zone", text(summary.get("timezone"))))
        if incident.services:
            facts.append(("Services", self.chips(incident.services, where.service, "pm-chip--service")))
        if incident.tags:
            facts.append(("Tags", self.chips(incident.tags, where.tag, "pm-chip--tag")))
        authors = incident.data.get("authors")
        if isinstance(authors, list) and authors:
            facts.append(("Authors", ", ".join(text(a) for a in authors if plain(a))))
        # times are left out of the search index; services, tags and authors stay searchable
        timed = {"Started", "Detected", "Resolved", "Duration", "Time zone"}
        facts_html = "".join(
            f'<div class="pm-fact"{" data-search-exclude" if label in timed else ""}><dt>{label}</dt>'
            f"<dd>{value}</dd></div>" for label, value in facts)
        badges = (f'{severity_badge(incident)} {status_badge(incident)} '
                  f'{self.category_link(incident) if incident.category else ""}')
        justification = paragraphs(summary.get("severity_justification"), "pm-card__why")
        return (f'<div class="pm-card"><div class="pm-card__badges">{badges}</div>'
                f'<dl class="pm-facts">{facts_html}</dl>{justification}</div>')

    def impact(self, incident: Incident) -> str:
        impact = incident.section("impact")
        if not impact:
            return ""
        rows = definition_list(impact, (("users_affected", "Users affected"), ("business_impact", "Business impact"),
                                         ("user_experience", "User experience")))
        downstream = [d for d in impact.get("downstream_systems") or [] if isinstance(d, dict)] \
            if isinstance(impact.get("downstream_systems"), list) else []
        table = ""
        if downstream:
            table = ('<table><thead><tr><th scope="col">Downstream system</th>'
                     '<th scope="col">Effect</th></tr></thead><tbody>' +
                     "".join(f"<tr><td>{text(d.get('system'))}</td><td>{text(d.get('effect'))}</td></tr>"
                             for d in downstream) + "</tbody></table>")
        return f'<div class="pm-section">{rows}{table}</div>'

    def root_cause(self, incident: Incident) -> str:
        root = incident.section("root_cause")
        factors = incident.items("contributing_factors")
        if not root and not factors:
            return ""
        out = []
        if plain(root.get("primary")).strip():
            out.append(f'<div class="pm-primary">{paragraphs(root.get("primary"))}</div>')
        out.append(definition_list(root, (("technical_details", "Technical details"),
                                           ("why_it_happened", "Why it happened"),
                                           ("why_not_caught", "Why it was not caught"))))
        if factors:
            items = "".join(f"<li><strong>{text(f.get('description'))}</strong> "
                            f"{text(f.get('how_it_contributed'))}</li>" for f in factors)
            out.append(f'<h3 id="contributing-factors">Contributing factors</h3><ol class="pm-factors">{items}</ol>')
        return f'<div class="pm-section">{"".join(out)}</div>'

    def timeline(self, incident: Incident) -> str:
        from postmortem_kit.incident import timeline_instants

        entries = incident.items("timeline")
        if not entries:
            return ""
        instants: list[datetime | None] = [None] * len(entries)
        if incident.start is not None and incident.zone is not None:
            instants = timeline_instants(entries, incident.start, incident.zone)
        zone_name = plain(incident.section("summary").get("timezone")) or (
            incident.local(incident.start).tzname() if incident.start else "")
        rows = []
        previous_day = incident.local(incident.start).date() if incident.start else None
        for entry, instant in zip(entries, instants):
            clock = text(entry.get("time"))
            if instant is not None:
                day = instant.date()
                label = f"{instant:%H:%M}"
                if previous_day is not None and day != previous_day:
                    label = f"{instant:%Y-%m-%d %H:%M}"
                previous_day = day
                clock = f'<time datetime="{text(instant.isoformat())}">{text(label)}</time>'
            responder = plain(entry.get("responder")).strip()
            action = text(entry.get("action"))
            if responder:
                action += f' <span class="pm-muted">({text(responder)})</span>'
            rows.append(f'<tr><td class="pm-time">{clock}</td><td>{text(entry.get("event"))}</td>'
                        f"<td>{text(entry.get('system_state'))}</td><td>{action}</td></tr>")
        head = (f'<thead><tr><th scope="col">Time ({text(zone_name)})</th><th scope="col">Event</th>'
                '<th scope="col">System state</th><th scope="col">Action</th></tr></thead>')
        return f'<div class="pm-table-wrap pm-timeline"><table>{head}<tbody>{"".join(rows)}</tbody></table></div>'

    def prevention(self, incident: Incident) -> str:
        prevention = incident.section("prevention")
        if not prevention:
            return ""
        out = []
        for key, label, horizon in HORIZONS:
            measures = prevention.get(key)
            measures = [m for m in measures if isinstance(m, dict)] if isinstance(measures, list) else []
            if not measures:
                continue
            rows = "".join(f"<tr><td><strong>{text(m.get('action'))}</strong><br>{text(m.get('implementation'))}"
                           f"</td><td>{text(m.get('owner'))}</td><td>{text(m.get('verification'))}</td></tr>"
                           for m in measures)
            anchor = f"prevention-{key.replace('_', '-')}"
            out.append(f'<h3 id="{anchor}" data-search-exclude>{label} <small class="pm-muted">'
                       f"({horizon})</small></h3>"
                       '<div class="pm-table-wrap"><table><thead><tr>'
                       '<th scope="col">Measure and implementation</th><th scope="col">Owner</th>'
                       f'<th scope="col">Verification</th></tr></thead><tbody>{rows}</tbody></table></div>')
        return "".join(out)

    def monitoring(self, incident: Incident) -> str:
        monitoring = definition_list(incident.section("monitoring"), (
            ("missing_alert", "Missing alert"), ("dashboard_update", "Dashboard update"),
            ("threshold_adjustment", "Threshold adjustment")))
        testing = definition_list(incident.section("testing"), (
            ("test_scenario", "Test scenario"), ("load_testing", "Load testing"),
            ("chaos_experiment", "Chaos experiment")))
        if not monitoring and not testing:
            return ""
        return f'<div class="pm-section pm-columns">{monitoring}{testing}</div>'

    def follow_ups(self, incident: Incident) -> str:
        follow_ups = incident.items("follow_ups")
        if not follow_ups:
            return ""
        table = self.site.status
        rows = []
        for index, item in enumerate(follow_ups):
            status = table.lookup(incident.id, index, item.get("action")) if table.available else None
            issue = self._issue_link(plain(item.get("tracking")).strip(), status)
            state = state_badge(status)
            rows.append(f'<tr><td class="pm-narrow">{index + 1}</td>'
                        f'<td><strong>{text(item.get("action"))}</strong><br>'
                        f'<span class="pm-muted">Done when: {text(item.get("success_criteria"))}</span></td>'
                        f'<td>{text(item.get("owner"))}</td><td class="pm-nowrap">{text(item.get("due"))}</td>'
                        f"<td>{issue}</td><td>{state}</td></tr>")
        note = ""
        if not table.available:
            note = ('<p class="pm-muted pm-note">Issue status is not available for this build (it comes from '
                    "<code>postmortem followups --status --format json</code>).</p>")
        return ('<div class="pm-table-wrap"><table><thead><tr><th scope="col" class="pm-narrow">#</th>'
                '<th scope="col">Action</th><th scope="col">Owner</th><th scope="col">Due</th>'
                '<th scope="col">Issue</th><th scope="col">Status</th></tr></thead><tbody>'
                + "".join(rows) + f"</tbody></table></div>{note}")

    def _issue_link(self, tracking: str, status) -> str:
        label = status.issue if status is not None and status.issue else tracking
        url = safe_href(status.url) if status is not None and status.url else None
        if url is None:
            url = issue_url(tracking, self.site.repo_url)
        if not label or label == "new":
            if not url:
                return '<span class="pm-muted">not created yet</span>'
            return f'<a href="{url}"{EXTERNAL_REL}>issue</a>'
        return f'<a href="{url}"{EXTERNAL_REL}>{text(label)}</a>' if url else text(label)

    def lesson(self, incident: Incident) -> str:
        return self.lesson_block(incident, heading=False)

    def communication(self, incident: Incident) -> str:
        communication = incident.section("communication")
        if not communication:
            return ""
        summary = communication.get("executive_summary")
        out = []
        if isinstance(summary, dict):
            items = "".join(f"<li><strong>{label}:</strong> {text(summary.get(key))}</li>" for key, label in (
                ("what_failed", "What failed"), ("root_cause", "Root cause"),
                ("prevention_cost", "Prevention vs. recurrence")) if plain(summary.get(key)).strip())
            if items:
                out.append(f'<h3 id="executive-summary" data-search-exclude>Executive summary</h3><ul>{items}</ul>')
        if plain(communication.get("customer_statement")).strip():
            out.append('<h3 id="customer-statement" data-search-exclude>Customer statement</h3>'
                       f'<blockquote>{paragraphs(communication.get("customer_statement"))}</blockquote>')
        return "".join(out)

    def blameless(self, incident: Incident) -> str:
        factors = incident.section("blameless").get("human_factors")
        factors = [f for f in factors if isinstance(f, dict)] if isinstance(factors, list) else []
        if not factors:
            return ""
        rows = "".join(f"<tr><td>{text(f.get('factor'))}</td><td>{text(f.get('system_gap'))}</td>"
                       f"<td>{text(GAP_LABELS.get(plain(f.get('gap_type')), plain(f.get('gap_type'))))}</td></tr>"
                       for f in factors)
        return ('<div class="pm-table-wrap"><table><thead><tr><th scope="col">What people did'
                '</th><th scope="col">The system gap that allowed it</th><th scope="col">Gap</th></tr></thead>'
                f"<tbody>{rows}</tbody></table></div>")

    def similar(self, incident: Incident) -> str:
        similar = self.site.similar.get(incident.id, [])
        if not similar:
            return '<p class="pm-muted" data-search-exclude>No similar earlier incident found.</p>'
        items = "".join(
            f"<li>{self.incident_link(other)} {severity_badge(other)} "
            f'<span class="pm-muted">{text(start_date(other))} · {round(score * 100)}% similar</span></li>'
            for other, score in similar)
        return f'<ul class="pm-similar" data-search-exclude>{items}</ul>'

    def inputs(self, incident: Incident) -> str:
        """The pasted inputs, folded away and kept out of the search index (raw logs are not searchable)."""
        inputs = incident.section("inputs")
        data = inputs.get("incident_data") if isinstance(inputs.get("incident_data"), dict) else {}
        context = inputs.get("system_context") if isinstance(inputs.get("system_context"), dict) else {}
        if not data and not context:
            return ""
        out = []
        events = [e for e in data.get("events") or [] if isinstance(e, dict)] \
            if isinstance(data.get("events"), list) else []
        if events:
            out.append("<h4>Events</h4><table><thead><tr><th>Time</th><th>Event</th><th>Source</th></tr></thead><tbody>"
                       + "".join(f"<tr><td>{text(e.get('time'))}</td><td>{text(e.get('event'))}</td>"
                                 f"<td>{text(e.get('source'))}</td></tr>" for e in events) + "</tbody></table>")
        alerts = [a for a in data.get("alerts") or [] if isinstance(a, dict)] \
            if isinstance(data.get("alerts"), list) else []
        if alerts:
            out.append("<h4>Alerts</h4><ul>" + "".join(
                f"<li>{text(a.get('time'))} <strong>{text(a.get('name'))}</strong> {text(a.get('details'))}</li>"
                for a in alerts) + "</ul>")
        metrics = [m for m in data.get("metrics") or [] if isinstance(m, dict)] \
            if isinstance(data.get("metrics"), list) else []
        if metrics:
            out.append("<h4>Metrics</h4><ul>" + "".join(
                f"<li><strong>{text(m.get('name'))}</strong>: {text(m.get('observation'))}</li>" for m in metrics)
                + "</ul>")
        logs = [entry for entry in data.get("logs") or [] if isinstance(entry, dict)] \
            if isinstance(data.get("logs"), list) else []
        for entry in logs:
            out.append(f"<h4>Log excerpt: {text(entry.get('source'))}</h4><pre><code>{verbatim(entry.get('excerpt'))}"
                       "</code></pre>")
        if plain(data.get("customer_impact")).strip():
            out.append(f"<h4>Customer impact data</h4>{paragraphs(data.get('customer_impact'))}")
        actions = [a for a in data.get("response_actions") or [] if isinstance(a, dict)] \
            if isinstance(data.get("response_actions"), list) else []
        if actions:
            out.append("<h4>Initial response</h4><ul>" + "".join(
                f"<li>{text(a.get('time'))} {text(a.get('action'))} <span class=\"pm-muted\">"
                f"{text(a.get('responder'))}</span></li>" for a in actions) + "</ul>")
        if context:
            service = context.get("service") if isinstance(context.get("service"), dict) else {}
            facts = [("Service", f"{text(service.get('name'))} {text(service.get('purpose'))}".strip()),
                     ("Architecture", text(context.get("architecture"))),
                     ("Traffic", text(context.get("traffic_volume"))),
                     ("On-call response", text(context.get("on_call_response_minutes")) + " min"
                      if plain(context.get("on_call_response_minutes")) else "")]
            sla = context.get("sla") if isinstance(context.get("sla"), dict) else {}
            if sla:
                latency = sla.get("latency_ms") if isinstance(sla.get("latency_ms"), dict) else {}
                parts = [f"{text(sla.get('uptime_percent'))}% uptime"] if plain(sla.get("uptime_percent")) else []
                parts += [f"{text(k)} {text(v)} ms" for k, v in latency.items() if plain(v)]
                facts.append(("SLA", ", ".join(parts)))
            out.append('<h4>System context</h4><dl class="pm-facts">' + "".join(
                f'<div class="pm-fact"><dt>{label}</dt><dd>{value}</dd></div>' for label, value in facts if value)
                + "</dl>")
        if not out:
            return ""
        return ('<details class="pm-inputs" data-search-exclude><summary>Raw incident data (inputs as pasted)'
                f'</summary>{"".join(out)}</details>')
