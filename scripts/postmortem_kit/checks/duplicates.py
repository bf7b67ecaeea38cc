"""Rules that look across files: one incident id, one file."""

from __future__ import annotations

from collections import defaultdict

from postmortem_kit.core import Finding, SourceDocument, declare

TYPE_CHECKING = False  # typing stays off the cold check path (annotations are never evaluated)
if TYPE_CHECKING:
    from typing import Iterable

DUPLICATE_ID = declare("id/duplicate", "error", "Two incident files use the same id",
                       doc="Every incident has its own id (the file name). The second and later files "
                           "with an id get this finding, naming the first.")


def duplicate_ids(docs: Iterable[tuple[str, SourceDocument | None]]) -> list[Finding]:
    """One finding for every file whose ``id`` an earlier file (in the given order) already uses."""
    places: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for path, doc in docs:
        if doc is not None and isinstance(doc.data, dict) and isinstance(doc.data.get("id"), str):
            places[doc.data["id"]].append((path, *doc.position(("id",))))
    findings = []
    for incident_id, where in places.items():
        for path, line, column in where[1:]:
            findings.append(Finding(path, line, column, DUPLICATE_ID, "error",
                                    f"id {incident_id} is also used by {where[0][0]}", field="id"))
    return findings
