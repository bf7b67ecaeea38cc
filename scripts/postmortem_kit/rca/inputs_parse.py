"""The raw input blocks of an RCA document -> ``inputs``.

``### INCIDENT DATA`` holds what the engineer pasted, usually inside a
\"\"\" (or ```) fence.  When it is laid out in labelled parts, each part that
reads cleanly becomes structured data:

    Events:
    - 2026-03-14T09:02:00+01:00 [deploy log] deploy checkout-api v2026.03.14-1
    Logs (checkout-api):
        2026-03-14T09:12:41+01:00 ERROR pool.acquire timeout
    Metrics:
    - checkout-api 5xx rate: 38% peak (at 2026-03-14T09:40:00+01:00)
    Alerts:
    - 2026-03-14T09:19:00+01:00 CheckoutErrorBudgetBurnFast: burn rate 14.2x
    Customer Impact:
        1,870 support tickets
    Response Actions:
    - 2026-03-14T09:21:00+01:00 [@devon-lee] paged incident commander
    Notes:
        anything else

Everything else (free text, or a part with a line that does not read
cleanly) is kept verbatim in ``incident_data.notes``: nothing pasted is lost.

``### SYSTEM CONTEXT`` lines (Service, Architecture, Traffic Volume, SLA
Targets, On-Call Response Time) map to ``system_context``.
"""

from __future__ import annotations

import re
import textwrap
from datetime import date
from typing import Any

from postmortem_kit.core import PostmortemError
from postmortem_kit.rca.markdown_fields import Entry, ImportReport, read_entries
from postmortem_kit.rca.markdown_sections import Line, Section
from postmortem_kit.rca.times import Zone, parse_stated_time
from postmortem_kit.rca.values import number, person
from postmortem_kit.rca.vocabulary import architecture_words, is_none_word, labels, normalize

_FENCE = re.compile(r'^\s*(```|~~~|""")')
_PART = re.compile(r"^(?P<label>[A-Za-z][A-Za-z' -]{1,40}?)\s*(?:\((?P<arg>[^()]*)\)\s*)?:\s*(?P<inline>.*)$")
_PLACEHOLDER = re.compile(r"^\s*\[ENGINEER PASTES:.*\]\s*$", re.DOTALL | re.IGNORECASE)
_SOURCE = re.compile(r"^\[(?P<source>[^\]]*)\]\s*")
_AT_TIME = re.compile(r"(?<!\s)\s*\(at (?P<time>[^()]+)\)\s*$")
# A list item: "- ", "* ", "+ ", "• " or "1. " / "1) "; an unmarked line that starts with a date or time is one too.
_BULLET = re.compile(r"^(?:[-*+\u2022]|[0-9]{1,3}[.)])\s+")
_TIME_FIRST = re.compile(r"^[\[*_`(]{0,3}(?:[0-9]{1,4}[-/.:]|[A-Za-z]{3,9}\.?\s[0-9])")
# The separator people put between a time and its text: "09:00 - x", "09:00 — x", "09:00: x", "09:00 | x".
_AFTER_TIME = re.compile(r"^[\]*_`)]{0,3}\s*(?:-{1,2}|[\u2013\u2014|:>\u2192]|->|=>)?(?=\s|$)\s*")
_DATA_ORDER = ("events", "logs", "metrics", "alerts", "customer_impact", "response_actions", "notes")


class _Unreadable(PostmortemError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def raw_block(section: Section) -> tuple[list[Line], list[Line]]:
    """(lines inside the fence, lines outside it); without a fence everything is inside."""
    lines = section.lines
    fences = [index for index, line in enumerate(lines) if _FENCE.match(line.text)]
    if len(fences) < 2:
        return [line for line in lines if not _FENCE.match(line.text)], []
    first, last = fences[0], fences[-1]
    inside = lines[first + 1:last]
    outside = [line for line in lines[:first] + lines[last + 1:] if not line.blank]
    return inside, outside


def map_incident_data(section: Section, report: ImportReport, zone: Zone | None,
                      day: date | None = None) -> dict[str, Any] | None:
    """``day``: the start's date, for item times written without one (reported as inferred)."""
    inside, outside = raw_block(section)
    text = "\n".join(line.text for line in inside).strip("\n")
    if not text.strip() or _PLACEHOLDER.match(text):
        return None
    parts = _parts(inside)
    data: dict[str, Any] = {}
    notes: list[str] = []
    structured = 0
    for label, arg, inline, body, first_line in parts:
        if label is None:
            notes.append(_text(body, inline))
            continue
        try:
            undated = _read_part(label, arg, inline, body, data, zone, day)
            if undated:
                report.infer(first_line.number if first_line else 1, f"inputs.incident_data.{label}",
                             f"{undated} time(s) without a date take the start's date ({day})")
            structured += 1
        except _Unreadable as problem:
            report.add(problem.line, "incident-data", "notice",
                       f"INCIDENT DATA part '{_label_line(first_line)}' kept as raw notes: {problem}",
                       field_name="inputs.incident_data.notes")
            notes.append("\n".join(line.text for line in [first_line, *body]).strip("\n"))
    for line in outside:
        notes.append(line.text.strip())
    if structured == 0:
        data = {"notes": "\n".join(line.text for line in inside).strip("\n")}
        if outside:
            data["notes"] += "\n\n" + "\n".join(line.text.strip() for line in outside)
        return data
    notes = [note for note in notes if note.strip()]
    if notes:
        data["notes"] = (data.get("notes", "") + "\n\n" if data.get("notes") else "") + "\n\n".join(notes)
    return {key: data[key] for key in _DATA_ORDER if key in data}


def _label_line(line: Line) -> str:
    return line.stripped.rstrip(":")


def _parts(lines: list[Line]) -> list[tuple[str | None, str, str, list[Line], Line | None]]:
    """Split the block at part labels: (field or None for free text, argument, inline text, body lines, label line)."""
    known = labels("incident_data")
    parts: list[tuple[str | None, str, str, list[Line], Line | None]] = []
    current: list[Line] = []
    head: tuple[str | None, str, str, Line | None] = (None, "", "", None)
    for line in lines:
        match = _PART.match(line.text) if line.indent == 0 else None
        key = known.get(normalize(match.group("label"))) if match else None
        if match is not None and key is None and head[0] is not None:
            # An unknown label ("Timeline:") ends the part above; its lines are free text (notes).
            parts.append((head[0], head[1], head[2], _trim(current), head[3]))
            head, current = (None, "", "", None), [line]
            continue
        if key is not None:
            if current or head[0] is not None:
                parts.append((head[0], head[1], head[2], _trim(current), head[3]))
            head = (key, (match.group("arg") or "").strip(), match.group("inline").strip(), line)
            current = []
        else:
            current.append(line)
    if current or head[0] is not None:
        parts.append((head[0], head[1], head[2], _trim(current), head[3]))
    return [part for part in parts if part[0] is not None or any(not line.blank for line in part[3])]


def _trim(lines: list[Line]) -> list[Line]:
    start, end = 0, len(lines)
    while start < end and lines[start].blank:
        start += 1
    while end > start and lines[end - 1].blank:
        end -= 1
    return lines[start:end]


def _text(lines: list[Line], inline: str = "") -> str:
    body = textwrap.dedent("\n".join(line.text for line in lines))
    return "\n".join(part for part in (inline, body) if part)


def _items(lines: list[Line]) -> list[tuple[int, str]]:
    """List items ("- text"), with indented lines under one joined by line breaks."""
    items: list[tuple[int, str]] = []
    for line in lines:
        if line.blank:
            continue
        bullet = _BULLET.match(line.stripped)
        if bullet and line.indent <= 1:
            items.append((line.number, line.stripped[bullet.end():].strip()))
        elif line.indent <= 1 and _TIME_FIRST.match(line.stripped):
            items.append((line.number, line.stripped))
        elif items and line.indent >= 2:
            items[-1] = (items[-1][0], items[-1][1] + "\n" + line.text[2:])
        else:
            raise _Unreadable(line.number, f"line {line.number} is not a '- ' item")
    return items


def _time(line: int, text: str, zone: Zone | None, day: date | None = None) -> tuple[str, str, bool]:
    stated = parse_stated_time(text, default_zone=zone, strict_zone=False, default_date=day)
    if stated.problem:
        raise _Unreadable(line, f"line {line}: {stated.problem}")
    rest = _AFTER_TIME.sub("", stated.rest, count=1) if stated.rest else stated.rest
    return stated.iso, rest, not stated.dated  # type: ignore[return-value]


def _read_part(label: str, arg: str, inline: str, body: list[Line], data: dict[str, Any], zone: Zone | None,
               day: date | None = None) -> int:
    """Read one labelled part into ``data``; the number of item times that took ``day``."""
    first = body[0].number if body else 0
    if label in ("customer_impact", "notes"):
        text = _text(body, inline)
        if not text.strip():
            raise _Unreadable(first, "it is empty")
        data[label] = text if label == "customer_impact" else (data.get("notes", "") + ("\n\n" if data.get("notes") else "") + text)
        return 0
    if inline:
        raise _Unreadable(first, "text on the label line")
    if label == "logs":
        if not body:
            raise _Unreadable(first, "it is empty")
        item: dict[str, Any] = {}
        if arg:
            item["source"] = arg
        item["excerpt"] = textwrap.dedent("\n".join(line.text for line in body)) + "\n"
        data.setdefault("logs", []).append(item)
        return 0
    items = _items(body)
    if not items:
        raise _Unreadable(first, "it has no items")
    result = []
    undated = 0
    for line, text in items:
        if label == "metrics":
            name, separator, observation = text.partition(": ")
            if not separator or not name.strip() or not observation.strip():
                raise _Unreadable(line, f"line {line} is not 'metric: observation'")
            metric: dict[str, Any] = {"name": name.strip(), "observation": observation}
            at = _AT_TIME.search(observation)
            if at:
                stated = parse_stated_time(at.group("time"), default_zone=zone, strict_zone=False)
                if stated.problem is None and not stated.rest:
                    metric["observation"] = observation[:at.start()]
                    metric["time"] = stated.iso
            result.append(metric)
            continue
        stamp, rest, took_day = _time(line, text, zone, day)
        undated += took_day
        if label == "alerts":
            name, separator, details = rest.partition(": ")
            if not name.strip():
                raise _Unreadable(line, f"line {line} has no alert name after the time")
            alert: dict[str, Any] = {"time": stamp, "name": name.strip()}
            if separator and details.strip():
                alert["details"] = details
            result.append(alert)
            continue
        source = _SOURCE.match(rest)
        who = source.group("source").strip() if source else ""
        rest = rest[source.end():] if source else rest
        if not rest.strip():
            raise _Unreadable(line, f"line {line} has a time but no text")
        if label == "events":
            event: dict[str, Any] = {"time": stamp, "event": rest}
            if who:
                event["source"] = who
            result.append(event)
        else:
            action: dict[str, Any] = {"time": stamp, "action": rest}
            if who:
                action["responder"] = person(who)
            result.append(action)
    data.setdefault(label, []).extend(result)
    return undated


# SYSTEM CONTEXT -------------------------------------------------------------------------------------

_PURPOSE_SPLIT = re.compile(r"(?<!\s)\s+[-\u2013\u2014]\s+|:\s+|(?<!\s)\s+\(")
_UPTIME = re.compile(r"(?P<n>\d{1,3}(?:\.\d+)?)\s*%")
_LATENCY = re.compile(r"(?i)\bp(?P<p>\d{1,2}(?:\.\d+)?)\b[^0-9;,]{0,24}?(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>ms|s)\b")
_LATENCY_BEFORE = re.compile(r"(?i)(?<!\d)(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>ms|s)\b[^0-9;,p]{0,12}?\bp(?P<p>\d{1,2}(?:\.\d+)?)\b")
_MINUTES = re.compile(r"(?i)(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>h|hours?|hrs?|m|mins?|minutes?)?(?![a-z])")


def map_system_context(section: Section, report: ImportReport) -> dict[str, Any] | None:
    entries = read_entries([line for line in section.lines if not _FENCE.match(line.text)], "system_context")
    context: dict[str, Any] = {}
    for entry in entries:
        if entry.label is None or entry.label in context:
            reason = "a second line for it" if entry.label else "not one of Service, Architecture, Traffic Volume, " \
                                                                "SLA Targets, On-Call Response Time"
            report.unplace_entry("system_context", entry, reason)
            continue
        if not entry.text or is_none_word(entry.text):
            continue
        _context_field(entry, context, report)
    order = ("service", "architecture", "traffic_volume", "sla", "on_call_response_minutes")
    result = {key: context[key] for key in order if key in context}
    return result or None


def _context_field(entry: Entry, context: dict[str, Any], report: ImportReport) -> None:
    text = entry.text
    if entry.label == "service":
        parts = _PURPOSE_SPLIT.split(text, maxsplit=1)
        service: dict[str, Any] = {"name": parts[0].strip().strip("*_`")}
        if len(parts) == 2 and parts[1].strip():
            purpose = parts[1].strip()
            if _PURPOSE_SPLIT.search(text).group(0).strip() == "(" and purpose.endswith(")"):
                purpose = purpose[:-1].strip()
            service["purpose"] = purpose
        context["service"] = service
    elif entry.label == "architecture":
        words = architecture_words()
        found = words.get(normalize(text)) or next(
            (value for word, value in words.items() if re.search(rf"\b{re.escape(word)}\b", normalize(text))), None)
        if found is None:
            report.unplace_entry("system_context", entry, "not Microservices, Monolith or Hybrid")
        else:
            context["architecture"] = found
    elif entry.label == "traffic_volume":
        context["traffic_volume"] = text
    elif entry.label == "sla":
        sla = parse_sla(text)
        if sla is None:
            report.unplace_entry("system_context", entry, "no uptime % or pNN latency threshold found")
        else:
            context["sla"] = sla
    elif entry.label == "on_call_response_minutes":
        match = _MINUTES.search(text)
        if match is None:
            report.unplace_entry("system_context", entry, "no number of minutes found")
            return
        amount = float(match.group("n"))
        if (match.group("unit") or "m").lower().startswith("h"):
            amount *= 60
        context["on_call_response_minutes"] = int(round(amount))


def parse_sla(text: str) -> dict[str, Any] | None:
    sla: dict[str, Any] = {}
    uptime = _UPTIME.search(text)
    if uptime and 0 < float(uptime.group("n")) <= 100:
        sla["uptime_percent"] = number(uptime.group("n"))
    latency: dict[str, int | float] = {}
    for pattern in (_LATENCY, _LATENCY_BEFORE):
        for match in pattern.finditer(text):
            value = number(match.group("n"))
            if match.group("unit").lower() == "s":
                value = value * 1000
                value = int(value) if float(value).is_integer() else value
            latency.setdefault(f"p{match.group('p')}", value)
    if latency:
        sla["latency_ms"] = dict(sorted(latency.items(), key=lambda item: float(item[0][1:])))
    return sla or None
