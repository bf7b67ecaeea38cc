"""Stage 1 of the pull-request job (`postmortem pr check`): unprivileged, no write token.

For a ``pull_request`` event: list the incident files the pull request
changes (GitHub API, paginated), check each one from the checked-out
workspace, draft what is missing (offline for forks), choose the anchor line
for the drafted sections, print annotations within GitHub's caps, write the
job summary and the result file that stage 2 posts.  Exit status: 1 when a
file that is not a draft has errors, else 0.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from postmortem_kit import __version__
from postmortem_kit.checks import check_file, duplicate_ids, incident_status
from postmortem_kit.core import Finding, counts
from postmortem_kit.github import append_outputs
from postmortem_kit.pr.annotations import select
from postmortem_kit.pr.annotations import write as write_annotations
from postmortem_kit.pr.artifact import RESULT_FORMAT, RESULT_VERSION, write_result
from postmortem_kit.pr.drafts import DraftSettings, FileDrafts, draft_file
from postmortem_kit.pr.event import PrEvent
from postmortem_kit.pr.files import ChangedFile, Listing, list_incident_files
from postmortem_kit.pr.summary import check_summary, headline, write_summary
from postmortem_kit.textsafety import log_line

FINDINGS_KEPT = 200
TEXT_CAP = 2000


@dataclass
class CheckOptions:
    workspace: str = "."
    dirs: tuple[str, ...] = ("postmortems",)
    out: str | None = "postmortem-pr-result.json"
    drafts: bool = True
    draft: DraftSettings = field(default_factory=DraftSettings)
    blameless: bool = True
    review: bool = False  # the model review of the blameless findings (a workflow input; never the PR's files)
    summary_path: str | None = None
    output_path: str | None = None


@dataclass
class CheckOutcome:
    result: dict[str, Any]
    exit_status: int
    findings: list[Finding]
    notes: list[str]


def run_check(event: PrEvent, gh, options: CheckOptions, out: TextIO | None = None, config=None) -> CheckOutcome:
    """Stage 1 for ``event`` (a relevant pull_request event) with PyGithub client ``gh``.

    ``config``: a DraftConfig (default: loaded from the workspace and ``options.draft``)."""
    out = out or sys.stdout
    pull_ref = event.pull
    assert pull_ref is not None
    repo = gh.get_repo(pull_ref.repository)
    pull = repo.get_pull(pull_ref.number)
    listing = list_incident_files(pull, options.dirs, pull_ref.changed_files)
    notes = [note for note in [listing.truncation_note()] if note]

    draft_config = None
    provider = "none"
    if options.drafts:
        options.draft.fork = options.draft.fork or pull_ref.fork
        draft_config = config
        if draft_config is None:
            from postmortem_kit.pr.drafts import load_draft_config

            draft_config = load_draft_config(options.draft, options.workspace)
        provider = draft_config.resolved_provider()

    reviewer, report = _reviewer(options, draft_config, pull_ref.fork)
    entries, all_findings = check_files(listing, options, draft_config, reviewer, report)
    if report is not None:
        notes += [f"model {line}" if line.startswith("review") else line for line in report.lines()]
    failing = [e for e in entries if e["outcome"] in ("failed", "unreadable")]
    exit_status = 1 if failing else 0
    result = {
        "format": RESULT_FORMAT, "version": RESULT_VERSION, "tool": f"postmortem-kit {__version__}",
        "repository": pull_ref.repository, "pull_number": pull_ref.number, "head_sha": pull_ref.head_sha,
        "base_sha": pull_ref.base_sha, "head_repository": pull_ref.head_repository, "fork": pull_ref.fork,
        "provider": provider,
        "listing": {"listed": listing.listed, "changed_files": listing.changed_files,
                    "truncated": listing.truncated, "incident_files": len(entries)},
        "exit_status": exit_status, "files": entries,
    }
    selection = select(all_findings)
    write_annotations(selection, out)
    summary = check_summary(result, selection.rest, len(selection.shown), notes=notes)
    write_summary(summary, options.summary_path)
    if options.out:
        write_result(result, options.out)
    _outputs(options.output_path, {"result": os.path.abspath(options.out) if options.out else "",
                                   "exit-status": str(exit_status),
                                   "errors": str(sum(e["counts"]["error"] for e in entries))})
    for line in _report_lines(result, listing, notes, options.out):
        out.write(line + "\n")
    return CheckOutcome(result, exit_status, all_findings, notes)


def _reviewer(options: CheckOptions, draft_config, fork: bool):
    """The model reviewer when the workflow asked for one (``--review``), from the trusted configuration."""
    if not options.review or not options.blameless:
        return None, None
    from postmortem_kit.drafting import ReviewReport, make_reviewer

    report = ReviewReport()
    if fork:
        report.notes.append("skipped: a pull request from a fork is never sent to a model")
        return None, report
    if draft_config is None:
        from postmortem_kit.pr.drafts import load_draft_config

        draft_config = load_draft_config(options.draft, options.workspace)
    reviewer, why = make_reviewer(draft_config)
    if reviewer is None:
        report.notes.append(str(why))
    return reviewer, report


def check_files(listing: Listing, options: CheckOptions, draft_config, reviewer=None,
                report=None) -> tuple[list[dict[str, Any]], list[Finding]]:
    entries: list[dict[str, Any]] = []
    all_findings: list[Finding] = []
    docs: dict[str, Any] = {}
    per_file: dict[str, list[Finding]] = {}
    for changed in listing.files:
        if changed.deleted:
            continue
        doc, findings = _check_one(changed.path, options)
        per_file[changed.path] = findings
        docs[changed.path] = doc
    for finding in duplicate_ids(docs.items()):
        per_file[finding.path].append(finding)
    if reviewer is not None:
        _review(reviewer, report, docs, per_file)
    for changed in listing.files:
        if changed.deleted:
            entries.append(_entry(changed, None, [], FileDrafts(), None))
            continue
        findings = sorted(per_file[changed.path], key=Finding.sort_key)
        all_findings.extend(findings)
        doc = docs[changed.path]
        drafts = FileDrafts()
        anchor = None
        if draft_config is not None and doc is not None and isinstance(doc.data, dict) and \
                not any(f.fatal or f.rule.startswith(("yaml/", "file/")) for f in findings):
            drafts = draft_file(doc, draft_config)
            anchor = _anchor(doc, changed, drafts)
        entry = _entry(changed, doc, findings, drafts, anchor)
        if doc is not None and isinstance(doc.data, dict):
            entry.update(review_material(doc.data, drafts))
        entries.append(entry)
    return entries, all_findings


def _review(reviewer, report, docs: dict[str, Any], per_file: dict[str, list[Finding]]) -> None:
    """The model's second opinion on each readable file: warnings and annotated messages only."""
    from postmortem_kit.blameless import incident_prose
    from postmortem_kit.drafting import review_document

    for path, doc in docs.items():
        findings = per_file[path]
        if doc is None or not isinstance(doc.data, dict) or any(f.fatal for f in findings):
            continue
        try:
            findings.extend(review_document(reviewer, incident_prose(doc, path), findings, report))
        except Exception as error:  # noqa: BLE001 - the review is optional; the check's result stands
            report.notes.append(f"{path}: failed: {type(error).__name__}")
    report.redacted = dict(reviewer.redactor.counts)


def _check_one(path: str, options: CheckOptions) -> tuple[Any, list[Finding]]:
    workspace = Path(options.workspace)
    full = workspace / path
    try:
        inside = full.resolve().is_relative_to(workspace.resolve())
    except OSError:
        inside = False
    if full.is_symlink() or not inside:
        return None, [Finding(path, 1, 1, "file/symlink", "error",
                              "incident files must be regular files in the repository; symlinks are not read")]
    if not full.is_file():
        return None, [Finding(path, 1, 1, "file/missing", "error",
                              f"not in the workspace {options.workspace!r}: check out the pull request's head commit "
                              "before running `postmortem pr check`")]
    doc, findings = check_file(str(full), blameless=options.blameless)
    prefix = str(full)
    for finding in findings:
        if finding.path == prefix:
            finding.path = path
    if doc is not None:
        doc.path = path
    return doc, findings


def _anchor(doc, changed: ChangedFile, drafts: FileDrafts):
    """Each draft with its stub line in the diff gets its own ``replace`` anchor (in its draft entry);
    the rest share one append/insert anchor on a line no stub anchor uses (returned)."""
    from postmortem_kit.pr.anchor import find_anchor, stub_anchors

    appendable = [d for d in drafts.drafts if not d["replaces"]]
    if not appendable:
        return None
    own = stub_anchors(doc.text, changed.patch, doc.data, drafts.values, {d["section"]: d["yaml"] for d in appendable})
    for draft in appendable:
        if draft["section"] in own:
            draft["anchor"] = own[draft["section"]].to_dict()
    rest = [d for d in appendable if d["section"] not in own]
    if not rest:
        return None
    return find_anchor(doc.text, changed.patch, doc.data, {d["section"]: drafts.values[d["section"]] for d in rest},
                       [d["yaml"] for d in rest], avoid={a.line for a in own.values()})


def review_material(data: dict[str, Any], drafts: FileDrafts) -> dict[str, Any]:
    """What the review checklist needs from the file: a hash of each analysis section it has, the
    figures of each draft that the evidence lacks, and the review criteria with the drafts placed."""
    from postmortem_kit.incident import analysis_sections, compute_facts
    from postmortem_kit.pr.drafts import value_hash
    from postmortem_kit.pr.grounding import known_figures, ungrounded
    from postmortem_kit.pr.review_criteria import evaluate

    sections = {name: value_hash(data[name]) for name in analysis_sections() if name in data}
    try:
        facts = compute_facts(data).to_dict()
    except Exception:  # noqa: BLE001 - facts are a help for the checklist, never a reason to fail
        facts = {}
    evidence = known_figures([data.get("inputs"), facts])
    for draft in drafts.drafts:
        if draft["section"] in drafts.every:
            draft["ungrounded"] = ungrounded(drafts.every[draft["section"]], evidence)
    placed = {**data, **drafts.values}
    day = None
    start = str(facts.get("start") or "")[:10]
    if start:
        from datetime import date

        try:
            day = date.fromisoformat(start)
        except ValueError:
            day = None
    return {"sections": sections, "review": evaluate(placed, list(facts.get("timeline") or []), day)}


def _finding_dict(finding: Finding) -> dict[str, Any]:
    data = {"line": max(1, finding.line), "column": max(1, finding.column), "rule": finding.rule[:100],
            "severity": finding.severity, "message": finding.message[:TEXT_CAP]}
    if finding.suggestion:
        data["suggestion"] = finding.suggestion[:TEXT_CAP]
    if finding.suppressed:
        data["suppressed"] = True
    return data


def _entry(changed: ChangedFile, doc, findings: list[Finding], drafts: FileDrafts, anchor) -> dict[str, Any]:
    status = None
    if doc is not None and isinstance(doc.data, dict) and doc.data.get("status") in ("draft", "in-review", "published"):
        status = doc.data["status"]
    if changed.deleted:
        outcome = "deleted"
    elif doc is None or not isinstance(doc.data, dict):
        outcome = "unreadable"
    elif counts(findings)["error"] and incident_status(doc.data) != "draft":
        outcome = "failed"
    elif status == "draft":
        outcome = "draft"
    else:
        outcome = "passed"
    kept = findings[:FINDINGS_KEPT]
    return {
        "path": changed.path, "change": changed.change, "previous_path": changed.previous_path,
        "incident_status": status, "outcome": outcome, "counts": counts(findings),
        "findings": [_finding_dict(f) for f in kept], "findings_omitted": len(findings) - len(kept),
        "anchor": anchor.to_dict() if anchor is not None else None,
        "drafts": drafts.drafts, "dropped": [{"section": d["section"], "reason": d["reason"][:TEXT_CAP]}
                                             for d in drafts.dropped],
        "provenance": drafts.provenance, "usage": drafts.usage,
        "draft_error": drafts.error[:TEXT_CAP] if drafts.error else None,
    }


def _outputs(path: str | None, values: dict[str, str]) -> None:
    append_outputs([f"{key}={log_line(value, 4000)}" for key, value in values.items()], path)


def _report_lines(result: dict[str, Any], listing: Listing, notes: list[str], out_path: str | None) -> list[str]:
    lines = [f"postmortem pr check: #{result['pull_number']} at {result['head_sha'][:12]}: {headline(result)} "
             f"({listing.listed:,} changed file{'s' if listing.listed != 1 else ''} listed)"]
    for entry in result["files"]:
        c = entry["counts"]
        drafted = f", {len(entry['drafts'])} sections drafted" if entry["drafts"] else ""
        lines.append(f"  {log_line(entry['path'], 300)}: {entry['outcome']} ({c['error']} errors, {c['warning']} "
                     f"warnings, {c['notice']} notices{drafted})")
    lines += [f"  note: {log_line(note)}" for note in notes]
    if out_path:
        lines.append(f"  result written to {log_line(out_path, 500)} (stage 2: postmortem pr post)")
    lines.append("exit status 1: a file that is not a draft has errors" if result["exit_status"]
                 else "exit status 0: no errors outside drafts")
    return lines
