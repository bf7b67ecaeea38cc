"""Times of an incident: parsing, durations and the timeline's real instants.

Summary times are ISO 8601 timestamps with a UTC offset.  Timeline entries
are ``HH:MM`` in the incident's zone (``summary.timezone`` when given, else
the start time's offset); an entry's ``date`` sets the day for it and the
entries after it, so incidents that cross midnight or last days are exact,
and entries may precede the start (the triggering change).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache

TYPE_CHECKING = False  # typing stays off the cold check path (annotations are never evaluated)
if TYPE_CHECKING:
    from typing import Any


def parse_timestamp(value: Any) -> datetime | None:
    """A timezone-aware datetime, or None when the value is not one."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_clock(value: Any) -> time | None:
    if not isinstance(value, str) or len(value) != 5 or value[2] != ":":
        return None
    try:
        return time(int(value[:2]), int(value[3:]))
    except ValueError:
        return None


def parse_duration(value: Any) -> timedelta | None:
    """``H:MM`` (hours may exceed 24) as a timedelta."""
    if not isinstance(value, str) or ":" not in value:
        return None
    hours, _, minutes = value.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and int(minutes) < 60):
        return None
    return timedelta(hours=int(hours), minutes=int(minutes))


def format_duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


@lru_cache(maxsize=64)
def zone_named(name: str) -> tzinfo | None:
    if name == "UTC":
        from datetime import timezone

        return timezone.utc
    try:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    except ImportError:  # pragma: no cover
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def incident_zone(summary: dict[str, Any]) -> tzinfo | None:
    """The zone timeline times are in: the named zone, else the start's offset."""
    name = summary.get("timezone")
    if isinstance(name, str):
        zone = zone_named(name)
        if zone is not None:
            return zone
    start = parse_timestamp(summary.get("start"))
    return start.tzinfo if start else None


def timeline_instants(timeline: list[Any], start: datetime, zone: tzinfo) -> list[datetime | None]:
    """The instant of each timeline entry (None where the entry's time is unusable)."""
    day = start.astimezone(zone).date()
    instants: list[datetime | None] = []
    for entry in timeline:
        if not isinstance(entry, dict):
            instants.append(None)
            continue
        entry_day = parse_date(entry.get("date"))
        if entry_day is not None:
            day = entry_day
        clock = parse_clock(entry.get("time"))
        instants.append(datetime.combine(day, clock, tzinfo=zone) if clock else None)
    return instants


def summary_times(summary: Any) -> tuple[datetime | None, datetime | None, datetime | None]:
    if not isinstance(summary, dict):
        return None, None, None
    return (parse_timestamp(summary.get("start")), parse_timestamp(summary.get("detection")),
            parse_timestamp(summary.get("resolution")))
