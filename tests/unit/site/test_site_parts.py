"""Lessons site, part by part: escaping, sanitising, links, charts, similarity, options, status file."""

from __future__ import annotations

import json
import random
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from postmortem_kit.site import (
    Links,
    PostmortemsPlugin,
    build_incident,
    issue_url,
    load_incidents,
    load_status,
    make_page,
    similar_incidents,
    site_options,
    web_url,
)
from postmortem_kit.site import charts as site_charts
from postmortem_kit.textsafety import html_sanitize as site_sanitize
from postmortem_kit.textsafety import paragraphs, safe_href, safe_title, slug, text, verbatim
from support.incident_factory import SCENARIOS, incident_yaml, make_incident
from support.site_fixtures import PAYLOADS, status_document
from support.status_files import status_row, write_status_file

# ---------------------------------------------------------------- escaping


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_leaves_no_markup(payload):
    escaped = text(payload)
    assert "<" not in escaped and ">" not in escaped and '"' not in escaped and "'" not in escaped
    assert "{" not in escaped and "}" not in escaped
    assert "\x02" not in escaped and "\x03" not in escaped


def test_text_collapses_whitespace_and_paragraphs_split_on_blank_lines():
    assert text("  a\n  b\t c ") == "a b c"
    assert paragraphs("one\nline\n\ntwo") == "<p>one line</p><p>two</p>"
    assert paragraphs(None) == "" and text(["a list"]) == "" and text(True) == ""
    assert text(42) == "42"


def test_verbatim_keeps_lines_but_escapes():
    assert verbatim("<b>x</b>\n  indented\n") == "&lt;b&gt;x&lt;/b&gt;\n  indented"


def test_safe_title_is_inert_in_nav_header_and_title_element():
    title = safe_title("</title><script>alert(1)</script> & \"quotes\" 'single' {{ x }}")
    for character in "<>&\"'{}":
        assert character not in title
    assert "script" in title  # the text stays readable
    assert len(safe_title("x" * 500)) <= 140


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<script>",
                                 "vbscript:x", "//evil.example/x", "https://evil.example/\"><script>",
                                 "https://", "ftp://host/x", " java\tscript:alert(1)"])
def test_safe_href_refuses_anything_but_plain_http_urls(url):
    assert safe_href(url) is None


def test_safe_href_keeps_and_escapes_http_urls():
    assert safe_href("https://github.com/o/r/issues/1") == "https://github.com/o/r/issues/1"
    assert safe_href("https://x.example/a?b=1&c=2") == "https://x.example/a?b=1&amp;c=2"


def test_issue_links_from_tracking_references():
    repo = "https://github.com/acme/shop"
    assert issue_url("#12", repo) == "https://github.com/acme/shop/issues/12"
    assert issue_url("other/lib#7", repo) == "https://github.com/other/lib/issues/7"
    assert issue_url("OPS-123", repo) is None
    assert issue_url("new", repo) is None
    assert issue_url("#12", None) is None
    assert issue_url("javascript:alert(1)", repo) is None
    assert issue_url("#12\"><script>", repo) is None


def test_slugs_for_tag_and_service_pages():
    assert slug("Config Change") == "config-change"
    assert slug("<script>alert(1)</script>") == "script-alert-1-script"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug(None) == ""


# ---------------------------------------------------------------- sanitising


def test_sanitiser_removes_active_content_and_keeps_the_layout():
    dirty = ('<h2 id="x">T</h2><table><thead><tr><th scope="col">a</th></tr></thead><tbody><tr><td>1</td></tr>'
             '</tbody></table><a href="javascript:alert(1)" onclick="x()">j</a><img src="https://e.example/i.png">'
             '<script>alert(1)</script><style>p{}</style><iframe src="https://e.example"></iframe>'
             '<svg viewBox="0 0 9 9" role="img" onload="x()"><rect x="1" y="1" width="2" height="3" fill="#fff">'
             '</rect></svg><div style="background:url(https://e.example)" data-search-exclude="">k</div>'
             '<a href="../incidents/INC-2026-0001/" class="pm-chip">ok</a>')
    clean = site_sanitize.clean_content(dirty)
    for bad in ("<script", "<style", "<iframe", "<img", "onclick", "onload", "javascript:", "style="):
        assert bad not in clean
    for good in ('<h2 id="x">', '<th scope="col">', '<svg viewBox="0 0 9 9" role="img">', 'data-search-exclude',
                 '<a href="../incidents/INC-2026-0001/" class="pm-chip">ok</a>', '<rect x="1" y="1"'):
        assert good in clean


def test_document_sanitiser_cleans_the_article_and_leaves_the_theme_alone():
    body = '<p>body</p>'
    document = ('<html><head><script src="assets/bundle.js"></script></head><body><nav>nav</nav>'
                f'<article class="md-content__inner md-typeset"><h1>t<script>x()</script></h1>{body}</article>'
                '<script>theme()</script></body></html>')
    cleaned = site_sanitize.clean_document(document, body)
    assert '<script src="assets/bundle.js"></script>' in cleaned and "<script>theme()</script>" in cleaned
    assert "x()" not in cleaned and "<h1>t</h1><p>body</p>" in cleaned
    assert site_sanitize.clean_document("<html>no article</html>") == "<html>no article</html>"


def test_pages_keep_html_out_of_markdown():
    page = make_page("x.md", "X", ["# Heading", "", "<div><p>a *b*</p></div>", "## Next", "<p>c</p>"])
    assert "*b*" not in page.markdown and "<!--pm-fragment:0-->" in page.markdown
    assert page.expanded_markdown().count("<p>") == 2
    assert page.render_fragments("<h1>Heading</h1>\n<!--pm-fragment:1-->") == "<h1>Heading</h1>\n<p>c</p>"


# ---------------------------------------------------------------- links and charts


def test_relative_links_between_pages():
    links = Links(True)
    assert links.href("incidents/INC-2026-0001.md", "tags/db.md") == "../../tags/db/"
    assert links.href("index.md", "lessons.md") == "lessons/"
    assert links.href("index.md", "index.md") == "./"
    assert links.href("lessons.md", "index.md") == "../"
    flat = Links(False)
    assert flat.href("incidents/INC-2026-0001.md", "lessons.md") == "../lessons.html"


def _svg(markup: str) -> ET.Element:
    return ET.fromstring(markup.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def test_charts_are_well_formed_svg_with_one_bar_per_value():
    series = [site_charts.Series("SEV1", "#c00", [1, 0, 2]), site_charts.Series("SEV2", "#f80", [0, 3, 1])]
    root = _svg(site_charts.stacked_bars("Per month", ["2026-01", "2026-02", "2026-03"], series))
    ns = "{http://www.w3.org/2000/svg}"
    bars = [r for r in root.iter(f"{ns}rect") if r.find(f"{ns}title") is not None]
    assert len(bars) == 4  # zero values draw nothing
    assert root.find(f"{ns}title").text == "Per month"
    line = _svg(site_charts.line_chart("Trend", ["a", "b", "c"], [site_charts.Series("ttd", "#00f", [5, None, 9])],
                                       "minutes"))
    assert len(list(line.iter(f"{ns}circle"))) == 2
    bars = _svg(site_charts.horizontal_bars("Causes", ["x <y>"], [site_charts.Series("n", "#000", [3])]))
    assert any(t.text == "x <y>" for t in bars.iter(f"{ns}text"))


def test_chart_axis_steps():
    assert site_charts.axis(0, True) == (1.0, 1)
    assert site_charts.axis(3, True) == (3.0, 3)
    assert site_charts.axis(7, True) == (8.0, 4)
    maximum, ticks = site_charts.axis(130, False)
    assert maximum >= 130 and ticks <= 5


# ---------------------------------------------------------------- similarity


def _incident(data):
    return build_incident(data["id"], Path(f"{data['id']}.yaml"), data, data["status"])


def test_similar_incidents_prefer_the_same_failure_and_only_look_back():
    rng = random.Random(3)
    incidents = [_incident(make_incident(i, rng=random.Random(rng.random()))) for i in range(1, 61)]
    incidents.sort(key=lambda i: i.sort_key, reverse=True)
    similar = similar_incidents(incidents, 3)
    scenario_of = {}
    for incident in incidents:
        for scenario in SCENARIOS:
            if incident.category == scenario["category"] and set(scenario["tags"][:2]) <= set(incident.tags):
                scenario_of[incident.id] = scenario["key"]
    checked = 0
    for incident in incidents:
        for other, score in similar[incident.id]:
            assert other.sort_key < incident.sort_key  # "past" incidents only
            assert 0 < score <= 1
        best = similar[incident.id][:1]
        if best and incident.id in scenario_of and best[0][0].id in scenario_of:
            checked += 1
            assert scenario_of[best[0][0].id] == scenario_of[incident.id]
    assert checked >= 20
    oldest = incidents[-1]
    assert similar[oldest.id] == []


# ---------------------------------------------------------------- options, model, status


def _plugin_config(options: dict):
    plugin = PostmortemsPlugin()
    errors, warnings = plugin.load_config(options)
    return plugin.config, [f"{key}: {error}" for key, error in [*errors, *warnings]]


def test_options_defaults_and_errors(tmp_path):
    config, problems = _plugin_config({})
    assert problems == []
    options = site_options(config, tmp_path)
    assert options.incidents_dir == (tmp_path / "postmortems").resolve()
    assert options.publish_drafts is False and options.edit_path == "postmortems" and options.prefix == ""
    assert options.followups_status == (tmp_path / "build" / "followups-status.json").resolve()
    for bad, message in (({"publish_draft": True}, "publish_draft: Unrecognised configuration name"),
                         ({"publish_drafts": "yes"}, "publish_drafts: Expected type: <class 'bool'>"),
                         ({"latest": 0}, "latest: Expected a whole number from 1 to 200, got 0"),
                         ({"similar": True}, "similar: Expected a whole number"),
                         ({"prefix": "a/../b"}, "prefix: Expected a folder"),
                         ({"dir": ""}, "dir: Expected a path")):
        assert any(problem.startswith(message) for problem in _plugin_config(bad)[1]), (bad, _plugin_config(bad)[1])
    config, problems = _plugin_config({"prefix": "/lessons/", "followups_status": None})
    assert problems == [] and config["prefix"] == "lessons/" and site_options(config, tmp_path).followups_status is None


@pytest.mark.parametrize("remote, url", [
    ("git@github.com:team/postmortems.git", "https://github.com/team/postmortems"),
    ("https://x-access-token:secret@github.com/team/postmortems.git", "https://github.com/team/postmortems"),
    ("ssh://git@gitlab.example.com/group/sub/repo.git", "https://gitlab.example.com/group/sub/repo"),
    ("https://github.com/team/postmortems", "https://github.com/team/postmortems"),
    ("/srv/git/postmortems.git", None),
    ("file:///srv/git/postmortems.git", None),
    ("https://github.com/team/<script>", None),
])
def test_web_url_from_a_git_remote(remote, url):
    assert web_url(remote) == url


def test_unusable_files_are_problems_with_a_position(tmp_path):
    good = make_incident(1)
    (tmp_path / f"{good['id']}.yaml").write_text(incident_yaml(good), encoding="utf-8")
    (tmp_path / "INC-2026-0100.yaml").write_text("id: INC-2026-0100\ntitle: [unclosed\n", encoding="utf-8")
    (tmp_path / "INC-2026-0101.yaml").write_text("id: INC-2026-0999\ntitle: x\nstatus: published\n")
    (tmp_path / "INC-2026-0102.yaml").write_text("- a list\n")
    (tmp_path / "INC-2026-0103.yaml").write_bytes(b"\x00\x01\x02binary\xff")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / f"{good['id']}.yaml").write_text(incident_yaml(good), encoding="utf-8")
    incidents, problems, drafts = load_incidents(tmp_path)
    assert [i.id for i in incidents] == [good["id"]]
    messages = "\n".join(str(p) for p in problems)
    assert len(problems) == 5, messages
    assert "INC-2026-0100.yaml:3:1: invalid YAML" in messages
    assert "does not match the file name" in messages
    assert "not a mapping" in messages
    assert "is also used by" in messages
    assert all(line.endswith("(not published)") for line in messages.splitlines())


def test_drafts_are_left_out_unless_asked(tmp_path):
    draft = make_incident(5, status="draft")
    (tmp_path / f"{draft['id']}.yaml").write_text(incident_yaml(draft), encoding="utf-8")
    incidents, _, skipped = load_incidents(tmp_path)
    assert incidents == [] and skipped == 1
    incidents, _, skipped = load_incidents(tmp_path, publish_drafts=True)
    assert [i.status for i in incidents] == ["draft"] and skipped == 0
    assert incidents[0].start is not None  # a draft's first pasted event stands in for the start


def test_status_file_in_the_followups_format(tmp_path):
    path = tmp_path / "status.json"
    path.write_text(json.dumps(status_document([("INC-2026-0001", 0, "done", 0), ("INC-2026-0001", 1, "overdue", 4),
                                                ("INC-2026-0001", 2, "open", 0)])), encoding="utf-8")
    table, problem = load_status(path)
    assert problem is None and table.available
    assert table.lookup("INC-2026-0001", 0, "x").status == "done"
    overdue = table.lookup("INC-2026-0001", 1, None)
    assert overdue.overdue and overdue.overdue_days == 4 and overdue.issue == "#501"
    assert table.lookup("INC-2026-0001", 4, None) is None


def test_status_found_by_action_text_before_position(tmp_path):
    """The status file may be older than an edit that reordered the follow-ups: the action text wins."""
    rows = [status_row("INC-1", 0, "done", number=7, action="Fix  the Thing"),
            status_row("INC-1", 1, "overdue", 3, number=8, action="Add an alert"),
            status_row("INC-1", 2, "external", action="Ask the vendor")]
    table, problem = load_status(write_status_file(tmp_path / "status.json", rows))
    assert problem is None
    moved = table.lookup("INC-1", 3, "fix the thing")
    assert (moved.status, moved.state, moved.issue, moved.url) == (
        "done", "closed", "#7", "https://github.com/postmortem-kit/postmortem-kit/issues/7")
    assert table.lookup("INC-1", 1, "an action the file does not know").overdue_days == 3
    external = table.lookup("INC-1", 2, None)
    assert (external.status, external.state, external.issue, external.url) == ("external", "unknown", None, None)


def test_guessed_status_shapes_are_refused(tmp_path):
    path = tmp_path / "status.json"
    path.write_text(json.dumps([{"incident_id": "INC-1", "number": 1, "state": "closed"}]), encoding="utf-8")
    table, problem = load_status(path)
    assert not table.available
    assert problem == (f"{path}: not a follow-up status file (the top level is a list, not an object with "
                       "\"format\": \"postmortem-kit/followups-status@1\"); follow-up status not shown")


@pytest.mark.parametrize("content", ["{not json", "\"a string\"", "{\"follow_ups\": 3}", b"\xff\xfe\x00",
                                     "{\"format\": \"postmortem-kit/followups-status@1\", \"items\": []}"])
def test_unusable_status_file_is_one_problem_line(tmp_path, content):
    path = tmp_path / "status.json"
    (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
    table, problem = load_status(path)
    assert not table.available
    assert problem.startswith(str(path)) and "status not shown" in problem and "\n" not in problem


def test_missing_status_file_is_not_a_problem(tmp_path):
    table, problem = load_status(tmp_path / "absent.json")
    assert not table.available and problem is None


# ---------------------------------------------------------------- the incident factory


def test_generated_incidents_pass_postmortem_check(tmp_path, run_cli):
    from support.incident_factory import write_incidents

    write_incidents(tmp_path, 80, seed=21, status="mixed")
    code, out, err = run_cli("check", str(tmp_path))
    assert code == 0, out + err
    assert "80 files checked: 0 errors, 0 warnings" in err
