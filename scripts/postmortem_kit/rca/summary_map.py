"""INCIDENT SUMMARY -> ``summary``: times in ISO 8601, the duration recomputed, severity.

Times keep the zone the document states; a time without one takes the zone
of the start time, else the summary's "Time Zone:" line or a remark such as
"(all times UTC)", else ``--timezone``; with none of these it is an error
(the written value is kept in place, so the check points at it).  The total
duration is always resolution - start; a stated duration that disagrees is
reported.  "SEV 2 - justification" gives ``severity: SEV2`` and the
justification.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from postmortem_kit.incident import format_duration
from postmortem_kit.rca.markdown_fields import Entry, ImportReport, section_title
from postmortem_kit.rca.times import Zone, iso_text, parse_spoken_duration, parse_stated_time, relative_in, zone_from_text

SECTION = "summary"
_SEVERITY = re.compile(r"(?i)\bsev(?:erity)?(?:\s*+level)?\s*+(?:[-:#]\s*+)?(?P<level>[1-4])\b")  # possessive: linear
_ALL_TIMES = re.compile(r"(?i)\b(?:all\s+)?times?\s+(?:are\s+)?(?:in\s+)?(?P<zone>[A-Za-z_]+(?:/[A-Za-z0-9_+-]+){0,2}"
                        r"|[+-]\d{2}:?\d{2}|(?:UTC|GMT)[+-]\d{1,2})\b")
# Words that may follow a time and carry nothing beyond it ("7 minutes after the start").
_FILLER = re.compile(r"(?i)\b(?:after|the|start|started|incident|later|until|to|detect(?:ed|ion)?|from|onset|"
                     r"impact|began|how|long|time|ttd|mttd|approx(?:imately)?|about|roughly|minutes?|mins?|hours?|"
                     r"hrs?|seconds?|secs?|[hms]|and|of|first|user|customer|since|errors?|symptoms?|was|it|later|took|into|t)\b"
                     r"|[-+\u2013\u2014()~,;:.\s]|\d+")


@dataclass
class SummaryTimes:
    """What the timeline needs from the summary."""

    start: datetime | None = None
    resolution: datetime | None = None
    zone: Zone | None = None  # the zone the document's times are in


def zone_hint(texts: list[str]) -> Zone | None:
    """A zone stated as a remark: "(all times UTC)", "Times in Europe/Berlin"."""
    for text in texts:
        for match in _ALL_TIMES.finditer(text):
            zone = zone_from_text(match.group("zone"))
            if zone is not None:
                return zone
    return None


def map_summary(entries: list[Entry], report: ImportReport, *, default_zone: Zone | None,
                remark_zone: Zone | None) -> tuple[dict[str, Any], SummaryTimes]:
    summary: dict[str, Any] = {}
    found: dict[str, Entry] = {}
    for entry in entries:
        if entry.label is None:
            report.unplace_entry(SECTION, entry, "not a labelled summary line (Start Time, Detection Time, "
                                                 "Resolution Time, Total Duration, Severity)")
        elif entry.label in found:
            report.unplace_entry(SECTION, entry, f"a second {entry.label_text} line (the first is at line "
                                                 f"{found[entry.label].line})")
        else:
            found[entry.label] = entry
    times = SummaryTimes()

    stated_zone: Zone | None = None
    if "timezone" in found:
        entry = found["timezone"]
        stated_zone = zone_from_text(entry.text)
        if stated_zone is None:
            report.add(entry.line, "timezone", "error",
                       f"Time Zone {entry.text!r} is not a time zone; use an IANA name (Europe/Berlin), an offset "
                       "(+01:00) or a known abbreviation (UTC, CET, PST)", field_name="summary.timezone")
    fallback = stated_zone or remark_zone or default_zone

    start = _read_time(found.get("start"), "start", summary, report, fallback, None)
    if start is not None and start.zone is not None:
        fallback = stated_zone or start.zone
    start_day = start.instant.astimezone(start.instant.tzinfo).date() if start and start.instant else None
    start_instant = start.instant if start else None
    detection = _read_time(found.get("detection"), "detection", summary, report, fallback, start_day, start_instant)
    resolution = _read_time(found.get("resolution"), "resolution", summary, report, fallback, start_day,
                            start_instant)

    zone_name = (stated_zone.name if stated_zone else None) or (start.zone.name if start and start.zone else None)
    if zone_name is None and start is not None and start.zone is None and fallback is default_zone and default_zone:
        zone_name = default_zone.name
    if zone_name:
        summary["timezone"] = zone_name
    times.zone = stated_zone or (start.zone if start and start.zone else None) or fallback
    times.start = start.instant if start else None
    times.resolution = resolution.instant if resolution else None

    if start and detection and start.instant and detection.instant:
        _compare_relative(found["detection"], detection.rest_duration, detection.instant - start.instant,
                          "the start", report)
    if start and resolution and start.instant and resolution.instant:
        after_detection = "detect" in resolution.rest.lower() and detection is not None and detection.instant
        base, since = (detection.instant, "detection") if after_detection else (start.instant, "the start")
        _compare_relative(found["resolution"], resolution.rest_duration, resolution.instant - base, since, report)
    _duration(found.get("total_duration"), summary, report, times)
    if "severity" in found:
        _severity(found["severity"], summary, report)
    return _ordered(summary), times


class _Read:
    def __init__(self, iso: str, instant: datetime, zone: Zone | None, rest_duration: timedelta | None,
                 rest: str = ""):
        self.iso, self.instant, self.zone, self.rest_duration, self.rest = iso, instant, zone, rest_duration, rest


def _read_time(entry: Entry | None, key: str, summary: dict[str, Any], report: ImportReport,
               zone: Zone | None, day: date | None, start: datetime | None = None) -> _Read | None:
    if entry is None:
        return None
    if not entry.text:
        report.add(entry.line, "time", "error", f"{entry.label_text} has no value", field_name=f"summary.{key}")
        return None
    stated = parse_stated_time(entry.text, default_zone=zone, default_date=day)
    relative = relative_in(entry.text)
    if stated.problem is not None and stated.problem.startswith("no time of day") and relative and start is not None:
        # "Detection Time: 8 minutes after the start": no clock time, only the offset from a known start.
        moment = start + relative[0]
        summary[key] = iso_text(moment)
        report.infer(entry.line, f"summary.{key}", f"{entry.label_text} {entry.text!r} has no clock time; computed "
                     f"as start + {format_duration(relative[0])} = {iso_text(moment)}")
        return _Read(iso_text(moment), moment, None, None)
    if stated.problem is None and not stated.dated and start is not None and stated.instant < start:
        stated.instant += timedelta(days=1)
        stated.iso = iso_text(stated.instant)
        report.add(entry.line, "time", "notice", f"{entry.label_text} has no date and is earlier in the day than "
                   f"the start; read as the next day ({stated.instant.date().isoformat()})", field_name=f"summary.{key}")
    if stated.problem is not None:
        hint = ""
        if "states no time zone" in stated.problem:
            hint = "; write the zone (09:12 CET, 09:12 Europe/Berlin, 09:12 +01:00) or run again with --timezone ZONE"
        report.add(entry.line, "timezone" if "zone" in stated.problem else "time", "error",
                   f"{entry.label_text}: {stated.problem}{hint}; the text is kept as written",
                   field_name=f"summary.{key}")
        summary[key] = entry.text
        return None
    summary[key] = stated.iso
    rest_duration = None
    if stated.rest:
        relative = relative_in(stated.rest)
        rest_duration = relative[0] if relative else parse_spoken_duration(stated.rest)
        if _FILLER.sub("", stated.rest).strip():
            report.unplace(section_title(SECTION), entry.line, f"{entry.label_text}: {stated.rest}",
                           f"text after the {entry.label_text.lower()}")
    return _Read(stated.iso, stated.instant, stated.zone, rest_duration, stated.rest)


_APPROXIMATE = re.compile(r"(?i)\b(?:about|approx\w*|roughly|around|over|almost|nearly|under|some)\b|~")


def _compare_relative(entry: Entry, said: timedelta | None, actual: timedelta, since: str,
                      report: ImportReport) -> None:
    """A relative annotation ("- 8 minutes after the start") is checked, never used instead of the time."""
    if said is None or _APPROXIMATE.search(entry.text):
        return
    key = entry.label or "detection"
    if abs((said - actual).total_seconds()) >= 60:
        rule = "detection" if key == "detection" else "relative-time"
        report.add(entry.line, rule, "warning",
                   f"{entry.label_text} says {format_duration(said)} after {since} but the timestamps differ by "
                   f"{format_duration(actual)}; the timestamps are kept (fix whichever is wrong)",
                   field_name=f"summary.{key}")


def _duration(entry: Entry | None, summary: dict[str, Any], report: ImportReport, times: SummaryTimes) -> None:
    stated = parse_spoken_duration(entry.text) if entry is not None and entry.text else None
    if times.start is not None and times.resolution is not None and times.resolution >= times.start:
        actual = times.resolution - times.start
        summary["total_duration"] = format_duration(actual)
        if entry is not None and stated is None:
            report.add(entry.line, "duration", "warning",
                       f"Total Duration {entry.text!r} is not a duration; wrote resolution - start = "
                       f"{format_duration(actual)}", field_name="summary.total_duration")
        elif stated is not None and abs((stated - actual).total_seconds()) >= 60:
            report.add(entry.line, "duration", "warning",
                       f"Total Duration says {format_duration(stated)} but resolution - start is "
                       f"{format_duration(actual)}; wrote {format_duration(actual)}",
                       field_name="summary.total_duration", suggestion=format_duration(actual))
        return
    if entry is None:
        return
    if stated is not None:
        summary["total_duration"] = format_duration(stated)
    else:
        summary["total_duration"] = entry.text
        report.add(entry.line, "duration", "error",
                   f"Total Duration {entry.text!r} is not a duration such as 1:35 or 1 hour 35 minutes",
                   field_name="summary.total_duration")


def _severity(entry: Entry, summary: dict[str, Any], report: ImportReport) -> None:
    match = _SEVERITY.search(entry.text)
    if match is None:
        report.add(entry.line, "severity", "error",
                   f"Severity {entry.text!r} names no level SEV1-SEV4 (write e.g. 'SEV 2 - justification'); "
                   "the text is kept as the justification", field_name="summary.severity")
        summary["severity_justification"] = entry.text
        return
    summary["severity"] = f"SEV{match.group('level')}"
    before = entry.text[:match.start()].strip(" *_-:")
    after = re.sub(r"^[*_]+", "", entry.text[match.end():])
    if before.endswith("(") and after.lstrip().startswith(")"):
        before, after = before[:-1].strip(), after.lstrip()[1:]
    after = re.sub(r"^\s*[-\u2013\u2014:,.]*\s*", "", after).strip()
    if after.startswith("(") and after.endswith(")") and after.count("(") == 1:
        after = after[1:-1].strip()
    else:  # "(high) - why" -> "high - why"
        after = re.sub(r"^\(([^()]{1,30})\)(?=\s*[-\u2013\u2014:,])", r"\1", after)
    justification = " - ".join(part for part in (before, after) if part)
    if justification:
        summary["severity_justification"] = justification
    else:
        report.add(entry.line, "severity", "warning", "Severity has no justification after the level "
                   "(write 'SEV 2 - why this level')", field_name="summary.severity_justification")


_ORDER = ("start", "detection", "resolution", "timezone", "total_duration", "severity", "severity_justification")


def _ordered(summary: dict[str, Any]) -> dict[str, Any]:
    return {key: summary[key] for key in _ORDER if key in summary}
