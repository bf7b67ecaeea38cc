"""The `offline` provider: no key, no network, no model.

It fills every value code can compute (start, detection, resolution, total
duration, the SLA budget figure, the timeline's times and raw events) and
writes ``TODO(draft): ...`` where prose has to be written by a person.  In a
``draft`` file these placeholders pass `postmortem check` (a placeholder may
stand where a finished value would need a number or a form); once the
status is ``in-review`` or ``published`` the check rejects every one of them.
"""

from __future__ import annotations

import json
from typing import Any

from postmortem_kit.drafting.config import DraftConfig
from postmortem_kit.drafting.providers.base import ModelAnswer, SectionRequest, Usage
from postmortem_kit.incident import OFFLINE_MARKER, IncidentFacts


def todo(what: str) -> str:
    return f"{OFFLINE_MARKER}: {what}"


class OfflineProvider:
    name = "offline"
    model = "offline"
    makes_calls = False

    def complete(self, request: SectionRequest) -> ModelAnswer:
        builder = _BUILDERS.get(request.section)
        if builder is None:
            return ModelAnswer(error=f"the offline provider has no template for section {request.section!r}")
        value = builder(request.data, request.facts)
        return ModelAnswer(content=json.dumps({request.section: value}), finish_reason="stop", usage=Usage(),
                           model="offline")


def _summary(data: dict[str, Any], facts: IncidentFacts) -> dict[str, Any]:
    fields = facts.summary_fields()
    out: dict[str, Any] = {}
    for key in ("start", "detection", "resolution"):
        out[key] = fields.get(key, todo(f"{key} time as an ISO 8601 timestamp with UTC offset"))
    if "timezone" in fields:
        out["timezone"] = fields["timezone"]
    out["total_duration"] = fields.get("total_duration", todo("resolution minus start as H:MM"))
    out["severity"] = todo("SEV1-SEV4")
    known = []
    if "total_duration" in fields:
        known.append(f"impact lasted {fields['total_duration']}")
    if facts.time_to_detect is not None:
        known.append(f"detected after {int(facts.time_to_detect.total_seconds() // 60)} minutes")
    hint = f" ({'; '.join(known)})" if known else ""
    out["severity_justification"] = todo(f"why this severity, from the scope and duration of impact{hint}")
    return out


def _impact(data: dict[str, Any], facts: IncidentFacts) -> dict[str, Any]:
    business = todo("quantify revenue lost, SLA breach and escalations")
    if facts.sla is not None:
        business += f". Computed: {facts.sla.sentence()}."
    services = data.get("services") if isinstance(data.get("services"), list) else []
    downstream = [{"system": name, "effect": todo(f"how {name} was affected, or remove this entry")}
                  for name in services[1:] if isinstance(name, str)]
    return {
        "users_affected": todo("number or percentage of users affected"),
        "business_impact": business,
        "user_experience": todo("what customers saw or experienced, in 2-3 sentences"),
        "downstream_systems": downstream,
    }


def _root_cause(data, facts) -> dict[str, Any]:
    return {
        "primary": todo("the single specific technical failure"),
        "technical_details": todo("what failed at the code or infrastructure level"),
        "category": todo("configuration-error, code-bug, capacity-issue or dependency-failure"),
        "why_it_happened": todo("how that category applies here"),
        "why_not_caught": todo("the gap in monitoring, testing or review"),
    }


def _contributing_factors(data, facts) -> list[dict[str, Any]]:
    return [{"description": todo(f"contributing factor {n} in system terms"),
             "how_it_contributed": todo("the specific mechanism")} for n in (1, 2)]


def _timeline(data, facts: IncidentFacts) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    day = facts.base_day
    by_minute: dict[Any, list] = {}
    for point in facts.timeline:
        by_minute.setdefault(facts.local(point.at), []).append(point)
    for moment in sorted(by_minute):
        points = by_minute[moment]
        entry: dict[str, Any] = {}
        if moment.date() != day:
            entry["date"] = moment.date().isoformat()
            day = moment.date()
        entry["time"] = moment.strftime("%H:%M")
        entry["event"] = "; ".join(point.label(responder=False) for point in points)
        entry["system_state"] = todo(f"state of the system at {entry['time']}")
        actions = [point for point in points if point.kind == "response"]
        if actions:
            entry["action"] = "; ".join(point.text for point in actions)
            responder = next((point.responder for point in actions if point.responder), None)
            if responder:
                entry["responder"] = responder
        entries.append(entry)
    if not entries:
        entries.append({"time": todo("HH:MM"), "event": todo("what happened"),
                        "system_state": todo("state of the system")})
    return entries


def _measures(count: int, horizon: str) -> list[dict[str, Any]]:
    return [{"action": todo(f"{horizon} measure {n}"), "implementation": todo("the exact change to make"),
             "owner": OFFLINE_MARKER, "verification": todo("how to confirm it works")}
            for n in range(1, count + 1)]


def _prevention(data, facts) -> dict[str, Any]:
    return {"immediate": _measures(1, "immediate (within 1 week)"),
            "short_term": _measures(2, "short-term (within 1 month)"),
            "long_term": _measures(2, "long-term (within 1 quarter)")}


def _monitoring(data, facts) -> dict[str, Any]:
    return {"missing_alert": todo("the alert that would have caught this sooner"),
            "dashboard_update": todo("metrics that need visibility"),
            "threshold_adjustment": todo("what needs tuning")}


def _testing(data, facts) -> dict[str, Any]:
    return {"test_scenario": todo("the missing test case"),
            "load_testing": todo("conditions that were not simulated"),
            "chaos_experiment": todo("the failure mode to inject regularly")}


def _lesson(data, facts: IncidentFacts) -> dict[str, Any]:
    duration = facts.summary_fields().get("total_duration")
    hint = f" (impact lasted {duration})" if duration else ""
    return {"what_happened": todo(f"one sentence on what failed and how it showed{hint}"),
            "why_it_matters": todo("one sentence on why it matters beyond this incident"),
            "what_changed": todo("one sentence on what is different now")}


def _follow_ups(data, facts) -> list[dict[str, Any]]:
    return [{"action": todo(f"follow-up action {n}"), "owner": OFFLINE_MARKER, "due": OFFLINE_MARKER,
             "success_criteria": todo("how we know it is done"), "tracking": "new"} for n in range(1, 6)]


def _communication(data, facts) -> dict[str, Any]:
    return {"executive_summary": {
        "what_failed": todo("one sentence: what failed and the customer impact"),
        "root_cause": todo("one sentence: the root cause in business terms"),
        "prevention_cost": todo("one sentence: cost of prevention vs. cost of recurrence")}}


def _blameless(data, facts) -> dict[str, Any]:
    return {"human_factors": [{
        "factor": todo("a human action or decision in the chain, described neutrally; "
                       "or make this list empty if there was none"),
        "system_gap": todo("what in the system allowed it"),
        "gap_type": OFFLINE_MARKER}]}


_BUILDERS = {
    "summary": _summary, "impact": _impact, "root_cause": _root_cause,
    "contributing_factors": _contributing_factors, "timeline": _timeline, "prevention": _prevention,
    "monitoring": _monitoring, "testing": _testing, "lesson": _lesson, "follow_ups": _follow_ups,
    "communication": _communication, "blameless": _blameless,
}


def build(config: DraftConfig) -> OfflineProvider:
    """The offline provider (registered in ``providers.REGISTRY``); it needs no settings."""
    return OfflineProvider()
