"""Literal text that every match of a regex must contain, found offline from the parsed pattern.

``required_literals(pattern)`` returns clauses: each clause is a list of
strings of which at least one occurs in any text the pattern can match
("had (?:not|never) (?:checked|read)" needs "had", ["not", "never"] and
["checked", "read"]).  The blameless scanner checks a rule alternative's
clauses with plain substring tests before compiling or trying its regex, so a
rule triggered by a common word ("was", "with", "no") costs nothing on text
that lacks its rarer words.  Only necessary conditions are derived: a part
the analysis does not understand adds no clause, so the filter can only skip
an alternative that could not have matched.
"""

from __future__ import annotations

import re

try:  # Python 3.11 keeps the regex parser here
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

MIN_LENGTH = 3  # shorter literals ("a", "of") occur in nearly every text
MAX_CHOICES = 40  # a clause with more alternatives than this filters too little to be worth testing
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}


def required_literals(pattern: str, *, keep: int = 2, skip: tuple[str, ...] = ()) -> list[list[str]]:
    """At most ``keep`` clauses, most selective first (longest shortest literal); clauses
    that a string in ``skip`` already satisfies (the trigger word) are left out."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return []
    clauses = [sorted(clause) for clause in _sequence(list(parsed))
               if not any(literal in text for literal in clause for text in skip)]
    unique = {tuple(clause): clause for clause in clauses}.values()
    ranked = sorted(unique, key=lambda clause: (-min(map(len, clause)), len(clause), clause))
    return [list(clause) for clause in ranked[:keep]]


def _sequence(items) -> list[frozenset[str]]:
    clauses: list[frozenset[str]] = []
    run: list[str] = []

    def close_run() -> None:
        text = "".join(run)
        # Whitespace in a pattern stands for any whitespace in the text: keep the longest word.
        word = max(text.split(), key=len, default="")
        if len(word) >= MIN_LENGTH:
            clauses.append(frozenset({word}))
        run.clear()

    for op, value in items:
        if op == sre_constants.LITERAL:
            run.append(chr(value))
            continue
        close_run()
        if op == sre_constants.SUBPATTERN:
            clauses.extend(_sequence(list(value[-1])))
        elif op == sre_constants.BRANCH:
            clause = _branch(value[1])
            if clause:
                clauses.append(clause)
        elif op in _REPEATS and value[0] >= 1:
            clauses.extend(_sequence(list(value[2])))
        # anything else (classes, lookarounds, anchors, optional parts) requires nothing
    close_run()
    return clauses


def _branch(branches) -> frozenset[str] | None:
    """One clause for an alternation: each branch contributes its most selective clause;
    a branch that requires nothing makes the whole alternation require nothing."""
    choices: set[str] = set()
    for branch in branches:
        inner = _sequence(list(branch))
        if not inner:
            return None
        best = max(inner, key=lambda clause: (min(map(len, clause)), -len(clause)))
        choices |= best
        if len(choices) > MAX_CHOICES:
            return None
    return frozenset(choices)
