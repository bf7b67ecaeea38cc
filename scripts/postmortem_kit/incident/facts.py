"""Facts about an incident computed by code, never generated.

Start, detection and resolution, total duration, time to detect, the share
of the month's SLA error budget the incident consumed, and one merged,
sorted timeline of the raw events, alerts, response actions, metrics and
timestamped log lines.  A written ``summary`` is authoritative; without one
the times are read from the inputs with the rules in
``facts.yaml`` (read by incident.fact_points).  Everything is at minute precision, like the
timeline.  The drafting prompts state these facts and the draft validator
rejects drafts that contradict them.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any

from postmortem_kit.incident.evidence_facts import evidence_times
from postmortem_kit.incident.fact_points import (
    LOG_TIMESTAMP,
    TimelinePoint,
    fixed_zone,
    input_points,
    log_points,
    rules,
    shorten,
    to_minute,
)
from postmortem_kit.incident.times import format_duration, incident_zone, parse_timestamp, zone_named


@dataclass(frozen=True)
class Moment:
    at: datetime
    basis: str  # where the value came from, shown to the reviewer and the model


@dataclass(frozen=True)
class SlaBudget:
    uptime_percent: float
    month: str  # e.g. "2026-03"
    month_minutes: int
    budget_minutes: float
    consumed_minutes: int

    @property
    def consumed_ratio(self) -> float:
        return self.consumed_minutes / self.budget_minutes if self.budget_minutes else float("inf")

    def sentence(self) -> str:
        return (f"{self.consumed_minutes} minutes of impact consumed {self.consumed_ratio * 100:.0f}% of the "
                f"{self.budget_minutes:.1f}-minute monthly error budget at {self.uptime_percent:g}% uptime "
                f"({self.month}, {self.month_minutes // 1440} days, counting the whole duration as downtime)")


@dataclass
class IncidentFacts:
    zone: tzinfo
    zone_name: str | None  # IANA name when known (summary.timezone)
    start: Moment | None
    detection: Moment | None
    resolution: Moment | None
    sla: SlaBudget | None
    timeline: list[TimelinePoint] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    # -- derived values
    @property
    def total_duration(self) -> timedelta | None:
        if self.start and self.resolution and self.resolution.at >= self.start.at:
            return self.resolution.at - self.start.at
        return None

    @property
    def time_to_detect(self) -> timedelta | None:
        if self.start and self.detection and self.detection.at >= self.start.at:
            return self.detection.at - self.start.at
        return None

    @property
    def time_to_resolve(self) -> timedelta | None:
        if self.detection and self.resolution and self.resolution.at >= self.detection.at:
            return self.resolution.at - self.detection.at
        return None

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def stamp(self, moment: datetime) -> str:
        """ISO 8601 in the incident's zone at minute precision, as the summary holds it."""
        return self.local(moment).isoformat(timespec="seconds")

    def clock(self, moment: datetime) -> str:
        return self.local(moment).strftime("%H:%M")

    @property
    def base_day(self) -> date | None:
        """The day timeline times start on (the start's, else the first point's)."""
        if self.start:
            return self.local(self.start.at).date()
        if self.timeline:
            return self.local(self.timeline[0].at).date()
        return None

    def summary_fields(self) -> dict[str, str]:
        """The summary keys these facts fix (only the ones that are known)."""
        fields: dict[str, str] = {}
        if self.start:
            fields["start"] = self.stamp(self.start.at)
        if self.detection:
            fields["detection"] = self.stamp(self.detection.at)
        if self.resolution:
            fields["resolution"] = self.stamp(self.resolution.at)
        if self.zone_name:
            fields["timezone"] = self.zone_name
        if self.total_duration is not None:
            fields["total_duration"] = format_duration(self.total_duration)
        return fields

    def timeline_slots(self) -> list[tuple[str | None, str]]:
        """(date or None, HH:MM) for each distinct timeline minute, in order; date set when the day changes."""
        slots: list[tuple[str | None, str]] = []
        day = self.base_day
        seen: set[datetime] = set()
        for moment in sorted({*(p.at for p in self.timeline), *(m.at for m in self._moments())}):
            local = self.local(moment)
            if local in seen:
                continue
            seen.add(local)
            entry_day = local.date()
            slots.append((entry_day.isoformat() if entry_day != day else None, local.strftime("%H:%M")))
            day = entry_day
        return slots

    def known_minutes(self) -> set[datetime]:
        return {self.local(m) for m in [*(p.at for p in self.timeline), *(m.at for m in self._moments())]}

    def _moments(self) -> list[Moment]:
        return [m for m in (self.start, self.detection, self.resolution) if m is not None]

    def zone_label(self) -> str:
        """The IANA name when known, else the UTC offset at the start (e.g. UTC-07:00)."""
        return self.zone_name or _offset_name(self.zone, self.start.at if self.start else None)

    def lines(self) -> list[str]:
        """The facts as short lines for prompts and reports."""
        out = []
        for name, moment in (("start", self.start), ("detection", self.detection), ("resolution", self.resolution)):
            if moment:
                out.append(f"{name}: {self.stamp(moment.at)} (from {moment.basis})")
            else:
                out.append(f"{name}: unknown (not computable from the inputs)")
        out.append(f"time zone of the timeline: {self.zone_label()}")
        if self.total_duration is not None:
            minutes = int(self.total_duration.total_seconds() // 60)
            out.append(f"total_duration: {format_duration(self.total_duration)} ({minutes} minutes)")
        if self.time_to_detect is not None:
            out.append(f"time to detect: {int(self.time_to_detect.total_seconds() // 60)} minutes")
        if self.time_to_resolve is not None:
            out.append(f"time from detection to resolution: {int(self.time_to_resolve.total_seconds() // 60)} minutes")
        if self.sla is not None:
            out.append(f"SLA budget: {self.sla.sentence()}")
        out.extend(self.notes)
        return out

    def timeline_lines(self) -> list[str]:
        day = self.base_day
        out = []
        for point in self.timeline:
            local = self.local(point.at)
            prefix = f"{local.date().isoformat()} " if local.date() != day else ""
            out.append(f"{prefix}{local.strftime('%H:%M')}  {point.label()}")
        return out

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.summary_fields())
        for name, moment in (("start", self.start), ("detection", self.detection), ("resolution", self.resolution)):
            data[f"{name}_basis"] = moment.basis if moment else None
        data["time_to_detect_minutes"] = (int(self.time_to_detect.total_seconds() // 60)
                                          if self.time_to_detect is not None else None)
        data["sla"] = None if self.sla is None else {
            "uptime_percent": self.sla.uptime_percent, "month": self.sla.month,
            "budget_minutes": round(self.sla.budget_minutes, 1), "consumed_minutes": self.sla.consumed_minutes,
            "consumed_percent": round(self.sla.consumed_ratio * 100, 1)}
        data["timeline"] = self.timeline_lines()
        return data


def _offset_name(zone: tzinfo, when: datetime | None) -> str:
    offset = (when or datetime.now(timezone.utc)).astimezone(zone).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# --------------------------------------------------------------------------- computing


def compute_facts(data: dict[str, Any]) -> IncidentFacts:
    inputs = data.get("inputs") if isinstance(data.get("inputs"), dict) else {}
    incident = inputs.get("incident_data") if isinstance(inputs.get("incident_data"), dict) else {}
    context = inputs.get("system_context") if isinstance(inputs.get("system_context"), dict) else {}
    summary = data.get("summary") if isinstance(data.get("summary"), dict) else {}

    raw_points = input_points(incident)
    zone, zone_name = _zone(summary, raw_points, incident)
    points = log_points(incident, zone) + raw_points
    points.sort(key=lambda p: p.at)
    facts = IncidentFacts(zone=zone, zone_name=zone_name, start=None, detection=None, resolution=None,
                          sla=None, timeline=points)

    written = [parse_timestamp(summary.get(key)) for key in ("start", "detection", "resolution")]
    derived = _derive_times(points)
    # Evidence entries (`postmortem evidence add`) name their role; where they exist they decide.
    derived = tuple(Moment(to_minute(found[0]), found[1]) if found else moment
                    for moment, found in zip(derived, evidence_times(incident, rules())))
    for key, moment, found in zip(("start", "detection", "resolution"), written, derived):
        if moment is not None:
            setattr(facts, key, Moment(to_minute(moment), "the written summary"))
        elif found is not None:
            setattr(facts, key, found)
    if facts.start and facts.detection and facts.detection.at < facts.start.at:
        facts.start = Moment(facts.detection.at, f"{facts.detection.basis}; nothing earlier shows impact")
    if facts.resolution and facts.start and facts.resolution.at < facts.start.at:
        facts.notes.append("note: the last recovery event precedes the start; resolution left unknown")
        facts.resolution = None
    facts.sla = _sla(context, facts)
    return facts


def _zone(summary: dict[str, Any], points: list[TimelinePoint], incident: dict[str, Any]) -> tuple[tzinfo, str | None]:
    name = summary.get("timezone")
    if isinstance(name, str) and zone_named(name) is not None:
        return zone_named(name), name  # type: ignore[return-value]
    zone = incident_zone(summary)
    if zone is not None:
        return zone, None
    for kind in ("event", "alert", "response", "metric"):
        for point in points:
            if point.kind == kind:
                return point.at.tzinfo or timezone.utc, None
    for entry in incident.get("logs") or []:
        if isinstance(entry, dict) and isinstance(entry.get("excerpt"), str):
            for match in LOG_TIMESTAMP.finditer(entry["excerpt"]):
                if match.group(8):
                    return fixed_zone(match.group(8)), None
    return timezone.utc, None


def _derive_times(points: list[TimelinePoint]) -> tuple[Moment | None, Moment | None, Moment | None]:
    rule = rules()
    start = detection = resolution = None
    alerts = [p for p in points if p.kind == "alert"]
    if alerts:
        detection = Moment(alerts[0].at, f"the first alert, {alerts[0].text.split(' fired')[0]}")
    else:
        reported = [p for p in points if p.kind in ("event", "response") and rule.detection.search(p.text)]
        if reported:
            detection = Moment(reported[0].at, f"the first report or page: {shorten(reported[0].text)}")
        else:
            responses = [p for p in points if p.kind == "response"]
            if responses:
                detection = Moment(responses[0].at, f"the first response action: {shorten(responses[0].text)}")
    for point in points:
        if point.kind == "log":
            basis = f"the first error-level log line{f' of {point.source}' if point.source else ''}: {shorten(point.text)}"
        elif point.kind == "alert":
            basis = f"the alert {point.text.split(' fired')[0]}"
        elif point.kind in ("event", "metric") and rule.impact.search(point.text) and not rule.trigger.search(point.text) \
                and not rule.resolution.search(point.text):
            basis = f"the first sign of impact: {shorten(point.text)}"
        else:
            continue
        start = Moment(point.at, basis)
        break
    for point in reversed(points):
        if point.kind in ("event", "response", "metric") and rule.resolution.search(point.text):
            resolution = Moment(point.at, f"the last recovery event: {shorten(point.text)}")
            break
    if start is None and detection is not None:
        start = Moment(detection.at, f"{detection.basis} (no earlier sign of impact in the inputs)")
    return start, detection, resolution


def _sla(context: dict[str, Any], facts: IncidentFacts) -> SlaBudget | None:
    sla = context.get("sla") if isinstance(context.get("sla"), dict) else {}
    uptime = sla.get("uptime_percent")
    duration = facts.total_duration
    if not isinstance(uptime, (int, float)) or isinstance(uptime, bool) or not 0 < uptime < 100 or duration is None:
        return None
    local = facts.local(facts.start.at)  # type: ignore[union-attr]
    days = calendar.monthrange(local.year, local.month)[1]
    month_minutes = days * 1440
    return SlaBudget(float(uptime), f"{local.year:04d}-{local.month:02d}", month_minutes,
                     month_minutes * (100 - uptime) / 100, int(duration.total_seconds() // 60))
