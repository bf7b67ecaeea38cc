"""Importing the same document again: find the incident it created, and update it in place.

An imported incident records where it came from under the extension key
``x-import`` (which the schema allows and the tools ignore)::

    x-import:
      source: rca/search-stale.md          # the path as given to `postmortem import`
      source_sha256: 3f0c...               # of the document's text
      sections: {summary: 1a2b3c4d5e6f, ...} # a short hash of each field as imported
      hints: [{field: follow_ups[1].tracking, text: SHAKE-471 (to create)}]

A second import of the same document (same fingerprint, or the same source
path after an edit) updates that file instead of creating a new incident.
Each top-level field is decided on its own, three ways: the file's value,
the value the last import wrote (its recorded hash) and the value the
document gives now.  A field nobody touched keeps its bytes; a field only the
document changed is replaced; a field edited in the file is kept (and when
the document changed it too, that is reported as a conflict; ``--force``
takes the document's).  Fields the document does not give (a section drafted
or written by hand after the import) are kept.  Unchanged fields keep their
exact bytes, so importing an unchanged document changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from postmortem_kit.core import load_yaml_text

IMPORT_KEY = "x-import"
_TOP_KEY = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_-]*):(?:\s|$)")
_SCAN_LIMIT = 4 * 1024 * 1024


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def value_hash(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:12]


def import_provenance(source: str, text: str, data: dict[str, Any], hints: list[dict[str, str]]) -> dict[str, Any]:
    record: dict[str, Any] = {"source": source, "source_sha256": fingerprint(text),
                              "sections": {key: value_hash(value) for key, value in data.items() if key != IMPORT_KEY}}
    if hints:
        record["hints"] = hints
    return record


def recorded(data: Any) -> dict[str, Any] | None:
    record = data.get(IMPORT_KEY) if isinstance(data, dict) else None
    return record if isinstance(record, dict) and isinstance(record.get("source_sha256"), str) else None


def same_source(record: dict[str, Any], source: str, sha: str) -> bool:
    if record.get("source_sha256") == sha:
        return True
    stated = record.get("source")
    if not isinstance(stated, str):
        return False
    try:
        return Path(stated).resolve() == Path(source).resolve()
    except OSError:
        return False


def find_previous(directory: str | Path, source: str, sha: str, *, exact: bool = False) -> Path | None:
    """The incident file in ``directory`` that an earlier import of this document wrote (same text first;
    with ``exact``, only that)."""
    folder = Path(directory)
    if not folder.is_dir():
        return None
    by_path: Path | None = None
    for path in sorted(folder.glob("*.y*ml")):
        try:
            if not path.is_file() or path.stat().st_size > _SCAN_LIMIT:
                continue
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if IMPORT_KEY not in text:
            continue
        try:
            record = recorded(load_yaml_text(text, str(path)).data)
        except Exception:  # noqa: BLE001 - an unreadable file is not the one we look for
            continue
        if record is None:
            continue
        if record.get("source_sha256") == sha:
            return path
        if not exact and by_path is None and same_source(record, source, sha):
            by_path = path
    return by_path


@dataclass
class Merge:
    text: str | None  # None: nothing to write (the file already says it all)
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept_edits: list[str] = field(default_factory=list)  # edited in the file; the document did not change them
    conflicts: list[str] = field(default_factory=list)  # edited in the file and changed in the document


def merge_import(old_text: str, new_data: dict[str, Any], dump, *, force: bool) -> Merge:
    """The updated file text; ``dump(data)`` writes an incident (the project's YAML writer)."""
    old_data = load_yaml_text(old_text, "<previous>").data
    old_data = old_data if isinstance(old_data, dict) else {}
    before = (recorded(old_data) or {}).get("sections") or {}
    result = Merge(None)
    merged: dict[str, Any] = {}
    keep: set[str] = set()
    for key, value in new_data.items():
        if key == IMPORT_KEY:
            continue
        now = value_hash(value)
        if key not in old_data:
            merged[key] = value
            result.added.append(key)
            continue
        in_file = value_hash(old_data[key])
        last = before.get(key)
        if in_file == now:
            keep.add(key)
        elif in_file == last or last is None and force:
            result.changed.append(key)
        elif now == last:
            keep.add(key)
            result.kept_edits.append(key)
        elif force:
            result.changed.append(key)
        else:
            keep.add(key)
            result.conflicts.append(key)
        merged[key] = old_data[key] if key in keep else value
    for key, value in old_data.items():
        if key in merged or key == IMPORT_KEY:
            continue
        if key in before and value_hash(value) == before[key]:
            result.removed.append(key)  # the last import wrote it and the document no longer gives it
            continue
        merged[key] = value
        keep.add(key)
    record = dict(new_data.get(IMPORT_KEY) or {})
    if record:
        sections = dict(record.get("sections") or {})
        for key in result.kept_edits + result.conflicts:
            if key in before:
                sections[key] = before[key]  # still what the document gave: the edit stays an edit
        record["sections"] = sections
        merged[IMPORT_KEY] = record
    if not (result.changed or result.added or result.removed) and value_hash(record) == value_hash(
            old_data.get(IMPORT_KEY)):
        return result
    text = dump(merged)
    result.text = _keep_bytes(text, old_text, keep)
    return result


def _blocks(text: str) -> tuple[list[str], list[tuple[str, list[str], int]]]:
    """(header lines, [(key, its lines without trailing blank lines, number of blank lines after)])."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    header: list[str] = []
    blocks: list[tuple[str, list[str], int]] = []
    for line in lines:
        match = _TOP_KEY.match(line)
        if match:
            blocks.append((match.group("key"), [line], 0))
        elif blocks:
            blocks[-1][1].append(line)
        else:
            header.append(line)
    tidy = []
    for key, body, _ in blocks:
        blanks = 0
        while len(body) > 1 and not body[-1].strip():
            body.pop()
            blanks += 1
        tidy.append((key, body, blanks))
    return header, tidy


def _keep_bytes(new_text: str, old_text: str, keep: set[str]) -> str:
    """``new_text`` with the blocks of the kept keys taken byte for byte from ``old_text``."""
    _, old_blocks = _blocks(old_text)
    old = {key: body for key, body, _ in old_blocks}
    header, blocks = _blocks(new_text)
    out = list(header)
    for key, body, blanks in blocks:
        out.extend(old[key] if key in keep and key in old else body)
        out.extend([""] * blanks)
    return "\n".join(out) + "\n"
