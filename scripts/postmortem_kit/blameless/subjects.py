"""Who is the subject? Reading noun phrases left of a verb and from a clause start.

The subject-resolution half of blameless.grammar: the immediate subject of a
verb (with relative clauses, post-modifiers and inherited subjects of
coordinated verbs), the subject of a clause, possessors and the noun phrase at
a position.  Grammar mixes this in; it relies on Grammar's word classes.
"""

from __future__ import annotations

from postmortem_kit.blameless.tokens import (
    _CLAUSE_PUNCT,
    _CONJUNCTIONS,
    _KNOWN,
    _POSSESSIVE,
    _POSTMOD_PREPOSITIONS,
    _POSTMOD_SPAN,
    _PP_PREPOSITIONS,
    NEAR,
    NONE,
    Phrase,
    Token,
    foreign_name_shaped,
)

# Twenty-ninth round: ranks read before a person noun as part of the phrase ("the first officer").
_RANKS = frozenset(("first", "second", "third", "fourth"))

# "Those on the call", "those in the room", "those who ...": people, not things (ninth round).
_THOSE_PEOPLE = frozenset(("on", "in", "at", "who", "responsible"))


class SubjectReader:
    """Subject resolution, mixed into Grammar (uses its tokens, word classes and lexicon sets)."""

    def left_subject(self, position: int, depth: int = 0) -> Phrase:
        """The noun phrase right before ``position`` (skipping auxiliaries and adverbs)."""
        tokens = self.tokens(position - NEAR, position)
        i = len(tokens) - 1
        while i >= 0:
            token = tokens[i]
            if token.kind == "p" and token.text == ")":
                j = i - 1
                while j >= 0 and i - j < 12 and tokens[j].text != "(":
                    j -= 1
                if j >= 0 and tokens[j].text == "(":
                    i = j - 1
                    continue
                break
            if token.kind == "w" and self._skippable(token.lower):
                i -= 1
                continue
            break
        if i >= 0 and tokens[i].kind == "w" and tokens[i].lower in ("what", "whatever"):
            return Phrase("system", tokens[i].start, tokens[i].end)  # "explaining |what| broke": a thing
        if i >= 0 and tokens[i].kind == "w" and (tokens[i].lower in self.verb_forms or tokens[i].lower.endswith("ed")) \
                and self.word_class(tokens, i)[0] == "unknown":
            # "the alert that the engineer ignored |should have|": the subject is the relative's antecedent
            antecedent = self._relative_antecedent(tokens, i)
            if antecedent is not None:
                return antecedent
            if i >= 1 and tokens[i - 1].kind == "w" and tokens[i - 1].lower in ("that", "which"):
                # "a ticket |that listed| the wrong rack": the verb's subject is the relative pronoun's
                # antecedent, whatever it is (twenty-fourth round)
                head_indexes, _ = self._read_left(tokens, i - 2)
                if head_indexes:
                    return self.classify(tokens, head_indexes)
        if i >= 0 and tokens[i].kind == "w" and tokens[i].lower == "that" and depth < 3:
            return self.left_subject(tokens[i].start, depth + 1)  # "the infra group |that| widened": a relative pronoun
        indexes, i = self._read_left(tokens, i)
        if indexes:
            antecedent = self._relative_antecedent(tokens, i)
            if antecedent is not None:
                return antecedent
            head = self._postmodified_head(tokens, i)
            if head is not None:
                return head
            phrase = self.classify(tokens, indexes)
            if i >= 0 and tokens[i].kind == "w" and tokens[i].lower in _PP_PREPOSITIONS:
                head_indexes, _ = self._read_left(tokens, i - 1)
                if head_indexes:
                    head = self.classify(tokens, head_indexes)
                    if head.cls == "negative":
                        return head
                    first = tokens[head_indexes[0]].lower
                    if len(head_indexes) == 1 and first in self.quantifiers:
                        return phrase
                    if head.cls != "unknown":
                        return head
            return phrase
        if i < 0 or depth >= 3:
            return NONE
        token = tokens[i]
        if token.kind == "w" and token.lower == "which":
            return Phrase("system", token.start, token.end)
        if token.kind == "w" and token.lower == "that":
            return self.left_subject(token.start, depth + 1)
        if token.kind == "w" and token.lower in ("and", "but", "then", "or", "yet", "so") or \
                (token.kind == "p" and token.text in (",", ";", "(", "—", "–")):
            return self._inherited(token.start, depth + 1)
        return NONE

    def _postmodified_head(self, tokens: list[Token], i: int) -> Phrase | None:
        """The head of a subject whose noun is followed by a modifier, when the phrase right
        before the verb sits inside that modifier: "the engineer |responsible for| the change",
        "the person |running| the migration", "someone |on| the team", "whoever |was holding|
        the pager".  ``i`` is the token before that phrase; None when the words from the clause
        start are not "head + modifier" (a verb, conjunction or punctuation in between)."""
        if i < 0 or tokens[i].kind != "w":
            return None
        j = i
        while j >= 0 and i - j < _POSTMOD_SPAN:
            token = tokens[j]
            if token.kind == "p" or token.kind == "w" and token.lower in _CONJUNCTIONS:
                break
            j -= 1
        if j >= 0 and i - j >= _POSTMOD_SPAN:
            return None
        if j < 0 and not self._clause_edge_before(tokens[0].start):
            return None  # the window cut the clause: its start is unknown
        k = j + 1
        while k <= i and tokens[k].kind == "n":
            k += 1
        if k > i or tokens[k].kind != "w":
            return None
        first = tokens[k].lower
        if first in ("whoever", "whomever"):  # a free relative: "whoever was holding the pager"
            return Phrase("person", tokens[k].start, tokens[k].end, head=first)
        if first in self.quantifiers and k + 1 <= i and tokens[k + 1].lower == "of":
            k += 2
        while k <= i and tokens[k].kind == "w" and tokens[k].lower in self.determiners:
            k += 1
        head: list[int] = []
        while k <= i and len(head) < 4:
            token = tokens[k]
            if token.kind == "m":
                head.append(k)
                k += 1
                continue
            if token.kind != "w":
                return None
            lower = token.lower
            if lower in self.stop or lower in self.aux or lower in self.verb_forms or lower in self.postmodifiers \
                    or lower in self.determiners or (head and lower.endswith("ing")):
                break
            head.append(k)
            k += 1
            if _POSSESSIVE.sub("", lower) in self.pronouns:
                break
        if not head or k > i:
            return None
        opener = tokens[k].lower
        if not (opener in _POSTMOD_PREPOSITIONS or opener in self.postmodifiers
                or (len(opener) > 5 and opener.endswith("ing"))
                or (opener.endswith("ed") and k + 1 <= i and tokens[k + 1].lower in _POSTMOD_PREPOSITIONS)):
            return None
        for token in tokens[k + 1:i + 1]:
            if token.kind == "p":
                return None
            lower = token.lower
            if token.kind == "w" and (lower in self.aux or lower in self.verb_forms or lower in _CONJUNCTIONS
                                      or (lower.endswith("ed") and lower not in self.postmodifiers)):
                return None
        phrase = self.classify(tokens, head)
        # A head that is not a known noun ("the outage came down |to| ...") is a misread verb phrase.
        known = phrase.cls in _KNOWN or phrase.cls == "negative" or _POSSESSIVE.sub("", phrase.head) in self.fault_nouns
        return phrase if known else None

    def _clause_edge_before(self, position: int) -> bool:
        before = self.masked[max(0, position - 40):position].rstrip()
        return not before or before[-1] in ".!?:;,(\n-*—–\"“" or self._starts_text(position, [])

    def _relative_antecedent(self, tokens: list[Token], i: int) -> Phrase | None:
        """If the words before the phrase end a relative clause ("the engineer who changed |the
        setting| should have"), the subject is the clause's antecedent ("who": a person)."""
        k = i
        verb_seen = False
        steps = 0
        while k >= 0 and steps < 12:
            token = tokens[k]
            if token.kind == "p" or token.kind == "n":
                return None
            lower = token.lower
            if lower in ("who", "whom", "that", "which"):
                if not verb_seen:
                    return None  # "noticed that |the setting|": a complement, not a relative clause
                if lower in ("who", "whom"):
                    return Phrase("person", token.start, token.end, head=lower)
                head_indexes, _ = self._read_left(tokens, k - 1)
                phrase = self.classify(tokens, head_indexes) if head_indexes else NONE
                return phrase if phrase.cls in _KNOWN else None
            if lower in _CONJUNCTIONS:
                return None
            if lower in self.verb_forms or lower in self.aux or lower.endswith("ed") or \
                    (k > 0 and tokens[k - 1].lower in ("who", "that", "which") and lower.endswith("s")):
                verb_seen = True
            k -= 1
            steps += 1
        return None

    def _skippable(self, lower: str) -> bool:
        lower = lower.replace("’", "'")
        if lower in self.aux or lower.endswith("n't") or lower in ("not", "never", "keep", "keeps", "kept"):
            return True  # "the developers |keep| ignoring": "keep" + -ing is part of the verb group
        return len(lower) > 4 and lower.endswith("ly") and lower not in self.person_nouns

    def _read_left(self, tokens: list[Token], i: int) -> tuple[list[int], int]:
        indexes: list[int] = []
        while i >= 0 and len(indexes) < 6:
            token = tokens[i]
            if token.kind == "p":
                break
            if token.kind == "n":
                break
            if token.kind == "m":
                indexes.insert(0, i)
                i -= 1
                continue
            lower = token.lower
            if lower in self.determiners or lower in self.negative:
                indexes.insert(0, i)
                i -= 1
                break
            if lower in self.stop or lower in self.aux:
                break
            if lower in self.verb_forms and indexes:
                break
            indexes.insert(0, i)
            i -= 1
            base = _POSSESSIVE.sub("", lower)
            if base in self.pronouns or base in self.weak:
                break
        # Drop leading determiners from the class computation but keep "no".
        return indexes, i

    def _inherited(self, position: int, depth: int) -> Phrase:
        """The subject of the clause before ``position`` (for "X did A, and B")."""
        for _ in range(3):
            start = self.clause_start(position)
            phrase = self.clause_subject_from(start, position)
            if phrase.cls in _KNOWN or phrase.cls == "negative" or phrase.possessive_person:
                return phrase
            if start <= 0:
                break
            position = start - 1
            if position < 0 or self._is_sentence_boundary(position):
                break
        return NONE

    def _is_sentence_boundary(self, position: int) -> bool:
        before = self.masked[max(0, position - 2):position + 1]
        return any(mark in before for mark in ".!?") or "\n\n" in self.masked[max(0, position - 3):position + 2]

    def clause_start(self, position: int) -> int:
        """Offset where the clause containing ``position`` starts (punctuation or conjunction)."""
        tokens = self.tokens(position - NEAR, position)
        for token in reversed(tokens):
            if token.kind == "p" and token.text.strip() in _CLAUSE_PUNCT | {""}:
                return token.end
            if token.kind == "w" and token.lower in _CONJUNCTIONS:
                return token.end
        return max(0, position - NEAR)

    def sentence_clause_start(self, position: int) -> int:
        """Clause start using punctuation only (for negation windows)."""
        tokens = self.tokens(position - NEAR, position)
        for token in reversed(tokens):
            if token.kind == "p" and token.text.strip() in _CLAUSE_PUNCT | {""}:
                return token.end
            if token.kind == "w" and token.lower in ("and", "but", "so", "because", "while", "although", "though",
                                                     "whereas", "yet", "then", "since"):
                return token.end
        return max(0, position - NEAR)

    def clause_subject(self, position: int) -> Phrase:
        return self.clause_subject_from(self.clause_start(position), position)

    def clause_subject_from(self, start: int, limit: int) -> Phrase:
        """The first noun phrase after ``start`` (before ``limit``)."""
        tokens = self.tokens(start, limit)
        indexes: list[int] = []
        i = 0
        while i < len(tokens) and tokens[i].kind == "n":
            i += 1
        if i + 1 < len(tokens) and tokens[i].lower in self.quantifiers and tokens[i + 1].lower == "of":
            i += 2
        while i < len(tokens) and len(indexes) < 6:
            token = tokens[i]
            if token.kind == "p":
                if token.text == "(":  # skip a parenthetical aside
                    j = i + 1
                    while j < len(tokens) and j - i < 12 and tokens[j].text != ")":
                        j += 1
                    if j < len(tokens) and tokens[j].text == ")" and indexes:
                        break
                break
            if token.kind == "n":
                break
            lower = token.lower
            if token.kind == "w":
                if lower in self.negative and not indexes:
                    indexes.append(i)
                    i += 1
                    continue
                if lower == "those" and not indexes and i + 1 < len(tokens) and tokens[i + 1].lower in _THOSE_PEOPLE:
                    return Phrase("person", token.start, token.end, head=lower)  # "those on the bridge call"
                if lower in self.determiners and not indexes:
                    i += 1
                    continue
                if lower in self.stop or lower in self.aux or self._skippable(lower) or \
                        (lower in self.verb_forms and indexes):
                    break
                if indexes and lower.endswith(("s", "ed", "ing")) and \
                        self.word_class(tokens, indexes[-1])[0] in _KNOWN and \
                        self.word_class(tokens, i)[0] == "unknown":
                    break  # "Rafael deploys", "the engineer reviews": a verb ends the subject
            indexes.append(i)
            i += 1
            if token.kind == "w" and _POSSESSIVE.sub("", lower) in self.any_pronoun:
                break
        return self.classify(tokens, indexes)

    def possessor(self, position: int) -> Phrase:
        """The possessive word right before ``position`` ("the team's| failure", "Viktor|'s typo")."""
        tokens = self.tokens(position - 60, position)
        if not tokens or tokens[-1].kind not in ("w", "m"):
            return Phrase("unknown", position, position)
        last = tokens[-1]
        adjacent = last.end == position
        if not adjacent and not _POSSESSIVE.search(last.lower):
            return Phrase("unknown", position, position)
        cls, _ = self.word_class(tokens, len(tokens) - 1)
        phrase = Phrase(cls, last.start, last.end, head=last.lower)
        if cls in ("person", "named", "weak"):
            phrase.possessive_person = True
            phrase.possessive_named = cls == "named"
        return phrase

    def _evident_name(self, token: Token) -> bool:
        """A listed given name or a name by its letters ("Hamid", "Tomás"), not any capitalised word
        ("Normal" at the start of a table cell): only these end a phrase at the next lower-case word."""
        base = _POSSESSIVE.sub("", token.lower)
        return token.kind == "w" and token.text[:1].isupper() and (
            base in self.names or foreign_name_shaped(token.text, self.plain_words))

    def noun_phrase_at(self, position: int, limit: int | None = None) -> Phrase:
        """The noun phrase starting at ``position`` (objects: "traces back to |the SRE who ...").

        ``limit`` (the end of a regex group) ends the phrase once it holds a word.
        """
        tokens = self.tokens(position, position + 160)
        indexes: list[int] = []
        i = 0
        while i < len(tokens) and len(indexes) < 5:
            token = tokens[i]
            if token.kind in ("p", "n"):
                break
            if limit is not None and token.start >= limit and indexes:
                # Twenty-ninth round: the group ends the phrase, so its last word is read as its head,
                # not as a modifier of the word after the group ("sent |the pilot| back to ...").
                return self.classify(tokens[:indexes[-1] + 1], indexes)
            lower = token.lower
            if token.kind == "w":
                if lower in self.negative and not indexes:
                    indexes.append(i)
                    i += 1
                    continue
                if lower in self.determiners and not indexes:
                    i += 1
                    continue
                if lower in _RANKS and i + 1 < len(tokens) and tokens[i + 1].kind == "w" \
                        and self.word_class(tokens, i + 1)[0] == "person":
                    indexes.append(i)  # "the |first| officer", "the |second| engineer": a rank, not "first, ..."
                    i += 1
                    continue
                if lower in self.stop or lower in self.aux or lower in self.verb_forms:
                    break
                if lower in ("who", "whom", "whose"):
                    break
                if indexes and lower in self.postmodifiers:
                    break  # thirty-second round: "the contractor |responsible|", "the engineer |working| the queue"
                if indexes and len(lower) > 4 and lower.endswith("ed") and self.word_class(tokens, i)[0] == "unknown":
                    break  # "Rafaela |turned| off": a past tense ends the phrase
                if indexes and self.word_class(tokens, i)[0] == "unknown" and (
                        token.text[:1].islower() and self._evident_name(tokens[indexes[-1]])
                        or len(lower) > 5 and lower.endswith("ing") and self.word_class(tokens, indexes[-1])[0] == "person"):
                    break  # "by Hamid |two| weeks earlier", "by a consultant |trying| out a template"
            indexes.append(i)
            i += 1
            if token.kind == "w" and _POSSESSIVE.sub("", lower) in self.any_pronoun:
                break
        return self.classify(tokens, indexes)
