"""List items that continue a hindsight lead-in.

"Even so, I should have:" is flagged by its own rule (BL084), but the blame is in
the items below it: "- **Read and heeded confirmation messages**." completes
"I should have read and heeded ...".  Each list item right after such a lead-in
that starts with a past participle ("Read", "Taken", "Made", "Checked") is
reported under the same rule, with the item's opening words as the match.  A
lead-in said by the organisation as "we" is left to the speaker policy and its
items are not added (they would lose the "we" that makes them warnings).

Bounded: one pass over the lines after each lead-in, at most ``MAX_ITEMS`` items.
"""

from __future__ import annotations

from postmortem_kit.core import LazyRegex

MAX_ITEMS = 20
_ITEM = LazyRegex(r"[ \t]{0,3}(?:[-*+]|\d{1,3}[.)])[ \t]+(\*\*|__|\*|_)?([A-Za-z][\w'’-]{0,30})")
_PHRASE_END = LazyRegex(r"\*\*|__|[.:;!?\n]")
_IRREGULAR = frozenset(
    "taken made read done written run set put kept given told sent built gone seen known thought asked "
    "been got gotten left held found brought understood chosen spent paid".split()
)


def _participle(word: str) -> bool:
    lower = word.lower()
    return (len(lower) > 4 and lower.endswith("ed")) or lower in _IRREGULAR


def continuations(text: str, matches: list, lead_ids: frozenset, make_match, organisation) -> list:
    """Matches for the participle-led list items under each lead-in in ``matches``."""
    extra = []
    for lead in matches:
        if lead.rule.id not in lead_ids:
            continue
        line_end = text.find("\n", lead.end)
        line_end = len(text) if line_end < 0 else line_end
        if not text[lead.end:line_end].strip().startswith(":") or organisation(text, lead.start, lead.end):
            continue
        extra.extend(_items(text, line_end + 1, lead, make_match))
    return extra


def _items(text: str, offset: int, lead, make_match) -> list:
    found = []
    items = 0
    while offset < len(text) and items < MAX_ITEMS:
        line_end = text.find("\n", offset)
        line_end = len(text) if line_end < 0 else line_end
        line = text[offset:line_end]
        if line.strip():
            m = _ITEM.match(line)
            if m is None:
                if not line.startswith((" ", "\t")):
                    break  # a paragraph ends the list; indented lines continue an item
            else:
                items += 1
                if _participle(m.group(2)):
                    start = offset + m.start(2)
                    end_m = _PHRASE_END.search(text, start, min(line_end, start + 120))
                    end = end_m.start() if end_m else min(line_end, start + 120)
                    phrase = text[start:end].rstrip()
                    found.append(make_match(lead.rule, start, start + len(phrase), phrase))
        offset = line_end + 1
    return found


