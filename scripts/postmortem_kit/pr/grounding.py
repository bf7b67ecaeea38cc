"""Grounding marks for a drafted section: figures in the draft that the evidence does not contain.

A deliberately small rule, so a reviewer knows where to look first: every
figure (a number, a clock time, a percentage) in the drafted section's text
and values is looked up among the figures of the incident's ``inputs`` and of
the computed facts.  A figure is grounded when the evidence has the same
number, or a number that rounds to it (``62.5`` grounds ``63%``).  Integers
below 10 are ignored (counts such as "2 pods" or "step 3" are too common to
mark).  Clock times match with or without seconds (``14:07`` is grounded by
``14:07:31``).

Fuller grounding checks (claims, not just figures) belong in ``drafting``;
this function is pure and takes plain values, so it can later delegate to them.
The figure pattern has bounded repetition and is applied to text already
capped in length, so it runs in linear time.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

_FIGURE = re.compile(r"(?<![\w.])\d{1,12}(?:[.:]\d{1,12}){0,3}%?")
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


def figures(text: str) -> list[str]:
    return _FIGURE.findall(text[:MAX_TEXT])


def _number(figure: str) -> float | None:
    try:
        return float(figure.rstrip("%"))
    except ValueError:
        return None


def _evidence_set(evidence: Iterable[Any]) -> tuple[set[str], set[float]]:
    exact: set[str] = set()
    numbers: set[float] = set()
    for value in evidence:
        for text in _strings(value):
            for figure in figures(text):
                bare = figure.rstrip("%")
                exact.add(bare)
                if bare.count(":") == 2:
                    exact.add(bare.rsplit(":", 1)[0])  # 14:07:31 grounds 14:07
                number = _number(bare)
                if number is not None:
                    numbers.add(number)
    return exact, numbers


def ungrounded(draft: Any, evidence: Iterable[Any]) -> list[str]:
    """The figures of ``draft`` (a section's value) found neither exactly nor rounded in ``evidence``
    (values such as the inputs mapping and the computed facts), first occurrence order, at most 20."""
    exact, numbers = _evidence_set(evidence)
    rounded = {int(n + 0.5) if n >= 0 else round(n) for n in numbers}  # half up: 62.5 grounds 63
    marks: list[str] = []
    for text in _strings(draft):
        for figure in figures(text):
            bare = figure.rstrip("%")
            number = _number(bare)
            if ":" not in bare and number is not None and number < 10 and not figure.endswith("%"):
                continue
            if bare in exact or (number is not None and (number in numbers or
                                                         (number == int(number) and int(number) in rounded))):
                continue
            if figure not in marks:
                marks.append(figure)
            if len(marks) == MAX_MARKS:
                return marks
    return marks
