"""TIMELINE RECONSTRUCTION -> ``timeline`` entries.

Reads ``HH:MM - event - system state - team action`` lines (with or without
a bullet, bold time, a date in front, a zone after the time, en/em dashes or
``|`` between parts), labelled lines under an entry (``- System State: ...``,
``- Action: ...``, ``- Responder: ...``), a trailing ``(responder: @x)``,
and Markdown tables with Time / Event / System State / Action columns.

Times in another zone than the incident's are converted to it.  An entry's
date is kept only where the day changes; when a time goes back and the
incident resolved on a later day, the timeline is taken to have crossed
midnight (reported as a notice).  A line with no time cannot be placed and is
reported, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from postmortem_kit.rca.markdown_fields import ImportReport, clean_value, split_label
from postmortem_kit.rca.markdown_sections import Line
from postmortem_kit.rca.times import ZONE_TOKEN, relative_in, zone_from_text, zone_name_at
from postmortem_kit.rca.values import person
from postmortem_kit.rca.vocabulary import is_none_word, is_prompt_line, normalize

SECTION = "timeline"
TITLE = "TIMELINE RECONSTRUCTION"

_START = re.compile(
    r"^(?:[-*+\u2022]\s+|[0-9]{1,3}[.)]\s+)?[*_`\[]*"
    r"(?:(?P<date>\d{4}-\d{2}-\d{2})(?:[ T]|,\s*)[*_`]*)?"
    r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?(?:\s*(?P<ampm>[AaPp])\.?[Mm]\.?(?![A-Za-z]))?[*_`\]]*")
# The lookbehinds below start a match only where a run of whitespace starts (the leftmost match starts
# there anyway), so a long run is read once, not once per character.
_SEPARATOR = re.compile(r"(?<!\s)\s+(?:-{1,2}|\u2013|\u2014|\|)\s+")
_LEAD = re.compile(r"^\s*(?:-{1,2}|\u2013|\u2014|\||:)?\s*")
_ZONE_LIKE = re.compile(r"[A-Z]{2,5}|[A-Za-z_]+/[A-Za-z0-9_/+-]+")
# `who` keeps its leading spaces (person() strips them): "\s*" before "[^()]+" would be two runs that can meet.
_RESPONDER = re.compile(r"(?<!\s)\s*\((?:responder|by):(?P<who>[^()]+)\)\s*$", re.IGNORECASE)
_DAY_LINE = re.compile(r"[#*_\s]*(\d{4}-\d{2}-\d{2})[*_:\s]*(?:\([^()]*\))?[*_:\s]*")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_TABLE_COLUMNS = {"time": "time", "timestamp": "time", "date": "date", "event": "event", "what happened": "event",
                  "system state": "system_state", "state": "system_state", "status": "system_state",
                  "team action": "action", "action": "action", "actions": "action", "responder": "responder",
                  "owner": "responder", "who": "responder"}


@dataclass
class TimelineContext:
    zone: tzinfo | None  # the incident's zone
    start: datetime | None
    resolution: datetime | None


def parse_timeline(lines: list[Line], report: ImportReport, context: TimelineContext) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    day = _local_day(context.start, context.zone)
    previous: datetime | None = None
    table: list[str] | None = None
    last_line = 0
    seconds_dropped: list[int] = []
    pending_day: date | None = None
    for line in lines:
        text = line.stripped
        if not text or text.startswith(("```", "~~~")) or is_prompt_line(text):
            continue
        if table is not None and not text.startswith("|"):
            table = None
        if text.startswith("|"):
            cells = [cell.strip() for cell in text.strip("|").split("|")]
            if _TABLE_RULE.match(text):
                continue
            header = [_TABLE_COLUMNS.get(normalize(cell)) for cell in cells]
            if table is None and "time" in header:
                table = [column or "" for column in header]
                continue
            if table is not None:
                text = _table_row_as_line(table, cells)
                if text is None:
                    report.unplace(TITLE, line.number, line.stripped, "a table row without a time")
                    continue
        day_line = _DAY_LINE.fullmatch(text)
        if day_line:
            pending_day = _iso_day(day_line.group(1))
            if pending_day is None:
                report.unplace(TITLE, line.number, line.stripped, f"{day_line.group(1)} is not a real date")
            continue
        match = _START.match(text)
        if match is None:
            if _attach_label(text, entries, line, report, last_line):
                last_line = line.number
                continue
            if _zone_remark(text):
                continue
            report.unplace(TITLE, line.number, line.stripped, "a timeline line without a time (HH:MM)")
            continue
        entry, problem = _entry_from(match, text[match.end():])
        if problem:
            report.unplace(TITLE, line.number, line.stripped, problem)
            continue
        clock_h, clock_m = entry.pop("_clock")
        if match.group("s") and match.group("s") != "00":
            seconds_dropped.append(line.number)
        stated_zone = entry.pop("_zone", None)
        stated_day = _iso_day(match.group("date")) if match.group("date") else pending_day
        pending_day = None
        if match.group("date") and stated_day is None:
            report.unplace(TITLE, line.number, line.stripped, f"{match.group('date')} is not a real date")
            continue
        if stated_day is not None:
            day = stated_day
        instant = None
        if day is not None and context.zone is not None:
            zone = stated_zone.tz if stated_zone is not None else context.zone
            instant = datetime(day.year, day.month, day.day, clock_h, clock_m, tzinfo=zone).astimezone(context.zone)
            if stated_zone is not None:
                clock_h, clock_m = instant.hour, instant.minute
                if instant.date() != day:
                    day = instant.date()
                    stated_day = day
            if (stated_day is None and previous is not None and instant < previous and context.resolution is not None
                    and context.resolution.astimezone(context.zone).date() > day):
                day = day + timedelta(days=1)
                instant = instant + timedelta(days=1)
                stated_day = day
                report.add(line.number, "timeline", "notice",
                           f"the time goes back from {previous:%H:%M} to {clock_h:02d}:{clock_m:02d} and the incident "
                           f"resolved on a later day; read as {day.isoformat()} (date added)", field_name="timeline")
            previous = instant
        _check_offset(entry, instant, context, line, report)
        result: dict[str, Any] = {}
        if stated_day is not None and (not entries and stated_day != _local_day(context.start, context.zone)
                                       or entries and stated_day != entries[-1].get("_day")):
            result["date"] = stated_day.isoformat()
        result["time"] = f"{clock_h:02d}:{clock_m:02d}"
        result.update(entry)
        result["_day"] = day
        entries.append(result)
        last_line = line.number
    if seconds_dropped:
        report.add(seconds_dropped[0], "timeline", "notice",
                   f"timeline times are HH:MM; seconds dropped on line(s) {', '.join(map(str, seconds_dropped))}",
                   field_name="timeline")
    return [_ordered(entry) for entry in entries]


_OFFSET_NOTE = re.compile(r"\s?\(\s?(?:T\s?)?\+[^()]{1,30}\)|\s?\bT\s?\+\s?\d{1,5}\s?[a-z]{1,7}\b")


def _check_offset(entry: dict[str, Any], instant: datetime | None, context: TimelineContext, line: Line,
                  report: ImportReport) -> None:
    """ "09:12 - Alert fired (+8 min)": the offset from the start is checked against the time, then dropped."""
    event = entry.get("event")
    if not isinstance(event, str):
        return
    note = _OFFSET_NOTE.search(event)
    relative = relative_in(note.group(0)) if note else None
    if note is None or relative is None:
        return
    entry["event"] = (event[:note.start()] + event[note.end():]).strip()
    if instant is None or context.start is None:
        return
    actual = instant - context.start
    if abs((actual - relative[0]).total_seconds()) >= 60:
        minutes = int(actual.total_seconds() // 60)
        report.add(line.number, "relative-time", "warning",
                   f"the {instant:%H:%M} entry says "
                   f"{note.group(0).strip()} but it is {minutes} minute(s) after the start; the time is kept "
                   "(fix whichever is wrong)", field_name="timeline")


def _iso_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _local_day(moment: datetime | None, zone: tzinfo | None) -> date | None:
    if moment is None:
        return None
    return moment.astimezone(zone).date() if zone is not None else moment.date()


def _entry_from(match: re.Match, rest: str) -> tuple[dict[str, Any], str | None]:
    hour, minute = int(match.group("h")), int(match.group("m"))
    ampm = (match.group("ampm") or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return {}, f"{match.group(0).strip()!r} is not a time on a 12-hour clock"
        hour = hour % 12 + (12 if ampm == "p" else 0)
    if hour > 23 or minute > 59:
        return {}, f"{hour:02d}:{minute:02d} is not a time of day"
    entry: dict[str, Any] = {"_clock": (hour, minute)}
    named = zone_name_at(rest.lstrip())
    zone_match = ZONE_TOKEN.match(rest.lstrip()) if named is None else None
    if named is not None:
        entry["_zone"] = named[0]
        rest = rest.lstrip()[named[1]:]
    elif zone_match:
        token = zone_match.group("zone")
        zone = zone_from_text(token)
        if zone is not None and (not token.isalpha() or token.isupper()):
            entry["_zone"] = zone
            rest = rest.lstrip()[zone_match.end():]
        elif zone is None and _ZONE_LIKE.fullmatch(token) and _SEPARATOR.match(rest.lstrip()[zone_match.end() - 1:]):
            return {}, (f"{token!r} stands where a time zone would and is not one; use an IANA name "
                        "(Europe/Berlin), an offset (+01:00) or a known abbreviation (UTC, CET, PST)")
    rest = _LEAD.sub("", rest, count=1)
    responder = _RESPONDER.search(rest)
    if responder:
        entry["responder"] = person(responder.group("who"))
        rest = rest[:responder.start()]
    parts = [clean_value(part) for part in _SEPARATOR.split(rest.strip())]
    if parts and parts[0]:
        entry["event"] = parts[0]
    if len(parts) > 1 and parts[1]:
        entry["system_state"] = parts[1]
    if len(parts) > 2:
        action = " - ".join(part for part in parts[2:] if part)
        if action and not is_none_word(action):
            entry["action"] = action
    return entry, None


def _attach_label(text: str, entries: list[dict[str, Any]], line: Line, report: ImportReport, last_line: int) -> bool:
    """A labelled line under an entry (- System State: ..., - Responder: ...)."""
    body = re.sub(r"^(?:[-*+\u2022]|[0-9]{1,3}[.)])\s+", "", text)
    key, label_text, value = split_label(body, SECTION)
    if key is None or not entries:
        return False
    entry = entries[-1]
    if key == "date":
        return False
    if key in entry and key != "event":
        report.unplace(TITLE, line.number, line.stripped, f"a second {label_text} for the {entry['time']} entry")
        return True
    if key == "responder":
        entry["responder"] = person(value)
    elif key == "action" and is_none_word(value):
        pass
    elif key == "event":
        entry["event"] = f"{entry['event']} {value}".strip() if entry.get("event") else value
    else:
        entry[key] = value
    return True


def _zone_remark(text: str) -> bool:
    """ "(All times UTC)" and the like: read by the summary, nothing to place."""
    stripped = text.strip("()*_ .:")
    return bool(re.fullmatch(r"(?i)(?:all\s+)?times?\s+(?:are\s+)?(?:in\s+)?\S+(?:\s+time)?", stripped))


def _table_row_as_line(columns: list[str], cells: list[str]) -> str | None:
    values = {column: cell for column, cell in zip(columns, cells) if column}
    time_text = values.get("time", "")
    if not re.search(r"\d{1,2}:\d{2}", time_text):
        return None
    if values.get("date") and not re.match(r"\d{4}-\d{2}-\d{2}", time_text):
        time_text = f"{values['date']} {time_text}"
    parts = [values.get("event", ""), values.get("system_state", ""), values.get("action", "")]
    while parts and not parts[-1]:
        parts.pop()
    line = f"{time_text} - " + " - ".join(parts)
    if values.get("responder") and not is_none_word(values["responder"]):
        line += f" (responder: {values['responder']})"
    return line


_ORDER = ("date", "time", "event", "system_state", "action", "responder")


def _ordered(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: entry[key] for key in _ORDER if key in entry}
