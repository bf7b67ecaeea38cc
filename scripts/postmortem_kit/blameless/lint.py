"""`postmortem lint` as one library call: read documents, report blameless findings, return the exit status.

Markdown (.md, .markdown), plain text (anything else) and incident YAML
(.yaml, .yml: only the prose fields) are read; ``-`` (or no path) reads
stdin.  Directories are searched for .md, .markdown, .txt, .yaml and .yml.
Severity: every finding is a warning unless ``severity="error"``, which
applies the policy of a published incident (high-confidence blame rules are
errors).  Exit status: 0 no findings, 1 findings (suppressed ones do not
count), 2 unusable input or arguments.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, TextIO

from postmortem_kit.blameless.rules import RuleFileError, load_rules
from postmortem_kit.core import LIMITS, Finding, render, summary_line
from postmortem_kit.incident import collect

TEXT_SUFFIXES = (".md", ".markdown", ".mdx", ".txt", ".text", ".rst")
YAML_SUFFIXES = (".yaml", ".yml")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")
MAX_BYTES = LIMITS["document"]
STDIN = "-"
# A second reader of the documents (`lint --review`): given each document's prose and rule findings,
# it returns extra findings (warnings) and may annotate the rule findings; it never changes the exit status.
Reviewer = Callable[[list[tuple[object, list[Finding]]], TextIO], list[Finding]]


def lint_command(paths: list[str], *, fmt: str = "text", severity: str = "warning", kind: str = "auto",
                 exit_zero: bool = False, list_rules: bool = False, rules_file: str | None = None,
                 review: Reviewer | None = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Run `postmortem lint` over ``paths``; returns the exit status.

    ``review`` (see ``Reviewer``) adds the model's second opinion; the exit status is the rules' alone."""
    try:
        rules = load_rules(rules_file)
    except RuleFileError as error:
        print(f"postmortem lint: {error}", file=err)
        return 2
    if list_rules:
        _list_rules(rules, out)
        return 0
    status = "published" if severity == "error" else "draft"
    targets, findings = collect(paths or [STDIN], suffixes=TEXT_SUFFIXES + YAML_SUFFIXES,
                                what="documents (*.md, *.txt, *.yaml)", empty_rule="file/no-documents", stdin=STDIN)
    documents = []
    for target in targets:
        found, prose = lint_document(target, kind=kind, status=status, rules=rules, prose=review is not None)
        findings.extend(found)
        if prose is not None:
            documents.append((prose, found))
    fatal = any(f.fatal for f in findings)
    unsuppressed = any(not f.suppressed for f in findings)
    if review is not None and not fatal:
        findings.extend(review(documents, err))
    findings.sort(key=Finding.sort_key)
    render(findings, fmt, out)
    if fmt == "text":
        print(summary_line(findings, len(targets)), file=err)
    if fatal:
        return 2
    if exit_zero:
        return 0
    return 1 if unsuppressed else 0


def lint_target(target: str, *, kind: str = "auto", status: str = "draft", rules=None) -> list[Finding]:
    """Findings for one path (or ``-`` for stdin); unusable input gives one fatal finding."""
    return lint_document(target, kind=kind, status=status, rules=rules)[0]


def lint_document(target: str, *, kind: str = "auto", status: str = "draft", rules=None, prose: bool = False):
    """(findings, prose) for one path: ``prose`` is its ``ProseDocument`` when asked for and readable, else None."""
    from postmortem_kit.blameless import lint_text
    from postmortem_kit.core import YamlLoadError, decode_source, read_source

    shown = "<stdin>" if target == STDIN else target
    try:
        if target == STDIN:
            raw = sys.stdin.buffer.read(MAX_BYTES + 1) if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
            text = decode_source(raw, shown, kind="document")
        else:
            text = read_source(target, kind="document")
    except YamlLoadError as error:
        finding = error.finding
        finding.message = finding.message.replace("for an incident file", "for a document")
        return [finding], None
    resolved = _kind(target, kind)
    if resolved == "yaml":
        return _lint_yaml(text, shown, status, rules, prose)
    findings = lint_text(text, shown, markdown=resolved == "markdown", status=status, rules=rules)
    if not prose:
        return findings, None
    from postmortem_kit.blameless.prose import text_prose

    return findings, text_prose(text, shown)


def _lint_yaml(text: str, shown: str, status: str, rules, prose: bool):
    from postmortem_kit.blameless import find_blame
    from postmortem_kit.core import YamlLoadError, load_yaml_text

    try:
        doc = load_yaml_text(text, shown)
    except YamlLoadError as error:
        return [error.finding], None
    findings = find_blame(doc, shown, status, rules=rules)
    if not prose:
        return findings, None
    from postmortem_kit.blameless.prose import incident_prose

    return findings, incident_prose(doc, shown)


def _kind(target: str, kind: str) -> str:
    if kind != "auto":
        return kind
    if target == STDIN:
        return "markdown"
    suffix = Path(target).suffix.lower()
    if suffix in YAML_SUFFIXES:
        return "yaml"
    return "markdown" if suffix in MARKDOWN_SUFFIXES else "text"


def _list_rules(rules, out: TextIO) -> None:
    from postmortem_kit.blameless.confidence import tier_of

    for rule in rules.rules:
        tier = tier_of(rule.id) if rule.severity == "error" else "tone"
        print(f"{rule.id}  {rule.category:<20} {rule.severity:<7} {tier:<6} {rule.describe('…')}", file=out)
        print(f"       suggestion: {rule.suggestion}", file=out)
