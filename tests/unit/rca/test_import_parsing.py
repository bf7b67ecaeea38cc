"""The pieces of `postmortem import`: times and zones, sections, labelled lines, timeline, values."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from postmortem_kit.rca import (
    ImportReport,
    TimelineContext,
    category_of,
    map_follow_ups,
    map_lesson,
    map_summary,
    parse_sla,
    parse_spoken_duration,
    parse_stated_time,
    parse_timeline,
    person,
    read_entries,
    slug,
    split_lines,
    split_sections,
    zone_from_text,
)

D = date(2026, 3, 14)


# Times and zones ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, iso", [
    ("2026-03-14T09:12:00+01:00", "2026-03-14T09:12:00+01:00"),
    ("2026-05-20T23:51:00Z (UTC)", "2026-05-20T23:51:00Z"),
    ("2026-03-14 09:12 CET", "2026-03-14T09:12:00+01:00"),
    ("2026-03-14 09:12:30 (UTC+1)", "2026-03-14T09:12:30+01:00"),
    ("2026-07-02 16:18 CEST", "2026-07-02T16:18:00+02:00"),
    ("March 14, 2026 at 9:12 AM PST", "2026-03-14T09:12:00-08:00"),
    ("Saturday, March 14, 2026, 9:12 pm PT", "2026-03-14T21:12:00-07:00"),
    ("14 Mar 2026 09:12 Europe/Berlin", "2026-03-14T09:12:00+01:00"),
    ("2026-07-14 09:12 Europe/Berlin", "2026-07-14T09:12:00+02:00"),
    ("14:23 UTC on March 15, 2026", "2026-03-15T14:23:00Z"),
    ("2026/03/14 09:12 -0700", "2026-03-14T09:12:00-07:00"),
    ("2026-03-14 09:12 GMT-05:00", "2026-03-14T09:12:00-05:00"),
    ("09:19 CET", "2026-03-14T09:19:00+01:00"),  # the date of the start
])
def test_stated_times_become_iso_8601(text, iso):
    result = parse_stated_time(text, default_date=D)
    assert result.problem is None and result.iso == iso


@pytest.mark.parametrize("text, problem", [
    ("2026-03-14 09:12 XYZ", "'XYZ' is not a time zone"),
    ("2026-03-14 09:12 (Mars/Olympus)", "'Mars/Olympus' is not a time zone"),
    ("2026-03-14 09:12", "states no time zone"),
    ("2026-02-30 10:00 UTC", "'2026-02-30' is not a real date"),
    ("2026-03-14 25:00 UTC", "'25:00' is not a time of day"),
    ("shortly after lunch", "no time of day"),
    ("about 09:12 UTC", "no date and time at the start"),
])
def test_unusable_times_say_why(text, problem):
    assert problem in parse_stated_time(text).problem


def test_the_default_zone_fills_in_and_the_rest_is_returned():
    berlin = zone_from_text("Europe/Berlin")
    result = parse_stated_time("2026-03-14 09:19 - 7 minutes after the start", default_zone=berlin)
    assert result.iso == "2026-03-14T09:19:00+01:00" and result.zone is None
    assert result.rest == "- 7 minutes after the start"


def test_zones():
    assert zone_from_text("Europe/Berlin").name == "Europe/Berlin"
    assert zone_from_text("UTC").name == "UTC" and zone_from_text("Z").name == "UTC"
    assert zone_from_text("PST").tz.utcoffset(None) == timedelta(hours=-8)
    assert zone_from_text("IST").tz.utcoffset(None) == timedelta(hours=5, minutes=30)
    assert zone_from_text("PT").name == "America/Los_Angeles"
    assert zone_from_text("UTC+5:30").tz.utcoffset(None) == timedelta(hours=5, minutes=30)
    assert zone_from_text("(+01:00)").tz.utcoffset(None) == timedelta(hours=1)
    for bad in ("XYZ", "Mars/Olympus", "+25:00", ""):
        assert zone_from_text(bad) is None


@pytest.mark.parametrize("text, minutes", [
    ("1:35", 95), ("01:35", 95), ("1h 35m", 95), ("6h21m", 381), ("1 hour 35 minutes", 95), ("95 minutes", 95),
    ("2 days 3 hours", 51 * 60), ("about 1.5 hours", 90), ("27:05", 27 * 60 + 5),
])
def test_spoken_durations(text, minutes):
    assert parse_spoken_duration(text) == timedelta(minutes=minutes)


def test_no_duration():
    assert parse_spoken_duration("ongoing") is None


# Sections ----------------------------------------------------------------------------------------------

def test_headings_in_every_style_open_their_section():
    text = "\n".join([
        "# Title", "**INCIDENT SUMMARY**", "a", "### customer impact analysis", "b", "## 3. Root Cause Identification:",
        "c", "  **Timeline Reconstruction (all times UTC)**  ", "d", "PREVENTION MEASURES", "e",
        "__System Improvement Recommendations__", "f", "#### Learning documentation ####", "g",
        "Follow-up actions", "h", "### COMMUNICATION REQUIREMENTS:", "i"])
    split = split_sections(text)
    assert [s.key for s in split.order] == ["summary", "impact", "root_cause", "timeline", "prevention",
                                            "improvements", "learning", "follow_ups", "communication"]
    assert split.sections["timeline"].remark == "all times UTC"
    assert [line.text for line in split.preamble] == ["# Title"]
    assert all(len(s.lines) == 1 for s in split.order)


def test_a_sub_heading_continues_its_section_and_fences_hide_headings():
    text = "\n".join([
        "**ROOT CAUSE IDENTIFICATION**", "Primary Root Cause: x", "**TIMELINE RECONSTRUCTION**", "09:00 - a - b",
        "### Contributing Factors", "- Factor 1: y", "### INCIDENT DATA", '"""', "### TIMELINE", '"""'])
    split = split_sections(text)
    assert [line.text for line in split.sections["root_cause"].lines] == [
        "Primary Root Cause: x", "### Contributing Factors", "- Factor 1: y"]
    assert [line.text for line in split.sections["incident_data"].lines] == ['"""', "### TIMELINE", '"""']
    assert not split.duplicates


def test_a_prompt_wrapped_in_a_fence_is_read():
    split = split_sections("```\n### INCIDENT DATA\n\"\"\"\nx\n\"\"\"\n**INCIDENT SUMMARY**\n- Start Time: y\n```\n")
    assert set(split.sections) == {"incident_data", "summary"}


def test_line_ends():
    assert [line.text for line in split_lines("a\r\nb\rc\n")] == ["a", "b", "c", ""]


# Labelled lines ----------------------------------------------------------------------------------------

def test_labels_in_bold_with_star_bullets_and_wrapped_lines():
    lines = split_lines("*   **Start Time:**   2026-03-14 09:12 CET\n"
                        "- **Severity**: SEV 2 - first line\n  continued here\n"
                        "+ Users Affected - 1,200\n"
                        "Total Duration:1:35\n"
                        "- Resolution Time: [Timestamp]\n"
                        "Region: eu-west-1\n")
    entries = read_entries(lines, "summary")
    assert [(e.label, e.text) for e in entries] == [
        ("start", "2026-03-14 09:12 CET"), ("severity", "SEV 2 - first line continued here"),
        (None, "Users Affected - 1,200"), ("total_duration", "1:35"), (None, "Region: eu-west-1")]


def test_hard_breaks_keep_line_breaks():
    entries = read_entries(split_lines("- User Experience: one\\\n  \\\n  two\n- Business Impact: x"), "impact")
    assert entries[0].text == "one\n\ntwo" and entries[1].text == "x"


@pytest.mark.parametrize("text, level, justification", [
    ("SEV 2 - core flow failed", "SEV2", "core flow failed"),
    ("SEV2 (core flow failed)", "SEV2", "core flow failed"),
    ("Sev-3 (moderate) – slow pages", "SEV3", "moderate – slow pages"),
    ("**SEV 1**: everything down", "SEV1", "everything down"),
    ("Severity 4 - cosmetic", "SEV4", "cosmetic"),
    ("High (SEV 2) - core flow failed", "SEV2", "High - core flow failed"),
])
def test_severity(text, level, justification):
    report = ImportReport("x.md")
    summary, _ = map_summary(read_entries(split_lines(f"- Severity: {text}"), "summary"), report,
                             default_zone=None, remark_zone=None)
    assert summary == {"severity": level, "severity_justification": justification}


def test_severity_without_a_level_is_reported_and_kept():
    report = ImportReport("x.md")
    summary, _ = map_summary(read_entries(split_lines("- Severity: Critical"), "summary"), report,
                             default_zone=None, remark_zone=None)
    assert summary == {"severity_justification": "Critical"}
    assert "names no level SEV1-SEV4" in report.findings[0].message


def test_resolution_without_a_date_after_midnight_is_the_next_day():
    report = ImportReport("x.md")
    summary, _ = map_summary(read_entries(split_lines(
        "- Start Time: 2026-03-14 23:40 UTC\n- Resolution Time: 01:10 UTC\n- Total Duration: 1:30"), "summary"),
        report, default_zone=None, remark_zone=None)
    assert summary["resolution"] == "2026-03-15T01:10:00Z" and summary["total_duration"] == "1:30"
    assert "read as the next day" in report.findings[0].message


@pytest.mark.parametrize("text, category, rest", [
    ("Configuration error - two files", "configuration-error", "two files"),
    ("**Capacity issue**: disk full", "capacity-issue", "disk full"),
    ("Code bug. The parser looped", "code-bug", "The parser looped"),
    ("Dependency failure (provider DNS)", "dependency-failure", "provider DNS"),
    ("The provider had a dependency failure in DNS", "dependency-failure",
     "The provider had a dependency failure in DNS"),
    ("Nobody knows", None, "Nobody knows"),
])
def test_root_cause_category(text, category, rest):
    assert category_of(text) == (category, rest)


@pytest.mark.parametrize("text, sla", [
    ("99.95% uptime; p50 120 ms, p99 800 ms", {"uptime_percent": 99.95, "latency_ms": {"p50": 120, "p99": 800}}),
    ("99.9% uptime, <200ms p95", {"uptime_percent": 99.9, "latency_ms": {"p95": 200}}),
    ("p99 latency under 2 s", {"latency_ms": {"p99": 2000}}),
    ("99%", {"uptime_percent": 99}),
    ("best effort", None),
])
def test_sla_targets(text, sla):
    assert parse_sla(text) == sla


def test_people_and_slugs():
    assert person("SRE Team") == "team-sre" and person("Team Payments") == "team-payments"
    assert person("**@devon-lee**") == "@devon-lee" and person("acme/sre") == "acme/sre"
    assert person("Jane Doe (on-call)") == "Jane Doe (on-call)"  # kept; the check points at it
    assert slug("Checkout API") == "checkout-api" and slug("!!!") is None


def test_lesson_paragraph_needs_three_sentences():
    report = ImportReport("x.md")
    entries = read_entries(split_lines('Incident Lesson: "One thing. Another thing."'), "learning")
    assert map_lesson(entries, report) is None
    assert report.unplaced[0].reason.endswith("found 2")


def test_follow_ups_start_a_new_item_at_each_action_or_repeated_label():
    entries = read_entries(split_lines(
        "1. Fix the probe\n   - Owner: SRE team\n   - Due Date: 2026-04-01\n"
        "- Action: Add alert\n- Owner: @x\n- Due Date: next sprint\n- Tracking: [Ticket number to create]\n"
        "- Owner: @y\n"), "follow_ups")
    report = ImportReport("x.md")
    items = map_follow_ups(entries, report)
    assert items == [{"action": "Fix the probe", "owner": "team-sre", "due": "2026-04-01"},
                     {"action": "Add alert", "owner": "@x", "due": "next sprint", "tracking": "new"},
                     {"owner": "@y"}]  # the prompt's "[Ticket number to create]" means no ticket yet: new
    assert "follow-up 2: Due Date 'next sprint' is not a date" in report.findings[0].message


# Timeline ----------------------------------------------------------------------------------------------

def _timeline(text: str, *, start="2026-03-14T09:00:00+01:00", resolution="2026-03-14T12:00:00+01:00",
              zone=timezone(timedelta(hours=1))):
    report = ImportReport("x.md")
    context = TimelineContext(zone=zone, start=datetime.fromisoformat(start), resolution=datetime.fromisoformat(resolution))
    return parse_timeline(split_lines(text), report, context), report


def test_timeline_line_styles():
    entries, report = _timeline(
        "09:02 - Deployed - Traffic rising - Canary passed\n"
        "- **09:12** – First errors – Error rate 4%\n"
        "* 09:19: Alert fired | Error rate 21% | On-call acknowledged (responder: @devon-lee)\n"
        "[09:30] Rollback started - Error rate 30% - N/A\n"
        "9:45 AM - Recovered - Normal\n"
        "10:05:30 - Late entry - Normal\n")
    assert entries == [
        {"time": "09:02", "event": "Deployed", "system_state": "Traffic rising", "action": "Canary passed"},
        {"time": "09:12", "event": "First errors", "system_state": "Error rate 4%"},
        {"time": "09:19", "event": "Alert fired", "system_state": "Error rate 21%", "action": "On-call acknowledged",
         "responder": "@devon-lee"},
        {"time": "09:30", "event": "Rollback started", "system_state": "Error rate 30%"},
        {"time": "09:45", "event": "Recovered", "system_state": "Normal"},
        {"time": "10:05", "event": "Late entry", "system_state": "Normal"}]
    assert "seconds dropped on line(s) 6" in report.findings[0].message


def test_timeline_labelled_lines_and_other_zones():
    entries, _ = _timeline(
        "- 09:02 UTC\n  - Event: Deployed with a - in the name\n  - System State: Rising\n  - Action: Watched\n"
        "  - Responder: Platform Team\n"
        "- 2026-03-14 11:30 - Resolved - Normal\n")
    assert entries[0] == {"time": "10:02", "event": "Deployed with a - in the name", "system_state": "Rising",
                          "action": "Watched", "responder": "team-platform"}
    assert "date" not in entries[1]  # the same day as the start: no date needed


def test_timeline_crossing_midnight_gets_a_date():
    entries, report = _timeline("22:40 - Job started - Disks 70%\n23:51 - Disk full - Offline\n"
                                "03:58 - Paged - Lag\n", start="2026-05-20T23:51:00+01:00",
                                resolution="2026-05-21T06:12:00+01:00")
    assert [e.get("date") for e in entries] == [None, None, "2026-05-21"]
    entries, report = _timeline("23:51 - Disk full - Offline\n**2026-05-21**\n03:58 - Paged - Lag\n",
                                start="2026-05-20T23:51:00+01:00", resolution="2026-05-21T06:12:00+01:00")
    assert entries[1]["date"] == "2026-05-21" and not report.findings


def test_timeline_table():
    entries, _ = _timeline("| Time | Event | System State | Team Action | Responder |\n|---|---|---|---|---|\n"
                           "| 09:12 | Errors | 4% | None | - |\n| 09:19 | Alert | 21% | Ack | @devon-lee |\n"
                           "| later | Nothing | - | - | - |\n")
    assert entries == [{"time": "09:12", "event": "Errors", "system_state": "4%"},
                       {"time": "09:19", "event": "Alert", "system_state": "21%", "action": "Ack",
                        "responder": "@devon-lee"}]


def test_timeline_lines_without_a_time_are_unplaced():
    entries, report = _timeline("09:00 - a - b\nMeanwhile the queue grew.\n(All times CET)\n2026-02-30 10:00 - c - d\n")
    assert len(entries) == 1
    assert [(u.line, u.reason) for u in report.unplaced] == [
        (2, "a timeline line without a time (HH:MM)"), (4, "2026-02-30 is not a real date")]


def test_timeline_zone_that_is_not_one():
    entries, report = _timeline("09:12 XYZ - First errors - 4%\n09:14 UTC - Alert - 9%\n09:15 API gateway down - 5%\n")
    assert entries == [{"time": "10:14", "event": "Alert", "system_state": "9%"},
                       {"time": "09:15", "event": "API gateway down", "system_state": "5%"}]
    assert report.unplaced[0].line == 1 and "'XYZ' stands where a time zone would and is not one" in \
        report.unplaced[0].reason
