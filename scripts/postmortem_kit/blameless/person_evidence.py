"""Which words of a text are people: the person questions of ``grammar.Grammar``.

``Grammar`` reads noun phrases and classifies their words; this mixin answers the questions that need
positive evidence of a person (a role, a pronoun, a handle, a given name, or a name followed by a verb
only people do), so that a capitalised product or company is never read as one.  It uses the
``Grammar`` it is mixed into (its tokens, sentences, word classes and lexicon sets).
"""

from __future__ import annotations

from postmortem_kit.blameless.mask import MASK
from postmortem_kit.blameless.tokens import (
    _HANDLE_CANDIDATE,
    _NAME_CANDIDATE,
    _NAME_SHAPE,
    _POSSESSIVE,
    _PREVIOUS_WORD,
    Phrase,
    Token,
    foreign_name_shaped,
    handle_shaped,
)

_PERSONAL = frozenset(("he", "she", "his", "her", "him", "hers", "himself", "herself"))


class PersonEvidence:
    """Person questions about one text; mixed into ``grammar.Grammar``."""

    def person_evidence(self, phrase: Phrase, *, weak_ok: bool = False) -> bool:
        """Positive evidence that a phrase is a person, not a capitalised product or company: a
        role or pronoun, a handle, or a listed given name ("Nimbus dropped the routes" has none);
        with ``weak_ok``, "they" too."""
        if phrase.cls == "person" or phrase.possessive_person and not phrase.possessive_named \
                or weak_ok and phrase.cls == "weak":
            return True
        if phrase.start < 0:
            return False
        for token in self.tokens(phrase.start, phrase.end):
            lower = _POSSESSIVE.sub("", token.lower)
            if token.kind == "w" and (lower.startswith("@") or lower.endswith("@") or lower in self.names
                                      or lower in self.person_nouns or lower in self.pronouns
                                      or token.text == lower and handle_shaped(lower, self.plain_words, self.names)):
                return True
        return phrase.cls in ("named", "unknown") and self._titled(phrase) \
            or phrase.cls == "named" and self._name_with_human_verb(phrase)

    def _titled(self, phrase: Phrase) -> bool:
        """Twenty-ninth round: a capitalised name after a title ("Lieutenant Berg", "Dr. Osei", "Mr Haldane";
        people.yaml's ``honorifics``), the title in the phrase or just before it."""
        words = [token for token in self.tokens(max(0, phrase.start - 16), phrase.end) if token.kind == "w"]
        for title, name in zip(words, words[1:]):
            if name.start >= phrase.start and name.text[:1].isupper() and title.text[:1].isupper() \
                    and title.lower.rstrip(".") in self.honorifics and title.end <= name.start <= title.end + 2:
                return True
        return False

    def _name_with_human_verb(self, phrase: Phrase) -> bool:
        """One capitalised, name-shaped word followed by a verb only people do ("Dagny assumed",
        "Tavish forgot") or referred to by "he"/"she"/"his"/"her": evidence from the sentence itself.  Documents that declare the word as a
        service or product clear it later (``context._names_are_entities``)."""
        words = [token for token in self.tokens(phrase.start, phrase.end) if token.kind == "w"]
        # Fourteenth round: a full name of two or three capitalised words ("Björn Halvorsen") as well as one.
        if not 1 <= len(words) <= 3 or any(not _NAME_SHAPE.match(_POSSESSIVE.sub("", word.text))
                                           or _POSSESSIVE.search(word.lower) for word in words):
            return False
        if any(foreign_name_shaped(word.text, self.plain_words) for word in words):
            return True  # "Tomás", "Mei-Ling", "Björn Halvorsen": not a product's name
        if len(words) > 1:
            return False  # "Front Door misjudged": several plain capitalised words may be a product
        after = [token for token in self.tokens(phrase.end, phrase.end + 40) if token.text != ","]
        if after and after[0].kind == "w" and (after[0].lower in self.human_verbs or after[0].lower == "who"):
            return True  # "Dagny assumed"; "Olumide, who ...": systems take "which"
        # A personal pronoun later in the same sentence ("Mirela overwrote the file with her local copy":
        # systems are "it"/"its"), or an act done "by hand": evidence of a person.
        _, end = self.sentence(phrase.end)
        rest = [token.lower for token in self.tokens(phrase.end, end) if token.kind == "w"]
        return any(word in _PERSONAL for word in rest) or any(a == "by" and b == "hand" for a, b in zip(rest, rest[1:]))

    def mentions_person(self, start: int, end: int) -> bool:
        tokens = self.tokens(start, end)
        for index, token in enumerate(tokens):
            if token.kind != "w":
                continue
            cls, _ = self.word_class(tokens, index)
            if cls in ("person", "named", "weak") and not self._owns_system(tokens, index):
                return True
        return False

    def _owns_system(self, tokens: list[Token], index: int) -> bool:
        """'our tooling', 'my dashboard': a possessive pronoun before a system noun names no actor."""
        if tokens[index].lower not in ("our", "my", "their", "your"):
            return False
        nxt = next((t for t in tokens[index + 1:index + 3] if t.kind == "w"), None)
        return nxt is not None and self.word_class(tokens, tokens.index(nxt))[0] == "system"

    def names_in(self, start: int, end: int) -> list[Token]:
        """Handles and names (not roles) between ``start`` and ``end``.

        Only capitalised words and handles are looked at: a listed given name,
        a handle (@theo, mei@) or a name-shaped word with a possessive
        ("Jiho's") counts; roles never do.
        """
        found = []
        original, masked = self.original, self.masked
        if "@" in original[start:end]:
            for m in _HANDLE_CANDIDATE.finditer(original, start, end):
                if masked[m.start()] != MASK and (m.start() == 0 or not (original[m.start() - 1].isalnum()
                                                                         or original[m.start() - 1] in "@._")):
                    found.append(Token("w", m.group(), m.group().lower(), m.start(), m.end()))
        plain = self.plain_words
        for m in _NAME_CANDIDATE.finditer(original, start, end):
            text = m.group()
            lower = text.lower()
            if lower in plain:  # "The", "Errors", "Kafka": common words, fast path
                continue
            at = m.start()
            if masked[at] == MASK:
                continue
            possessive = bool(_POSSESSIVE.search(text))
            base_text = _POSSESSIVE.sub("", text) if possessive else text
            base = base_text.lower()
            if base in self.not_names:
                continue
            if base in self.names:
                found.append(Token("w", text, text.lower(), at, m.end()))
                continue
            if not possessive or not _NAME_SHAPE.match(base_text) or base in self.person_nouns \
                    or base in self.systems or base in self.stop:
                continue
            previous = _PREVIOUS_WORD.search(masked[max(0, at - 30):at])
            if previous is not None and previous.group(1) in self.determiners:
                continue
            found.append(Token("w", text, text.lower(), at, m.end()))
        return found
