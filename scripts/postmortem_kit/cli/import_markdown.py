"""`postmortem import FILE.md [-o FILE.yaml] [--id ID] [--timezone ZONE]`: RCA Markdown -> incident YAML.

The file is written even when the check then finds problems, so the writer
can fix them in place.  Exit status: 0 written and clean; 1 written, with
errors from the import or the check, or with content that could not be
placed; 2 nothing written (unusable input or arguments).
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from postmortem_kit.cli.support import ArgumentParser, parse
from postmortem_kit.core import FORMATS, LIMITS, FileReadError, Finding, counts, declare, read_text, render
from postmortem_kit.incident import DEFAULT_DIR, ID_PATTERN, STATUSES, next_free_id

MAX_BYTES = LIMITS["markdown"]
CHECK_FAILED = declare("import/check-failed", "error", "The imported file was written but could not be checked")


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="postmortem import", description=(
        "Convert an RCA Markdown document (the layout of the RCA prompt) into an incident YAML file, "
        "then check it. Exit 0 clean, 1 written with problems to fix, 2 nothing written."))
    parser.add_argument("file", metavar="FILE.md", help="the Markdown document")
    parser.add_argument("-o", "--output", metavar="FILE.yaml",
                        help=f"where to write (default: {DEFAULT_DIR}/<id>.yaml; '-' for standard output)")
    parser.add_argument("--id", help="incident id (default: the output file's name, else the next free id)")
    parser.add_argument("--timezone", metavar="ZONE",
                        help="zone for times that state none: IANA name (Europe/Berlin), offset (+01:00) or CET/PST/UTC")
    parser.add_argument("--status", choices=STATUSES, help="status to set (default: in-review for a complete "
                                                           "document, draft for one with only the input blocks)")
    parser.add_argument("--author", action="append", default=None, metavar="HANDLE",
                        help="author handle or team (repeatable; default: the document's Authors line)")
    parser.add_argument("--dir", default=DEFAULT_DIR, help=f"incident folder for the next free id (default: {DEFAULT_DIR})")
    parser.add_argument("--force", action="store_true", help="overwrite an existing output file")
    parser.add_argument("--format", choices=FORMATS, default="text", help="format of the findings (default: text)")
    return parser


def read_markdown(path: str) -> str:
    """The document as text; raises ValueError with a one-line reason when it is unusable."""
    try:
        return read_text(path, "markdown")
    except FileReadError as error:
        if error.rule == "file/too-large":
            raise ValueError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MiB; not an RCA document") from None
        raise ValueError(str(error).replace(":1:1:", ":")) from None


def _fail(message: str) -> int:
    print(f"postmortem import: {message}", file=sys.stderr)
    return 2


def main(argv: list[str]) -> int:
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    from postmortem_kit.rca import zone_from_text

    zone = None
    if args.timezone is not None:
        zone = zone_from_text(args.timezone)
        if zone is None:
            return _fail(f"--timezone {args.timezone!r} is not a time zone; use an IANA name (Europe/Berlin), "
                         "an offset (+01:00) or a known abbreviation (UTC, CET, PST)")
    if args.id is not None and not ID_PATTERN.match(args.id):
        return _fail(f"--id {args.id!r} is not an id of the form INC-2026-0042")
    try:
        text = read_markdown(args.file)
    except ValueError as error:
        return _fail(str(error))

    from postmortem_kit.rca import import_markdown

    outcome = import_markdown(text, args.file, default_zone=zone, status=args.status, authors=args.author)
    if not outcome.usable:
        return _fail(f"{args.file}: nothing to import: no RCA section with content (INCIDENT SUMMARY, ROOT CAUSE "
                     "IDENTIFICATION, ..., or the input blocks INCIDENT DATA / SYSTEM CONTEXT); nothing written")

    to_stdout = args.output == "-"
    target = Path(args.output) if args.output and not to_stdout else None
    incident_id = args.id
    if target is not None and ID_PATTERN.match(target.stem):
        if incident_id is not None and incident_id != target.stem:
            return _fail(f"--id {incident_id} differs from the output file name {target.name}; the check requires "
                         "them to match")
        incident_id = target.stem
    if incident_id is None:
        year = outcome.year or datetime.now(timezone.utc).year
        incident_id = next_free_id(args.dir, year)
    if target is None and not to_stdout:
        target = Path(args.dir) / f"{incident_id}.yaml"
    if target is not None and target.exists() and not args.force:
        return _fail(f"{target} already exists; not overwriting it (use --force to replace it)")

    if outcome.stated_id and outcome.stated_id != incident_id:
        outcome.report.add(1, "id", "notice", f"the document names itself {outcome.stated_id}; written as {incident_id}",
                           field_name="id")
    data = {"id": incident_id, **outcome.data}

    from postmortem_kit.incident import dump_incident, schema_reference

    yaml_text = dump_incident(data, schema_ref=schema_reference(target.parent if target is not None else Path(args.dir)),
                              draft_stubs=True)

    shown = "-" if to_stdout else str(target)
    if to_stdout:
        sys.stdout.write(yaml_text)
    else:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "w" if args.force else "x", encoding="utf-8", newline="\n") as handle:
                handle.write(yaml_text)
        except FileExistsError:
            return _fail(f"{target} already exists; not overwriting it (use --force to replace it)")
        except OSError as error:
            return _fail(f"{target}: cannot write: {error.strerror or error}")

    import_findings = sorted(outcome.report.findings, key=Finding.sort_key)
    check_findings = _check(yaml_text, shown)
    findings = import_findings + check_findings
    report_to = sys.stderr if to_stdout else sys.stdout
    render(findings, args.format, report_to)
    total = counts(check_findings)
    unplaced = len(outcome.report.unplaced)
    print(f"{'wrote ' + shown if not to_stdout else 'printed'} ({data['status']}): "
          f"{len(outcome.imported)} section(s) imported, {unplaced} unplaced item(s)"
          f"{' kept under x-unplaced' if unplaced else ''}; check: {total['error']} error(s), "
          f"{total['warning']} warning(s), {total['notice']} notice(s)", file=sys.stderr)
    failed = any(f.severity == "error" and not f.suppressed for f in findings) or unplaced > 0
    return 1 if failed else 0


def _check(yaml_text: str, shown: str) -> list[Finding]:
    """`postmortem check` on the written text (the same rules, the blameless ones included)."""
    from postmortem_kit.checks import check_document
    from postmortem_kit.core import YamlLoadError, load_yaml_text

    try:
        doc = load_yaml_text(yaml_text, shown)
    except YamlLoadError as error:  # pragma: no cover - the writer reads its output back
        return [error.finding]
    try:
        return sorted(check_document(doc), key=Finding.sort_key)
    except Exception as error:  # noqa: BLE001 - a broken rule file must not hide that the file was written
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        return [Finding(shown, 1, 1, CHECK_FAILED, "error",
                        f"the file was written but `postmortem check` could not run on it: {message}")]
