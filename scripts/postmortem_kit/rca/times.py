"""Times as RCA documents write them, normalised to ISO 8601 with a UTC offset.

Accepted: ISO 8601 ("2026-03-14T09:12:00+01:00", kept exactly as written),
"2026-03-14 09:12 CET", "2026-03-14 09:12:30 (UTC+1)", "March 14, 2026 at
9:12 AM PST", "14 Mar 2026 09:12 Europe/Berlin", and a bare "09:19 CET" when
the date is known from the start time.  The zone is an IANA name, an offset
(+01:00, UTC+1, GMT-05:00) or an abbreviation from
rca/timezones.yaml.  A time that states no zone takes the
document's zone (or ``--timezone``); without either it is an error the caller
reports, and so is a zone that is not one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import cache

from postmortem_kit.core import package_file
from postmortem_kit.incident import zone_named

ABBREVIATIONS_FILE = "timezones.yaml"

MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
    ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")), start=1) for name in names}

_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_MONTH = r"(?P<mon>[A-Za-z]{3,9})\.?"
DATE_PATTERN = re.compile(
    _WEEKDAY + r"(?:(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"|" + _MONTH + r"\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{4})"
    r"|(?P<d3>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon3>[A-Za-z]{3,9})\.?,?\s+(?P<y3>\d{4}))",
    re.IGNORECASE)
CLOCK_PATTERN = re.compile(
    r"(?P<h>\d{1,2}):(?P<min>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?(?:\s*(?P<ampm>[AaPp])\.?[Mm]\.?(?![A-Za-z]))?")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})")
_OFFSET = re.compile(r"(?:(?:UTC|GMT)\s*)?(?P<sign>[+\-\u2212])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?", re.IGNORECASE)
# Applied with match() at the start of a stripped text, where the lookbehinds always hold; they keep a
# search over a long run of spaces or letters linear (each run is read from its start only).
ZONE_TOKEN = re.compile(
    r"\(?(?<!\s)\s*(?P<zone>(?:UTC|GMT)\s?[+\-\u2212]\d{1,2}(?::?\d{2})?(?![\d:]|\s?[A-Za-z])|[+\-\u2212]\d{2}:?\d{2}"
    r"|(?<![A-Za-z_])[A-Za-z_]+(?:/[A-Za-z0-9_+-]+){1,2}|[A-Za-z]{1,5}(?![A-Za-z]))\s*\)?")


@dataclass(frozen=True)
class Zone:
    """A stated zone: its tzinfo, and the IANA name when it has one."""

    tz: tzinfo
    name: str | None  # IANA name (Europe/Berlin, UTC) when stated as one
    text: str  # as written

    def offset_at(self, moment: datetime) -> timedelta:
        return moment.replace(tzinfo=self.tz).utcoffset() or timedelta(0)


@dataclass
class StatedTime:
    """The result of reading one time: the ISO string, or a problem to report."""

    iso: str | None = None
    instant: datetime | None = None
    zone: Zone | None = None  # the zone the text stated (None when it took the default)
    rest: str = ""  # text after the time, e.g. "- 7 minutes after the start"
    problem: str | None = None
    dated: bool = True  # False when the date came from ``default_date``


@cache
def abbreviations() -> dict[str, str]:
    import yaml

    with open(package_file(__package__, ABBREVIATIONS_FILE), encoding="utf-8") as handle:
        table = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["abbreviations"]
    return {str(key).upper(): str(value) for key, value in table.items()}


@cache
def _zone_names() -> tuple[dict[str, str], re.Pattern[str]]:
    import yaml

    with open(package_file(__package__, ABBREVIATIONS_FILE), encoding="utf-8") as handle:
        table = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)).get("names") or {}
    names = {" ".join(str(key).lower().split()): str(value) for key, value in table.items()}
    alternatives = "|".join(re.escape(name).replace(r"\ ", r"\s") for name in sorted(names, key=len, reverse=True))
    return names, re.compile(rf"(?i)\(?\s?(?P<name>{alternatives})\b\s?\)?")


def zone_name_at(text: str) -> tuple[Zone, int] | None:
    """A zone written out in words at the start of ``text`` ("Pacific Time") and where it ends."""
    names, pattern = _zone_names()
    match = pattern.match(text)
    if match is None:
        return None
    written = match.group("name")
    mapped = names[" ".join(written.lower().split())]
    zone = zone_from_text(mapped)
    return (Zone(zone.tz, zone.name, written), match.end()) if zone is not None else None


def zone_from_text(text: str) -> Zone | None:
    """An IANA name, an offset or a known abbreviation; None when it is none of these."""
    token = text.strip().strip("()").strip()
    if not token:
        return None
    match = _OFFSET.fullmatch(token)
    if match and (token[0] in "+-\u2212" or token[:3].upper() in ("UTC", "GMT")):
        hours, minutes = int(match.group("h")), int(match.group("m") or 0)
        if hours > 14 or minutes > 59:
            return None
        delta = timedelta(hours=hours, minutes=minutes)
        if match.group("sign") != "+":
            delta = -delta
        return Zone(timezone(delta), None, token)
    named = zone_name_at(token)
    if named is not None and named[1] == len(token):
        return named[0]
    upper = token.upper()
    if upper in ("UTC", "Z", "ZULU"):
        return Zone(timezone.utc, "UTC", token)
    if "/" in token:
        zone = zone_named(token)
        return Zone(zone, token, token) if zone is not None else None
    mapped = abbreviations().get(upper)
    if mapped is None:
        return None
    if mapped[0] in "+-":
        sign = 1 if mapped[0] == "+" else -1
        delta = sign * timedelta(hours=int(mapped[1:3]), minutes=int(mapped[4:6]))
        return Zone(timezone(delta), None, token)
    zone = zone_named(mapped)
    return Zone(zone, mapped, token) if zone is not None else None


def iso_text(moment: datetime) -> str:
    """ISO 8601 to the second; a zero offset is written Z."""
    text = moment.isoformat(timespec="seconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def date_in(text: str) -> tuple[date | None, re.Match | None, str | None]:
    """The first date in ``text`` (with its match), or a problem when it names an impossible day."""
    match = DATE_PATTERN.search(text)
    if match is None:
        return None, None, None
    if match.group("y"):
        year, month, day = int(match.group("y")), int(match.group("m")), int(match.group("d"))
    else:
        name = (match.group("mon") or match.group("mon3")).lower()
        if name not in MONTHS:
            return None, None, None
        month = MONTHS[name]
        year = int(match.group("y2") or match.group("y3"))
        day = int(match.group("d2") or match.group("d3"))
    try:
        return date(year, month, day), match, None
    except ValueError:
        return None, match, f"{match.group(0).strip()!r} is not a real date"


def parse_date_text(text: str) -> tuple[str | None, str | None]:
    """(YYYY-MM-DD, None) for a written date, or (None, problem)."""
    day, _, problem = date_in(text)
    if day is not None:
        return day.isoformat(), None
    return None, problem or f"{text.strip()!r} is not a date such as 2026-03-20"


def clock_in(text: str) -> tuple[time | None, re.Match | None, str | None]:
    match = CLOCK_PATTERN.search(text)
    if match is None:
        return None, None, None
    hour, minute = int(match.group("h")), int(match.group("min"))
    second = int(match.group("s") or 0)
    ampm = (match.group("ampm") or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None, match, f"{match.group(0)!r} is not a time on a 12-hour clock"
        hour = hour % 12 + (12 if ampm == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None, match, f"{match.group(0)!r} is not a time of day"
    return time(hour, minute, second), match, None


def parse_stated_time(text: str, *, default_zone: Zone | None = None, default_date: date | None = None,
                      strict_zone: bool = True) -> StatedTime:
    """Read a timestamp written in a document.

    ISO 8601 with an offset is kept verbatim. Otherwise the clock time, the
    date before or after it and the zone after it are read; a missing date
    takes ``default_date``; a missing zone takes ``default_zone``.
    """
    text = text.strip()
    iso = _ISO.match(text)
    if iso:
        moment = _fromiso(iso.group(0))
        if moment is None:
            return StatedTime(problem=f"{iso.group(0)!r} is not a real date and time")
        zone, rest, problem = None, text[iso.end():], None
        if rest.lstrip().startswith("("):
            zone, rest, problem = _zone_after(rest, strict=strict_zone)
        if problem:
            return StatedTime(problem=problem)
        return StatedTime(iso=iso.group(0), instant=moment, zone=zone, rest=rest.strip())
    clock, clock_match, problem = clock_in(text)
    if problem:
        return StatedTime(problem=problem)
    if clock is None:
        return StatedTime(problem=f"no time of day in {text!r}")
    prefix, after = text[:clock_match.start()], text[clock_match.end():]
    day, date_match, problem = date_in(prefix)
    if problem:
        return StatedTime(problem=problem)
    leftover = prefix if date_match is None else prefix[:date_match.start()] + prefix[date_match.end():]
    if re.sub(r"(?i)\b(?:at|on)\b|[\sT,*_`(\[]", "", leftover):
        return StatedTime(problem=f"no date and time at the start of {text!r}")
    if day is None:
        # "09:12 CET on 2026-03-14" / "09:12 UTC, March 14, 2026"
        day, after_match, problem = date_in(after)
        if problem:
            return StatedTime(problem=problem)
        if after_match is not None:
            between = after[:after_match.start()]
            if re.sub(r"(?i)\b(?:on)\b|[\s,]", "", between) and ZONE_TOKEN.match(between.strip()) is None:
                day = None  # a date further on belongs to other text
            else:
                after = re.sub(r"(?i)\s*,?\s*\bon\s*$", "", between.rstrip(" ,")) + after[after_match.end():]
    zone, rest, problem = _zone_after(after, strict=strict_zone)
    if problem:
        return StatedTime(problem=problem)
    use_zone = zone or default_zone
    dated = day is not None
    if day is None:
        day = default_date
        if day is None:
            return StatedTime(problem=f"{text!r} has a time but no date")
    if use_zone is None:
        return StatedTime(problem=f"{text!r} states no time zone")
    moment = datetime.combine(day, clock, tzinfo=use_zone.tz)
    moment = moment.astimezone(timezone.utc).astimezone(use_zone.tz)  # a real local time in IANA zones
    return StatedTime(iso=iso_text(moment), instant=moment, zone=zone, rest=rest.strip(), dated=dated)


def _fromiso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


_ZONE_WORD_END = re.compile(r"\s*(?:$|[-\u2013\u2014,;:|]|\s\()")


def _zone_after(text: str, *, strict: bool) -> tuple[Zone | None, str, str | None]:
    """A zone written right after a time, the remaining text, and a problem for a zone that is not one.

    With ``strict`` (summary fields), a word that stands where a zone would
    (upper-case, Area/City, or in parentheses, followed by the end or a
    separator) must be a zone. Otherwise only a known zone is taken.
    """
    stripped = text.lstrip()
    if not stripped:
        return None, "", None
    named = zone_name_at(stripped)
    if named is not None:
        return named[0], stripped[named[1]:], None
    match = ZONE_TOKEN.match(stripped)
    if match is None:
        return None, text, None
    token = match.group("zone")
    zone = zone_from_text(token)
    rest = stripped[match.end():]
    if zone is not None:
        # A short word that happens to be an abbreviation ("at", "ET") must be upper-case.
        if token.isalpha() and "/" not in token and not token.isupper():
            return None, text, None
        return zone, rest, None
    if not strict:
        return None, text, None
    zone_like = ("/" in token or (token.isalpha() and token.isupper() and len(token) >= 2)
                 or match.group(0).startswith("(") or token[:1] in "+-\u2212" or token[:3].upper() in ("UTC", "GMT"))
    if zone_like and _ZONE_WORD_END.match(rest):
        return None, text, (f"{token!r} is not a time zone; use an IANA name (Europe/Berlin), an offset (+01:00) "
                            "or a known abbreviation (UTC, CET, PST)")
    return None, text, None


# "- 8 minutes after the start", "(+8 min)", "8 minutes later", "T+8m": a time relative to the start.
# Each part is a bounded literal run, so matching is linear in the text.
_UNIT = r"(?P<unit>d|days?|h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?)(?![a-z])"
RELATIVE_PATTERN = re.compile(
    r"(?i)(?:\(\s?)?(?:T\s?)?\+\s?(?P<n>\d{1,5})\s?" + _UNIT + r"(?:\s?\))?"
    r"|(?P<n2>\d{1,5})\s?" + _UNIT.replace("unit", "unit2")
    + r"\s(?:later\b|after\b|since\b|into\b|from\s(?:the\s)?start\b)")
_UNIT_SPAN = {"d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1), "s": timedelta(seconds=1)}


def relative_in(text: str) -> tuple[timedelta, re.Match] | None:
    """The first relative annotation in ``text`` ("+8 min", "8 minutes after the start") and its match."""
    match = RELATIVE_PATTERN.search(text)
    if match is None:
        return None
    amount = int(match.group("n") or match.group("n2"))
    unit = (match.group("unit") or match.group("unit2")).lower()[0]
    total = amount * _UNIT_SPAN[unit]
    if match.group("n2"):  # "1 hour 48 minutes after": the parts before the last one
        head = text[:match.start()]
        for _ in range(3):
            part = _PART_BEFORE.search(head[-40:])
            if part is None:
                break
            total += int(part.group("n")) * _UNIT_SPAN[part.group("unit").lower()[0]]
            head = head[:len(head) - len(part.group(0))]
    return total, match


_PART_BEFORE = re.compile(r"(?i)(?P<n>\d{1,5})\s?" + _UNIT + r"(?:\s|,\s|\sand\s)$")


_DURATION_PART = re.compile(
    r"(?<!\d)(?P<n>\d+(?:[.,]\d+)?)\s*(?P<unit>d|days?|h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?)(?![a-z])", re.IGNORECASE)
_DURATION_CLOCK = re.compile(r"^\s*(?P<h>\d{1,4}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\b")


def parse_spoken_duration(text: str) -> timedelta | None:
    """ "1:35", "1h 35m", "1 hour 35 minutes", "95 minutes", "2 days 3 hours" as a timedelta."""
    clock = _DURATION_CLOCK.match(text)
    if clock and int(clock.group("m")) < 60:
        return timedelta(hours=int(clock.group("h")), minutes=int(clock.group("m")),
                         seconds=int(clock.group("s") or 0))
    total = timedelta(0)
    found = False
    for part in _DURATION_PART.finditer(text):
        amount = float(part.group("n").replace(",", "."))
        unit = part.group("unit").lower()[0]
        total += {"d": timedelta(days=amount), "h": timedelta(hours=amount), "m": timedelta(minutes=amount),
                  "s": timedelta(seconds=amount)}[unit]
        found = True
    return total if found else None
