"""`postmortem import` as one library call: an RCA Markdown document written as an incident, then checked.

The file is written even when the check then finds problems, so the writer
can fix them in place.  Exit status: 0 written (or already up to date) and
clean; 1 written, with errors from the import or the check, or with content
that could not be placed; 2 nothing written (unusable input or arguments,
raised as ``ImportCommandError``).

Where it writes: ``-o FILE`` (its name, ``INC-2026-0042.yaml``, is the id),
else the file an earlier import of the same document wrote (found in
``--dir`` by the fingerprint under ``x-import``, see ``rca.reimport``), else
``--dir/<next free id>.yaml``.  Re-importing updates that file and reports
what changed; it never creates a second incident for one document.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from postmortem_kit.core import LIMITS, FileReadError, Finding, PostmortemError, counts, declare, read_text, render, write_atomic
from postmortem_kit.incident import ID_PATTERN, dump_incident, next_free_id, schema_reference
from postmortem_kit.rca.git_author import git_author
from postmortem_kit.rca.importer import import_markdown
from postmortem_kit.rca.reimport import IMPORT_KEY, find_previous, fingerprint, import_provenance, merge_import, recorded, same_source
from postmortem_kit.rca.times import zone_from_text

MAX_BYTES = LIMITS["markdown"]
CHECK_FAILED = declare("import/check-failed", "error", "The imported file was written but could not be checked")


class ImportCommandError(PostmortemError):
    """Nothing was written: the document, an argument or the output file is unusable (exit 2)."""


def read_markdown(path: str) -> str:
    try:
        return read_text(path, "markdown")
    except FileReadError as error:
        if error.rule == "file/too-large":
            raise ImportCommandError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MiB; not an RCA document") \
                from None
        raise ImportCommandError(str(error).replace(":1:1:", ":")) from None


def import_command(path: str, *, output: str | None = None, incident_id: str | None = None,
                   zone_text: str | None = None, status: str | None = None, authors: list[str] | None = None,
                   directory: str = "postmortems", force: bool = False, fmt: str = "text",
                   out: TextIO, err: TextIO) -> int:
    zone = None
    if zone_text is not None:
        zone = zone_from_text(zone_text)
        if zone is None:
            raise ImportCommandError(f"--timezone {zone_text!r} is not a time zone; use an IANA name (Europe/Berlin), "
                                     "an offset (+01:00) or a known abbreviation (UTC, CET, PST)")
    if incident_id is not None and not ID_PATTERN.match(incident_id):
        raise ImportCommandError(f"--id {incident_id!r} is not an id of the form INC-2026-0042")
    if output and output != "-" and incident_id is not None and Path(output).stem != incident_id \
            and ID_PATTERN.match(Path(output).stem):
        raise ImportCommandError(f"--id {incident_id} differs from the output file name {Path(output).name}; the "
                                 "check requires them to match")
    text = read_markdown(path)
    outcome = import_markdown(text, path, default_zone=zone, status=status, authors=authors)
    if not outcome.usable:
        raise ImportCommandError(f"{path}: nothing to import: no RCA section with content (INCIDENT SUMMARY, ROOT "
                                 "CAUSE IDENTIFICATION, ..., or the input blocks INCIDENT DATA / SYSTEM CONTEXT); "
                                 "nothing written")
    to_stdout = output == "-"
    title = outcome.data.get("title")
    target, previous_text = _target(path, text, output, directory, force, title) if not to_stdout else (None, None)
    if previous_text is not None and incident_id is not None and target is not None and target.stem != incident_id:
        if not force:
            raise ImportCommandError(f"{path} was already imported as {target}; import it again without --id to "
                                     "update that incident, or use --force for a second one")
        target, previous_text = None, None
    incident_id = _incident_id(incident_id, target, previous_text, outcome, directory)
    if target is None and not to_stdout:
        target = Path(directory) / f"{incident_id}.yaml"
        if target.exists() and not force:
            raise ImportCommandError(f"{target} already exists; not overwriting it (use --force to replace it)")
    report = outcome.report
    if outcome.stated_id and outcome.stated_id != incident_id:
        report.add(1, "id", "notice", f"the document names itself {outcome.stated_id}; written as {incident_id}",
                   field_name="id")
    data: dict[str, Any] = {"id": incident_id, **outcome.data}
    _default_authors(data, authors, target, report)
    if not to_stdout:
        data[IMPORT_KEY] = import_provenance(Path(path).as_posix(), text, data, report.hints)
    schema_ref = schema_reference(target.parent if target is not None else Path(directory))

    def dump(value: dict[str, Any], *, stubs: bool = False) -> str:
        # A first import marks each missing analysis section with a stub line, so drafted sections
        # anchor one suggestion each (pr.suggestions); a re-import merges fields and adds none.
        return dump_incident(value, schema_ref=schema_ref, draft_stubs=stubs)

    shown = "-" if to_stdout else str(target)
    verb = "wrote"
    if to_stdout:
        yaml_text = dump(data, stubs=True)
        out.write(yaml_text)
    elif previous_text is not None:
        result = merge_import(previous_text, data, dump, force=force)
        _report_merge(result, report)
        yaml_text = result.text if result.text is not None else previous_text
        if result.text is None:
            verb = "unchanged"
        else:
            _write(target, yaml_text)
            verb = "updated"
    else:
        yaml_text = dump(data, stubs=True)
        _write(target, yaml_text)

    findings = sorted(report.findings, key=Finding.sort_key)
    check_findings = _check(yaml_text, shown)
    report_to = err if to_stdout else out
    render(findings + check_findings, fmt, report_to)
    total = counts(check_findings)
    unplaced = len(report.unplaced)
    inferred = f", {len(report.inferred)} inferred value(s)" if report.inferred else ""
    status_now = data["status"]
    err.write(f"{verb + ' ' + shown if not to_stdout else 'printed'} ({status_now}): "
              f"{len(outcome.imported)} section(s) imported, {unplaced} unplaced item(s)"
              f"{' kept under x-unplaced' if unplaced else ''}{inferred}; check: {total['error']} error(s), "
              f"{total['warning']} warning(s), {total['notice']} notice(s)\n")
    failed = any(f.severity == "error" and not f.suppressed for f in findings + check_findings) or unplaced > 0
    return 1 if failed else 0


def _target(path: str, text: str, output: str | None, directory: str, force: bool,
            title: str | None) -> tuple[Path | None, str | None]:
    """(where to write, the previous import's text when this updates it)."""
    sha = fingerprint(text)
    if output:
        target = Path(output)
        if not ID_PATTERN.match(target.stem) or target.suffix not in (".yaml", ".yml"):
            raise ImportCommandError(f"-o {output}: name the file after the incident id (INC-2026-0042.yaml); "
                                     "`postmortem check` requires the id and the file name to match")
        if target.exists():
            previous = _previous_text(target)
            if previous is not None and same_source(previous[1], path, sha):
                return target, previous[0]
            if not force:
                raise ImportCommandError(f"{target} already exists; not overwriting it (use --force to replace it)")
            return target, None
        earlier = find_previous(target.parent, path, sha, exact=True) if target.parent.is_dir() else None
        if earlier is None and Path(directory).resolve() != target.parent.resolve():
            earlier = find_previous(directory, path, sha, exact=True)
        if earlier is not None and not force:
            raise ImportCommandError(f"{path} was already imported as {earlier}; import it again without -o (or with "
                                     f"-o {earlier}) to update that incident, or use --force for a second one")
        return target, None
    earlier = find_previous(directory, path, sha)
    if earlier is not None:
        previous = _previous_text(earlier)
        if previous is not None:
            if previous[1].get("source_sha256") != sha and not force:
                _same_incident(path, earlier, previous[0], title)
            return earlier, previous[0]
    return None, None


def _same_incident(path: str, earlier: Path, previous_text: str, title: str | None) -> None:
    """Matched by the source path only (the text changed): the title must still be the same incident's."""
    from postmortem_kit.core import load_yaml_text

    data = load_yaml_text(previous_text, str(earlier)).data
    before = data.get("title") if isinstance(data, dict) else None
    if before != title:
        raise ImportCommandError(f"{path} was imported before as {earlier} (title {before!r}); this version's title "
                                 f"is {title!r}. Import with -o {earlier} to update that incident, with -o "
                                 "<new id>.yaml for another one, or with --force to update it anyway")


def _previous_text(target: Path) -> tuple[str, dict[str, Any]] | None:
    from postmortem_kit.core import load_yaml_text

    try:
        text = read_text(str(target), "incident")
        record = recorded(load_yaml_text(text, str(target)).data)
    except Exception:  # noqa: BLE001 - not an earlier import: treated as any existing file
        return None
    return (text, record) if record is not None else None


def _incident_id(given: str | None, target: Path | None, previous_text: str | None, outcome, directory: str) -> str:
    if target is not None and ID_PATTERN.match(target.stem):
        if given is not None and given != target.stem:
            raise ImportCommandError(f"--id {given} differs from the output file name {target.name}; the check "
                                     "requires them to match")
        return target.stem
    if given is not None:
        return given
    year = outcome.year or datetime.now(timezone.utc).year
    return next_free_id(directory, year)


def _default_authors(data: dict[str, Any], given: list[str] | None, target: Path | None, report) -> None:
    if data.get("authors") or given or data.get("status") == "draft":
        return  # a draft may leave its authors out; `postmortem draft` and the writer fill it in
    found = git_author(target.parent if target is not None else Path.cwd())
    if found is None:
        report.add(1, "authors", "warning", "no authors: the document has no Authors line, no --author was "
                   "given and git has no user configured; pass --author HANDLE", field_name="authors")
        return
    data["authors"] = [found[0]]
    report.infer(1, "authors", f"{found[0]} from {found[1]} (the document names no author; pass --author to choose)")


def _report_merge(result, report) -> None:
    if result.text is None:
        report.add(1, "reimport", "notice", "the document was imported before and nothing changed; the file is "
                   "left as it is")
        return
    for name, keys in (("changed", result.changed), ("added", result.added), ("removed", result.removed)):
        if keys:
            report.add(1, "reimport", "notice", f"re-import: {name} {', '.join(keys)}")
    if result.kept_edits:
        report.add(1, "reimport", "notice", f"re-import: kept your edits to {', '.join(result.kept_edits)} "
                   "(the document did not change them)")
    if result.conflicts:
        report.add(1, "reimport", "warning", f"re-import: {', '.join(result.conflicts)} changed both in the file and "
                   "in the document; kept the file's version (use --force to take the document's)")


def _write(target: Path, text: str) -> None:
    """Write through a temporary file and a rename, so a failure never leaves half a file."""
    try:
        write_atomic(target, text)
    except OSError as error:
        raise ImportCommandError(f"{target}: cannot write: {error.strerror or error}") from None


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
