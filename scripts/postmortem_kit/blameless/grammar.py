"""Just enough grammar to tell "the engineer failed to" from "the health check failed to".

Works on a bounded window of tokens around a match (never the whole text), so
every question costs the same however long the prose is.  Noun phrases are
read leftwards from a verb (the immediate subject) or rightwards from a clause
start (the clause subject) and classified by their words:

    person    a role, team or pronoun for people ("the on-call", "we", "who")
    named     a handle (@theo, mei@) or a person's name
    weak      "they"/"them": a person only with verbs of attention
    system    a system, artefact or process ("the probe", `code`)
    activity  something people do ("the response", "the escalation")
    negative  a denial ("no one", "nobody", "none of the engineers")
    unknown   anything else
"""

from __future__ import annotations

import re

from postmortem_kit.blameless.names import given_names
from postmortem_kit.blameless.person_evidence import PersonEvidence
from postmortem_kit.blameless.roles import (
    SOFTWARE_MODIFIERS,
    deciding_body,
    default_person_role,
    qualified_role,
    time_of_day,
    tool_role,
)
from postmortem_kit.blameless.subjects import SubjectReader
from postmortem_kit.blameless.tokens import (
    _ABBREVIATIONS,
    _AGENT_SUFFIXES,
    _NAME_SHAPE,
    _POSSESSIVE,
    _SENTENCE_END,
    _TOKEN,
    NONE,
    WINDOW,
    Phrase,
    Token,
    _name_like,
    _plain_words,
    foreign_name_shaped,
    handle_shaped,
    per_lexicon,
)

# Department names that are also names of work or systems ("write operations", "the networking
# stack"): a group of people only when capitalised and followed by a verb only people do.
_DEPARTMENTS = frozenset(("operations", "engineering", "networking", "infrastructure", "management", "leadership",
                          "product", "it", "facilities", "procurement", "infra", "platform", "sre", "devops", "dba"))


# Heads that name the people on duty at a place after a unit qualifier of people.yaml ("the warehouse floor").
# Fourteenth round: the copula and degree words between an ambiguous role and a person's predicate.
_COPULA_WORDS = frozenset(("was", "were", "is", "are", "had", "has", "have", "been", "being", "got", "became", "become",
                           "grown", "grew", "seemed", "looked", "appeared", "felt", "sounded"))
_DEGREE_WORDS = frozenset(("very", "too", "so", "visibly", "clearly", "extremely", "already", "badly", "still", "also",
                           "quite", "rather", "obviously", "probably", "apparently", "then", "later"))
_TIME_WORDS = frozenset(("yesterday", "earlier", "previously", "today", "overnight", "recently", "beforehand"))
_TIME_DEICTICS = frozenset(("last", "this", "next", "that", "one"))
_TIME_NOUNS = frozenset(("spring", "summer", "autumn", "fall", "winter", "week", "month", "year", "quarter", "night",
                         "weekend", "morning", "evening", "afternoon", "sprint", "day", "monday", "tuesday",
                         "wednesday", "thursday", "friday", "saturday", "sunday"))
_DUTY_HEADS = frozenset(("floor", "floors", "desk", "desks", "bench", "benches"))
# Past tenses said of systems and measures as much as of people: a department before one is not acting
# ("Operations resumed at 14:00", "Admissions dropped by a third").
_SYSTEM_PASTS = frozenset(("failed", "stopped", "started", "resumed", "recovered", "crashed", "broke", "stalled",
                           "degraded", "slowed", "went", "came", "returned", "timed", "dropped", "spiked", "fell",
                           "rose", "continued", "ran", "worked", "ended", "began", "halted", "paused", "lagged",
                           "errored", "increased", "decreased", "grew", "shrank", "doubled", "tripled", "peaked",
                           "surged", "declined", "jumped", "climbed", "remained", "stayed", "saw", "experienced",
                           "received", "was", "were", "had", "got", "became", "seemed", "looked"))
# Heads that name a group of people after a department or a role ("the networking group", "the
# on-call rotation"), and a thing otherwise ("the consumer group", "the key rotation").
_GROUP_HEADS = frozenset(("group", "groups", "rotation", "crew", "squad", "desk", "unit", "department", "org", "orgs",
                          "side", "pool", "centre", "center", "floor", "bench"))


_FIELDS: dict[int, tuple[dict, dict]] = {}  # id(lexicon) -> (lexicon, Grammar's word-set fields): per_lexicon
# Grammar attributes read from the lexicon as they are (attribute, lexicon list), and people.yaml's
# lists (twelfth and fourteenth rounds), which an older compiled lexicon may lack.
_LEXICON_FIELDS = (("person_nouns", "person_nouns"), ("pronouns", "person_pronouns"), ("weak", "weak_pronouns"),
                   ("negative", "negative_subjects"), ("systems", "system_nouns"), ("activities", "activity_nouns"),
                   ("stop", "stop_words"), ("determiners", "determiners"), ("quantifiers", "quantifiers"),
                   ("aux", "aux_words"), ("verb_forms", "verb_forms"), ("products", "products"),
                   ("negators", "negators"), ("postmodifiers", "postmodifier_words"), ("fault_nouns", "fault_nouns"),
                   ("fault_adjectives", "fault_adjectives"), ("judgement_adjectives", "judgement_adjectives"),
                   ("demonstratives", "demonstratives"), ("human_verbs", "human_verbs"))
_PEOPLE_FIELDS = ("departments", "unit_qualifiers", "ambiguous_roles", "person_predicates", "ambiguous_role_acts",
                  "ambiguous_role_traits", "honorifics")


def _lexicon_fields(lexicon: dict[str, frozenset[str]]) -> dict:
    """A Grammar's word sets for ``lexicon`` (a scan makes one Grammar per text: derived once per
    lexicon, through ``per_lexicon``)."""
    fields = {attribute: lexicon[key] for attribute, key in _LEXICON_FIELDS}
    fields.update({key: lexicon.get(key, frozenset()) for key in _PEOPLE_FIELDS})
    fields["lex"] = lexicon
    fields["any_pronoun"] = fields["pronouns"] | fields["weak"]  # a pronoun ends the noun phrase that holds it
    fields["names"] = given_names(lexicon)  # curated, then the open list (read on first need)
    fields["not_names"] = lexicon["not_names"] | fields["products"]
    fields["plain_words"] = _plain_words(lexicon)
    return fields


class Grammar(SubjectReader, PersonEvidence):
    """Grammar questions about one text (original case + masked, lower-cased copy)."""

    def __init__(self, original: str, masked: str, lexicon: dict[str, frozenset[str]]):
        self.original = original
        self.masked = masked
        self.__dict__.update(per_lexicon(_FIELDS, lexicon, _lexicon_fields))  # the word sets
        self._tokens: dict[tuple[int, int], list[Token]] = {}

    # ------------------------------------------------------------ tokens

    def tokens(self, start: int, end: int) -> list[Token]:
        """Tokens of the masked text between ``start`` and ``end`` (the last few windows are kept)."""
        start = max(0, start)
        key = (start, end)
        cached = self._tokens.get(key)
        if cached is not None:
            return cached
        text, masked = self.original, self.masked
        out = []
        for m in _TOKEN.finditer(masked, start, end):
            a, b = m.span()
            out.append(Token(m.lastgroup, text[a:b], masked[a:b], a, b))
        if len(self._tokens) > 8:
            self._tokens.clear()
        self._tokens[key] = out
        return out

    def sentence(self, position: int) -> tuple[int, int]:
        """Start and end of the sentence around ``position`` (bounded to the window)."""
        low = max(0, position - WINDOW)
        start = low
        for m in _SENTENCE_END.finditer(self.masked[low:position]):  # a slice: its lookbehind sees no further
            if m.group().startswith(".") and self._abbreviation(low + m.start()):
                continue
            start = low + m.end()
        high = min(len(self.masked), position + WINDOW)
        end = high
        for m in _SENTENCE_END.finditer(self.masked[position:high]):
            if m.group().startswith(".") and self._abbreviation(position + m.start()):
                continue
            end = position + m.start() + (1 if m.group()[0] in ".!?" else 0)
            break
        return start, end

    def _abbreviation(self, dot: int) -> bool:
        word_start = dot
        while word_start > 0 and (self.masked[word_start - 1].isalpha() or self.masked[word_start - 1] == "."):
            word_start -= 1
            if dot - word_start > 6:
                return False
        return self.masked[word_start:dot] in _ABBREVIATIONS

    def sentence_initial(self, tokens: list[Token], index: int) -> bool:
        """Is token ``index`` the first word of its sentence (after numbers and list markers)?"""
        j = index - 1
        while j >= 0 and tokens[j].kind == "n":
            j -= 1
        if j < 0:
            return self._starts_text(tokens[index].start if index < len(tokens) else 0, tokens)
        prev = tokens[j]
        return prev.kind == "p" and prev.text.strip() in (".", "!", "?", ":", ";", "") or prev.text.startswith("\n")

    def _starts_text(self, position: int, tokens: list[Token]) -> bool:
        # The token window may have been cut; look at the raw text before it.
        before = self.masked[max(0, position - 40):position].rstrip()
        before = re.sub(r"[\d:./-]+\Z", "", before).rstrip()
        return not before or before[-1] in ".!?:;\n-*" or before.endswith("\n\n")
    # ------------------------------------------------------------ classification

    def word_class(self, tokens: list[Token], index: int) -> tuple[str, bool]:
        """(class, possessive) of one token."""
        token = tokens[index]
        if token.kind == "m":
            return "system", False
        if token.kind != "w":
            return "unknown", False
        text = token.text
        lower = token.lower.replace("’", "'")
        if lower.startswith("@") and len(lower) > 1 or (lower.endswith("@") and len(lower) > 1):
            return "named", False
        possessive = bool(_POSSESSIVE.search(lower)) and not lower.endswith("n't")
        base = _POSSESSIVE.sub("", lower) if possessive else lower
        base_text = _POSSESSIVE.sub("", text) if possessive else text
        if base.endswith("@"):
            return "named", possessive
        if base in self.negative:
            return "negative", possessive
        if base in self.pronouns:
            return "person", possessive
        if base in self.weak:
            return "weak", possessive
        if base in self.departments and text[:1].isupper() and not possessive and self._past_act_next(tokens, index):
            return "person", possessive  # "Dispatch sent", "Procurement renewed": a department acting (people.yaml)
        if self._is_name(tokens, index, base, base_text, possessive):
            return "named", possessive
        before = tokens[index - 1].lower if index > 0 and tokens[index - 1].kind == "w" else None
        if tool_role(base, before, self.systems, self.products):
            return "system", possessive  # "the backup agent", "the certificate manager": software
        if time_of_day(base, tokens[index - 1].kind if index > 0 else None):
            return "unknown", possessive  # "at 2:15 PM", not the PM
        if base in self.person_nouns or (base.endswith("s") and base[:-1] in self.person_nouns):
            if base in ("support", "security", "finance", "legal", "marketing", "sales", "ops", "shift", "pilot", "lead") \
                    and not self._team_like(tokens, index):
                return "unknown", possessive
            return "person", possessive
        if base in _GROUP_HEADS and index > 0 and tokens[index - 1].kind == "w" \
                and tokens[index - 1].lower != "security" \
                and (tokens[index - 1].lower in _DEPARTMENTS or tokens[index - 1].lower in self.person_nouns):
            return "person", possessive  # "the networking group", "the on-call rotation"
        if deciding_body(base, before) or qualified_role(base, before) \
                or default_person_role(base, before, self.systems, self.products):
            return "person", possessive  # "the change board", "the scrum master", "the planner"
        if base in _DEPARTMENTS and text[:1].isupper() and self._human_verb_next(tokens, index):
            return "person", possessive  # "Operations overlooked", "Engineering forgot": a department acting
        if base in _DUTY_HEADS and before in self.unit_qualifiers:
            return "person", possessive  # "the warehouse floor", "the trading bench": the people on duty there
        if base in self.ambiguous_roles and (self._person_predicate_next(tokens, index)
                                             or self._role_act_next(tokens, index, before, possessive)):
            return "person", possessive  # "the controller was fatigued": only a person is (people.yaml)
        if base in self.activities:
            return "activity", possessive
        if base in self.systems or (base.endswith("s") and base[:-1] in self.systems) or base in self.products:
            return "system", possessive
        if base.endswith(_AGENT_SUFFIXES) and len(base) > 5 and base.isalpha():
            return "system", possessive  # rebalancer, scheduler, compactor: tools (people are listed)
        if text == lower and before not in self.determiners and handle_shaped(base, self.plain_words, self.names):
            return "named", possessive  # "kmorales silenced the alert": a handle
        return "unknown", possessive

    def _human_verb_next(self, tokens: list[Token], index: int) -> bool:
        if index + 1 < len(tokens):
            nxt = tokens[index + 1]
        else:  # the window ends at the word (a subject read leftwards from the verb)
            after = self.tokens(tokens[index].end, tokens[index].end + 30)
            nxt = after[0] if after else None
        return nxt is not None and nxt.kind == "w" and nxt.lower in self.human_verbs

    def _role_act_next(self, tokens: list[Token], index: int, before: str | None, possessive: bool) -> bool:
        """Twenty-ninth round: an act or a trait only a person has, right after an ambiguous role ("the driver
        |overlooked| the board", "the driver's |inattention|"; people.yaml's ``ambiguous_role_acts`` and
        ``ambiguous_role_traits``).  Thirty-second round: also where the caller's window ended before the
        possessive clitic, and a state only people are in after a comma ("the controller, |distracted| ...")."""
        if before is not None and (before in self.systems or before in self.products or before in SOFTWARE_MODIFIERS):
            return False  # "the disk driver overlooked the flag": software
        after = [token for token in self.tokens(tokens[index].end, tokens[index].end + 40) if token.kind == "w"]
        if after and after[0].lower in ("'s", "’s", "s") and after[0].start <= tokens[index].end + 1:
            possessive, after = True, after[1:]  # the window ended before the clitic: "the driver|'s inattention"
        if not after:
            return False
        if not possessive and after[0].lower in self.person_predicates:
            return True  # "the controller, distracted by a phone call, missed ..."
        return after[0].lower in (self.ambiguous_role_traits if possessive else self.ambiguous_role_acts)

    def _person_predicate_next(self, tokens: list[Token], index: int) -> bool:
        """A copula, then a word only people are ("was fatigued", "had been retrained", "were very tired")."""
        after = [token for token in self.tokens(tokens[index].end, tokens[index].end + 40) if token.kind == "w"]
        words = [token.lower for token in after[:5]]
        position = 0
        while position < len(words) and words[position] in _COPULA_WORDS:
            position += 1
        if position == 0:
            return False
        while position < len(words) and words[position] in _DEGREE_WORDS:
            position += 1
        return position < len(words) and words[position] in self.person_predicates

    def _past_act_next(self, tokens: list[Token], index: int) -> bool:
        """The next word is a past-tense act that is not said of systems ("sent", "approved"; not "resumed")."""
        if index + 1 < len(tokens):
            nxt = tokens[index + 1]
        else:
            after = self.tokens(tokens[index].end, tokens[index].end + 30)
            nxt = after[0] if after else None
        if nxt is None or nxt.kind != "w" or nxt.lower in _SYSTEM_PASTS:
            return False
        return nxt.lower in self.verb_forms or nxt.lower in self.human_verbs or \
            len(nxt.lower) > 4 and nxt.lower.endswith("ed") and nxt.text.islower()

    def _team_like(self, tokens: list[Token], index: int) -> bool:
        """Words like 'support' or 'security' name people only when they stand alone as a subject."""
        nxt = tokens[index + 1] if index + 1 < len(tokens) else None
        return nxt is None or nxt.kind != "w" or nxt.lower in self.aux or nxt.lower in self.verb_forms \
            or nxt.lower.endswith("ed") or nxt.lower in self.stop

    def _is_name(self, tokens: list[Token], index: int, base: str, base_text: str, possessive: bool) -> bool:
        if not base_text[:1].isupper() or base in self.not_names:
            return False
        if base in self.names:
            return True
        if not _NAME_SHAPE.match(base_text) or base in self.person_nouns or base in self.systems \
                or base in self.stop or base in self.aux or base in self.pronouns or base in self.weak:
            return False
        previous = tokens[index - 1] if index > 0 else None
        if previous is not None and previous.kind == "w" and previous.lower in self.determiners:
            return False
        nxt = tokens[index + 1] if index + 1 < len(tokens) else None
        if nxt is not None and nxt.kind == "w" and nxt.text[:1].isupper():
            return False  # "Black Friday", "Cloud Storage": a product or event, not a person
        if possessive:
            return True
        if not self.sentence_initial(tokens, index):
            return True
        return _name_like(base) or foreign_name_shaped(base_text, self.plain_words)

    def classify(self, tokens: list[Token], indexes: list[int]) -> Phrase:
        """Class of a noun phrase: its head (last word), plus whether a person owns it."""
        if not indexes:
            return NONE
        first = tokens[indexes[0]]
        if first.kind == "w" and first.lower in self.negative:
            return Phrase("negative", first.start, tokens[indexes[-1]].end)
        classes = [self.word_class(tokens, index) for index in indexes]
        poss_person = any(p and c in ("person", "named", "weak") for c, p in classes)
        poss_named = any(p and c == "named" for c, p in classes)
        head = len(indexes) - 1
        # "by a sysadmin last spring", "by the intern yesterday": a trailing time adverbial is not the head.
        if head > 0 and tokens[indexes[head]].lower in _TIME_WORDS:
            head -= 1
        elif head > 1 and tokens[indexes[head]].lower in _TIME_NOUNS and tokens[indexes[head - 1]].lower in _TIME_DEICTICS:
            head -= 2
        # "an engineer running the script": a trailing participle is not the head.
        while head > 0 and classes[head][0] == "unknown" and tokens[indexes[head]].lower.endswith(("ing", "ed")):
            head -= 1
        cls, possessive = classes[head]
        if possessive and cls in ("person", "named", "weak"):
            cls = "possessed"  # "Ingrid's" alone: the thing owned is left out
        if cls == "negative":
            cls = "unknown"
        return Phrase(cls, first.start, tokens[indexes[-1]].end, poss_person, poss_named, tokens[indexes[head]].lower)

    # ------------------------------------------------------------ phrases

    def is_fault(self, phrase: Phrase, *, demonstrative: bool = False) -> bool:
        """Does the phrase name a failure or a faulty artefact ("the mistake", "the wrong
        snapshot"), or, with ``demonstrative``, stand for the incident ("this one", "that")?"""
        if phrase.start < 0:
            return False
        words = [token.lower for token in self.tokens(phrase.start, phrase.end) if token.kind == "w"]
        if not words:
            return False
        if demonstrative and all(word in self.demonstratives for word in words):
            return True
        return _POSSESSIVE.sub("", words[-1]) in self.fault_nouns or any(w in self.fault_adjectives for w in words)

    def hypothetical_person(self, phrase: Phrase) -> bool:
        """An indefinite person with no judgement in the phrase ("a second reviewer"): a
        hypothetical set-up, not a verdict on the people who were there."""
        if phrase.start < 0:
            return False
        words = [token.lower for token in self.tokens(phrase.start, phrase.end) if token.kind == "w"]
        return bool(words) and words[0] in ("a", "an", "another") and \
            not any(w in self.judgement_adjectives or w in ("more", "better") for w in words)

    def previous_word(self, position: int) -> Token | None:
        tokens = self.tokens(position - 40, position)
        return tokens[-1] if tokens and tokens[-1].kind == "w" else None

    # ------------------------------------------------------------ negation

    def negated_before(self, start: int, position: int) -> bool:
        tokens = self.tokens(start, position)
        for index, token in enumerate(tokens):
            if token.kind != "w":
                continue
            lower = token.lower.replace("’", "'")
            if lower in ("less", "non", "hardly") and index != len(tokens) - 1:
                continue
            if lower in self.negators or lower.endswith("n't"):
                nxt = tokens[index + 1].lower if index + 1 < len(tokens) else ""
                if lower == "not" and nxt in ("only", "just", "simply", "merely"):
                    continue
                if lower in ("rule", "ruled") and nxt != "out":
                    continue
                if lower in ("instead", "rather") and nxt not in ("of", "than"):
                    continue
                return True
        return False

    def first_phrase(self, start: int, end: int) -> Phrase:
        return self.clause_subject_from(start, end)
