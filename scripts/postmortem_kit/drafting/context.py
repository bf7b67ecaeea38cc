"""What a section prompt is filled with, and the evidence a draft is checked against.

``prompt_context`` builds the redacted, truncated context every section prompt
shares; ``evidence_for`` turns the same context (what the model saw) into the
``grounding.Evidence`` that drafted figures, services and owners must trace to;
``own_text`` is our prompt and schema text, which a draft must not copy.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from functools import cache
from typing import Any

from postmortem_kit.drafting.config import DraftConfig
from postmortem_kit.drafting.grounding import Evidence, OwnText
from postmortem_kit.drafting.output import block_yaml
from postmortem_kit.drafting.prompt_files import PromptContext, PromptSet
from postmortem_kit.drafting.sections import COMPLETE, SectionState
from postmortem_kit.incident import IncidentFacts, load_schema
from postmortem_kit.textsafety import Redactor, truncate_log

MAX_LIST_ENTRIES = 200
_OWNER_KEYS = ("owner", "responder", "owners", "authors")


def known_owners(data: dict[str, Any], config: DraftConfig) -> list[str]:
    """Teams and handles a draft may name as owners: the authors, the configuration's ``owners``,
    and every owner or responder the incident already names (inputs and human-written sections)."""
    found: list[str] = []

    def add(value: Any) -> None:
        if isinstance(value, str) and value.strip() and len(value) <= 80:
            name = value.strip().lstrip("@")
            if name and name not in found and " " not in name:
                found.append(name)
        elif isinstance(value, list):
            for item in value:
                add(item)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
                if key in _OWNER_KEYS:
                    add(child)
                else:
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    add(list(config.owners))
    walk(data)
    return found


_NOT_MOMENTS = frozenset({"authors", "owner", "owners", "follow_ups", "tracking"})
_HANDLE = re.compile(r"(?<![\w.])@([A-Za-z0-9][\w.-]*)")


def attributed_moments(data: dict[str, Any]) -> Counter:
    """Moments the incident attributes to each person: one per ``responder`` value (inputs and the
    sections people wrote) and one per ``@handle`` named in other text.  Authors, owners and
    follow-ups are not moments of the incident."""
    found: Counter = Counter()

    def walk(node: Any, key: str | None = None) -> None:
        if isinstance(node, dict):
            for child_key, child in node.items():
                if child_key not in _NOT_MOMENTS:
                    walk(child, child_key)
        elif isinstance(node, list):
            for child in node:
                walk(child, key)
        elif isinstance(node, str) and key == "responder":
            if node.strip():
                found[node.strip().lstrip("@").lower()] += 1
        elif isinstance(node, str):
            found.update(handle.rstrip(".-").lower() for handle in _HANDLE.findall(node))

    walk(data)
    return found


def evidence_for(context: PromptContext, facts: IncidentFacts, owners: list[str],
                 attributed: Counter | None = None) -> Evidence:
    """The evidence drafted sections are grounded in: every context field the prompt carried."""
    minutes = [d.total_seconds() / 60 for d in (facts.total_duration, facts.time_to_detect,
                                                facts.time_to_resolve) if d is not None]
    return Evidence.build(list(context.__dict__.values()), minutes=minutes, owners=owners,
                          attributed=attributed if attributed is not None else Counter())


@cache
def _schema_text() -> tuple[str, ...]:
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("title", "description"):
                if isinstance(node.get(key), str):
                    out.append(node[key])
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(load_schema())
    return tuple(out)


_OWN: dict[str, OwnText] = {}


def own_text(prompts: PromptSet) -> OwnText:
    """Our prompts and schema descriptions (what a draft must not copy), built once per prompt version."""
    found = _OWN.get(prompts.version)
    if found is None:
        texts = [prompts.system, prompts.user_template, prompts.repair_template,
                 *(p.task for p in prompts.sections.values()), *_schema_text()]
        found = _OWN[prompts.version] = OwnText.build(texts)
    return found


def _dump(value: Any) -> str:
    if value in (None, {}, []):
        return "(none)"
    return block_yaml(value).strip()


def _limit_lists(incident: dict[str, Any]) -> dict[str, Any]:
    out = dict(incident)
    for key in ("events", "alerts", "metrics", "response_actions", "logs"):
        items = out.get(key)
        if isinstance(items, list) and len(items) > MAX_LIST_ENTRIES:
            half = MAX_LIST_ENTRIES // 2
            out[key] = [*items[:half], {"omitted": f"{len(items) - 2 * half} entries"}, *items[-half:]]
    return out


def _truncated_inputs(incident: dict[str, Any], config: DraftConfig) -> dict[str, Any]:
    """Logs (and other long pasted text) shortened to the budget, most informative lines first."""
    incident = _limit_lists(copy.deepcopy(incident))
    logs = [entry for entry in incident.get("logs") or [] if isinstance(entry, dict)
            and isinstance(entry.get("excerpt"), str)]
    total = sum(len(entry["excerpt"]) for entry in logs)
    if total > config.max_log_chars:
        for entry in logs:
            share = max(200, int(config.max_log_chars * len(entry["excerpt"]) / total))
            entry["excerpt"] = truncate_log(entry["excerpt"], share)
    for key in ("notes", "customer_impact"):
        if isinstance(incident.get(key), str):
            incident[key] = truncate_log(incident[key], config.max_log_chars // 2)
    return incident


def prompt_context(data: dict[str, Any], states: list[SectionState], facts: IncidentFacts, redactor: Redactor,
                    config: DraftConfig) -> PromptContext:
    inputs = data.get("inputs") if isinstance(data.get("inputs"), dict) else {}
    incident = inputs.get("incident_data") if isinstance(inputs.get("incident_data"), dict) else {}
    existing = {state.name: data[state.name] for state in states if state.state == COMPLETE}

    def join(value: Any) -> str:
        return ", ".join(str(v) for v in value) if isinstance(value, list) and value else "(none)"

    context = PromptContext(
        incident_id=str(data.get("id", "(no id)")),
        title=redactor.redact(str(data.get("title", "(no title)"))),
        status=str(data.get("status", "draft")),
        services=join(data.get("services")),
        tags=join(data.get("tags")),
        facts="\n".join(f"- {line}" for line in facts.lines()),
        zone=facts.zone_label(),
        timeline="\n".join(facts.timeline_lines()) or "(no timestamped inputs)",
        system_context=_dump(redactor.redact_data(inputs.get("system_context"))),
        incident_data=_dump(redactor.redact_data(_truncated_inputs(incident, config))),
        existing=_dump(redactor.redact_data(existing)),
        owners=", ".join(known_owners(data, config)) or "(none named: use a role such as the owning team)",
    )
    # One last pass over every field (facts and timeline quote raw input text).
    return PromptContext(**{key: redactor.redact(value) for key, value in context.__dict__.items()})
