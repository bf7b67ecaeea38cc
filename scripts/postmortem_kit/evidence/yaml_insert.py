"""Insert entries into ``inputs.incident_data`` without changing a byte a person wrote.

The new entries are rendered by the incident YAML writer (the one `postmortem
import` and `draft --write` use, so quoting and layout match the examples) and
*inserted* into the original text: after the last item of an existing block
list, or as a new key after the last entry of the enclosing block mapping
(``incident_data``, ``inputs``, or the end of the document).  Nothing is
replaced or re-indented.  The result is parsed again and must hold exactly the
old data plus the new entries; otherwise nothing is written and the error
says why.  The file is replaced through a temporary file and a rename, and
only when it has not changed since it was read, so it is never half-written.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from postmortem_kit.core import SourceDocument, YamlLoadError, load_yaml_text, newline_of, require_unchanged, write_atomic
from postmortem_kit.evidence.model import SECTIONS, EvidenceError
from postmortem_kit.incident import dump_incident

BASE = ("inputs", "incident_data")


def insert_entries(doc: SourceDocument, additions: dict[str, list[dict[str, Any]]]) -> str:
    """The text of ``doc`` with ``additions`` (section -> new entries) inserted; raises EvidenceError."""
    text = doc.text
    data = doc.data
    if not isinstance(data, dict):
        raise EvidenceError(f"{doc.path}: not an incident (the document is not a mapping)")
    expected = copy.deepcopy(data)
    target = expected.setdefault("inputs", {})
    if not isinstance(target, dict):
        raise EvidenceError(f"{doc.path}: `inputs` is not a mapping; nothing was written")
    target = target.setdefault("incident_data", {})
    if not isinstance(target, dict):
        raise EvidenceError(f"{doc.path}: `inputs.incident_data` is not a mapping; nothing was written")
    inserts: list[tuple[int, int, str]] = []  # (offset, 0 list item | 1 new key, text)
    missing: dict[str, list] = {}
    for section in SECTIONS:
        entries = additions.get(section)
        if not entries:
            continue
        current = target.get(section)
        if current is None and section not in target:
            missing[section] = entries
            target[section] = list(entries)
            continue
        if not isinstance(current, list):
            raise EvidenceError(f"{doc.path}:{_line(doc, (*BASE, section))}: `inputs.incident_data.{section}` is not a "
                                "list; nothing was written")
        offset, addition = _append_items(doc, section, entries)
        inserts.append((offset, 0, addition))
        current.extend(entries)
    if missing:
        offset, addition = _add_keys(doc, missing)
        inserts.append((offset, 1, addition))
    newline = newline_of(text)
    out = text
    # From the end backwards; at one offset, list items go before new keys (they belong to the list above).
    for offset, _, addition in sorted(inserts, key=lambda item: item[:2], reverse=True):
        out = out[:offset] + addition.replace("\n", newline) + out[offset:]
    try:
        loaded = load_yaml_text(out, doc.path)
    except YamlLoadError as error:
        raise EvidenceError(f"{doc.path}: the entries cannot be inserted into this file's layout ({error}); "
                            "nothing was written") from None
    if loaded.findings or loaded.data != expected:
        raise EvidenceError(f"{doc.path}: the entries cannot be inserted without changing what is there (a flow-style "
                            "list, a document end `...`, or a block scalar that keeps trailing lines); "
                            "nothing was written")
    return out


def _line(doc: SourceDocument, path: tuple) -> str:
    line, column = doc.position(path)
    return f"{line}:{column}"


def _rendered(section_data: dict[str, Any]) -> list[str]:
    """Lines of ``inputs: incident_data: <sections>`` as the incident writer renders them."""
    return dump_incident({"inputs": {"incident_data": section_data}}).rstrip("\n").split("\n")


def _end_of(doc: SourceDocument, path: tuple) -> int:
    """Offset just after the line on which the last scalar under ``path`` ends.

    Only scalars count: the end of a block mapping or list is where the next token starts, a line later.
    """
    text = doc.text
    ends = [info.end_index for key, info in doc.nodes.items()
            if key[:len(path)] == path and not isinstance(_get(doc.data, key), (dict, list))]
    ends += [info.end_index for key, info in doc.keys.items() if key[:len(path)] == path]
    end = max(ends)
    while end > 0 and text[end - 1] in " \t":  # a block scalar ends after the next line's indentation
        end -= 1
    if end > 0 and text[end - 1] == "\n":
        return end
    newline = text.find("\n", end)
    return len(text) if newline < 0 else newline + 1


def _get(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


def _prefix(doc: SourceDocument, offset: int) -> str:
    """A line break when the insertion point is the end of a file without a final newline."""
    return "" if offset == 0 or doc.text[offset - 1] == "\n" else "\n"


def _append_items(doc: SourceDocument, section: str, entries: list) -> tuple[int, str]:
    path = (*BASE, section)
    items = doc.data["inputs"]["incident_data"][section]
    info = doc.nodes.get(path)
    if info is None or doc.text[info.start_index:info.start_index + 1] == "[":
        raise EvidenceError(f"{doc.path}:{_line(doc, path)}: `inputs.incident_data.{section}` is a flow list ([...]); "
                            "write it as a block list (one `- ` item per line) or delete it, then run again; "
                            "nothing was written")
    if not items:
        raise EvidenceError(f"{doc.path}:{_line(doc, path)}: `inputs.incident_data.{section}` is empty; delete the "
                            "key and run again; nothing was written")
    last = (*path, len(items) - 1)
    item_info = doc.nodes[last]
    line_start = doc.text.rfind("\n", 0, item_info.start_index) + 1
    dash = doc.text.rfind("-", line_start, item_info.start_index)
    if dash < 0:
        raise EvidenceError(f"{doc.path}:{_line(doc, last)}: cannot find this list item's `-`; nothing was written")
    indent = dash - line_start
    lines = _rendered({section: entries})
    body = _reindent(lines[3:], 6, indent)  # lines 0-2: inputs:, incident_data:, <section>:
    offset = _end_of(doc, last)
    return offset, _prefix(doc, offset) + "\n".join(body) + "\n"


def _add_keys(doc: SourceDocument, sections: dict[str, list]) -> tuple[int, str]:
    data = doc.data
    inputs = data.get("inputs")
    if isinstance(inputs, dict) and isinstance(inputs.get("incident_data"), dict) and inputs["incident_data"]:
        parent, depth = BASE, 2
    elif isinstance(inputs, dict) and inputs and "incident_data" not in inputs:
        parent, depth = ("inputs",), 1
    elif inputs is None and "inputs" not in data:
        parent, depth = (), 0
    else:
        raise EvidenceError(f"{doc.path}: `inputs` or `inputs.incident_data` is empty or in flow style; write it as a "
                            "block mapping or delete it, then run again; nothing was written")
    body = _rendered(sections)[depth:]
    if parent:
        first_key = next(key for key in doc.keys if key[:len(parent)] == parent and len(key) == len(parent) + 1)
        indent = doc.keys[first_key].column - 1
        body = _reindent(body, 2 * depth, indent)
        offset = _end_of(doc, parent)
        return offset, _prefix(doc, offset) + "\n".join(body) + "\n"
    offset = len(doc.text)
    return offset, _prefix(doc, offset) + "\n" + "\n".join(body) + "\n"


def _reindent(lines: list[str], old: int, new: int) -> list[str]:
    pad = " " * new
    return [pad + line[old:] if line.strip() else "" for line in lines]


def write_atomically(path: str | Path, original: bytes, text: str) -> None:
    """Replace ``path`` with ``text`` through a temporary file and a rename, if it still holds ``original``."""
    path = Path(path)
    require_unchanged(path, original, EvidenceError, "the evidence was read")
    write_atomic(path, text)
