"""Who speaks in a match: the organisation as "we", or a person.

Decision (docs/guide/blameless.md): the organisation speaking as "we" ("we failed to
update the status page", "we wasted time") is owning the response, not naming a
culprit.  Such findings are kept, because self-judgement can still be rewritten
into a description of the conditions, but they are always warnings, never errors;
a rule that declares ``organisation_exempt`` (the plain omissions and
counterfactuals: "we did not catch the regression in testing") reports nothing.  "I" and named people are
not covered by this: a person judging themselves ("I stupidly forgot") is blame.

The test is textual and bounded: the match itself is about "we" ("if we had
deployed", "had we not paused"), or the nearest subject pronoun before the match
in its clause is "we".  A third party named between "we" and the end of the
judgement is its target, and then "we" is only the speaker: "we will retrain the
support team", "we will remind everyone to be more careful", "for a reason we
don't understand, the employee decided", "we have taken action with that
employee" are about those people, not about the organisation.
"""

from __future__ import annotations

import re

from postmortem_kit.core import LazyRegex

_WINDOW = 160
_CLAUSE_BREAK = LazyRegex(r"[.!?;:\n]|\s(?:but|so|because|although|though|while|whereas|and then)\s")
_PRONOUN = LazyRegex(r"(?<![\w'’-])(we|us|i|he|she|they|you|someone|somebody|nobody|anyone)(?![\w'’-])", re.IGNORECASE)
_WE_IN_MATCH = LazyRegex(r"(?<![\w'’-])we(?![\w'’-])", re.IGNORECASE)
# The organisation's people by their work, shared by the third-party, complement and our-people tests below.
_STAFF = (r"employees?|engineers?|operators?|staff|personnel|developers?|individuals?|contractors?|admins?|"
          r"administrators?|technicians?|"
          # "on-call" as a modifier ("a single on-call rotation") names no person
          r"on-call(?!\s+(?:rotations?|rotas?|schedules?|rosters?|shifts?|pagers?|phones?|polic(?:y|ies)|tooling|"
          r"load|handovers?|channels?|calendars?|coverage|dut(?:y|ies)|burden|process|runbooks?|budget))|"
          r"reviewers?|approvers?|hires|responders")
_THIRD_PARTY = LazyRegex(
    r"(?<![\w'’-])(?<!our )(?<!my )(?:he|she|him|her|them|someone|somebody|everyone|everybody|"
    + _STAFF + r"|team|teams|people|person|newcomers)(?![\w'’-])",
    re.IGNORECASE,
)
_FOLLOWING = 60
# the judgement's complement names the person it is about ('human error on the part of the technician')
_COMPLEMENT = LazyRegex(
    r"\s{1,3}(?:on the part of|by|among|from)\s{1,3}(?:the |a |an |one of (?:the |our )?|our |their )?"
    r"(?:[\w-]{1,30} ){0,2}?(?:" + _STAFF + r"|interns?|analysts?|agents?)(?![\w'’-])",
    re.IGNORECASE,
)
# people of the organisation as the patient of a judgement ('make our operators less error-prone')
_OUR_PEOPLE = LazyRegex(
    r"(?<![\w'’-])our (?:" + _STAFF + r") (?:less|more)(?![\w'’-])",
    re.IGNORECASE,
)
_PERSON_NAMED = LazyRegex(r"(?<![\w'’-])(?:[A-Z][a-z]{1,30}|@[\w-]{1,39})(?![\w'’-])")


def organisation_subject(text: str, start: int, end: int) -> bool:
    """Is the match at ``text[start:end]`` said of the organisation as "we"?"""
    inside = text[start:end]
    if _THIRD_PARTY.search(inside) or _OUR_PEOPLE.search(inside):
        return False
    if _COMPLEMENT.match(text, end):  # 'human error on the part of the technician' is about the technician
        return False
    if _WE_IN_MATCH.search(inside):
        after = text[end:end + _FOLLOWING]
        after = after[:after.find(".")] if "." in after else after
        if _THIRD_PARTY.search(after):
            return False
        return not any(m.group(1).lower() not in ("we", "us") for m in _PRONOUN.finditer(inside))
    window_start = max(0, start - _WINDOW)
    before = text[window_start:start]
    cut = 0
    for m in _CLAUSE_BREAK.finditer(before):
        cut = m.end()
    clause = before[cut:]
    pronouns = _PRONOUN.findall(clause)
    if not pronouns or pronouns[-1].lower() not in ("we", "us"):
        return False
    last_we = max(m.end() for m in _PRONOUN.finditer(clause) if m.group(1).lower() in ("we", "us"))
    return not _THIRD_PARTY.search(clause[last_we:])


def without_exempt(matches: list, place) -> list:
    """``matches`` less those of a rule that declares ``organisation_exempt`` said of the organisation
    as "we"; ``place(match)`` is the (text, start, end) that ``organisation_subject`` reads.  The
    callers drop them before deduplicating, so that such a match hides no other rule's match."""
    return [match for match in matches
            if not (match.rule.organisation_exempt and organisation_subject(*place(match)))]
