"""`postmortem stats` as a plain-text table (the JSON form is the same numbers)."""

from __future__ import annotations

from typing import Any

MAX_IDS = 6


def duration(minutes: float | None) -> str:
    if minutes is None:
        return "-"
    whole = int(round(minutes))
    return f"{whole // 60}:{whole % 60:02d}"


def _rows(stats: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    detect, resolve = stats["time_to_detect"], stats["time_to_resolve"]
    rows = [("overall", detect["overall"], resolve["overall"])]
    for group, title in (("by_severity", "severity"), ("by_service", "service"), ("by_quarter", "quarter")):
        names = list(dict.fromkeys([*detect[group], *resolve[group]]))
        if not names:
            continue
        rows.append((title, {}, {}))
        empty = {"count": 0, "mean_minutes": None, "median_minutes": None, "p90_minutes": None}
        for name in names:
            rows.append((f"  {name}", detect[group].get(name, empty), resolve[group].get(name, empty)))
    return rows


def render_table(stats: dict[str, Any]) -> str:
    lines: list[str] = []
    incidents = stats["incidents"]
    by_status = ", ".join(f"{count} {name}" for name, count in incidents["by_status"].items())
    lines.append(f"Incidents: {incidents['total']}" + (f" ({by_status})" if by_status else ""))
    lines.append("")
    lines.append("Time to detect (detection - start) and to resolve (resolution - start), hours:minutes")
    rows = _rows(stats)
    width = max(24, *(len(name) + 2 for name, _, _ in rows))
    lines.append(f"{'':{width}}{'':>5}  {'-- detect --':^22}  {'-- resolve --':^22}")
    lines.append(f"{'':{width}}{'n':>5}  {'mean':>6} {'median':>7} {'p90':>7}  {'mean':>6} {'median':>7} {'p90':>7}")
    for name, detect, resolve in rows:
        if not detect and not resolve:
            lines.append(name)
            continue
        count = max(detect.get("count", 0), resolve.get("count", 0))
        cells = [duration(part.get(key)) for part in (detect, resolve)
                 for key in ("mean_minutes", "median_minutes", "p90_minutes")]
        lines.append(f"{name:{width}}{count:>5}  {cells[0]:>6} {cells[1]:>7} {cells[2]:>7}  "
                     f"{cells[3]:>6} {cells[4]:>7} {cells[5]:>7}")
    lines.append("")
    lines.append("Incidents by root-cause category")
    categories = stats["root_cause_categories"]
    if not categories:
        lines.append("  none")
    for name, count in categories.items():
        lines.append(f"  {name:{width - 2}}{count:>5}")
    for key, title in (("services", "Recurring services"), ("tags", "Recurring tags")):
        lines.append("")
        lines.append(f"{title} (in 2 or more incidents)")
        recurring = stats["recurring"][key]
        if not recurring:
            lines.append("  none")
        for item in recurring:
            ids = ", ".join(item["ids"][:MAX_IDS]) + (f", ... (+{len(item['ids']) - MAX_IDS})"
                                                      if len(item["ids"]) > MAX_IDS else "")
            lines.append(f"  {item['name']:{width - 2}}{item['incidents']:>5}  {ids}")
    lines.append("")
    lines.extend(_follow_up_lines(stats["follow_ups"]))
    return "\n".join(lines) + "\n"


def _follow_up_lines(follow_ups: dict[str, Any]) -> list[str]:
    lines = [f"Follow-ups: {follow_ups['total']} in {follow_ups['incidents']} incident(s)"]
    if follow_ups.get("status_source") is None:
        lines.append("  no status data (`postmortem followups --status --format json` writes "
                     "build/followups-status.json; or pass --followups-status FILE)")
        return lines
    completion = follow_ups.get("completion_percent")
    lines.append(f"  status from {follow_ups['status_source']}: {follow_ups['done']} done, {follow_ups['open']} open, "
                 f"{follow_ups['overdue']} overdue, {follow_ups['not_planned']} not planned, "
                 f"{follow_ups['no_issue']} without an issue, {follow_ups['external']} tracked elsewhere, "
                 f"{follow_ups['unknown']} unknown")
    lines.append(f"  completion: {'-' if completion is None else f'{completion:g}%'} done")
    overdue = follow_ups.get("overdue_by_owner") or {}
    if overdue:
        lines.append("  overdue by owner: " + ", ".join(f"{owner} {count}" for owner, count in overdue.items()))
    return lines
