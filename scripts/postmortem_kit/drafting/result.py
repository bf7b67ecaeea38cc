"""What `postmortem draft` produces: the drafted and dropped sections, with provenance and usage.

Plain data with the YAML and JSON views the `draft` command, the pull-request
job and the tests read; drafting.engine builds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from postmortem_kit.drafting.output import comment_block
from postmortem_kit.drafting.providers import Usage
from postmortem_kit.drafting.sections import COMPLETE, MISSING, SectionState
from postmortem_kit.incident import IncidentFacts, analysis_sections


@dataclass
class Provenance:
    provider: str
    model: str
    prompt_version: str
    input_hash: str  # sha256 of the redacted context every section prompt shares
    schema: str

    def to_dict(self) -> dict[str, str]:
        return {"provider": self.provider, "model": self.model, "prompt_version": self.prompt_version,
                "input_hash": self.input_hash, "schema": self.schema}


@dataclass
class SectionDraft:
    section: str
    value: Any
    yaml_text: str
    state: str  # missing | placeholder | invalid: what the file had
    cached: bool = False
    repaired: bool = False
    model: str | None = None
    usage: Usage = field(default_factory=Usage)
    unverified: list[str] = field(default_factory=list)  # proposals' figures not found in the evidence

    @property
    def appendable(self) -> bool:
        """Only a section the file does not have can be appended without touching existing lines."""
        return self.state == MISSING

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.section, "value": self.value, "yaml": self.yaml_text, "state": self.state,
                "cached": self.cached, "repaired": self.repaired, "model": self.model,
                "usage": self.usage.to_dict(), "unverified": self.unverified}


@dataclass
class DroppedSection:
    section: str
    reason: str
    problems: list[str] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.section, "reason": self.reason, "problems": self.problems,
                "usage": self.usage.to_dict()}


@dataclass
class DraftResult:
    path: str
    states: list[SectionState]
    drafted: dict[str, SectionDraft]
    dropped: list[DroppedSection]
    provenance: Provenance
    usage: Usage
    facts: IncidentFacts
    redacted: dict[str, int]  # placeholder type -> how many values were redacted from what was sent
    cache_hits: int = 0
    budget: int | None = None
    facts_view: dict[str, Any] = field(default_factory=dict)  # facts.to_dict(), redacted (it quotes inputs)
    stats: dict[str, Any] = field(default_factory=dict)  # HTTP requests, retries, tokens, seconds, format
    redacted_output: dict[str, int] = field(default_factory=dict)  # type -> values redacted from the model's answers

    @property
    def requested(self) -> list[str]:
        return [*self.drafted, *(d.section for d in self.dropped)]

    def header_lines(self) -> list[str]:
        p = self.provenance
        lines = [f"Drafted by `postmortem draft` ({p.provider}, model {p.model}, prompts v{p.prompt_version}, "
                 f"input sha256:{p.input_hash[:16]}).",
                 "Proposals for a person to review: check every statement against the evidence before merging."]
        if p.provider == "offline":
            lines.append("Offline draft: facts are computed; write the TODO(draft) parts (postmortem check "
                         "rejects them once status is in-review).")
        return lines

    def yaml_text(self, *, only_appendable: bool = False, header: bool = True, dropped: bool = True,
                  only: list[str] | None = None) -> str:
        """The drafted sections (``only`` these, when given) as YAML text, in schema order, with a provenance comment."""
        parts = [comment_block(self.header_lines())] if header else []
        for section in analysis_sections():
            draft = self.drafted.get(section)
            if draft is None or (only_appendable and not draft.appendable) or (only is not None and section not in only):
                continue
            if draft.state != MISSING:
                parts.append(comment_block([f"Replaces the {draft.state} `{section}` section in the file "
                                            "(not appended: paste it over the old one)."]))
            if draft.unverified:
                parts.append(comment_block(["Not found in the evidence (proposals: check before merging):",
                                            *(f"  {mark}" for mark in draft.unverified)]))
            parts.append(draft.yaml_text)
        for gone in self.dropped if dropped else []:
            parts.append(comment_block([f"Not drafted: {gone.section}: {gone.reason}"]))
        return "\n".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "provenance": self.provenance.to_dict(),
            "sections": {name: draft.to_dict() for name, draft in self.drafted.items()},
            "dropped": [d.to_dict() for d in self.dropped],
            "complete": [s.name for s in self.states if s.state == COMPLETE],
            "facts": self.facts_view,
            "usage": {**self.usage.to_dict(), "cache_hits": self.cache_hits, "token_budget": self.budget},
            "redacted": self.redacted,
            "redacted_output": self.redacted_output,
            "stats": self.stats,
        }
