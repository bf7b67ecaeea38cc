"""The shape of a rule's regex: can it backtrack catastrophically, and which literal text starts it.

Both questions are answered on Python's own parse of the pattern
(``re._parser``), so they agree with what ``re`` will run.  The rule compiler
rejects risky shapes and records each rule's literal prefixes, which the
scanner uses to skip every position where a rule cannot match.
"""

from __future__ import annotations

import re

from postmortem_kit.blameless.edges import collapse_space
from postmortem_kit.core import adjacent_runs

try:  # Python 3.11 keeps the regex parser here
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

PREFIX_LENGTH = 3


def backtracking_risk(pattern: str) -> str | None:
    """Why ``pattern`` could backtrack catastrophically, or None.

    Unbounded repeats (``*``, ``+``, ``{n,}``) are allowed only around a single
    character or class; bounded repeats may nest but only up to a small size.
    """
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as error:
        return f"does not compile: {error}"
    return _walk_risk(parsed) or adjacent_runs(pattern)


_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
_SINGLE = {sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.IN, sre_constants.ANY,
           sre_constants.CATEGORY}


def _whitespace_only(body) -> bool:
    op, value = body[0]
    if op == sre_constants.IN:
        return all(item == (sre_constants.CATEGORY, sre_constants.CATEGORY_SPACE) or
                   (item[0] == sre_constants.LITERAL and chr(item[1]).isspace()) for item in value)
    return op == sre_constants.LITERAL and chr(value).isspace()


def _walk_risk(items) -> str | None:
    for op, value in items:
        if op in _REPEATS:
            low, high, body = value
            unbounded = high == sre_constants.MAXREPEAT
            single = len(body) == 1 and body[0][0] in _SINGLE
            if unbounded and not single:
                return "repeats a group without a bound; use a bounded repeat such as {0,3}"
            if unbounded and not _whitespace_only(body):
                # A rule is tried at every occurrence of its trigger; an unbounded run
                # ("[!?]*") would make a long run of that character quadratic.
                return "has an unbounded repeat; only whitespace may repeat without a bound (use e.g. {1,30})"
            if not unbounded and not single and high > 60:
                return f"has a repeat bound of {high}; keep bounds at 60 or less"
            problem = _walk_risk(body)
            if problem:
                return problem
        elif op == sre_constants.SUBPATTERN:
            problem = _walk_risk(value[-1])
            if problem:
                return problem
        elif op == sre_constants.BRANCH:
            for branch in value[1]:
                problem = _walk_risk(branch)
                if problem:
                    return problem
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            problem = _walk_risk(value[1])
            if problem:
                return problem
    return None


_SPACE_CATEGORY = sre_constants.CATEGORY_SPACE


def literal_prefixes(pattern: str, length: int = PREFIX_LENGTH) -> set[str] | None:
    """Every literal start a match of ``pattern`` can have (" " = any whitespace).

    None when some match can start with something other than literal text,
    e.g. ``[a-z]+``: such a pattern cannot be prefiltered.
    """
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return None
    return _prefixes_of(parsed, length)


def _prefixes_of(parsed, length: int) -> set[str] | None:
    found = _sequence(list(parsed), length)
    if found is None or not found or any(not prefix for prefix, _ in found):
        return None
    return {prefix for prefix, _ in found}


def _sequence(items, length: int):
    """Set of (prefix, closed) for a sequence; closed prefixes cannot grow."""
    current = {("", False)}
    for op, value in items:
        grown = set()
        for prefix, closed in current:
            if closed or len(prefix) >= length:
                grown.add((prefix, True))
                continue
            options = _element(op, value, length - len(prefix))
            if options is None:
                if not prefix:
                    return None
                grown.add((prefix, True))
                continue
            for piece, piece_closed in options:
                grown.add(((prefix + piece)[:length], piece_closed or len(prefix + piece) >= length))
        current = grown
        if all(closed for _, closed in current):
            break
    return current


def _element(op, value, room: int):
    if op == sre_constants.LITERAL:
        return {(chr(value), False)}
    if op == sre_constants.IN:
        chars = _class_chars(value)
        return None if chars is None else {(c, False) for c in chars}
    if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT, sre_constants.AT):
        return {("", False)}
    if op == sre_constants.SUBPATTERN:
        return _sequence(list(value[-1]), room)
    if op == sre_constants.BRANCH:
        found = set()
        for branch in value[1]:
            part = _sequence(list(branch), room)
            if part is None:
                return None
            found |= part
        return found
    if op in _REPEATS:
        low, _high, body = value
        if len(body) == 1 and body[0][0] == sre_constants.IN and _class_chars(body[0][1]) == {" "}:
            return {(" ", False)} | ({("", False)} if low == 0 else set())
        part = _sequence(list(body), room)
        if part is None:
            return None
        closed = {(prefix, True) for prefix, _ in part}  # one repetition, then stop
        return closed | ({("", False)} if low == 0 else set())
    return None


def _class_chars(items) -> set[str] | None:
    chars: set[str] = set()
    for op, value in items:
        if op == sre_constants.LITERAL:
            chars.add(chr(value))
        elif op == sre_constants.CATEGORY and value == _SPACE_CATEGORY:
            chars.add(" ")
        elif op == sre_constants.RANGE and value[1] - value[0] < 6:
            chars.update(chr(c) for c in range(value[0], value[1] + 1))
        else:
            return None
    return chars if len(chars) <= 8 else None


# --- Forms that are cheaper at run time ---------------------------------------------------------

_CURLY = "’‘"
_CURLY_CODES = frozenset(map(ord, _CURLY))
_IGNORECASE = re.compile(r"\(\?[a-zA-Z-]*i")


def straight_quote_form(pattern: str) -> str:
    """``pattern`` for the scanner's text, in which curly apostrophes were made straight: curly
    quotes are left out of the character classes that keep other members.

    On such text both forms match the same, but a class holding a character above Latin-1
    is compiled into a 64K-entry table (about 0.3 ms each), which made these classes a large
    part of compiling a rule.  The new form is used only when Python parses it to exactly the
    original minus those class members; otherwise the pattern is returned unchanged.
    """
    if not any(quote in pattern for quote in _CURLY):
        return pattern
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index:index + 2])
            index += 2
        elif char == "[":
            end = _class_end(pattern, index)
            if end < 0:
                return pattern
            body = pattern[index + 1:end]
            kept = body.translate({code: None for code in _CURLY_CODES})
            out.append("[" + (kept if kept.lstrip("^") else body) + "]")
            index = end + 1
        else:
            out.append(char)
            index += 1
    simpler = "".join(out)
    try:
        same = _without_curly(sre_parse.parse(simpler)) == _without_curly(sre_parse.parse(pattern))
    except re.error:
        return pattern
    return simpler if same else pattern


def _class_end(pattern: str, start: int) -> int:
    """Index of the ``]`` closing the class that opens at ``start`` (-1 if none)."""
    index = start + 1
    if pattern[index:index + 1] == "^":
        index += 1
    if pattern[index:index + 1] == "]":
        index += 1  # a leading ] is a member
    while index < len(pattern):
        if pattern[index] == "\\":
            index += 2
            continue
        if pattern[index] == "]":
            return index
        index += 1
    return -1


def _without_curly(items):
    """A comparable copy of a parsed pattern with curly quotes left out of its classes."""
    out = []
    for op, value in items:
        if op == sre_constants.IN:
            kept = [item for item in value if not (item[0] == sre_constants.LITERAL and item[1] in _CURLY_CODES)]
            if len(kept) == 1 and kept[0][0] == sre_constants.LITERAL:
                out.append((sre_constants.LITERAL, kept[0][1]))
            elif len(kept) == 2 and kept[0][0] == sre_constants.NEGATE and kept[1][0] == sre_constants.LITERAL:
                out.append((sre_constants.NOT_LITERAL, kept[1][1]))
            else:
                out.append((op, tuple(sorted(set(kept), key=repr))))
        elif op == sre_constants.SUBPATTERN:
            out.append((op, value[:-1] + (_without_curly(value[-1]),)))
        elif op == sre_constants.BRANCH:
            out.append((op, tuple(_without_curly(branch) for branch in value[1])))
        elif op in _REPEATS or op == getattr(sre_constants, "POSSESSIVE_REPEAT", None):
            out.append((op, (value[0], value[1], _without_curly(value[2]))))
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            out.append((op, (value[0], _without_curly(value[1]))))
        elif op == getattr(sre_constants, "ATOMIC_GROUP", None):
            out.append((op, _without_curly(value)))
        elif op == sre_constants.GROUPREF_EXISTS:
            out.append((op, (value[0], _without_curly(value[1]), value[2] and _without_curly(value[2]))))
        else:
            out.append((op, value))
    return tuple(out)


def literal_starts(pattern: str, *, most: int = 200, lengths: tuple[int, ...] = (8, 10, 12, 14, 16, 20, 24, 32)) -> list[str] | None:
    """The longest literal starts of ``pattern`` (whitespace collapsed, see ``collapse_space``)
    that number at most ``most``, or None.

    Every match of the pattern, whitespace collapsed, starts with one of them, so the scanner
    can test them where a rule's trigger word occurs and compile the rule only when one fits.
    """
    if _IGNORECASE.search(pattern):
        return None
    best = None
    for length in lengths:
        found = literal_prefixes(pattern, length)
        if found is None:
            break
        kept: set[str] = set()
        for start in sorted({collapse_space(start) for start in found}, key=len):
            # A start that extends a kept one adds nothing: the shorter one fits wherever it fits.
            if not any(start[:size] in kept for size in range(1, len(start))):
                kept.add(start)
        if len(kept) > most:
            break
        best = sorted(kept)
    return best


def collapsed_reach(pattern: str) -> int | None:
    """The longest a match of ``pattern`` can be once its whitespace runs are collapsed to one
    space (see ``collapse_space``), or None when it has no bound.

    Unbounded repeats are allowed only on whitespace (``backtracking_risk``), and a run of
    whitespace collapses to one character, so a rule's reach past its trigger word is short:
    the literals it needs must occur within it.
    """
    try:
        width = _reach(list(sre_parse.parse(pattern)))
    except re.error:
        return None
    return None if width == float("inf") else int(width)


def _reach(items) -> float:
    total = 0.0
    for op, value in items:
        if op in _SINGLE:
            total += 1
        elif op == sre_constants.SUBPATTERN:
            total += _reach(list(value[-1]))
        elif op == sre_constants.BRANCH:
            total += max(_reach(list(branch)) for branch in value[1])
        elif op in _REPEATS:
            low, high, body = value
            if high == sre_constants.MAXREPEAT:
                total += 1 if len(body) == 1 and _whitespace_only(body) else float("inf")
            else:
                total += high * _reach(list(body))
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT, sre_constants.AT):
            continue
        else:
            return float("inf")
    return total
