"""The whole-incident pass: drafted sections checked together with the ones people wrote.

Each section is validated on its own while it is drafted.  Sections can still
contradict each other or the human-written ones (a drafted summary start that
the human timeline runs before, a duration that no longer adds up, a SEV1 with
no users affected).  Before anything is written or suggested, the incident is
checked as a whole, with the drafts merged in, by the same pipeline as
`postmortem check` (plus ``draft/severity-impact``).  A finding the file did
not have before is blamed on a drafted section: the one it is reported in, or
else the one whose removal makes it go away.  That section is dropped with the
finding as the reason, and the pass runs again until no new finding is left.
So `draft --write` never produces a file that `check` rejects because of the draft.
"""

from __future__ import annotations

import re
from typing import Any

from postmortem_kit.checks import check_document
from postmortem_kit.core import Finding, SourceDocument, declare
from postmortem_kit.drafting.sections import section_of

SEVERITY_RULE = declare("draft/severity-impact", "error", "A drafted severity agrees with the stated impact",
                        doc="SEV1/SEV2 with no users affected, or SEV4 with most users affected, is a contradiction "
                            "a draft must not introduce.")
_NONE_AFFECTED = re.compile(r"^\s*(?:0|none|no (?:users|customers)|nobody)\b", re.IGNORECASE)
_MOST_AFFECTED = re.compile(r"\b(?:all (?:users|customers)|100\s?%|(?:[5-9]\d)(?:\.\d+)?\s?%)", re.IGNORECASE)


def _severity_findings(data: dict[str, Any], path: str) -> list[Finding]:
    summary = data.get("summary") if isinstance(data.get("summary"), dict) else {}
    impact = data.get("impact") if isinstance(data.get("impact"), dict) else {}
    severity = str(summary.get("severity") or "").upper()
    users = impact.get("users_affected")
    if not severity or not isinstance(users, str):
        return []
    if severity in ("SEV1", "SEV2") and _NONE_AFFECTED.search(users):
        message = f"severity {severity} but impact.users_affected says no users were affected ({users[:80]!r})"
    elif severity == "SEV4" and _MOST_AFFECTED.search(users):
        message = f"severity SEV4 but impact.users_affected says most users were affected ({users[:80]!r})"
    else:
        return []
    return [Finding(path, 1, 1, SEVERITY_RULE, "error", message, field="summary.severity")]


def _errors(data: dict[str, Any], path: str) -> list[Finding]:
    doc = SourceDocument(path=path, text="", data=data)
    found = [f for f in check_document(doc, blameless=True) if f.severity == "error"]
    return found + _severity_findings(data, path)


def _key(finding: Finding) -> tuple[str, str, str]:
    return (finding.rule, finding.field or "", finding.message)


def whole_incident_pass(data: dict[str, Any], drafts: dict[str, Any], *, path: str,
                        status: str | None = None) -> dict[str, str]:
    """Sections of ``drafts`` to drop, with the reason; ``data`` is the incident as the file has it.

    ``status`` overrides the status the check runs as (``in-review`` for model drafts,
    which are held to the standard of a reviewed incident).
    """
    base = dict(data)
    if status:
        base["status"] = status
    before = {_key(f) for f in _errors(base, path)}
    kept = dict(drafts)
    dropped: dict[str, str] = {}
    for _ in range(len(drafts) + 1):
        new = [f for f in _errors({**base, **kept}, path) if _key(f) not in before]
        if not new or not kept:
            break
        culprit, finding = _blame(new, kept, base, before, path)
        where = f"{finding.field}: " if finding.field else ""
        dropped[culprit] = (f"the whole-incident check failed with the drafts together: {where}{finding.message} "
                            f"[{finding.rule}]")
        kept.pop(culprit)
    return dropped


def _blame(new: list[Finding], kept: dict[str, Any], base: dict[str, Any], before: set, path: str):
    for finding in new:
        section = section_of(finding)
        if section in kept:
            return section, finding
    # Reported in a human section (or the document): the draft whose removal clears the most findings.
    best, best_left = next(iter(kept)), len(new) + 1
    for section in kept:
        trial = {name: value for name, value in kept.items() if name != section}
        left = sum(1 for f in _errors({**base, **trial}, path) if _key(f) not in before)
        if left < best_left:
            best, best_left = section, left
    return best, new[0]
