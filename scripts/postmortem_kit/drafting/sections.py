"""Which analysis sections of an incident need drafting, and why.

Each section listed in the schema's ``x-analysis-sections`` is one of:

* ``missing``: not in the file (``--write`` can append a draft of it);
* ``placeholder``: present but still holding template text such as the
  offline provider's ``TODO(draft)``;
* ``invalid``: present with errors from the schema or the consistency rules
  (checked as strictly as ``in-review``);
* ``complete``: present and clean; given to the model as context.

A present section is never rewritten in place: drafts of placeholder and
invalid sections are shown for a person to paste, not appended.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from postmortem_kit.checks import check_document
from postmortem_kit.core import Finding, SourceDocument
from postmortem_kit.incident import analysis_sections

MISSING, PLACEHOLDER, INVALID, COMPLETE = "missing", "placeholder", "invalid", "complete"


@dataclass
class SectionState:
    name: str
    state: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def needs_draft(self) -> bool:
        return self.state != COMPLETE

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
        if any(f.rule == "template/placeholder" for f in findings):
            states.append(SectionState(name, PLACEHOLDER, findings))
        elif findings:
            states.append(SectionState(name, INVALID, findings))
        else:
            states.append(SectionState(name, COMPLETE))
    return states
