"""Every check of one incident file, in order: YAML, schema, rules, blameless language."""

from __future__ import annotations

from pathlib import Path

from postmortem_kit.checks.consistency import consistency_findings
from postmortem_kit.checks.schema_findings import schema_findings
from postmortem_kit.core import Finding, SourceDocument, YamlLoadError, declare, load_yaml_file
from postmortem_kit.incident import STATUSES, analysis_sections, find_placeholder, find_stubs, typed_strings

TYPE_CHECKING = False  # typing stays off the cold check path (annotations are never evaluated)
if TYPE_CHECKING:
    from typing import Any

NOT_A_MAPPING = declare("yaml/not-a-mapping", "error", "An incident file is a mapping of fields")
MISSING_SECTIONS = declare("draft/missing-sections", "notice", "A draft lists the analysis sections still missing",
                           doc="`postmortem draft` fills them; the notice is informational.")
LEFTOVER_STUB = declare("draft/leftover-stub", "warning", "No stub line is left for a section the file has",
                        doc="`postmortem new` and `postmortem import` write one `# stub: <section>` comment line per "
                            "missing analysis section, where its draft goes; once the section is in the file, "
                            "delete its stub line.")


def incident_status(data: Any) -> str:
    """The status the checks apply; an unknown status is checked as strictly as in-review."""
    status = data.get("status") if isinstance(data, dict) else None
    return status if status in STATUSES else "in-review"


def check_document(doc: SourceDocument, *, blameless: bool = True) -> list[Finding]:
    findings = list(doc.findings)
    data = doc.data
    if not isinstance(data, dict):
        what = "empty" if data is None else f"a {'list' if isinstance(data, list) else 'single value'}"
        findings.append(Finding(doc.path, *doc.position(()), NOT_A_MAPPING, "error",
                                f"the file is {what}; an incident file is a mapping with at least id, title and status"))
        return findings
    status = incident_status(data)
    draft = status == "draft"
    for finding in schema_findings(doc):
        if draft and _is_placeholder_error(data, finding):
            continue
        findings.append(finding)
    strings = list(typed_strings(data))  # one walk for the consistency rules and the blameless check
    findings.extend(consistency_findings(doc, status, strings))
    if draft:
        missing = [name for name in analysis_sections() if name not in data]
        if missing:
            line, column = doc.key_position(("status",))
            findings.append(Finding(
                doc.path, line, column, MISSING_SECTIONS, "notice",
                f"draft: {len(missing)} analysis section(s) to write: {', '.join(missing)}; "
                "`postmortem draft` drafts them from the inputs", field="status"))
    findings.extend(_leftover_stubs(doc, data))
    if blameless:
        scanned = _blameless_findings(doc, status, [(path, text) for path, text, shape in strings if shape.prose])
        if scanned is not None:
            findings = [f for f in findings if f.category != "schema-blameless"]
            findings.extend(scanned)
    else:
        findings = [f for f in findings if not f.rule.startswith("blameless/")]
    return findings


def _leftover_stubs(doc: SourceDocument, data: dict[str, Any]) -> list[Finding]:
    if "# stub: " not in (doc.text or ""):
        return []
    return [Finding(doc.path, stub.line, 1, LEFTOVER_STUB, "warning",
                    f"stub line for `{stub.section}` left in the file, which already has that section: delete the line",
                    field=stub.section)
            for stub in find_stubs(doc.text, analysis_sections()).values() if stub.section in data]


def _is_placeholder_error(data: dict[str, Any], finding: Finding) -> bool:
    """In a draft, a placeholder may stand where a finished value would need a number or a form."""
    if not finding.rule.startswith("schema/") or not finding.field:
        return False
    value = _value_at(data, finding.field)
    return isinstance(value, str) and find_placeholder(value) is not None


def _value_at(data: Any, dotted: str) -> Any:
    import re

    for part in re.findall(r"[^.\[\]]+|\[\d+\]", dotted):
        try:
            data = data[int(part[1:-1])] if part.startswith("[") else data[part]
        except (KeyError, IndexError, TypeError, ValueError):
            return None
    return data


def _blameless_findings(doc: SourceDocument, status: str, items: list[tuple[tuple, str]]) -> list[Finding] | None:
    try:
        from postmortem_kit.blameless import find_blame
    except ImportError:
        return None
    return find_blame(doc, doc.path, status, items=items)


def check_file(path: str | Path, *, blameless: bool = True) -> tuple[SourceDocument | None, list[Finding]]:
    """Load and check one file. A None document means the file was unusable (fatal finding)."""
    try:
        doc = load_yaml_file(path)
    except YamlLoadError as error:
        return None, [error.finding]
    return doc, check_document(doc, blameless=blameless)
