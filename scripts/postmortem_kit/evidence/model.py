"""The normalised evidence record every reader yields, the time window, and time parsing with positions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

from postmortem_kit.core import PostmortemError
from postmortem_kit.incident import SourceLabel

SECTIONS = ("events", "alerts", "response_actions", "logs", "metrics")


class EvidenceError(PostmortemError):
    """An evidence source or option that cannot be used; the message names the file and position."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """One normalised record: when, which section of ``inputs.incident_data``, what, and where from."""

    at: datetime  # timezone-aware
    section: str  # one of SECTIONS
    text: str  # events: event, alerts: details, response_actions: action, logs: excerpt, metrics: observation
    source: SourceLabel
    name: str | None = None  # alerts and metrics: the alert or metric name
    responder: str | None = None  # response_actions: who acted (a handle)

    @property
    def kind(self) -> str:
        return self.source.kind


@dataclass(frozen=True, slots=True)
class Window:
    start: datetime | None = None
    end: datetime | None = None

    def holds(self, at: datetime) -> bool:
        return (self.start is None or at >= self.start) and (self.end is None or at <= self.end)

    def overlaps(self, first: datetime, last: datetime) -> bool:
        return (self.start is None or last >= self.start) and (self.end is None or first <= self.end)

    def describe(self) -> str:
        if self.start is None and self.end is None:
            return "any time"
        return f"{self.start.isoformat() if self.start else '…'} to {self.end.isoformat() if self.end else '…'}"


@dataclass(frozen=True, slots=True)
class Options:
    """What every reader may use besides its input."""

    window: Window = Window()
    grep: re.Pattern[str] | None = None
    zone: tzinfo | None = None  # assumed for timestamps written without an offset (logs only)
    metric: str | None = None  # Prometheus: the series to summarise
    threshold: float | None = None


# ------------------------------------------------------------------------------------------ times

_ISO = re.compile(r"\A(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s?(Z|z|[+-]\d{2}:?\d{2})?\Z")
ZERO_TIME_PREFIX = "0001-01-01"  # Go's zero time.Time, which Alertmanager writes for "not set"


def parse_instant(value: Any, where: str, *, zone: tzinfo | None = None, what: str = "timestamp") -> datetime:
    """An ISO 8601 / RFC 3339 timestamp as an aware datetime; zone-less only when ``zone`` is given.

    ``where`` is the file and position shown in the error (``file:line:col`` or ``file: entry 3``).
    """
    if not isinstance(value, str) or len(value) > 64:
        raise EvidenceError(f"{where}: {what} {_show(value)} is not an ISO 8601 timestamp")
    match = _ISO.match(value.strip())
    if match is None:
        raise EvidenceError(f"{where}: {what} {_show(value)} is not an ISO 8601 timestamp "
                            "(expected e.g. 2026-03-14T09:12:00Z or 2026-03-14T09:12:00+01:00)")
    year, month, day, hour, minute = (int(match.group(i)) for i in range(1, 6))
    second = int(match.group(6) or 0)
    micro = int((match.group(7) or "0")[:6].ljust(6, "0"))
    offset = match.group(8)
    if offset:
        tz: tzinfo = timezone.utc if offset in ("Z", "z") else _offset(offset)
    elif zone is not None:
        tz = zone
    else:
        raise EvidenceError(f"{where}: {what} {_show(value)} has no UTC offset; add one, or say which zone the "
                            "file's clock is in with --zone (e.g. --zone UTC or --zone Europe/Berlin)")
    try:
        moment = datetime(year, month, day, hour, minute, second, micro)
    except ValueError as error:
        raise EvidenceError(f"{where}: {what} {_show(value)} is not a real date and time ({error})") from None
    return moment.replace(tzinfo=tz) if isinstance(tz, timezone) else moment.replace(tzinfo=tz)


def _offset(text: str) -> timezone:
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4])
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


_EPOCH = re.compile(r"\d{1,12}(?:\.\d{1,9})?\Z")
_EPOCH_ZERO = datetime(1970, 1, 1, tzinfo=timezone.utc)


def parse_epoch(value: Any, where: str, *, what: str = "ts") -> datetime:
    """Seconds since the epoch (a number or a decimal string such as Slack's "1710407520.000100"), as UTC."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise EvidenceError(f"{where}: {what} {_show(value)} is not a number of seconds since 1970")
    text = value if isinstance(value, str) else str(value)
    if not _EPOCH.match(text):
        raise EvidenceError(f"{where}: {what} {_show(value)} is not a number of seconds since 1970")
    whole, _, fraction = text.partition(".")
    try:  # exact: no float rounding of the microseconds
        return _EPOCH_ZERO + timedelta(seconds=int(whole), microseconds=int(fraction[:6].ljust(6, "0")) if fraction else 0)
    except (OverflowError, OSError, ValueError):
        raise EvidenceError(f"{where}: {what} {_show(value)} is out of range") from None


def parse_option_time(value: str, option: str) -> datetime:
    return parse_instant(value, option, what="time")


def stamp(moment: datetime) -> str:
    """ISO 8601 with offset, seconds precision (the schema's timestamp)."""
    return moment.replace(microsecond=0).isoformat()


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"
