"""Which analysis sections of an incident need drafting, and why.

Each section listed in the schema's ``x-analysis-sections`` is one of:

* ``missing``: not in the file (``--write`` can append a draft of it);
* ``placeholder``: present but still holding template text such as the
  offline provider's ``TODO(draft)``;
* ``invalid``: present with errors from the schema or the consistency rules
  (checked as strictly as ``in-review``);
* ``complete``: present and clean; given to the model as context.

A present section is never rewritten in place: drafts of placeholder and
invalid sections are shown for a person to paste, not appended.  The offline
provider drafts them too (a skeleton with the computed facts), except a
section that already holds its own ``TODO(draft)`` text (``offline_drafted``):
drafting it offline again would only repeat the same placeholders.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from postmortem_kit.checks import check_document
from postmortem_kit.core import Finding, SourceDocument
from postmortem_kit.incident import OFFLINE_MARKER, analysis_sections

MISSING, PLACEHOLDER, INVALID, COMPLETE = "missing", "placeholder", "invalid", "complete"


@dataclass
class SectionState:
    name: str
    state: str
    findings: list[Finding] = field(default_factory=list)
    offline_drafted: bool = False  # holds the offline provider's TODO(draft) text

    @property
    def needs_draft(self) -> bool:
        return self.state != COMPLETE

    def needs_draft_by(self, makes_calls: bool) -> bool:
        """A model drafts every section that is not complete; offline skips what it wrote itself."""
        return self.needs_draft and (makes_calls or not self.offline_drafted)

    def reason(self) -> str:
        if self.state == MISSING:
            return "missing"
        if not self.findings:
            return self.state
        first = self.findings[0]
        more = f" (+{len(self.findings) - 1} more)" if len(self.findings) > 1 else ""
        return f"{self.state}: {first.field or first.rule}: {first.message}{more}"


def section_of(finding: Finding) -> str | None:
    if not finding.field:
        return None
    head = finding.field.split(".", 1)[0].split("[", 1)[0]
    return head or None


def section_states(doc: SourceDocument) -> list[SectionState]:
    data = doc.data if isinstance(doc.data, dict) else {}
    strict = SourceDocument(path=doc.path, text=doc.text, data={**copy.copy(data), "status": "in-review"},
                            nodes=doc.nodes, keys=doc.keys)
    per_section: dict[str, list[Finding]] = {}
    for finding in check_document(strict, blameless=False):
        if finding.severity != "error":
            continue
        name = section_of(finding)
        if name is not None:
            per_section.setdefault(name, []).append(finding)
    states = []
    for name in analysis_sections():
        if name not in data:
            states.append(SectionState(name, MISSING))
            continue
        findings = per_section.get(name, [])
        drafted = _holds_offline_text(data[name])
        if any(f.rule == "template/placeholder" for f in findings):
            states.append(SectionState(name, PLACEHOLDER, findings, drafted))
        elif findings:
            states.append(SectionState(name, INVALID, findings, drafted))
        else:
            states.append(SectionState(name, COMPLETE))
    return states


def _holds_offline_text(value: object) -> bool:
    if isinstance(value, str):
        return OFFLINE_MARKER in value
    if isinstance(value, dict):
        return any(_holds_offline_text(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_offline_text(item) for item in value)
    return False


def nothing_to_draft(states: list[SectionState], sections: list[str] | None = None) -> str:
    """Why a run drafted nothing: every section is valid, or what is left holds offline TODO(draft) text."""
    wanted = [s for s in states if sections is None or s.name in sections]
    left = [s.name for s in wanted if s.needs_draft]
    if not left:
        return ("every analysis section is present and valid" if sections is None
                else "the requested sections are present and valid")
    return (f"{len(left)} section(s) still hold the offline draft's TODO(draft) text ({', '.join(left)}); "
            "write those parts by hand, or draft them with a model (--provider openai)")
