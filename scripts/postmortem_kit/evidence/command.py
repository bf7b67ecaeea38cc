"""`postmortem evidence add`: read every source, merge its evidence into the incident, write once.

Every source is read completely before anything is written; any error in any
source leaves the incident file as it was.  The incident is written once, by
insertion (``yaml_insert``), through a temporary file and a rename.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from postmortem_kit.core import FileReadError, YamlLoadError, load_yaml_text, read_bytes
from postmortem_kit.evidence.inputs import Source
from postmortem_kit.evidence.merge import MAX_NEW_ENTRIES, Merge, entry_for
from postmortem_kit.evidence.model import EvidenceError, Options, Window, parse_option_time, stamp
from postmortem_kit.evidence.probe import Progress
from postmortem_kit.evidence.registry import choose
from postmortem_kit.evidence.yaml_insert import insert_entries, write_atomically

MAX_GREP = 500


@dataclass
class SourceReport:
    shown: str
    format: str
    read: int = 0  # records in the window
    added: int = 0
    first: datetime | None = None
    last: datetime | None = None


@dataclass
class EvidenceResult:
    path: str
    window: Window
    sources: list[SourceReport] = field(default_factory=list)
    added: dict[str, int] = field(default_factory=dict)  # section -> entries added
    duplicates: int = 0
    redacted: dict[str, int] = field(default_factory=dict)  # placeholder kind -> count (never the values)
    written: bool = False
    text: str | None = None  # the incident's new text (None: nothing to add)

    def report(self) -> list[str]:
        return report_lines(self)

    @property
    def total_added(self) -> int:
        return sum(self.added.values())

    @property
    def total_read(self) -> int:
        return sum(source.read for source in self.sources)


def build_options(*, start: str | None = None, end: str | None = None, grep: str | None = None,
                  zone: str | None = None, metric: str | None = None, threshold: float | None = None) -> Options:
    window = Window(parse_option_time(start, "--from") if start else None, parse_option_time(end, "--to") if end else None)
    if window.start and window.end and window.end < window.start:
        raise EvidenceError(f"--to {end} is before --from {start}")
    pattern = None
    if grep is not None:
        if len(grep) > MAX_GREP:
            raise EvidenceError(f"--grep: longer than {MAX_GREP} characters")
        try:
            pattern = re.compile(grep)
        except re.error as error:
            raise EvidenceError(f"--grep {grep!r}: not a regular expression: {error}") from None
    return Options(window=window, grep=pattern, zone=_zone(zone), metric=metric, threshold=threshold)


def _zone(name: str | None) -> tzinfo | None:
    if name is None:
        return None
    from postmortem_kit.incident import zone_named

    zone = zone_named(name)
    if zone is None:
        raise EvidenceError(f"--zone {name!r}: not a time zone name (use UTC or an IANA name such as Europe/Berlin)")
    return zone


def _redactor(incident: str, config_file: str | None):
    from postmortem_kit.drafting import load_config
    from postmortem_kit.textsafety import Redactor

    config = load_config(config_file, incident=incident)
    return Redactor.default(config.redaction_patterns)


def evidence_add(incident: str, sources: list[str], *, start: str | None = None, end: str | None = None,
                 grep: str | None = None, zone: str | None = None, metric: str | None = None,
                 threshold: float | None = None, fmt: str | None = None, dry_run: bool = False,
                 config_file: str | None = None) -> EvidenceResult:
    """`postmortem evidence add` with the command line's values (window and filters as text)."""
    options = build_options(start=start, end=end, grep=grep, zone=zone, metric=metric, threshold=threshold)
    result, _ = add_evidence(incident, sources, options, fmt=fmt, dry_run=dry_run, config_file=config_file)
    return result


def add_evidence(incident: str, sources: list[str], options: Options, *, fmt: str | None = None,
                 dry_run: bool = False, config_file: str | None = None, progress: Progress | None = None,
                 limit: int = MAX_NEW_ENTRIES) -> tuple[EvidenceResult, str | None]:
    """Merge evidence from ``sources`` into ``incident``; returns the result and the new text (None: unchanged)."""
    progress = progress or Progress()
    try:
        original = read_bytes(incident, "incident")
        doc = load_yaml_text(original.decode("utf-8"), incident)
    except FileReadError as error:
        raise EvidenceError(str(error)) from None
    except YamlLoadError as error:
        where = error.finding
        raise EvidenceError(f"{incident}:{where.line}:{where.column}: {where.message}; nothing was written") from None
    except UnicodeDecodeError:
        raise EvidenceError(f"{incident}: not valid UTF-8") from None
    if doc.findings:
        first = doc.findings[0]
        raise EvidenceError(f"{incident}:{first.line}:{first.column}: {first.message}; fix the file first")
    data = doc.data if isinstance(doc.data, dict) else {}
    inputs = data.get("inputs") if isinstance(data.get("inputs"), dict) else {}
    existing = inputs.get("incident_data") if isinstance(inputs.get("incident_data"), dict) else {}
    redactor = _redactor(incident, config_file)
    merge = Merge(existing, limit=limit)
    result = EvidenceResult(incident, options.window)
    try:
        for given in sources:
            source = Source.open(given)
            try:
                reader, probe = choose(source, fmt)
                report = SourceReport(given, reader.name)
                result.sources.append(report)
                for item in reader.read(probe, options, progress):
                    report.read += 1
                    report.first = item.at if report.first is None else min(report.first, item.at)
                    report.last = item.at if report.last is None else max(report.last, item.at)
                    if merge.add(item, entry_for(item, redactor.redact)):
                        report.added += 1
            finally:
                source.close()
    finally:
        progress.done()
    result.duplicates = merge.duplicates
    result.redacted = dict(Counter(redactor.counts))
    additions = merge.sections()
    result.added = {section: len(entries) for section, entries in additions.items()}
    if not additions:
        return result, None
    text = insert_entries(doc, additions)
    result.text = text
    if not dry_run:
        write_atomically(Path(incident), original, text)
        result.written = True
    return result, text


def report_lines(result: EvidenceResult) -> list[str]:
    """Lines for stderr: per source, what was added, duplicates, redactions (counts by kind only)."""
    lines = []
    for source in result.sources:
        span = f", {stamp(source.first)} to {stamp(source.last)}" if source.first and source.last else ""
        lines.append(f"{source.shown}: {source.format}, {source.read} record(s) in the window{span}, "
                     f"{source.added} new")
    if result.total_added:
        parts = ", ".join(f"{count} {section}" for section, count in result.added.items())
        verb = "added" if result.written else "would add"
        lines.append(f"{result.path}: {verb} {parts}" + (f"; {result.duplicates} already present" if result.duplicates else ""))
    elif result.total_read:
        lines.append(f"{result.path}: nothing new; all {result.duplicates} entries are already present")
    else:
        lines.append(f"{result.path}: nothing in the window ({result.window.describe()}); nothing was written")
    if result.redacted:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(result.redacted.items()))
        lines.append(f"redacted before writing: {kinds}")
    return lines
