"""Names the document itself declares: services, products, companies and acronyms are not people.

A capitalised word in a cause sentence reads as a person's name to the
named-individual rules.  Real postmortems are full of such words that the
same document shows to be a system: ``our Concourse pipeline``, ``KIAM``,
``Rustup's proxy``, ``SAM names``, the service list and the title of an
incident.  ``Entities`` answers "is this word a system here?" from the
document's own evidence; for incidents, ``services``, ``system_context``,
``title`` and ``tags`` declare entities too.  Positive evidence of a person
wins: a handle (``@x``), a listed given name, a role right before the word
(``engineer Dana``), or a person in ``authors``/``responders``/``owner``.

Evidence for a word (any one is enough):

* its shape: all capitals (SAM, KIAM) or an inner capital (PyPI, GitOps);
* an occurrence inside code, a URL or a path, or joined to one by ``.``, ``/``, ``_``, ``-``;
* a determiner before it (``the Concourse``, ``our Rustup``): names of people take none;
* a system noun right after it (``Concourse pipeline``, ``Rustup proxy``);
* a system verb after it (``Kiam crashed``, ``Concourse being down``, ``Flux was upgraded``);
* ``its`` within the next few words (``Knight made changes to its systems``): an organisation;
* a word of the document's title (first heading, front matter) or of the declared systems.

The check is lazy and per word: only the few capitalised words a match
needs are looked up, each with plain substring searches and anchored,
bounded regexes at its occurrences, so the cost follows the number of
occurrences, not the number of patterns times the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any, Iterable

from postmortem_kit.core import LazyRegex

_SHAPE = LazyRegex(r"[A-Z][A-Z0-9]{1,19}s?|[A-Z]?[a-z0-9]{1,20}[A-Z][A-Za-z0-9]{0,30}")
_SYSTEM_VERB = LazyRegex(
    r"(?:['’]s)?\s{1,3}(?:"
    r"(?:is|was|were|are|being|been|had been|has been|got)\s{1,3}(?:(?:not|still|completely|partially)\s{1,3}){0,2}"
    r"(?:down|unavailable|unreachable|unhealthy|degraded|overloaded|restarted|redeployed|upgraded|"
    r"deployed|installed|misconfigured|offline|online|returning|serving|throwing|crashing|exposing|"
    r"scraping|rate-limited|throttled|evicted|oomkilled)"
    r"|crashed|crashlooped|timed out|went down|ran out of|errored|hung|leaked|oomed|kept (?:serving|crashing|restarting|returning|failing)"
    r"|stopped (?:working|responding|serving|scraping|shipping))(?![\w-])")
_NEXT_WORDS = LazyRegex(r"(?:['’]s)?((?:\s{1,3}[\w'’@.-]{1,40}){1,9})")
_PREVIOUS_WORD = LazyRegex(r"([\w'’@-]{1,40})\s{1,3}\Z")
_HEADING = LazyRegex(r"^[ \t]{0,3}#{1,6}[ \t]+([^\n]{1,300})$", re.MULTILINE)
_TITLE = LazyRegex(r"\A(?:---|\+\+\+)\n(?:[^\n]{0,500}\n){0,40}?title\s*[:=]\s*[\"']?([^\n\"']{1,300})")
_TITLE_WORD = LazyRegex(r"[A-Za-z][\w'’-]{0,39}")
_DETERMINERS = frozenset({"the", "our", "their", "its", "a", "an", "this", "that", "these", "those", "your"})
_CODE_JOINERS = frozenset("./_`:\\")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])\Z")
_SEPARATORS = re.compile(r"[\s,;:()\[\]{}\"'`|/]+")


def _base(word: str) -> str:
    return _POSSESSIVE.sub("", word).lower()


class Entities:
    """Lazy answers to "does this document show ``word`` to be a system, not a person?"."""

    def __init__(self, text: str, lexicon: dict[str, frozenset[str]], *, declared: Iterable[str] = (),
                 people: Iterable[str] = ()):
        self.text = text
        self.lowered = text.lower()
        self.systems = lexicon.get("system_nouns", frozenset())
        self.person_nouns = lexicon.get("person_nouns", frozenset())
        self.given = lexicon.get("given_names", frozenset())
        self.never = self.person_nouns | lexicon.get("person_pronouns", frozenset()) \
            | lexicon.get("weak_pronouns", frozenset()) | lexicon.get("stop_words", frozenset()) \
            | lexicon.get("determiners", frozenset())
        self.declared: set[str] = set()
        self.declared_parts: set[str] = set()
        for value in declared:
            for word in _SEPARATORS.split(value):
                if word:
                    self.declared.add(_base(word))
                    self.declared_parts.update(part.lower() for part in re.split(r"[-_.]", word) if len(part) > 1)
        self.people = {word.lower() for value in people for word in re.split(r"[\s,@._-]+", value) if word}
        self._title: set[str] | None = None
        self._known: dict[str, bool] = {}
        self._ticks: list[int] | None = None  # positions of backticks, listed on first need
        self._breaks: list[int] = []

    def __contains__(self, word: str) -> bool:
        base = _base(word)
        known = self._known.get(base)
        if known is None:
            known = self._known[base] = self._decide(_POSSESSIVE.sub("", word), base)
        return known

    def _decide(self, word: str, base: str) -> bool:
        if base in self.never or base in self.people or self._person_evidence(base):
            return False
        if _SHAPE.fullmatch(word) or base in self.declared_parts:
            return True  # shape or identifier evidence: never a person
        if base in self.given:
            return False
        return base in self.declared or base in self.title or self._usage_evidence(base)

    @property
    def title(self) -> set[str]:
        if self._title is None:
            words = []
            for pattern in (_HEADING, _TITLE):
                m = pattern.search(self.text)
                if m:
                    words.extend(_TITLE_WORD.findall(m.group(1)))
            self._title = {_base(w) for w in words}
        return self._title

    def _occurrences(self, base: str):
        lowered, size, position = self.lowered, len(base), self.lowered.find(base)
        while position >= 0:
            end = position + size
            before_ok = position == 0 or not (lowered[position - 1].isalnum() or lowered[position - 1] == "_")
            after_ok = end >= len(lowered) or not (lowered[end].isalnum() or lowered[end] == "_")
            if before_ok and after_ok:
                yield position, end
            position = lowered.find(base, position + 1)

    def _person_evidence(self, base: str) -> bool:
        text = self.text
        for start, end in self._occurrences(base):
            if start and text[start - 1] == "@" or end < len(text) and text[end] == "@":
                return True
            previous = _PREVIOUS_WORD.search(text, max(0, start - 40), start)
            if previous is not None and previous.group(1).lower() in self.person_nouns:
                return True
        return False

    def _in_code_span(self, start: int) -> bool:
        """Is ``start`` after an odd number of backticks on its line?  The backticks and line breaks
        are listed once per text, so each question is two binary searches (not a count from the line's
        start, which made a long one-line text quadratic)."""
        ticks = self._ticks
        if ticks is None:
            text = self.text
            ticks = self._ticks = [i for i, c in enumerate(text) if c == "`"] if "`" in text else []
            self._breaks = [i for i, c in enumerate(text) if c == "\n"] if ticks else []
        if not ticks:
            return False
        line_start = 0
        row = bisect_left(self._breaks, start)
        if row:
            line_start = self._breaks[row - 1] + 1
        return (bisect_left(ticks, start) - bisect_left(ticks, line_start)) % 2 == 1

    def _usage_evidence(self, base: str) -> bool:
        text = self.text
        for start, end in self._occurrences(base):
            if start and text[start - 1] in _CODE_JOINERS or end < len(text) and text[end] in _CODE_JOINERS \
                    and end + 1 < len(text) and not text[end + 1].isspace():
                return True
            if self._in_code_span(start):
                return True
            previous = _PREVIOUS_WORD.search(text, max(0, start - 40), start)
            if previous is not None and previous.group(1).lower() in _DETERMINERS:
                return True
            if _SYSTEM_VERB.match(text, end):
                return True
            following = _NEXT_WORDS.match(text, end)
            if following is not None:
                words = following.group(1).split()
                if words and words[0].lower() in self.systems:
                    return True
                if "its" in (w.lower() for w in words):
                    return True
        return False


def document_entities(text: str, lexicon: dict[str, frozenset[str]], *, declared: Iterable[str] = (),
                      people: Iterable[str] = ()) -> frozenset[str]:
    """Every capitalised word of ``text`` (and declared word) that is an entity, lower-cased (for reports, tests)."""
    entities = Entities(text, lexicon, declared=declared, people=people)
    words = set(re.findall(r"(?<![\w@'’-])[A-Z][\w'’-]{0,39}", text)) | entities.declared
    return frozenset(_base(word) for word in words if word in entities)


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
