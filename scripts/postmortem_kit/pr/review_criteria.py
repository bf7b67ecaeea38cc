"""The review criteria of a good postmortem, checked by simple rules where a rule can check them.

Each criterion gives ``pass``, ``fail`` or ``reviewer`` (no rule can decide:
the reviewer judges) and a one-line detail.  They are evaluated on the file
as it would be with every drafted section accepted, so the checklist says
what accepting the drafts leaves to do.

* ``root-cause-depth``: the root cause has its primary failure, technical
  details, why it happened and why it was not caught, each a real sentence
  (at least 8 words, no template text), and two or more contributing factors;
  whether that reaches the conditions behind the trigger stays for the reviewer.
* ``follow-ups-actionable``: every follow-up has an owner and an action that
  does not start with a vague verb (investigate, consider, look into...).
* ``follow-ups-specific``: every follow-up has success criteria of at least
  5 words with a figure or a measurable word, and no vague phrase.
* ``follow-ups-bounded``: every follow-up has a due date within 180 days.
* ``timeline-evidence``: every timeline entry's time is a time the inputs
  record (an event, log line, alert or response action).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from postmortem_kit.incident import find_placeholder

CRITERIA = {
    "root-cause-depth": "Root cause deep enough",
    "follow-ups-actionable": "Follow-ups actionable",
    "follow-ups-specific": "Follow-ups specific",
    "follow-ups-bounded": "Follow-ups bounded in time",
    "timeline-evidence": "Timeline cites evidence",
}
_VAGUE_START = re.compile(r"^\s*(?:investigate|consider|look\s+into|think\s+about|discuss|explore|review\s+whether|"
                          r"try\s+to|monitor)\b", re.IGNORECASE)
_VAGUE = re.compile(r"\b(?:as\s+needed|if\s+possible|where\s+appropriate|etc|better|more\s+robust|properly|"
                    r"improve\s+things)\b", re.IGNORECASE)
_MEASURABLE = re.compile(r"\d|\b(?:every|all|each|no|zero|none|fails?|alerts?|blocks?|within|under|below|above)\b",
                         re.IGNORECASE)
_CLOCK = re.compile(r"\b(\d{2}):(\d{2})")
MAX_DAYS = 180
MAX_TEXT = 20_000


def _words(text: Any) -> int:
    return len(str(text)[:MAX_TEXT].split()) if isinstance(text, str) else 0


def _unfinished(value: Any) -> bool:
    return not isinstance(value, str) or not value.strip() or find_placeholder(value) is not None


def _item(cid: str, result: str, detail: str) -> dict[str, str]:
    return {"id": cid, "result": result, "detail": detail[:2000]}


def root_cause_depth(data: dict[str, Any]) -> dict[str, str]:
    cid = "root-cause-depth"
    cause = data.get("root_cause")
    if not isinstance(cause, dict):
        return _item(cid, "fail", "no root cause section yet")
    thin = [key for key in ("primary", "technical_details", "why_it_happened", "why_not_caught")
            if _unfinished(cause.get(key)) or _words(cause.get(key)) < 8]
    if thin:
        return _item(cid, "fail", "not yet a real sentence: " + ", ".join(thin))
    factors = data.get("contributing_factors")
    if not isinstance(factors, list) or len(factors) < 2:
        return _item(cid, "fail", "fewer than two contributing factors")
    return _item(cid, "reviewer", "every part is written; whether it reaches the conditions behind the trigger is "
                                  "for the reviewer")


def _follow_ups(data: dict[str, Any]) -> list[dict[str, Any]] | None:
    items = data.get("follow_ups")
    if not isinstance(items, list) or not items:
        return None
    return [item for item in items if isinstance(item, dict)]


def follow_ups_actionable(data: dict[str, Any]) -> dict[str, str]:
    cid = "follow-ups-actionable"
    items = _follow_ups(data)
    if items is None:
        return _item(cid, "fail", "no follow-ups yet")
    bad = [str(n) for n, item in enumerate(items, 1)
           if _unfinished(item.get("action")) or _unfinished(item.get("owner")) or _VAGUE_START.match(item["action"])]
    if bad:
        return _item(cid, "fail", f"follow-up {', '.join(bad)}: no owner, template text or a vague verb")
    return _item(cid, "pass", f"{len(items)} follow-ups, each with an owner and a concrete action")


def follow_ups_specific(data: dict[str, Any]) -> dict[str, str]:
    cid = "follow-ups-specific"
    items = _follow_ups(data)
    if items is None:
        return _item(cid, "fail", "no follow-ups yet")
    bad = []
    for number, item in enumerate(items, 1):
        criteria = item.get("success_criteria")
        if _unfinished(criteria) or _words(criteria) < 5 or not _MEASURABLE.search(criteria[:MAX_TEXT]) or \
                (isinstance(item.get("action"), str) and _VAGUE.search(item["action"][:MAX_TEXT])):
            bad.append(str(number))
    if bad:
        return _item(cid, "fail", f"follow-up {', '.join(bad)}: success criteria missing, not measurable, or vague")
    return _item(cid, "pass", "each follow-up has measurable success criteria")


def follow_ups_bounded(data: dict[str, Any], incident_day: date | None) -> dict[str, str]:
    cid = "follow-ups-bounded"
    items = _follow_ups(data)
    if items is None:
        return _item(cid, "fail", "no follow-ups yet")
    bad = []
    for number, item in enumerate(items, 1):
        try:
            due = date.fromisoformat(str(item.get("due")))
        except ValueError:
            bad.append(str(number))
            continue
        if incident_day is not None and due > incident_day + timedelta(days=MAX_DAYS):
            bad.append(str(number))
    if bad:
        return _item(cid, "fail", f"follow-up {', '.join(bad)}: no due date, or later than {MAX_DAYS} days after "
                                  "the incident")
    if incident_day is None:
        return _item(cid, "reviewer", "every follow-up has a due date; the incident's date is unknown")
    return _item(cid, "pass", f"every follow-up is due within {MAX_DAYS} days")


def timeline_evidence(data: dict[str, Any], input_times: set[str]) -> dict[str, str]:
    cid = "timeline-evidence"
    timeline = data.get("timeline")
    if not isinstance(timeline, list) or not timeline:
        return _item(cid, "fail", "no timeline yet")
    if not input_times:
        return _item(cid, "reviewer", "the inputs record no times to compare with")
    missing = [str(entry.get("time")) for entry in timeline
               if isinstance(entry, dict) and str(entry.get("time"))[:5] not in input_times]
    if missing:
        return _item(cid, "fail", f"{len(missing)} of {len(timeline)} entries at times no input records: "
                                  + ", ".join(missing[:8]))
    return _item(cid, "pass", f"all {len(timeline)} entries match a time in the inputs")


def evaluate(data: dict[str, Any], facts_timeline: list[str], incident_day: date | None) -> list[dict[str, str]]:
    """Every criterion for ``data`` (the incident with its drafts placed); ``facts_timeline`` is the
    computed facts' timeline lines (``HH:MM  ...``), the times the inputs record."""
    times = {f"{m.group(1)}:{m.group(2)}" for line in facts_timeline for m in [_CLOCK.match(line)] if m}
    return [root_cause_depth(data), follow_ups_actionable(data), follow_ups_specific(data),
            follow_ups_bounded(data, incident_day), timeline_evidence(data, times)]
