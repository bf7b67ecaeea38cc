"""Times, list items, ticket hints and human factors as people write them (issue 16), and the time
bound of every pattern that reads them."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from postmortem_kit.incident import dump_incident
from postmortem_kit.rca import (
    ImportReport,
    TimelineContext,
    derive_human_factor,
    import_markdown,
    import_provenance,
    map_follow_ups,
    merge_import,
    parse_stated_time,
    parse_timeline,
    read_entries,
    relative_in,
    split_lines,
    states_no_human_factor,
    zone_from_text,
)

UTC = zone_from_text("UTC")


@pytest.mark.parametrize("text, iso, rest", [
    ("2026-04-02 09:12 UTC - 8 minutes after the start", "2026-04-02T09:12:00Z", "- 8 minutes after the start"),
    ("2026-04-02 09:12 UTC -8 min later", "2026-04-02T09:12:00Z", "-8 min later"),
    ("2026-04-02 09:12 UTC (+8 min)", "2026-04-02T09:12:00Z", "(+8 min)"),
    ("2026-04-02 09:12 UTC-8", "2026-04-02T09:12:00-08:00", ""),  # an offset written as one is still one
    ("2026-04-02 09:12 UTC -08:00", "2026-04-02T09:12:00-08:00", ""),
    ("2026-04-02 09:12 - 8 minutes after the start", "2026-04-02T09:12:00Z", "- 8 minutes after the start"),
])
def test_a_relative_annotation_is_not_an_offset(text, iso, rest):
    stated = parse_stated_time(text, default_zone=UTC)
    assert (stated.iso, stated.rest, stated.problem) == (iso, rest, None)


@pytest.mark.parametrize("text, minutes", [
    ("- 8 minutes after the start", 8), ("(+8 min)", 8), ("8 minutes later", 8), ("T+8m", 8), ("+ 8 mins", 8),
    ("- 1 hour 48 minutes after the start", 108), ("2 hours, 5 minutes later", 125), ("(+2h)", 120),
    ("3 hours and 2 minutes after the first errors", 182),
])
def test_relative_annotations(text, minutes):
    assert relative_in(text)[0] == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["detected by the on-call", "SEV 2", "8 minutes", "within 8 minutes"])
def test_text_without_a_relative_annotation(text):
    assert relative_in(text) is None


@pytest.mark.parametrize("text, iso", [
    ("April 2nd, 2026 at 9:04 AM EDT", "2026-04-02T09:04:00-04:00"),
    ("Thursday, 2 April 2026 9:25 p.m. EDT", "2026-04-02T21:25:00-04:00"),
    ("9:20 AM EDT on April 2nd, 2026", "2026-04-02T09:20:00-04:00"),
    ("14 March 2026, 10:05 Europe/Berlin", "2026-03-14T10:05:00+01:00"),
    ("Mar 14 2026 12:05 AM PT", "2026-03-14T00:05:00-07:00"),
    ("2026-07-01 23:10 CEST", "2026-07-01T23:10:00+02:00"),
    ("2026-07-01 23:10 (UTC+2)", "2026-07-01T23:10:00+02:00"),
    ("April 2, 2026 9:12 AM Pacific Time", "2026-04-02T09:12:00-07:00"),
    ("2026-01-14 10:05 Central European Time", "2026-01-14T10:05:00+01:00"),
    ("2026-07-14 10:05 central european time", "2026-07-14T10:05:00+02:00"),
    ("2026-07-14 10:05 (Eastern Standard Time)", "2026-07-14T10:05:00-05:00"),
])
def test_zone_names_abbreviations_twelve_hour_clocks_and_dates_in_words(text, iso):
    assert parse_stated_time(text).iso == iso


DOC = '### INCIDENT DATA\n"""\nEvents:\n{line}\n"""\n'


@pytest.mark.parametrize("line", [
    "- 2026-04-02 09:00 UTC - Index rebuild started",
    "- 2026-04-02 09:00 UTC -- Index rebuild started",
    "2026-04-02 09:00 UTC — Index rebuild started",
    "2026-04-02 09:00 UTC – Index rebuild started",
    "* 2026-04-02 09:00 UTC: Index rebuild started",
    "+ 2026-04-02 09:00 UTC | Index rebuild started",
    "1. 2026-04-02 09:00 UTC => Index rebuild started",
    "2) 2026-04-02 09:00 UTC -> Index rebuild started",
    "\u2022 2026-04-02 09:00 UTC \u2192 Index rebuild started",
    "- **2026-04-02 09:00 UTC** - Index rebuild started",
    "- [2026-04-02 09:00 UTC] Index rebuild started",
    "- 2026-04-02 09:00 UTC Index rebuild started",
    "- April 2, 2026 9:00 AM UTC - Index rebuild started",
])
def test_input_items_lose_bullets_and_separators(line):
    outcome = import_markdown(DOC.format(line=line), "x.md")
    events = outcome.data["inputs"]["incident_data"]["events"]
    assert events == [{"time": "2026-04-02T09:00:00Z", "event": "Index rebuild started"}]


@pytest.mark.parametrize("line", [
    "- 09:00 UTC - Index rebuild started - Index fresh",
    "09:00 — Index rebuild started — Index fresh",
    "* 09:00: Index rebuild started - Index fresh",
    "09:00 | Index rebuild started | Index fresh",
    "| 09:00 | Index rebuild started | Index fresh |",
    "**09:00** - Index rebuild started - Index fresh",
    "1. 9:00 AM - Index rebuild started - Index fresh",
    "- 09:00 UTC - Index rebuild started (+0 min) - Index fresh",
    "- 11:00 Central European Summer Time - Index rebuild started - Index fresh",
])
def test_timeline_lines_lose_bullets_and_separators(line):
    lines = split_lines(("| Time | Event | System State |\n| --- | --- | --- |\n" if line.startswith("|") else "") + line)
    context = TimelineContext(zone=UTC.tz, start=parse_stated_time("2026-04-02 09:00 UTC").instant, resolution=None)
    report = ImportReport("x.md")
    assert parse_timeline(lines, report, context) == [
        {"time": "09:00", "event": "Index rebuild started", "system_state": "Index fresh"}]
    assert not report.unplaced and not report.findings


def test_ticket_hints_become_new_and_are_kept():
    entries = read_entries(split_lines(
        "- Action: a\n- Tracking: [Ticket number to create]\n- Action: b\n- Tracking: SHAKE-471 (to create)\n"
        "- Action: c\n- Tracking: OPS-9 (planned)\n- Action: d\n- Tracking: OPS-10\n- Action: e\n- Tracking: TBD\n"),
        "follow_ups")
    report = ImportReport("x.md")
    items = map_follow_ups(entries, report)
    assert [item["tracking"] for item in items] == ["new", "new", "new", "OPS-10", "new"]
    assert report.hints == [{"field": "follow_ups[1].tracking", "text": "SHAKE-471 (to create)"},
                            {"field": "follow_ups[2].tracking", "text": "OPS-9 (planned)"}]
    assert [field for field, _ in report.inferred] == [f"follow_ups[{n}].tracking" for n in (0, 1, 2, 4)]


@pytest.mark.parametrize("text, gap_type", [
    ("A responder restarted the primary by hand. The runbook did not say to promote the replica first.",
     "unclear-documentation"),
    ("The deploy ran from a stale branch. System gap: the deploy tool did not check the branch.", "inadequate-tooling"),
    ("The cleanup ran against production because the script had no confirmation step.", "inadequate-tooling"),
    ("A config value was copied from staging; nothing stopped a value below the safe bound.", "missing-safeguard"),
])
def test_human_factors_from_prose(text, gap_type):
    item, how = derive_human_factor(text)
    assert item is not None and item["gap_type"] == gap_type and item["factor"] and item["system_gap"]


def test_prose_without_a_gap_is_not_guessed():
    assert derive_human_factor("The rebuild ran at night.")[0] is None
    assert states_no_human_factor("No human action was involved in the cause.") and not states_no_human_factor("A human restarted it.")


def test_merge_keeps_unchanged_bytes_and_reports_conflicts():
    first = {"id": "INC-2026-0001", "title": "T", "status": "draft", "tags": ["a"]}
    first["x-import"] = import_provenance("a.md", "one", first, [])
    text = dump_incident(first).replace("tags: [a]", "tags: [a, b]")  # edited by hand
    second = {"id": "INC-2026-0001", "title": "T2", "status": "draft", "tags": ["c"]}
    second["x-import"] = import_provenance("a.md", "two", second, [])
    result = merge_import(text, second, dump_incident, force=False)
    assert result.changed == ["title"] and result.conflicts == ["tags"]
    assert "tags: [a, b]" in result.text and "title: T2" in result.text
    assert merge_import(result.text, second, dump_incident, force=False).text is None  # nothing left to change
    assert "tags: [c]" in merge_import(text, second, dump_incident, force=True).text  # --force takes the document's


SIZE = 20_000
CONTEXT = TimelineContext(zone=UTC.tz, start=parse_stated_time("2026-04-02 09:00 UTC").instant, resolution=None)


def _events(text: str):
    return import_markdown(DOC.format(line=f"- 2026-04-02 09:00 UTC {text}"), "x.md")


def _tracking(text: str):
    return map_follow_ups(read_entries(split_lines(f"- Action: a\n- Tracking: {text}\n"), "follow_ups"),
                          ImportReport("x.md"))


# Each reader, and the long inputs that would make a pattern with nested or adjacent optional
# quantifiers backtrack (repeated separators, signs, brackets, half-finished annotations).
READERS = [
    (relative_in, ["+ 1", "1 m ", "(T +", "1 m and ", "1 1 1 "]),
    (lambda text: parse_stated_time(f"2026-04-02 09:12 {text}"), ["UTC+1", "(a/b/", "- 8 ", "UTC -", "Pacific ",
                                                                  "( ( "]),
    (derive_human_factor, [" gap ", "; ", "no human ", ". a"]),
    (_tracking, ["A-1 (", "[", "A-1 ( to "]),
    (_events, ["]*_ ", "- ", "[[[", " -> "]),
    (lambda text: parse_timeline(split_lines(f"09:00 - {text}"), ImportReport("x.md"), CONTEXT),
     ["(+", "T +1 ", " - ", "(+ 1 m"]),
]


@pytest.mark.parametrize("reader, bad_parts", READERS)
def test_readers_are_linear_on_long_adversarial_input(reader, bad_parts):
    """Relative bound: a super-linear pattern would take thousands of times longer than ordinary text."""
    def elapsed(text: str) -> float:
        started = time.perf_counter()
        reader(text)
        return time.perf_counter() - started

    ordinary = ("the index rebuild held a lock while the copy ran slowly " * (SIZE // 56 + 1))[:SIZE]
    baseline = max(elapsed(ordinary), 1e-3)
    for part in bad_parts:
        assert elapsed((part * (SIZE // len(part) + 1))[:SIZE]) < 50 * baseline, repr(part)
