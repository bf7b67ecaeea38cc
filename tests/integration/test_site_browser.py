"""The built lessons site in real headless Chromium (Debian's package, driven by Playwright).

The site is served on 127.0.0.1 by a stdlib HTTP server; every request the browser makes is logged
through Playwright's routing and anything not addressed to 127.0.0.1 is aborted and recorded.
Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from support.incident_factory import incident_yaml, write_incidents
from support.site_fixtures import ARTIFACTS, HOSTILE_ID, MARMOSET_ID, MARMOSET_WORD, build_site, hostile_incident, marmoset_incident, serve_directory

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), (f"{CHROMIUM} is missing: `make browser` installs Debian's chromium "
                                     "(apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def site_url(lessons_site):
    with serve_directory(lessons_site.root) as url:
        yield url


class Session:
    """A browser context that logs every request and refuses any that would leave 127.0.0.1."""

    def __init__(self, browser, **options):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or parts.hostname == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"site-{name}.png"
        self.page.screenshot(path=str(path), full_page=False)
        return path

    def close(self):
        self.context.close()


@pytest.fixture
def session(browser):
    opened = Session(browser)
    yield opened
    opened.close()


def _search(page, word: str):
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(word, delay=40)
    # results for a prefix of the word may show first: wait for the ones of the whole word
    page.wait_for_selector(f'.md-search-result__item a[href*="highlight={word.lower()}"]', timeout=15_000)
    # results are shown in rank order as they arrive, the count once all are
    page.wait_for_function(_ALL_SHOWN, timeout=15_000)
    return page.locator(".md-search-result__item")


_ALL_SHOWN = """() => {
  const counted = document.getElementById('pm-search-meta').textContent.match(/^(\\d+) matching/);
  return counted && document.querySelectorAll('.md-search-result__item').length === Math.min(+counted[1], 10);
}"""


def test_search_finds_the_incident_and_its_page_shows_the_timeline(session, site_url):
    page = session.page
    page.goto(f"{site_url}/")
    results = _search(page, MARMOSET_WORD)
    first = results.first.locator("a.md-search-result__link").first
    assert MARMOSET_ID in first.get_attribute("href")
    assert "Nightly invoices were skipped" in results.first.inner_text()
    session.screenshot("search-results")
    first.click()
    page.wait_for_url(f"**/incidents/{MARMOSET_ID}/**")
    timeline = page.locator(".pm-timeline table")
    timeline.wait_for(state="visible")
    assert timeline.is_visible()
    assert timeline.locator("tbody tr").count() == 3
    assert "Time (Europe/Berlin)" in timeline.locator("thead").inner_text()
    assert page.locator("h1#incident").inner_text().startswith(MARMOSET_ID)
    session.screenshot("incident-page")
    assert not session.blocked, session.blocked
    assert not session.errors, session.errors


def test_search_by_a_lesson_word(session, site_url):
    page = session.page
    page.goto(f"{site_url}/lessons/")
    results = _search(page, "invoices")
    hrefs = [results.nth(i).locator("a").first.get_attribute("href") for i in range(results.count())]
    assert any(MARMOSET_ID in href for href in hrefs)


def test_analytics_charts_are_visible(session, site_url):
    page = session.page
    page.goto(f"{site_url}/analytics/")
    charts = page.locator("svg.pm-chart")
    assert charts.count() >= 5
    first = charts.first
    first.wait_for(state="visible")
    box = first.bounding_box()
    assert box and box["width"] > 400 and box["height"] > 100
    assert first.locator("rect").count() > 5
    session.screenshot("analytics")
    assert not session.blocked, session.blocked


def test_filters_work_without_javascript(browser, site_url):
    session = Session(browser, java_script_enabled=False)
    try:
        page = session.page
        page.goto(f"{site_url}/incidents/")
        page.locator("nav.pm-filters a.pm-chip", has_text="SEV2").first.click()
        page.wait_for_url("**/incidents/severity/sev2/")
        badges = page.locator("article table tbody tr td:nth-child(3)")
        assert badges.count() > 0
        assert {badges.nth(i).inner_text().strip() for i in range(badges.count())} == {"SEV2"}
        session.screenshot("filter-sev2-no-js")
    finally:
        session.close()


def test_hostile_incident_runs_no_script_and_requests_nothing_outside(session, site_url):
    page = session.page
    page.goto(f"{site_url}/incidents/{HOSTILE_ID}/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.getElementById('injected') === null")
    assert page.evaluate("document.querySelectorAll('article img, article iframe, article object, "
                         "article embed, article style, article script, base').length") == 0
    body = page.locator("article").inner_text()
    assert "<script>window.__pwned=1;alert('xss')</script>" in body
    assert "{{ 7*7 }}" in body
    assert "Hostile </title><script>window.__pwned=11</script>" in page.locator("h1#incident").inner_text()
    page.evaluate("window.scrollTo(0, 0)")
    session.screenshot("hostile-incident")
    # the same payloads through the search results
    results = _search(page, "hostile")
    assert HOSTILE_ID in results.first.locator("a").first.get_attribute("href")
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.getElementById('injected') === null")
    session.screenshot("hostile-search")
    assert session.dialogs == []
    assert session.blocked == [], session.blocked
    assert all(urlsplit(url).hostname == "127.0.0.1" or urlsplit(url).scheme in ("data", "blob")
               for url in session.requests)
    # the search is Pagefind's: its chunks were fetched, never material's one-file index
    assert any("/pagefind/" in url for url in session.requests)
    assert not any(url.endswith(".json") and "/pagefind/" not in url for url in session.requests
                   if "search_index" not in url)
    # the excerpt and title are text: the payloads show as characters, not as markup
    result_text = results.first.inner_text()
    assert "Hostile" in result_text
    assert page.evaluate("document.querySelectorAll('#pm-search-list script, #pm-search-list img, "
                         "#pm-search-list iframe, #pm-search-list [onerror], #pm-search-list [onclick]').length") == 0


def test_search_filters_by_severity_and_keeps_the_words_highlighted(session, site_url):
    page = session.page
    page.goto(f"{site_url}/")
    results = _search(page, "incident")
    assert results.count() > 1
    severity = page.locator('select[data-pm-search-filter="severity"]')
    severity.wait_for(state="attached")
    severity.select_option("SEV2")
    page.wait_for_function("() => document.getElementById('pm-search-meta').textContent.includes('matching')")
    page.wait_for_timeout(400)  # the filtered results replace the list
    shown = page.locator(".md-search-result__item a.md-search-result__link")
    hrefs = [shown.nth(i).get_attribute("href") for i in range(shown.count())]
    assert hrefs
    session.screenshot("search-filter-sev2")
    # every filtered result is a SEV2 incident (its page says so)
    for href in hrefs[:3]:
        page.goto(href)
        assert "SEV2" in page.locator(".pm-summary, article").first.inner_text()
        assert "highlight=" in page.url
        page.wait_for_selector("mark.pagefind-highlight", timeout=10_000)
    assert not session.errors, session.errors
    assert not session.blocked, session.blocked


def test_keyboard_shortcut_opens_the_search(session, site_url):
    page = session.page
    page.goto(f"{site_url}/analytics/")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'pm-search-input'")
    page.keyboard.type(MARMOSET_WORD, delay=30)
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/incidents/{MARMOSET_ID}/**")
    assert not session.errors, session.errors


def test_search_from_a_file_url_says_it_needs_a_server(browser, lessons_site):
    context = browser.new_context()  # no routing: the page and its assets are files
    try:
        page = context.new_page()
        page.goto((lessons_site.root / "index.html").as_uri())
        box = page.locator("input.md-search__input")
        box.click()
        box.press_sequentially("marmoset", delay=20)
        page.wait_for_function("() => document.getElementById('pm-search-meta').textContent.includes('server')")
        assert "needs the site served over HTTP" in page.locator("#pm-search-meta").inner_text()
    finally:
        context.close()


# ---------------------------------------------------------------- the index in shards


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory):
    """A small site indexed three pages a shard: several bundles merged in the browser."""
    base = tmp_path_factory.mktemp("sharded-site")
    incidents = base / "postmortems"
    write_incidents(incidents, 9, seed=5, status="published")
    for data in (hostile_incident(), marmoset_incident()):
        (incidents / f"{data['id']}.yaml").write_text(incident_yaml(data), encoding="utf-8")
    site = build_site(base, incidents, search_shard_pages=3)
    bundle = site.root / "pagefind"
    manifest = json.loads((bundle / "pm-search.json").read_text(encoding="utf-8"))
    where = {}  # incident URL -> the bundle that indexes it
    for name in manifest["bundles"]:
        for path in (bundle / name / "fragment").glob("*.pf_fragment"):
            record = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
            where[record["url"]] = name
    with serve_directory(site.root) as url:
        yield url, manifest, where


def _bundle_of(where: dict, href: str) -> str:
    return where[urlsplit(href).path]


def test_a_query_finds_pages_in_every_shard(session, sharded_site):
    url, manifest, where = sharded_site
    assert len(manifest["bundles"]) == 4 and manifest["pages"] == 11
    marmoset = f"/incidents/{MARMOSET_ID}/"
    assert where[marmoset] != ""  # the word is only in a merged bundle
    page = session.page
    page.goto(f"{url}/")
    results = _search(page, MARMOSET_WORD)
    assert MARMOSET_ID in results.first.locator("a").first.get_attribute("href")
    assert f"/pagefind/{where[marmoset]}index/" in " ".join(session.requests)
    # a word of every page: results from every bundle, counted once each
    box = page.locator("input.md-search__input")
    box.fill("")
    box.press_sequentially("incident", delay=20)
    page.wait_for_function("() => document.getElementById('pm-search-meta').textContent.includes('11 matching')")
    shown = page.locator(".md-search-result__item a.md-search-result__link")
    hrefs = [shown.nth(i).get_attribute("href") for i in range(shown.count())]
    assert len(hrefs) == 10 and len({_bundle_of(where, href) for href in hrefs}) == 4
    assert not session.errors, session.errors
    assert not session.blocked, session.blocked


def test_filters_work_across_shards(session, sharded_site):
    url, manifest, where = sharded_site
    page = session.page
    page.goto(f"{url}/")
    page.locator("input.md-search__input").click()
    severity = page.locator('select[data-pm-search-filter="severity"]')
    severity.wait_for(state="attached")
    # the menus come from the manifest: every value with its count over all the shards
    options = [severity.locator("option").nth(i).inner_text() for i in range(severity.locator("option").count())]
    assert options == ["any"] + [f"{value} ({count})" for value, count in sorted(manifest["filters"]["severity"].items())]
    value, count = max(manifest["filters"]["severity"].items(), key=lambda item: item[1])
    severity.select_option(value)  # no words: every incident of that severity
    expected = f"{count} matching incident" + ("s" if count > 1 else "")
    page.wait_for_function(f"() => document.getElementById('pm-search-meta').textContent.startsWith('{expected}')")
    shown = page.locator(".md-search-result__item a.md-search-result__link")
    hrefs = [shown.nth(i).get_attribute("href") for i in range(shown.count())]
    assert len(hrefs) == min(count, 10) and len({_bundle_of(where, href) for href in hrefs}) > 1
    for href in hrefs[:2]:
        session.page.goto(href)
        assert value in page.locator(".pm-summary, article").first.inner_text()
    assert not session.errors, session.errors


def test_the_box_asks_for_every_bundle_file_at_once_and_pagefind_reuses_them(session, sharded_site):
    url, manifest, _ = sharded_site
    tag = manifest["tag"]
    page = session.page
    page.goto(f"{url}/")
    page.locator("input.md-search__input").click()
    page.locator('select[data-pm-search-filter="severity"]').wait_for(state="attached")  # loaded
    asked = [urlsplit(request) for request in session.requests if "/pagefind/" in request]
    for name in manifest["warm"]:
        assert any(part.path == f"/pagefind/{name}" for part in asked), name
    entries = [part for part in asked if part.path.endswith("/pagefind-entry.json")]
    # each bundle's entry file at one address for this build (Pagefind's own request included)
    assert {part.path for part in entries} == {f"/pagefind/{name}pagefind-entry.json" for name in manifest["bundles"]}
    assert {part.query for part in entries} == {f"ts={tag}"}
    results = _search(page, MARMOSET_WORD)
    assert MARMOSET_ID in results.first.locator("a").first.get_attribute("href")
    assert not session.errors, session.errors


def test_a_tampered_manifest_fetches_nothing_it_names_outside_the_bundles(session, sharded_site):
    """The manifest is the build's, but the box trusts only names of the form Pagefind writes: an
    address elsewhere, a path out of the bundle folder or a script URL is not fetched."""
    url, manifest, _ = sharded_site
    hostile = ["https://example.com/steal.pf_meta", "//example.com/x.pf_meta", "../../../etc/passwd",
               "1/../../../x.pf_meta", "javascript:alert(1)", "1/pagefind.x.pf_meta?u=//example.com", 7, None,
               "/pagefind/wasm.en.pagefind"]

    def tampered(route):
        found = json.loads(route.fetch().text())
        found["warm"] = hostile + found["warm"]
        route.fulfill(status=200, content_type="application/json", body=json.dumps(found))

    page = session.page
    page.route("**/pagefind/pm-search.json", tampered)
    page.goto(f"{url}/")
    results = _search(page, MARMOSET_WORD)
    assert MARMOSET_ID in results.first.locator("a").first.get_attribute("href")
    paths = [urlsplit(request).path for request in session.requests]
    assert not session.blocked, session.blocked
    assert not any(path.startswith("/etc") or path.endswith("/x.pf_meta") or "alert" in path for path in paths)
    assert page.evaluate("typeof window.__pwned") == "undefined" and session.dialogs == []
    assert not session.errors, session.errors


def test_the_results_shown_are_those_of_the_last_query(session, sharded_site):
    """A query that changes while a search runs waits for it, then searches; the earlier results are
    not shown over the later ones."""
    url, _, _ = sharded_site
    page = session.page
    page.goto(f"{url}/")
    box = page.locator("input.md-search__input")
    box.click()
    for query in ("incident", "incidents", "hostile", MARMOSET_WORD):
        box.fill(query)  # one input event each, no pause between them
    page.wait_for_selector(f'.md-search-result__item a[href*="highlight={MARMOSET_WORD.lower()}"]', timeout=15_000)
    page.wait_for_function(_ALL_SHOWN, timeout=15_000)
    page.wait_for_timeout(400)  # nothing later replaces them
    shown = page.locator(".md-search-result__item a.md-search-result__link")
    hrefs = [shown.nth(i).get_attribute("href") for i in range(shown.count())]
    assert hrefs and all(f"highlight={MARMOSET_WORD.lower()}" in href for href in hrefs)
    assert re.fullmatch(r"1 matching incident|[0-9]+ matching incidents.*", page.locator("#pm-search-meta").inner_text())
    assert not session.errors, session.errors


def test_hostile_text_from_a_merged_bundle_stays_text(session, sharded_site):
    url, _, where = sharded_site
    assert where[f"/incidents/{HOSTILE_ID}/"] != ""
    page = session.page
    page.goto(f"{url}/")
    results = _search(page, "hostile")
    assert HOSTILE_ID in results.first.locator("a").first.get_attribute("href")
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.getElementById('injected') === null")
    assert page.evaluate("document.querySelectorAll('#pm-search-list script, #pm-search-list img, "
                         "#pm-search-list iframe, #pm-search-list [onerror], #pm-search-list [onclick]').length") == 0
    assert session.dialogs == [] and session.blocked == []


def test_a_site_without_incidents_finds_nothing_cleanly(session, tmp_path):
    incidents = tmp_path / "postmortems"
    incidents.mkdir()
    site = build_site(tmp_path, incidents)
    assert json.loads((site.root / "pagefind" / "pm-search.json").read_text(encoding="utf-8"))["bundles"] == []
    with serve_directory(site.root) as url:
        page = session.page
        page.goto(f"{url}/")
        box = page.locator("input.md-search__input")
        box.click()
        box.press_sequentially("anything", delay=20)
        page.wait_for_function("() => document.getElementById('pm-search-meta').textContent === 'No matching incidents'")
        assert page.locator(".md-search-result__item").count() == 0
        assert any(request.endswith("/pagefind/pm-search.json") for request in session.requests)
    assert not session.errors, session.errors
