"""Names the document itself declares: services, products, companies and acronyms are not people.

A capitalised word in a cause sentence reads as a person's name to the
named-individual rules.  Real postmortems are full of such words that the
same document shows to be a system: ``our Concourse pipeline``, ``KIAM``,
``Rustup's proxy``, ``SAM names``, the service list and the title of an
incident.  ``document_entities`` collects them (lower-cased) from the text,
and for incidents also from ``services``, ``system_context``, ``title`` and
``tags``; the grammar then reads them as systems.  Positive evidence of a
person wins: a handle (``@x``), a listed given name, a role right before
the word (``engineer Dana``), or a person in ``authors``/``responders``/``owner``.

Every pattern is bounded (no nested unbounded repeats) and runs once per
document, so the cost is linear in the text length.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from postmortem_kit.core import LazyRegex

_WORD = r"[A-Z][\w’'-]{0,39}"
# Code spans, URLs, paths and dotted or hyphenated identifiers: words inside are identifiers.
_CODE = LazyRegex(r"`[^`\n]{1,200}`|https?://[^\s)>\]]{1,300}|(?<![\w@])[\w.-]{1,60}[/.][\w./-]{1,200}")
_IDENT_WORD = LazyRegex(r"[A-Za-z][A-Za-z0-9]{1,39}")
# All capitals (SAM, KIAM, ADFS) or an inner capital (PyPI, GitOps, CapabilityIdentifiers).
_SHAPED = LazyRegex(r"(?<![\w@-])(?:[A-Z][A-Z0-9]{1,19}s?|[A-Z]?[a-z0-9]{1,20}[A-Z][A-Za-z0-9]{0,30})(?![\w@-])")
# "the Concourse", "our Rustup", "their Kiam": names of people take no determiner.
_DETERMINED = LazyRegex(r"(?<![\w-])(?:[Tt]he|[Oo]ur|[Tt]heir|[Ii]ts|[Aa]n?|[Tt]his|[Tt]hat|[Tt]hese|[Tt]hose|[Yy]our)\s+("
                        + _WORD + r")")
# A capitalised word followed by a system noun ("Concourse pipeline", "Rustup proxy").
_BEFORE_NOUN = LazyRegex(r"(?<![\w@-])(" + _WORD + r")(?:['’]s)?\s+([a-z][\w-]{1,30})")
# A capitalised word as the subject of a system verb ("Concourse being down", "Kiam crashed").
_SYSTEM_VERB = LazyRegex(
    r"(?<![\w@-])(" + _WORD + r")\s+(?:"
    r"(?:is|was|were|are|being|been|had been|has been|got)\s+(?:not\s+|still\s+|completely\s+|partially\s+){0,2}"
    r"(?:down|unavailable|unreachable|unhealthy|degraded|overloaded|restarted|redeployed|upgraded|"
    r"deployed|installed|misconfigured|offline|online|returning|serving|throwing|crashing|exposing|"
    r"scraping|rate-limited|throttled|evicted|oomkilled)"
    r"|crashed|crashlooped|timed out|went down|ran out of|errored|hung|leaked|oomed"
    r"|stopped (?:working|responding|serving|scraping|shipping))(?![\w-])")
# An organisation refers to itself as "its": "Knight made a number of changes to its systems".
_ITS = LazyRegex(r"(?<![\w@'’-])(" + _WORD + r")\s+(?:[a-z][\w'’-]{0,30}\s+){1,8}its\s")
_HEADING = LazyRegex(r"\A\s{0,20}#{1,6}[ \t]+([^\n]{1,300})$|^[ \t]{0,3}#[ \t]+([^\n]{1,300})$", re.MULTILINE)
_TITLE = LazyRegex(r"\A(?:---|\+\+\+)\n(?:[^\n]{0,500}\n){0,40}?title\s*[:=]\s*[\"']?([^\n\"']{1,300})", re.MULTILINE)
_TITLE_WORD = LazyRegex(_WORD)
_HANDLE = LazyRegex(r"@([A-Za-z][\w-]{0,38})|(?<![\w@])([a-z][\w-]{0,38})@(?![\w.])")
_ROLE_BEFORE = LazyRegex(r"(?<![\w-])([a-z][\w-]{1,30})\s+(" + _WORD + r")")
_SEPARATORS = re.compile(r"[\s,;:()\[\]{}\"'`|/]+")


def document_entities(text: str, lexicon: dict[str, frozenset[str]], *,
                      declared: Iterable[str] = (), people: Iterable[str] = ()) -> frozenset[str]:
    """Lower-cased words ``text`` shows to be systems, products or organisations (not people).

    ``declared``: strings the incident declares as systems (services, title, tags, system
    context); ``people``: strings naming people (authors, responders, owners).
    """
    systems = lexicon.get("system_nouns", frozenset())
    person_nouns = lexicon.get("person_nouns", frozenset())
    given = lexicon.get("given_names", frozenset())
    found: set[str] = set()
    strong: set[str] = set()  # shape or identifier evidence: never a person

    for m in _CODE.finditer(text):
        strong.update(word.lower() for word in _IDENT_WORD.findall(m.group()))
    for m in _SHAPED.finditer(text):
        strong.add(m.group().lower())
    for m in _DETERMINED.finditer(text):
        found.add(_base(m.group(1)))
    for m in _BEFORE_NOUN.finditer(text):
        if m.group(2) in systems:
            found.add(_base(m.group(1)))
    for m in _SYSTEM_VERB.finditer(text):
        found.add(_base(m.group(1)))
    for m in _ITS.finditer(text):
        found.add(_base(m.group(1)))
    titles = _first(_HEADING, text) + _first(_TITLE, text)
    for title in titles:
        found.update(_base(word) for word in _TITLE_WORD.findall(title))
    for value in declared:
        for word in _SEPARATORS.split(value):
            if word:
                found.add(_base(word))
                strong.update(part.lower() for part in re.split(r"[-_.]", word) if len(part) > 1)

    persons: set[str] = set()
    for m in _HANDLE.finditer(text):
        persons.add((m.group(1) or m.group(2)).lower())
    for m in _ROLE_BEFORE.finditer(text):
        if m.group(1) in person_nouns:
            persons.add(_base(m.group(2)))
    for value in people:
        for word in re.split(r"[\s,@._-]+", value):
            if word:
                persons.add(word.lower())
    found -= {word for word in given if word in found}
    never = persons | person_nouns | lexicon.get("person_pronouns", frozenset()) | lexicon.get("weak_pronouns", frozenset()) \
        | lexicon.get("stop_words", frozenset()) | lexicon.get("determiners", frozenset())
    return frozenset((found | strong) - never)


def _first(pattern, text: str) -> list[str]:
    m = pattern.search(text)
    return [next(group for group in m.groups() if group)] if m else []


def _base(word: str) -> str:
    return re.sub(r"(?:['’]s|['’])\Z", "", word).lower()


def incident_declared(data: Any) -> tuple[list[str], list[str]]:
    """(system strings, people strings) an incident file declares."""
    systems: list[str] = []
    people: list[str] = []
    if not isinstance(data, dict):
        return systems, people
    for key in ("title", "services", "tags"):
        systems.extend(_strings(data.get(key)))
    context = data.get("inputs", {}).get("system_context") if isinstance(data.get("inputs"), dict) else None
    if isinstance(context, dict):
        service = context.get("service")
        if isinstance(service, dict):
            systems.extend(_strings(service.get("name")))
        systems.extend(_strings(context.get("dependencies")))
        systems.extend(_strings(context.get("components")))
    for key in ("authors", "responders", "owner", "owners"):
        people.extend(_strings(data.get(key)))
    return systems, people


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []
