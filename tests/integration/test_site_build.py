"""The lessons site built by real MkDocs: from the repository's own config and examples, from a
generated set, and from unusable input (clear messages, --strict fails, never a traceback)."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from support.incident_factory import incident_yaml, make_incident, write_incidents
from support.site_fixtures import (
    HOSTILE_ID,
    MARMOSET_ID,
    MARMOSET_WORD,
    ROOT,
    build_site,
    hostile_incident,
    mkdocs,
    write_config,
)


class _Document(HTMLParser):
    """Tags, attributes and visible text of a page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)

    def visible_text(self) -> str:
        return " ".join(" ".join(self.text).split())

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def _article(html: str) -> str:
    return html[html.index('<article class="md-content__inner md-typeset">'):html.rindex("</article>")]


def _rows(html: str, incident_id_pattern: str = r"INC-\d{4}-\d{4,6}") -> list[str]:
    """Incident ids in the order of the incident table's rows."""
    table = html[html.index("<tbody>"):html.index("</tbody>")]
    return re.findall(rf'<tr><td class="pm-col-id"><a href="[^"]+"><strong>({incident_id_pattern})</strong>', table)


# ---------------------------------------------------------------- the repository's own config


def test_repository_config_builds_strict_from_the_examples(tmp_path):
    site = tmp_path / "site"
    done = mkdocs(ROOT / "mkdocs.yml", "--strict", "--site-dir", str(site))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "1 draft(s) not published" in done.stderr
    pages = {p.parent.name for p in (site / "incidents").glob("INC-*/index.html")}
    assert pages == {"INC-2026-0001", "INC-2026-0002", "INC-2026-0004"}  # 0003 is a draft
    for page in ("index.html", "incidents/index.html", "lessons/index.html", "analytics/index.html",
                 "tags/index.html", "services/index.html", "services/checkout-api/index.html",
                 "tags/dns/index.html", "incidents/severity/sev1/index.html", "incidents/year/2026/index.html",
                 "incidents/category/configuration-error/index.html", "search/search_index.json"):
        assert (site / page).is_file(), page
    # nothing generated lives in the repository: the docs folder holds only the stylesheet
    docs = ROOT / "scripts/postmortem_kit/site/docs"
    assert [p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file()] == ["assets/postmortem.css"]


def test_no_request_leaves_the_site_host(lessons_site):
    """No CDN fonts, scripts or styles, and no forge API calls from the repository link."""
    for page in ("index.html", f"incidents/{HOSTILE_ID}/index.html", "analytics/index.html"):
        document = _Document(lessons_site.html(page))
        for tag, attrs in document.tags:
            for name in ("src", "href"):
                value = attrs.get(name) or ""
                if tag in ("script", "link", "img", "iframe", "source", "object", "embed"):
                    assert not re.match(r"(https?:)?//", value), (page, tag, value)
        assert not document.find("div", **{"data-md-component": "source"})
        assert 'data-md-component="source"' not in lessons_site.html(page)


# ---------------------------------------------------------------- incident page


def test_incident_page_sections(lessons_site):
    html = lessons_site.html("incidents/INC-2026-0001/")
    document = _Document(_article(html))
    text = document.visible_text()
    assert "INC-2026-0001: Checkout API returned 503s after a database connection-pool change" in text
    for label in ("SEV2", "Started 2026-03-14 09:12 CET", "Detected 2026-03-14 09:19 CET after 7 min",
                  "Resolved 2026-03-14 10:47 CET", "Duration 1:35", "Time zone Europe/Berlin"):
        assert label in text, label
    for heading in ("Impact", "Root cause", "Contributing factors", "Timeline", "Prevention",
                    "Immediate (within 1 week)", "Short term (within 1 month)", "Long term (within 1 quarter)",
                    "Follow-ups", "Lesson", "Communication", "Executive summary", "Customer statement",
                    "System gaps", "Similar past incidents"):
        assert heading in text, heading
    assert "About 18,400 checkout attempts" in text  # impact
    assert "capped at 5 connections per pod instead of 50" in text  # root cause
    assert "Capacity settings behave like code" in text  # lesson
    assert "<title>INC-2026-0001 Checkout API returned 503s" in html


def test_timeline_is_a_table_in_the_incident_zone(lessons_site):
    html = _article(lessons_site.html("incidents/INC-2026-0001/"))
    timeline = html[html.index('<div class="pm-table-wrap pm-timeline">'):]
    timeline = timeline[:timeline.index("</table>")]
    assert "Time (Europe/Berlin)" in timeline
    rows = re.findall(r'<td class="pm-time"><time datetime="([^"]+)">([^<]+)</time>', timeline)
    assert len(rows) == 9
    assert rows[0] == ("2026-03-14T09:02:00+01:00", "09:02")
    assert rows[-1][1] == "10:47"


def test_timeline_across_midnight_shows_the_new_day(lessons_site):
    html = _article(lessons_site.html("incidents/INC-2026-0002/"))
    rows = re.findall(r'<td class="pm-time"><time datetime="([^"]+)">([^<]+)</time>', html)
    assert ("2026-05-21T03:58:00+00:00", "2026-05-21 03:58") in rows
    assert ("2026-05-21T04:20:00+00:00", "04:20") in rows
    assert rows[0] == ("2026-05-20T22:40:00+00:00", "22:40")


def test_in_review_is_marked(lessons_site):
    html = _article(lessons_site.html("incidents/INC-2026-0002/"))
    assert "pm-banner--in-review" in html and "still being reviewed" in html
    index = lessons_site.html("incidents/")
    row = index[index.index("<strong>INC-2026-0002</strong>"):]
    assert 'pm-status--in-review">In review</span>' in row[:600]


def test_edit_link_points_at_the_yaml(lessons_site):
    html = _article(lessons_site.html("incidents/INC-2026-0001/"))
    expected = "https://github.com/postmortem-kit/postmortem-kit/edit/main/postmortems/INC-2026-0001.yaml"
    links = _Document(html).find("a", href=expected)
    assert len(links) == 2  # ours ("Edit this incident") and the theme's edit button
    assert "Edit this incident" in html


def test_follow_ups_with_issue_links_and_status(lessons_site):
    html = _article(lessons_site.html("incidents/INC-2026-0001/"))
    section = html[html.index('id="follow-ups"'):html.index('id="lesson"')]
    states = re.findall(r'<span class="pm-state pm-state--([a-z-]+)">([^<]+)</span>', section)
    assert states == [("done", "done"), ("overdue", "overdue 12 days"), ("open", "open"),
                      ("not-planned", "closed (not planned)"), ("no-issue", "no issue yet")]
    assert 'href="https://github.com/postmortem-kit/postmortem-kit/issues/500"' in section  # URL from the status
    assert ">#500</a>" in section
    # an incident the status file does not mention: tracking links, state unknown
    other = _article(lessons_site.html("incidents/INC-2026-0004/"))
    assert other.count('pm-state--unknown') == 5
    assert re.search(r'href="https://github.com/postmortem-kit/postmortem-kit/issues/\d+"', other)


def test_similar_past_incidents_link_to_earlier_incidents(lessons_site):
    html = _article(lessons_site.html("incidents/INC-2026-0001/"))
    section = html[html.index('id="similar-past-incidents"'):]
    section = section[:section.index("</ul>")]
    found = re.findall(r'<strong>(INC-\d{4}-\d{4,6})</strong>.*?(\d{4}-\d{2}-\d{2}) · (\d+)% similar', section)
    assert 1 <= len(found) <= 3
    assert all(day < "2026-03-14" for _, day, _ in found)  # earlier than this incident
    scores = [int(score) for _, _, score in found]
    assert scores == sorted(scores, reverse=True)


def test_raw_inputs_stay_off_reviewed_pages_and_out_of_search(lessons_site):
    html = _article(lessons_site.html("incidents/INC-2026-0001/"))
    assert "pm-inputs" not in html and "waiting=212" not in html  # a reviewed incident is read by its analysis
    index = json.dumps(lessons_site.search_index())
    assert "waiting=212" not in index  # the log excerpt is not in the search index
    assert "capped at 5 connections per pod" in index  # the root cause is


# ---------------------------------------------------------------- listing pages


def test_home_page_has_latest_incidents_and_lessons(lessons_site):
    html = _article(lessons_site.html(""))
    text = _Document(html).visible_text()
    assert "Latest incidents" in text and "Latest lessons" in text
    rows = _rows(html)
    assert len(rows) == 10
    assert "INC-2026-0003" not in html  # draft


def test_index_lists_every_published_incident_newest_first(lessons_site):
    html = lessons_site.html("incidents/")
    rows = _rows(html)
    published = _published(lessons_site.incidents)
    assert set(rows) == set(published)
    starts = re.findall(r'<td class="pm-nowrap" data-sort="([^"]*)">', html)
    assert len(starts) == len(rows) and _sorted_by_instant(starts)


def _published(directory: Path) -> list[str]:
    import yaml

    ids = []
    for path in directory.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data["status"] != "draft":
            ids.append(data["id"])
    return ids


def _sorted_by_instant(starts: list[str]) -> bool:
    from datetime import datetime

    instants = [datetime.fromisoformat(s) for s in starts if s]
    return instants == sorted(instants, reverse=True)


def test_filters_work_as_plain_links(lessons_site):
    index = lessons_site.html("incidents/")
    nav = index[index.index('<nav class="pm-filters"'):index.index("</nav>", index.index('<nav class="pm-filters"'))]
    for target in ("incidents/severity/sev2/", "incidents/year/2026/", "incidents/category/code-bug/",
                   "services/", "tags/"):
        assert f'href="../{target}"' in nav, target
    assert re.search(r'href="\.\./services/[a-z0-9-]+/"', nav) and re.search(r'href="\.\./tags/[a-z0-9-]+/"', nav)
    assert "<script" not in _article(index)  # filtering needs no JavaScript
    import yaml

    data = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in lessons_site.incidents.glob("*.yaml")]
    shown = [d for d in data if d["status"] != "draft"]
    for level in ("SEV1", "SEV2", "SEV3", "SEV4"):
        expected = {d["id"] for d in shown if d.get("summary", {}).get("severity") == level}
        if expected:
            assert set(_rows(lessons_site.html(f"incidents/severity/{level.lower()}/"))) == expected, level
    for category in ("configuration-error", "code-bug", "capacity-issue", "dependency-failure"):
        expected = {d["id"] for d in shown if d.get("root_cause", {}).get("category") == category}
        if expected:
            assert set(_rows(lessons_site.html(f"incidents/category/{category}/"))) == expected, category
    years = {d["summary"]["start"][:4] for d in shown}
    for year in years:
        page = _rows(lessons_site.html(f"incidents/year/{year}/"))
        assert page and all(i in {d["id"] for d in shown} for i in page)
    expected = {d["id"] for d in shown if "database" in d.get("tags", [])}
    assert set(_rows(lessons_site.html("tags/database/"))) == expected
    expected = {d["id"] for d in shown if "checkout-api" in d.get("services", [])}
    assert set(_rows(lessons_site.html("services/checkout-api/"))) == expected


def test_lessons_page_newest_first(lessons_site):
    html = _article(lessons_site.html("lessons/"))
    ids = re.findall(r'<p class="pm-lesson__meta"><a href="[^"]+"><strong>(INC-\d{4}-\d{4,6})</strong>', html)
    assert len(ids) == len(_published(lessons_site.incidents))
    positions = {incident_id: n for n, incident_id in enumerate(ids)}
    assert positions["INC-2026-0004"] < positions["INC-2026-0002"] < positions["INC-2026-0001"]
    assert "What happened" in html and "Why it matters" in html and "What changed" in html


def test_tag_and_service_index_pages(lessons_site):
    tags = _article(lessons_site.html("tags/"))
    assert 'href="../tags/connection-pool/"' in tags
    services = _article(lessons_site.html("services/"))
    assert 'href="../services/checkout-api/"' in services
    service = _article(lessons_site.html("services/checkout-api/"))
    assert "Service: checkout-api" in service and "median time to detect" in service and "Lessons" in service


def test_analytics_charts(lessons_site):
    html = _article(lessons_site.html("analytics/"))
    for chart in ("chart-incidents-per-month", "chart-detect-resolve", "chart-root-causes", "chart-follow-ups",
                  "chart-overdue"):
        assert f'id="{chart}"' in html, chart
    assert html.count("<svg") >= 5
    assert "Follow-ups done" in html
    overdue = html[html.index('id="chart-overdue"'):]
    assert "overdue follow-ups by owner" in overdue.lower()
    assert "<script" not in html


def test_search_index_is_lean(lessons_site):
    index = lessons_site.search_index()
    locations = [doc["location"] for doc in index["docs"]]
    assert all(loc.startswith("incidents/INC-") for loc in locations)  # listing pages are not indexed
    sections = {loc.split("#", 1)[1] for loc in locations if "#" in loc}
    assert sections <= {"impact", "root-cause", "contributing-factors", "timeline", "lesson"}, sections
    assert any(MARMOSET_WORD in doc["text"].lower() for doc in index["docs"])


# ---------------------------------------------------------------- drafts


def test_drafts_published_when_configured(tmp_path):
    incidents = tmp_path / "postmortems"
    shutil.copytree(ROOT / "postmortems", incidents)
    hostile = hostile_incident()
    draft = {key: hostile[key] for key in ("title", "tags", "services", "inputs")}
    draft.update(id="INC-2026-9998", status="draft", authors=["@sam-ortiz"])
    (incidents / "INC-2026-9998.yaml").write_text(incident_yaml(draft), encoding="utf-8")
    site = build_site(tmp_path, incidents, publish_drafts=True)
    html = _article(site.html("incidents/INC-2026-0003/"))
    assert "pm-banner--draft" in html and "Search latency spiked after a query-parser release" in html
    # a draft is its inputs: shown folded, and kept out of the search index
    assert '<details class="pm-inputs" data-search-exclude=""' in html
    assert "worker timeout, request cancelled after 10000ms" in html
    assert "request cancelled" not in json.dumps(site.search_index())
    assert "INC-2026-0003" in site.html("incidents/")
    # hostile pasted inputs render as text too
    page = site.html("incidents/INC-2026-9998/")
    document = _Document(page)
    assert [a.get("src") for t, a in document.tags if t == "script"] == \
        [a.get("src") for t, a in _Document(site.html("incidents/INC-2026-0003/")).tags if t == "script"]
    assert not [name for _, attrs in document.tags for name in attrs if name.startswith("on")]
    assert not document.find("div", id="injected")
    assert "<script>window.__pwned=12</script>" in document.visible_text()


# ---------------------------------------------------------------- generated set, status from the real command


def test_generated_set_with_status_from_postmortem_followups(tmp_path, run_cli):
    incidents = tmp_path / "postmortems"
    write_incidents(incidents, 30, seed=5, status="mixed")
    status_file = tmp_path / "status.json"
    code, out, err = run_cli("followups", "--status", "--offline", "--format", "json", "--root", str(tmp_path),
                             "--status-file", str(status_file), str(incidents))
    assert code == 0, err
    assert json.loads(status_file.read_text())["follow_ups"]
    site = build_site(tmp_path, incidents, followups_status=str(status_file))
    assert f"follow-up status from {status_file}" in site.output
    published = [p.stem for p in incidents.glob("*.yaml") if "status: draft" not in p.read_text()]
    assert {p.parent.name for p in (site.root / "incidents").glob("INC-*/index.html")} == set(published)
    assert "No follow-up status data" not in site.html("analytics/")


def test_marmoset_page_shows_overdue_follow_ups_in_analytics(lessons_site):
    html = _article(lessons_site.html("analytics/"))
    table = html[html.index("Data: overdue follow-ups by owner"):]
    assert re.search(r"<td>[^<]+</td>\s*<td>\d+</td>", table)
    page = _article(lessons_site.html(f"incidents/{MARMOSET_ID}/"))
    assert page.count("overdue 30 days") == 2


# ---------------------------------------------------------------- unusable input


def test_unusable_incident_file_is_reported_and_the_build_goes_on(tmp_path):
    incidents = tmp_path / "postmortems"
    write_incidents(incidents, 3, seed=2)
    (incidents / "INC-2026-0500.yaml").write_text("id: INC-2026-0500\ntitle: [broken\n", encoding="utf-8")
    config = write_config(tmp_path, incidents)
    done = mkdocs(config, "--site-dir", str(tmp_path / "site"))
    assert done.returncode == 0, done.stderr
    assert re.search(r"WARNING\s+-\s+\S*INC-2026-0500\.yaml:\d+:\d+: invalid YAML.*\(not published\)", done.stderr)
    assert "Traceback" not in done.stderr
    assert len(list((tmp_path / "site" / "incidents").glob("INC-*/index.html"))) == 3
    strict = mkdocs(config, "--strict", "--site-dir", str(tmp_path / "site2"))
    assert strict.returncode == 1
    assert "Aborted with 1 warnings in strict mode!" in strict.stdout + strict.stderr
    assert "Traceback" not in strict.stderr


@pytest.mark.parametrize("name, content, message", [
    ("INC-2026-0600.yaml", "id: INC-2026-0601\ntitle: t\nstatus: published\n", "does not match the file name"),
    ("INC-2026-0602.yaml", "just a string\n", "not a mapping"),
    ("INC-2026-0603.yaml", "id: 42\ntitle: t\n", "is not an incident id"),
    ("INC-2026-0604.yaml", "a: &x [1]\nb: *x\n", "alias"),
    ("INC-2026-0605.yaml", "id: INC-2026-0605\nid: INC-2026-0605\n", "duplicate"),
])
def test_each_unusable_file_fails_strict_with_one_line(tmp_path, name, content, message):
    incidents = tmp_path / "postmortems"
    write_incidents(incidents, 1, seed=3)
    (incidents / name).write_text(content, encoding="utf-8")
    done = mkdocs(write_config(tmp_path, incidents))
    assert done.returncode == 1
    warnings = [line for line in done.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1 and name in warnings[0] and message in warnings[0].lower(), done.stderr
    assert "Traceback" not in done.stderr


def test_bad_status_file_is_reported(tmp_path):
    incidents = tmp_path / "postmortems"
    write_incidents(incidents, 2, seed=4)
    status = tmp_path / "status.json"
    status.write_text("{broken", encoding="utf-8")
    config = write_config(tmp_path, incidents, followups_status=str(status))
    done = mkdocs(config, "--site-dir", str(tmp_path / "site"))
    assert done.returncode == 0
    assert f"{status}: not JSON (" in done.stderr and "; follow-up status not shown" in done.stderr
    assert mkdocs(config).returncode == 1


def test_bad_option_is_a_clear_error(tmp_path):
    incidents = tmp_path / "postmortems"
    write_incidents(incidents, 1)
    done = mkdocs(write_config(tmp_path, incidents, publish_draft=True))
    assert done.returncode == 1
    assert "Plugin 'postmortems' option 'publish_draft': Unrecognised configuration name" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_incident_directory_is_reported(tmp_path):
    done = mkdocs(write_config(tmp_path, tmp_path / "nowhere"))
    assert done.returncode == 1
    assert "incident directory not found" in done.stderr and "Traceback" not in done.stderr


# ---------------------------------------------------------------- hostile incident, statically


def test_hostile_incident_renders_as_text(lessons_site):
    html = lessons_site.html(f"incidents/{HOSTILE_ID}/")
    benign = lessons_site.html("incidents/INC-2026-0001/")
    document, reference = _Document(html), _Document(benign)
    # exactly the theme's scripts, styles and links, nothing added
    def theme_parts(doc):
        return sorted((t, a.get("src") or a.get("href") or "", a.get("type") or "") for t, a in doc.tags
                      if t in ("script", "link", "style", "meta", "base", "iframe", "object", "embed", "img"))
    assert theme_parts(document) == theme_parts(reference)
    for tag, attrs in document.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert "javascript:" not in (value or "").lower(), (tag, name, value)
    assert not document.find("div", id="injected")
    text = document.visible_text()
    for shown in ("<script>window.__pwned=1;alert('xss')</script>", "{{ 7*7 }}", "{% include 'secrets.txt' %}",
                  "[click me](javascript:window.__pwned=3)", "<img src=x onerror=\"window.__pwned=2\">",
                  "&lt;script&gt;window.__pwned=9&lt;/script&gt;", "*emphasis* __bold__ `code` # not a heading"):
        assert shown in text, shown
    title = html[html.index("<title>"):html.index("</title>")]
    assert "<" not in title[len("<title>"):] and "window.__pwned=11" in title
    # the tracking references that are not plain links stay text
    hrefs = [attrs.get("href") or "" for tag, attrs in _Document(_article(html)).tags if tag == "a"]
    assert not [h for h in hrefs if "evil.example/track" in h or "javascript:" in h.lower()]


def test_nothing_hostile_in_the_search_index(lessons_site):
    raw = (lessons_site.root / "search" / "search_index.json").read_text(encoding="utf-8")
    docs = json.loads(raw)["docs"]
    hostile = [d for d in docs if d["location"].startswith(f"incidents/{HOSTILE_ID}/")]
    assert hostile
    for doc in hostile:
        for value in (doc["title"], doc["text"]):
            stripped = re.sub(r"</?(p|code|pre|li|ol|ul|sub|sup)>", "", value)
            assert "<" not in stripped, value


# ---------------------------------------------------------------- mkdocs serve


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - 127.0.0.1 only
        return response.read().decode("utf-8")


def test_serve_rebuilds_when_an_incident_changes(tmp_path):
    incidents = tmp_path / "postmortems"
    data = make_incident(7)
    path = incidents / f"{data['id']}.yaml"
    incidents.mkdir()
    path.write_text(incident_yaml(data), encoding="utf-8")
    config = write_config(tmp_path, incidents)
    port = _free_port()
    env_args = [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"]
    import os

    server = subprocess.Popen(env_args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    url = f"http://127.0.0.1:{port}/incidents/{data['id']}/"
    try:
        deadline = time.monotonic() + 90
        page = ""
        while time.monotonic() < deadline:
            try:
                page = _get(url)
                break
            except OSError:
                time.sleep(0.3)
        assert data["title"][:30] in page, "mkdocs serve did not serve the incident page"
        data["title"] = "Renamed while serving: the lease store restarted"
        path.write_text(incident_yaml(data), encoding="utf-8")
        while time.monotonic() < deadline:
            if "Renamed while serving" in _get(url):
                break
            time.sleep(0.5)
        else:
            pytest.fail("the page was not rebuilt after the incident file changed")
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
