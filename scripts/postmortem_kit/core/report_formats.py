"""Printing findings: text, json, github (workflow commands) and sarif."""

from __future__ import annotations

import json

from postmortem_kit import __version__
from postmortem_kit.core.findings import Finding, counts
from postmortem_kit.core.text_guard import guard_commands, strip_hidden, write_command

TYPE_CHECKING = False  # typing stays off the cold check path (annotations are never evaluated)
if TYPE_CHECKING:
    from typing import Iterable, TextIO

FORMATS = ("text", "json", "github", "sarif")
INFORMATION_URI = "https://github.com/postmortem-kit/postmortem-kit"


def render(findings: list[Finding], fmt: str, out: TextIO) -> None:
    {"text": _text, "json": _json, "github": _github, "sarif": _sarif}[fmt](findings, out)


def summary_line(findings: list[Finding], files: int) -> str:
    total = counts(findings)
    suppressed = sum(1 for f in findings if f.suppressed)
    parts = [f"{total[s]} {s}{'s' if total[s] != 1 else ''}" for s in ("error", "warning", "notice")]
    if suppressed:
        parts.append(f"{suppressed} suppressed")
    return f"{files} file{'s' if files != 1 else ''} checked: {', '.join(parts)}"


def location(path: str, line: int | None = None, column: int | None = None) -> str:
    """``path:line:col``, or just the path when there is no position (a missing folder, a whole file)."""
    if not line:
        return path
    return f"{path}:{line}:{column}" if column else f"{path}:{line}"


def brief(finding, *, path: str | None = None, detail: bool = False) -> str:
    """One line for a finding (or anything with path, line, column and message) inside another message.

    ``path`` replaces the finding's path (a name shown to the user); ``detail`` adds the severity
    and the rule id.  The report formats above are for lists of findings; this is the one place a
    single finding becomes part of an error message, a log line or a summary.
    """
    positioned = getattr(finding, "positioned", True)  # False: a finding about a whole path (missing folder)
    where = location(path if path is not None else finding.path, finding.line if positioned else None,
                     finding.column)
    if detail:
        return f"{where}: {finding.severity}: {finding.message} [{finding.rule}]"
    return f"{where}: {finding.message}"


def _text(findings: Iterable[Finding], out: TextIO) -> None:
    for f in findings:
        label = "suppressed" if f.suppressed else f.severity
        message = f.message
        if f.suppressed:
            message += f" [suppressed: {f.suppression}]" if f.suppression else " [suppressed]"
        out.write(f"{f.location}: {label} {f.rule} {message}\n")
        if f.suggestion and not f.suppressed:
            out.write(f"    suggestion: {f.suggestion}\n")


def _json(findings: Iterable[Finding], out: TextIO) -> None:
    json.dump([f.to_dict() for f in findings], out, indent=2, ensure_ascii=False)
    out.write("\n")


def _escape_data(text: str) -> str:
    return guard_commands(strip_hidden(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(f: Finding) -> str:
    level = "notice" if f.suppressed or f.severity == "notice" else f.severity
    props = [f"file={_escape_property(f.path)}", f"line={f.line}", f"col={f.column}"]
    if f.end_line is not None:
        props.append(f"endLine={f.end_line}")
    if f.end_column is not None and (f.end_line in (None, f.line)):
        props.append(f"endColumn={f.end_column}")
    props.append(f"title={_escape_property(f.rule)}")
    message = f.message
    if f.suggestion and not f.suppressed:
        message += f"\nSuggestion: {f.suggestion}"
    if f.suppressed:
        message += f"\n(suppressed: {f.suppression or 'no reason given'})"
    return f"::{level} {','.join(props)}::{_escape_data(message)}"


def _github(findings: Iterable[Finding], out: TextIO) -> None:
    for f in findings:
        write_command(out, github_annotation(f) + "\n")


_SARIF_LEVEL = {"error": "error", "warning": "warning", "notice": "note"}


def sarif_document(findings: list[Finding]) -> dict:
    rules: dict[str, dict] = {}
    results = []
    for f in findings:
        rules.setdefault(f.rule, {"id": f.rule, "shortDescription": {"text": f.rule},
                                  "defaultConfiguration": {"level": _SARIF_LEVEL[f.severity]}})
        region = {"startLine": f.line, "startColumn": f.column}
        if f.end_line is not None:
            region["endLine"] = f.end_line
        if f.end_column is not None:
            region["endColumn"] = f.end_column
        result = {
            "ruleId": f.rule,
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message + (f" Suggestion: {f.suggestion}" if f.suggestion else "")},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": f.path.replace("\\", "/")},
                                                "region": region}}],
        }
        if f.suggestion:
            result["properties"] = {"suggestion": f.suggestion}
        if f.suppressed:
            result["suppressions"] = [{"kind": "inSource", "justification": f.suppression or ""}]
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "postmortem-kit", "version": __version__,
                                "informationUri": INFORMATION_URI, "rules": list(rules.values())}},
            "results": results,
        }],
    }


def _sarif(findings: list[Finding], out: TextIO) -> None:
    json.dump(sarif_document(list(findings)), out, indent=2, ensure_ascii=False)
    out.write("\n")


def render_rules(rules, fmt: str, out: TextIO) -> None:
    """The rule registry as text (one line each), JSON, or the Markdown rule reference."""
    if fmt == "json":
        json.dump([{"id": r.id, "family": r.family, "severity": r.severity, "summary": r.summary, "doc": r.doc}
                   for r in rules], out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    if fmt == "markdown":
        out.write(_rules_markdown(rules))
        return
    width = max((len(r.id) for r in rules), default=0)
    for rule in rules:
        out.write(f"{rule.id.ljust(width)}  {rule.severity:<7}  {rule.summary}\n")


def _rules_markdown(rules) -> str:
    lines = ["# Rule reference", "",
             "<!-- Generated by `postmortem rules --format markdown` from the rule registry; do not edit. -->", "",
             f"{len(rules)} rules. The severity is the default; the blameless rules' severity in drafts is lowered "
             "to a warning, and `--strict` makes warnings fail.", ""]
    family = None
    for rule in rules:
        if rule.family != family:
            family = rule.family
            lines += [f"## {family}", "", "| Rule | Severity | What it checks |", "| --- | --- | --- |"]
            members = [r for r in rules if r.family == family]
            lines += [f"| `{r.id}` | {r.severity} | {_cell(r.summary)} |" for r in members]
            lines.append("")
            documented = [r for r in members if r.doc]
            for r in documented:
                lines += [f"### `{r.id}`", "", r.doc, ""]
    return "\n".join(lines).rstrip() + "\n"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
