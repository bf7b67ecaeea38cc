"""Shorten pasted logs to a character budget, keeping the informative lines.

Cutting the head of a log keeps the least useful part: the first lines are
often routine and the errors come later.  Lines are grouped by their
*template* (the line with numbers, hex ids and timestamps blanked), and kept
in this order of priority until the budget is used:

1. the first and the last occurrence of every error-level template;
2. the first and the last line of the excerpt, and the first and last
   occurrence of every warning-level template;
3. the first occurrence of every other template, then their last occurrence.

Kept lines stay in their original order; each gap becomes one marker line
``[... N lines omitted ...]``.  Over-long single lines are cut first.
"""

from __future__ import annotations

import re

MAX_LINE_CHARS = 400
_ERROR = re.compile(r"\b(?:ERROR|ERR|FATAL|CRITICAL|CRIT|PANIC|SEVERE|EMERG|Exception|Traceback|"
                    r"panic:|level=(?:error|fatal|critical))\b|\b5\d\d\b", re.IGNORECASE)
_WARN = re.compile(r"\b(?:WARN|WARNING)\b|level=warn", re.IGNORECASE)
_VARIABLE = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|0x[0-9a-fA-F]+|\b[0-9a-fA-F]{12,}\b|\d+")


def template(line: str) -> str:
    return _VARIABLE.sub("#", line).strip()


def omitted(count: int) -> str:
    return f"[... {count:,} line{'s' if count != 1 else ''} omitted ...]"


def truncate_log(text: str, max_chars: int) -> str:
    """``text`` itself when it fits in ``max_chars``, else its most informative lines."""
    if len(text) <= max_chars:
        return text
    lines = [line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS - 1] + "…"
             for line in text.splitlines()]
    if sum(len(line) + 1 for line in lines) <= max_chars:
        return "\n".join(lines)

    first: dict[str, int] = {}
    last: dict[str, int] = {}
    level: dict[str, int] = {}
    for index, line in enumerate(lines):
        key = template(line)
        first.setdefault(key, index)
        last[key] = index
        rank = 2 if _ERROR.search(line) else 1 if _WARN.search(line) else 0
        level[key] = max(level.get(key, 0), rank)

    tiers: list[list[int]] = [[], [0, len(lines) - 1], [], []]
    for key in first:
        if level[key] == 2:
            tiers[0] += [first[key], last[key]]
        elif level[key] == 1:
            tiers[1] += [first[key], last[key]]
        else:
            tiers[2].append(first[key])
            tiers[3].append(last[key])

    kept: set[int] = set()
    budget = max_chars
    for tier in tiers:
        for index in sorted(set(tier), key=tier.index):
            if index in kept:
                continue
            cost = len(lines[index]) + 1 + len(omitted(len(lines))) + 1  # the line and, at worst, one marker
            if cost > budget:
                continue
            kept.add(index)
            budget -= cost
    if not kept:  # not even one line fits: a cut line is better than nothing
        return lines[0][: max(0, max_chars - 1)] + "…"

    out: list[str] = []
    previous = -1
    for index in sorted(kept):
        if index - previous > 1:
            out.append(omitted(index - previous - 1))
        out.append(lines[index])
        previous = index
    if previous < len(lines) - 1:
        out.append(omitted(len(lines) - 1 - previous))
    return "\n".join(out)
