"""From evidence records to ``inputs.incident_data`` entries: redacted, deduplicated, in time order.

Every text goes through the drafting redaction (built-in rules plus the
configured ``draft.redaction.extra_patterns``) before it is kept, so a token
or an e-mail address pasted in chat never reaches the incident file; the
counts per kind are reported, never the values.

An entry is a duplicate when an entry of the same section already has its
source label (kind, role, file and id), or, for entries without an id, the
same time and text.  So running the command again adds nothing, and an entry
a person typed with the same time and text is not repeated.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from postmortem_kit.evidence.model import SECTIONS, Evidence, EvidenceError, stamp
from postmortem_kit.incident import parse_label

MAX_NEW_ENTRIES = 2000  # more than this in one run is a window that is too wide, not an incident timeline

_TEXT_KEY = {"events": "event", "alerts": "name", "response_actions": "action", "logs": "excerpt",
             "metrics": "observation"}


def entry_for(item: Evidence, redact) -> dict[str, Any]:
    label = redact(item.source.text())
    if item.section == "logs":
        return {"source": label, "excerpt": redact(item.text)}
    entry: dict[str, Any] = {"time": stamp(item.at)}
    if item.section == "events":
        entry.update(event=redact(item.text), source=label)
    elif item.section == "alerts":
        entry["name"] = redact(item.name or "alert")
        if item.text:
            entry["details"] = redact(item.text)
        entry["source"] = label
    elif item.section == "response_actions":
        entry["action"] = redact(item.text)
        responder = redact(item.responder) if item.responder else None
        if responder and responder == item.responder:
            entry["responder"] = responder
        entry["source"] = label
    elif item.section == "metrics":
        entry = {"name": redact(item.name or "metric"), "observation": redact(item.text), "time": entry["time"],
                 "source": label}
    else:  # pragma: no cover - readers only yield SECTIONS
        raise EvidenceError(f"unknown section {item.section!r}")
    return entry


def dedupe_keys(section: str, entry: Any) -> list[tuple]:
    """The keys under which ``entry`` counts as already present."""
    if not isinstance(entry, dict):
        return []
    keys: list[tuple] = []
    label = parse_label(entry.get("source"))
    if label is not None and label.id:
        keys.append((section, "id", label.kind, label.role, label.file, label.id))
    text = entry.get(_TEXT_KEY[section])
    if isinstance(text, str):
        keys.append((section, "text", entry.get("time"), " ".join(text.split())))
    return keys


@dataclass
class Merge:
    """The entries to add, per section, after deduplication against the file and each other."""

    existing: dict[str, Any]
    limit: int = MAX_NEW_ENTRIES
    added: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    duplicates: int = 0
    per_kind: Counter = field(default_factory=Counter)
    _seen: set[tuple] = field(default_factory=set)
    _count: int = 0

    def __post_init__(self) -> None:
        for section in SECTIONS:
            entries = self.existing.get(section) if isinstance(self.existing, dict) else None
            for entry in entries if isinstance(entries, list) else []:
                self._seen.update(dedupe_keys(section, entry))

    def add(self, item: Evidence, entry: dict[str, Any]) -> bool:
        keys = dedupe_keys(item.section, entry)
        if any(key in self._seen for key in keys):
            self.duplicates += 1
            return False
        self._count += 1
        if self._count > self.limit:
            raise EvidenceError(f"more than {self.limit:,} new entries from these sources in the window; an incident "
                                "file that long is not a timeline anyone reviews. Narrow the window with --from/--to "
                                "or filter with --grep; nothing was written")
        self._seen.update(keys)
        self.added.setdefault(item.section, []).append((item.at, entry))  # type: ignore[arg-type]
        self.per_kind[item.kind] += 1
        return True

    def sections(self) -> dict[str, list[dict[str, Any]]]:
        """The new entries per section, in time order (stable for equal times)."""
        return {section: [entry for _, entry in sorted(self.added[section], key=lambda pair: pair[0])]
                for section in SECTIONS if section in self.added}

    @property
    def count(self) -> int:
        return self._count
