"""Checks JSON Schema cannot express, each a named rule.

times/invalid       a timestamp that is not a real instant (2026-02-30T...)
times/zone          unknown time zone, or summary offsets that disagree with it
times/order         detection before start, or resolution before detection
times/duration      total_duration differs from resolution - start
timeline/order      timeline entries out of chronological order
followups/due-date a follow-up due on or before the incident's start date
id/file-name        the id differs from the file name
template/placeholder leftover template text in an in-review or published file
import/unplaced     text `postmortem import` could not place, still waiting under x-unplaced
"""

from __future__ import annotations

from pathlib import Path

from postmortem_kit.core import Finding, SourceDocument, declare, dotted_path
from postmortem_kit.incident import (
    find_placeholder,
    format_duration,
    incident_zone,
    parse_date,
    parse_duration,
    parse_timestamp,
    summary_times,
    timeline_instants,
    typed_strings,
    zone_named,
)

TYPE_CHECKING = False  # typing stays off the cold check path (annotations are never evaluated)
if TYPE_CHECKING:
    from typing import Any, Callable, Iterable

    Rule = Callable[[SourceDocument, Any, str], Iterable[Finding]]  # the data, or the typed strings (STRING_RULES)

TIMES_INVALID = declare("times/invalid", "error", "A summary time is not a real date and time",
                        doc="Times are ISO 8601 with an offset, e.g. `2026-03-14T09:12:00+01:00`.")
TIMES_ORDER = declare("times/order", "error", "Summary times are in order: start, detection, resolution",
                      doc="`summary.detection` is not before `summary.start`, and `summary.resolution` is not "
                          "before either.")
TIMES_ZONE = declare("times/zone", "error", "Summary times agree with the incident's time zone",
                     doc="Every summary time carries an offset that matches `summary.timezone` at that date.")
TIMES_DURATION = declare("times/duration", "error", "The stated total duration equals resolution minus start")
TIMELINE_ORDER = declare("timeline/order", "error", "Timeline entries are in time order and within the incident")
FOLLOWUPS_DUE = declare("followups/due-date", "error", "A follow-up's due date is after the incident")
ID_FILE_NAME = declare("id/file-name", "error", "The id matches the file name (INC-YYYY-NNNN.yaml)")
PLACEHOLDER = declare("template/placeholder", "error", "No template text is left in a reviewed incident",
                      doc="Placeholders such as `TODO`, `[Name or team]` or `<service-name>` from the template "
                          "must be replaced before `in-review` or `published` (drafts may keep them).")
UNPLACED = declare("import/unplaced", "warning", "Imported text waits under x-unplaced",
                   doc="`postmortem import` keeps text it could not place in a section under `x-unplaced`; "
                       "move each piece into its section, then delete the key.")

UNPLACED_KEY = "x-unplaced"  # where `postmortem import` keeps what it could not place


def _finding(doc: SourceDocument, path: tuple, rule: str, message: str, severity: str = "error",
             **extra) -> Finding:
    line, column = doc.position(path)
    return Finding(doc.path, line, column, rule, severity, message, field=dotted_path(path) or None, **extra)


def invalid_timestamps(doc, strings, status):
    for path, text, shape in strings:
        if shape.kind == "timestamp" and _looks_like_timestamp(text) and parse_timestamp(text) is None:
            yield _finding(doc, path, TIMES_INVALID, f"{text!r} is not a real date and time")


def _looks_like_timestamp(text: str) -> bool:
    # Only values of the right shape: wrong shapes are the schema's pattern errors.
    return len(text) >= 16 and text[4] == "-" and text[10] == "T"


def summary_order(doc, data, status):
    start, detection, resolution = summary_times(data.get("summary"))
    if start and detection and detection < start:
        yield _finding(doc, ("summary", "detection"), TIMES_ORDER,
                       f"detection ({detection.isoformat()}) is before the start ({start.isoformat()})")
    if detection and resolution and resolution < detection:
        yield _finding(doc, ("summary", "resolution"), TIMES_ORDER,
                       f"resolution ({resolution.isoformat()}) is before detection ({detection.isoformat()})")
    elif start and resolution and resolution < start:
        yield _finding(doc, ("summary", "resolution"), TIMES_ORDER,
                       f"resolution ({resolution.isoformat()}) is before the start ({start.isoformat()})")


def zone_matches_offsets(doc, data, status):
    summary = data.get("summary")
    if not isinstance(summary, dict) or not isinstance(summary.get("timezone"), str):
        return
    name = summary["timezone"]
    zone = zone_named(name)
    if zone is None:
        yield _finding(doc, ("summary", "timezone"), TIMES_ZONE,
                       f"unknown time zone {name!r}; use an IANA name such as Europe/Berlin or UTC")
        return
    for key in ("start", "detection", "resolution"):
        instant = parse_timestamp(summary.get(key))
        if instant is None:
            continue
        expected = instant.astimezone(zone).utcoffset()
        if instant.utcoffset() != expected:
            yield _finding(doc, ("summary", key), TIMES_ZONE,
                           f"{key} has UTC offset {instant.strftime('%z')[:3]}:{instant.strftime('%z')[3:]} but "
                           f"{name} was at {instant.astimezone(zone).strftime('%z')[:3]}:"
                           f"{instant.astimezone(zone).strftime('%z')[3:]} then; timeline times are read in {name}")
            return


def total_duration(doc, data, status):
    summary = data.get("summary")
    start, _, resolution = summary_times(summary)
    declared = parse_duration(summary.get("total_duration")) if isinstance(summary, dict) else None
    if not (start and resolution and declared is not None) or resolution < start:
        return
    actual = resolution - start
    if abs((actual - declared).total_seconds()) >= 60:
        yield _finding(doc, ("summary", "total_duration"), TIMES_DURATION,
                       f"total_duration is {summary['total_duration']} but resolution - start is "
                       f"{format_duration(actual)}", suggestion=format_duration(actual))


def timeline_order(doc, data, status):
    timeline = data.get("timeline")
    summary = data.get("summary")
    if not isinstance(timeline, list) or not isinstance(summary, dict):
        return
    start = parse_timestamp(summary.get("start"))
    zone = incident_zone(summary)
    if start is None or zone is None:
        return
    previous = None
    for index, instant in enumerate(timeline_instants(timeline, start, zone)):
        if instant is None:
            continue
        if previous is not None and instant < previous[1]:
            before = timeline[previous[0]]["time"]
            entry = timeline[index]
            hint = ""
            if "date" not in entry:
                next_day = (previous[1].date().toordinal() + 1)
                from datetime import date

                hint = (f"; if the incident crossed midnight, add `date: {date.fromordinal(next_day).isoformat()}`"
                        " to this entry")
            yield _finding(doc, ("timeline", index, "time"), TIMELINE_ORDER,
                           f"timeline goes back in time from {before} (entry {previous[0] + 1}) to "
                           f"{entry['time']} (entry {index + 1}){hint}")
        previous = (index, instant)


def follow_up_due_dates(doc, data, status):
    follow_ups = data.get("follow_ups")
    start = parse_timestamp(data["summary"].get("start")) if isinstance(data.get("summary"), dict) else None
    if not isinstance(follow_ups, list) or start is None:
        return
    zone = incident_zone(data["summary"]) or start.tzinfo
    incident_day = start.astimezone(zone).date()
    for index, follow_up in enumerate(follow_ups):
        due = parse_date(follow_up.get("due")) if isinstance(follow_up, dict) else None
        if due is not None and due <= incident_day:
            yield _finding(doc, ("follow_ups", index, "due"), FOLLOWUPS_DUE,
                           f"due date {due.isoformat()} is not after the incident ({incident_day.isoformat()})")


def file_name_matches_id(doc, data, status):
    incident_id = data.get("id")
    if not isinstance(incident_id, str) or doc.path in ("-", "<string>", "<stdin>"):
        return
    stem = Path(doc.path).name.rsplit(".", 1)[0]
    if stem != incident_id:
        yield _finding(doc, ("id",), ID_FILE_NAME,
                       f"id {incident_id} does not match the file name {Path(doc.path).name}; "
                       f"rename the file to {incident_id}.yaml or fix the id")


def leftover_placeholders(doc, strings, status):
    if status == "draft":
        return
    for path, text, shape in strings:
        if shape.kind == "verbatim" or path[:1] == ("inputs",):
            continue
        match = find_placeholder(text)
        if match is not None:
            line, column = doc.text_position(path, match.start())
            end_line, end_column = doc.text_position(path, match.end())
            yield Finding(doc.path, line, column, PLACEHOLDER, "error",
                          f"leftover template text {match.group(0)!r}; replace it before {status}",
                          end_line=end_line, end_column=end_column, match=match.group(0),
                          field=dotted_path(path))


def unplaced_import_content(doc, data, status):
    unplaced = data.get(UNPLACED_KEY)
    if unplaced:
        count = len(unplaced) if isinstance(unplaced, list) else 1
        yield Finding(doc.path, *doc.key_position((UNPLACED_KEY,)), UNPLACED, "warning",
                      f"{count} piece(s) of imported text could not be placed in a section and are kept under "
                      f"`{UNPLACED_KEY}`; move each into its section, then delete the key", field=UNPLACED_KEY)


RULES: tuple[Rule, ...] = (
    invalid_timestamps,
    summary_order,
    zone_matches_offsets,
    total_duration,
    timeline_order,
    follow_up_due_dates,
    file_name_matches_id,
    leftover_placeholders,
    unplaced_import_content,
)


# Rules that read every string the schema types: they get the list of (path, text, shape) from
# one walk of the document (``typed_strings``) in place of the data.
STRING_RULES = frozenset((invalid_timestamps, leftover_placeholders))


def consistency_findings(doc: SourceDocument, status: str,
                         strings: list[tuple[tuple, str, Any]] | None = None) -> list[Finding]:
    """Every consistency finding; ``strings`` is ``list(typed_strings(doc.data))`` when the caller
    has it already (the blameless check reads its prose strings from the same walk)."""
    data = doc.data
    if strings is None:
        strings = list(typed_strings(data))
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule(doc, strings if rule in STRING_RULES else data, status))
    return findings
