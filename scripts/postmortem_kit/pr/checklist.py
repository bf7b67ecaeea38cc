"""The review checklist in the sticky comment: per file, every analysis section with its state,
its grounding marks, and the review criteria of a good postmortem.

Section states:

* **written by a person**: the file has it and it is not a draft of ours;
* **drafted, accepted**: the file has it with exactly the value of a draft we
  offered on this or an earlier run (remembered by hidden ``drafted`` markers
  in the sticky comment: a hash of the file and section, and of the value);
* **drafted, waiting**: a suggestion (on its stub line, or appended where the
  file has no stub in the diff) or a YAML block in the comment;
* **not drafted**: with the reason (drafting off, dropped, an error).

Everything shown that came from the pull request (paths, reasons, figures,
criteria details) goes through ``textsafety`` (``cell``/``inline``/``path_code``).
"""

from __future__ import annotations

import re
from typing import Any

from postmortem_kit.pr.suggestions import Plan, SuggestionReport, slot_of
from postmortem_kit.textsafety import cell

_DRAFTED_RE = re.compile(r"<!-- postmortem-kit:drafted slot=([0-9a-f]{16}) value=([0-9a-f]{16}) -->")
MAX_REMEMBERED = 600
RESULT_MARK = {"pass": "✅ passes", "fail": "❌ not yet", "reviewer": "👀 for the reviewer"}


def remembered_in(bodies: list[str | None]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for body in bodies:
        found.update(_DRAFTED_RE.findall(body or ""))
    return found


def memory_markers(pairs: set[tuple[str, str]]) -> str:
    kept = sorted(pairs)[:MAX_REMEMBERED]
    return "".join(f"<!-- postmortem-kit:drafted slot={slot} value={value} -->" for slot, value in kept)


def section_rows(entry: dict[str, Any], plan: Plan, report: SuggestionReport, remembered: set[tuple[str, str]],
                 provider: str) -> list[tuple[str, str, str]]:
    """(section, state, grounding) for every analysis section of one file."""
    from postmortem_kit.incident import analysis_sections

    path = entry["path"]
    present = entry.get("sections") or {}
    drafts = {d["section"]: d for d in entry["drafts"]}
    dropped = {d["section"]: d["reason"] for d in entry["dropped"]}
    offered = {(s.path, s.section): s for s in plan.suggestions if s.key in report.offered}
    rows = []
    for name in analysis_sections():
        where = (path, name)
        draft = drafts.get(name)
        marks = "-"
        if draft and draft.get("ungrounded") and where not in plan.accepted:
            marks = "⚠️ not in the evidence: " + cell(", ".join(draft["ungrounded"]), 300)
        if name in present and (where in plan.accepted or (slot_of(path, name), present[name]) in remembered):
            state = "drafted, **accepted**"
            if draft is not None:
                state += " (still holds template text: for the author to finish)"
        elif name in present and draft is not None:
            state = "written, needs work: a re-draft is below as YAML to paste over it"
        elif name in present:
            state = "written by a person"
        elif where in offered:
            suggestion = offered[where]
            state = f"drafted, **waiting**: suggestion on line {suggestion.anchor.line}"
            if where in plan.fallback:
                state += f" (appended: {cell(plan.fallback[where], 200)})"
        elif draft is not None:
            state = "drafted, **waiting**: as YAML below"
        elif name in dropped:
            state = f"not drafted: {cell(dropped[name], 300)}"
        elif entry.get("draft_error"):
            state = f"not drafted: {cell(entry['draft_error'], 300)}"
        elif provider == "none":
            state = "not drafted: drafting is off for this job"
        else:
            state = "missing"
        rows.append((name, state, marks))
    return rows


def render_checklist(entry: dict[str, Any], plan: Plan, report: SuggestionReport, remembered: set[tuple[str, str]],
                     provider: str) -> list[str]:
    """The checklist lines of one file (a section table, then the review criteria)."""
    lines = ["", "| section | state | grounding |", "| --- | --- | --- |"]
    for name, state, marks in section_rows(entry, plan, report, remembered, provider):
        lines.append(f"| `{name}` | {state} | {marks} |")
    review = entry.get("review") or []
    if review:
        waiting = any(d["section"] not in (entry.get("sections") or {}) for d in entry["drafts"])
        lines += ["", "Review criteria (as the file would be with every waiting draft accepted):" if waiting
                  else "Review criteria:"]
        from postmortem_kit.pr.review_criteria import CRITERIA

        for item in review:
            title = CRITERIA.get(item["id"], item["id"])
            lines.append(f"- {RESULT_MARK[item['result']]}: **{title}**: {cell(item['detail'], 400)}")
    together = plan.combined.get(entry["path"])
    if together is not None and together.key in report.offered:
        lines += ["", f"To accept everything at once, use the combined suggestion on lines {together.start_line}-"
                      f"{together.anchor.line} *instead of* the per-section ones (GitHub refuses a batch of "
                      "overlapping suggestions). Otherwise pick any sections: \"Add suggestion to batch\" on each, "
                      "then \"Commit suggestions\" once."]
    fallback = [name for (path, name) in plan.fallback if path == entry["path"]]
    if fallback:
        lines += ["", f"No stub line in the diff for {', '.join(f'`{n}`' for n in fallback)}: these are appended "
                      "on one shared line as before, so commit them one at a time (the next run re-anchors the rest)."]
    return lines
