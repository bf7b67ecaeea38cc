"""`postmortem check [PATH...]`: validate incident files.

Exit status: 0 no errors, 1 findings of error severity, 2 unusable input or arguments.
"""

from __future__ import annotations

import sys
from collections import defaultdict

from postmortem_kit.checks import check_file
from postmortem_kit.cli.support import ArgumentParser, parse
from postmortem_kit.core import FORMATS, Finding, render, summary_line
from postmortem_kit.incident import DEFAULT_DIR, collect


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="postmortem check", description=(
        "Check incident files against the schema, the consistency rules and the blameless-language rules. "
        "Exit 0 when clean, 1 when there are errors, 2 when a file or argument is unusable."))
    parser.add_argument("paths", nargs="*", metavar="PATH", help=f"files or directories (default: {DEFAULT_DIR}/)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--no-blameless", action="store_true", help="skip the blameless-language rules")
    parser.add_argument("--strict", action="store_true", help="warnings fail the check too")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only (text format)")
    return parser


def run_checks(paths: list[str], *, blameless: bool = True) -> tuple[list[Finding], int]:
    """Check every file under ``paths``; return all findings and the number of files read."""
    files, findings = collect(paths)
    ids: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for path in files:
        doc, file_findings = check_file(path, blameless=blameless)
        findings.extend(file_findings)
        if doc is not None and isinstance(doc.data, dict) and isinstance(doc.data.get("id"), str):
            ids[doc.data["id"]].append((path, *doc.position(("id",))))
    for incident_id, places in ids.items():
        for path, line, column in places[1:]:
            findings.append(Finding(path, line, column, "id/duplicate", "error",
                                    f"id {incident_id} is also used by {places[0][0]}", field="id"))
    findings.sort(key=Finding.sort_key)
    return findings, len(files)


def exit_status(findings: list[Finding], *, strict: bool = False) -> int:
    if any(f.fatal for f in findings):
        return 2
    failing = ("error", "warning") if strict else ("error",)
    return 1 if any(f.severity in failing and not f.suppressed for f in findings) else 0


def main(argv: list[str]) -> int:
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    findings, files = run_checks(args.paths or [DEFAULT_DIR], blameless=not args.no_blameless)
    shown = [f for f in findings if f.severity == "error" or f.fatal] if args.quiet else findings
    render(shown, args.format, sys.stdout)
    if args.format == "text":
        print(summary_line(findings, files), file=sys.stderr)
    return exit_status(findings, strict=args.strict)
