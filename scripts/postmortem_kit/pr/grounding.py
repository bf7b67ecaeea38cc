"""Grounding marks for a drafted section: figures in the draft that the evidence does not contain.

The review checklist marks the figures a reviewer should look at first.  It
uses the drafting guard rail's own rule (``drafting.ungrounded_figures``), so a
figure drafting accepted (stated in the inputs or computed facts, in other
units, or derived from two figures stated together, within its rounding) is
never marked here, and one drafting would reject always is.  This module only
walks a section's value, which may be a mapping or a list, and caps the marks.
"""

from __future__ import annotations

from typing import Any, Iterable

MAX_MARKS = 20
MAX_TEXT = 200_000


def _strings(value: Any) -> Iterable[str]:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            yield node[:MAX_TEXT]
        elif isinstance(node, bool) or node is None:
            continue
        elif isinstance(node, (int, float)):
            yield str(node)
        elif isinstance(node, dict):
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, (list, tuple)):
            stack.extend(reversed(list(node)))


def known_figures(evidence: Iterable[Any]) -> Any:
    """The drafting ``Evidence`` of ``evidence`` (values such as the inputs mapping and the computed
    facts): build it once and pass it to ``ungrounded`` for every section of a file."""
    from postmortem_kit.drafting import Evidence

    return Evidence.build([text for value in evidence for text in _strings(value)])


def ungrounded(draft: Any, evidence: Any) -> list[str]:
    """The figures of ``draft`` (a section's value) that ``evidence`` (``known_figures(...)``, or the
    values themselves) neither states nor lets one derive, first occurrence order, each once, at most 20."""
    from postmortem_kit.drafting import Evidence, ungrounded_figures

    known = evidence if isinstance(evidence, Evidence) else known_figures(evidence)
    marks: list[str] = []
    for text in _strings(draft):
        for figure in ungrounded_figures(text, known):
            if figure not in marks:
                marks.append(figure)
                if len(marks) == MAX_MARKS:
                    return marks
    return marks
