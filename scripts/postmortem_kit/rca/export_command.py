"""`postmortem export` as one library call: an incident file written as RCA Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from postmortem_kit.core import PostmortemError, YamlLoadError, brief, load_yaml_file
from postmortem_kit.rca.markdown_render import render_markdown


class ExportError(PostmortemError):
    """The incident cannot be exported, or the output cannot be written (exit 2)."""


def export_command(path: str, *, output: str | None = None, force: bool = False, out: TextIO, err: TextIO) -> int:
    """0 exported whole; 1 some fields could not be expressed in Markdown (named on ``err``); 2 unusable."""
    try:
        doc = load_yaml_file(path)
    except YamlLoadError as error:
        f = error.finding
        raise ExportError(brief(f)) from None
    duplicate = next((f for f in doc.findings if f.severity == "error"), None)
    if duplicate is not None:
        raise ExportError(brief(duplicate))
    if not isinstance(doc.data, dict):
        raise ExportError(f"{path}: not an incident (the file is not a mapping of fields)")
    text, notes = render_markdown(doc.data)
    if output:
        target = Path(output)
        if target.exists() and not force:
            raise ExportError(f"{target} already exists; not overwriting it (use --force)")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        except OSError as error:
            raise ExportError(f"{target}: cannot write: {error.strerror or error}") from None
    else:
        out.write(text)
    for note in notes:
        err.write(f"postmortem export: {path}: {note}\n")
    skipped = [note for note in notes if "extension field" not in note]
    return 1 if skipped else 0
