"""The model review as findings: `postmortem lint --review` and the review step of `pr check --review`.

Semantics (docs/pages/guide/blameless.md, "Model review"):

* a rule finding the model dismisses keeps its severity; its message gains
  ``model: likely fine (reason)``; one it confirms gains ``model: agrees (reason)``;
* blame the model says the rules missed is a *warning* ``review/BLM001`` at
  the quoted span, with the model's rewrite as the suggestion;
* the exit status is the rules' alone: a model can neither fail nor pass a file;
* a model or network failure is a one-line note; the rules' result stands.

The model, endpoint and limits come from the drafting configuration (the
trusted one in the pull-request job: never the pull request's own files).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from postmortem_kit.core import Finding, PostmortemError, declare

MISSED_RULE = declare(
    "review/BLM001", "warning", "Blame the rules missed, pointed out by the model (`--review`)",
    doc="Only with `postmortem lint --review` or `postmortem pr check --review` and a configured model. The model "
        "quoted a phrase that blames a person and the rules did not flag it; the suggestion is its rewrite. Always a "
        "warning: a model's opinion never fails a check. The quote was verified to appear verbatim in the field.")
PROG = "postmortem lint"


@dataclass
class ReviewReport:
    """What a review run did, for the one summary line."""

    model: str = ""
    confirmed: int = 0
    dismissed: int = 0
    missed: int = 0
    requests: int = 0
    cached: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)  # problem -> documents it happened to
    skipped: int = 0
    redacted: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"review: {note}" for note in self.notes]
        for problem, paths in self.problems.items():
            where = paths[0] if len(paths) == 1 else f"{len(paths)} documents, first {paths[0]}"
            out.append(f"review: {where}: {problem}")
        if self.skipped:
            out.append(f"review: {self.skipped} more document(s) not sent after that failure; the rules' result stands")
        if self.model:
            line = (f"review by {self.model}: {self.confirmed} confirmed, {self.dismissed} likely fine, "
                    f"{self.missed} missed blame; {self.requests} HTTP request(s), {self.cached} answer(s) from cache")
            if self.dropped:
                line += "; not used: " + ", ".join(f"{count} {why}" for why, count in sorted(self.dropped.items()))
            out.append(line)
        if self.redacted:
            out.append("review: redacted before sending: "
                       + ", ".join(f"{count} {kind}" for kind, count in sorted(self.redacted.items())))
        return out


def make_reviewer(config, near: str | Path | None = None) -> tuple[Any, str | None]:
    """(Reviewer, None), or (None, why not) when no model is configured or it cannot be set up.

    ``near``: a reviewed file, which places the default cache (the draft cache's scheme)."""
    from postmortem_kit.drafting.cache import DraftCache, default_cache_dir
    from postmortem_kit.drafting.providers import make_provider
    from postmortem_kit.drafting.review import Reviewer
    from postmortem_kit.textsafety import Redactor

    if config.resolved_provider() == "offline":
        return None, ("skipped: no model configured (set OPENAI_API_KEY, and OPENAI_BASE_URL or draft.base_url for "
                      "a self-hosted server); the rules' result stands")
    try:
        provider = make_provider(config)
        redactor = Redactor.default(config.redaction_patterns)
    except PostmortemError as error:
        return None, f"skipped: {str(error).splitlines()[0]}"
    directory = None
    if config.cache:
        directory = Path(config.cache_dir) if config.cache_dir else default_cache_dir(Path(near) if near else None)
    jobs = config.jobs or (12 if getattr(getattr(provider, "profile", None), "hosted", False) else 4)
    return Reviewer(provider, redactor, DraftCache(directory), token_budget=config.token_budget, jobs=jobs), None


def review_document(reviewer, prose, findings: list[Finding], report: ReviewReport) -> list[Finding]:
    """Review one document (a blameless ``ProseDocument`` and its rule findings): annotates the rule
    findings in place and returns the ``review/BLM001`` warnings."""
    from postmortem_kit.drafting.review import Candidate

    candidates: list[Candidate] = []
    by_id: dict[str, Finding] = {}
    for finding in findings:
        if not finding.rule.startswith("blameless/") or finding.suppressed or finding.fatal or not finding.match:
            continue
        index = prose.field_of(finding)
        if index is None:
            continue
        candidate = Candidate(f"c{len(candidates) + 1}", prose.fields[index].id, finding.match, finding.message)
        candidates.append(candidate)
        by_id[candidate.id] = finding
    outcome = reviewer.review(prose.path, [(f.id, f.text) for f in prose.fields], candidates)
    report.model = reviewer.provider.model
    report.requests += outcome.requests
    report.cached += outcome.cached
    for path, problem in outcome.notes:
        report.problems.setdefault(problem, []).append(path)
    report.skipped += outcome.skipped
    for why, count in outcome.dropped.items():
        report.dropped[why] = report.dropped.get(why, 0) + count
    for candidate_id, verdict in outcome.verdicts.items():
        finding = by_id[candidate_id]
        if verdict.dismissed:
            report.dismissed += 1
            finding.message += f" — model: likely fine ({verdict.reason})"
        else:
            report.confirmed += 1
            finding.message += f" — model: agrees ({verdict.reason})"
    added: list[Finding] = []
    for missed in outcome.missed:
        index = prose.index(missed.field)
        if index is None:
            continue
        line, column = prose.position(index, missed.start)
        end_line, end_column = prose.position(index, missed.start + len(missed.quote))
        quote = " ".join(missed.quote.split())
        added.append(Finding(prose.path, line, column, MISSED_RULE, "warning",
                             f"model: possible blame the rules missed: \u201c{quote[:200]}\u201d ({missed.reason})",
                             end_line=end_line, end_column=end_column, suggestion=missed.rewrite,
                             category="model-review", match=missed.quote,
                             field=missed.field if not missed.field.startswith("paragraph-") else None))
    report.missed += len(added)
    return added


def review_all(reviewer, documents, report: ReviewReport) -> list[Finding]:
    added: list[Finding] = []
    for prose, findings in documents:
        added.extend(review_document(reviewer, prose, findings, report))
    report.redacted = dict(reviewer.redactor.counts)
    return added


def lint_review_command(paths: list[str], *, fmt: str = "text", severity: str = "warning", kind: str = "auto",
                        exit_zero: bool = False, rules_file: str | None = None, config_file: str | None = None,
                        model: str | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`postmortem lint --review`: the offline lint, plus the configured model's second opinion."""
    from postmortem_kit.blameless import lint_command

    out = out or sys.stdout
    err = err or sys.stderr

    def review(documents, stream: TextIO) -> list[Finding]:
        report = ReviewReport()
        added: list[Finding] = []
        try:
            from postmortem_kit.drafting.config import load_config, validate

            first = next((p for p in paths if p != "-"), None)
            config = load_config(config_file, incident=first).with_overrides(model=model)
            validate(config, "command line")
            reviewer, why = make_reviewer(config, first)
            if reviewer is None:
                report.notes.append(str(why))
            else:
                added = review_all(reviewer, documents, report)
        except PostmortemError as error:
            report.notes.append(f"skipped: {str(error).splitlines()[0]}")
        except Exception as error:  # noqa: BLE001 - the review is optional: never a traceback, the rules' result stands
            report.notes.append(f"failed: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
        for line in report.lines():
            print(f"{PROG}: {' '.join(line.split())[:600]}", file=stream)
        return added

    return lint_command(paths, fmt=fmt, severity=severity, kind=kind, exit_zero=exit_zero, rules_file=rules_file,
                        review=review, out=out, err=err)
