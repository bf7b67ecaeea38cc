"""A shape check for regexes that read untrusted text: two unbounded runs that can meet.

``\\s*\\s*`` (or ``(?:\\s+)?[!?]{0,3}(?:\\s+)?``, where the middle can be empty)
splits a run of n spaces in n ways at every start position, so a long run of
spaces costs O(n²) per attempt.  ``adjacent_runs`` finds two unbounded
single-character repeats whose character sets overlap and that can be
adjacent in a match (only nullable items between them).  The blameless rule
compiler refuses such patterns; the adversarial-input test times every rule
and parser pattern as a second line of defence.
"""

from __future__ import annotations

import re

try:  # Python 3.11 keeps the regex parser here
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as sre  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)} - {None}
_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}
_PROBES = " \t\nax.!?-_0A,"


def adjacent_runs(pattern: str) -> str | None:
    """Why ``pattern`` has two unbounded runs that can meet, or None."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as error:
        return f"does not compile: {error}"
    return _check_sequence(list(parsed))


def _run_chars(item) -> set[str] | None:
    """The probe characters an unbounded single-character repeat matches, else None."""
    op, value = item
    if op not in _REPEATS or value[1] != sre.MAXREPEAT or len(value[2]) != 1:
        return None
    body = value[2]
    chars = {c for c in _PROBES if _matches(body, c)}
    return chars or None


def _matches(body, char: str) -> bool:
    try:
        compiled = re.compile(_unparse(body))
    except (re.error, TypeError):
        return True
    return bool(compiled.fullmatch(char))


def _unparse(body) -> str:
    op, value = body[0]
    if op == sre.LITERAL:
        return re.escape(chr(value))
    if op == sre.NOT_LITERAL:
        return "[^" + re.escape(chr(value)) + "]"
    if op == sre.ANY:
        return "(?s:.)"
    if op == sre.CATEGORY:
        return {sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_NOT_SPACE: r"\S", sre.CATEGORY_DIGIT: r"\d",
                sre.CATEGORY_NOT_DIGIT: r"\D", sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W"}[value]
    if op == sre.IN:
        parts = []
        negate = ""
        for kind, item in value:
            if kind == sre.NEGATE:
                negate = "^"
            elif kind == sre.LITERAL:
                parts.append(re.escape(chr(item)))
            elif kind == sre.RANGE:
                parts.append(re.escape(chr(item[0])) + "-" + re.escape(chr(item[1])))
            elif kind == sre.CATEGORY:
                parts.append(_unparse([(sre.CATEGORY, item)]))
        return "[" + negate + "".join(parts) + "]"
    raise TypeError(op)


def _nullable(item) -> bool:
    op, value = item
    if op in _ZERO_WIDTH:
        return True
    if op in _REPEATS:
        return value[0] == 0 or all(_nullable(i) for i in value[2])
    if op == sre.SUBPATTERN:
        return all(_nullable(i) for i in value[-1])
    if op == sre.BRANCH:
        return any(all(_nullable(i) for i in branch) for branch in value[1])
    return False


def _edge_runs(items, reverse: bool) -> set[str]:
    """Characters of unbounded runs a match of ``items`` can start (or end) with."""
    found: set[str] = set()
    for item in (reversed(items) if reverse else items):
        found |= _item_edge(item, reverse)
        if not _nullable(item):
            break
    return found


def _item_edge(item, reverse: bool) -> set[str]:
    op, value = item
    chars = _run_chars(item)
    if chars:
        return chars
    if op in _REPEATS:
        return _edge_runs(list(value[2]), reverse)
    if op == sre.SUBPATTERN:
        return _edge_runs(list(value[-1]), reverse)
    if op == sre.BRANCH:
        out: set[str] = set()
        for branch in value[1]:
            out |= _edge_runs(list(branch), reverse)
        return out
    return set()


def _check_sequence(items) -> str | None:
    for index, item in enumerate(items):
        ends = _item_edge(item, reverse=True)
        if ends:
            for later in items[index + 1:]:
                if ends & _item_edge(later, reverse=False):
                    return "two unbounded runs of the same characters can meet (e.g. `\\s*\\s*`); a long run " \
                           "would be split every way (quadratic); make one of them start with another character"
                if not _nullable(later):
                    break
        op, value = item
        inner = []
        if op in _REPEATS or op == sre.SUBPATTERN:
            inner = [list(value[-1])]
        elif op == sre.BRANCH:
            inner = [list(branch) for branch in value[1]]
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            inner = [list(value[1])]
        for sequence in inner:
            problem = _check_sequence(sequence)
            if problem:
                return problem
    return None
