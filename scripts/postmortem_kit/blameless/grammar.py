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

from postmortem_kit.blameless.mask import MASK
from postmortem_kit.core import LazyRegex

WINDOW = 320  # characters read around a match for sentence questions
NEAR = 100  # characters read before a match for its subject

_TOKEN = LazyRegex(
    r"(?P<n>\d+(?:[:.,/-]\d+)*(?:am|pm|h|m|s|ms|%)?(?![\w]))"
    r"|(?P<w>@?[^\W_][\w'’@-]*|@[\w.-]+)"
    r"|(?P<m>\x1a+)"
    r"|(?P<p>[.!?;:,()\[\]\"“”—–]|\s-\s|\n[ \t]*\n)"
)
_SENTENCE_END = LazyRegex(r"[.!?]+(?=[\s\"”')\]]|\Z)|\n[ \t]*\n|\n[ \t]*(?:[-*+]|\d{1,3}[.)]|#{1,6})[ \t]")
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "approx", "mr", "mrs", "ms", "dr", "no", "fig", "cf", "st", "inc", "ltd"})
_CLAUSE_PUNCT = frozenset(".!?;:,()[]\"“”—–") | {" - "}
_CONJUNCTIONS = frozenset({"and", "but", "so", "yet", "or", "because", "since", "while", "when", "whenever",
                           "although", "though", "if", "unless", "until", "whereas", "that", "which", "who",
                           "whom", "then", "after", "before", "once"})
_PP_PREPOSITIONS = frozenset({"of", "on", "from", "in", "at", "with", "for"})
# Prepositions that open a post-modifier after a subject's head noun ("the engineer |on| call").
_POSTMOD_PREPOSITIONS = _PP_PREPOSITIONS | {"behind", "during", "over", "under", "near", "within", "inside", "outside",
                                            "across", "around", "without", "to", "like", "via", "about"}
_POSTMOD_SPAN = 14  # tokens from the clause start to the phrase before the verb
_POSSESSIVE = LazyRegex(r"(?:['’]s|s['’]|['’])\Z")
_NAME_SHAPE = LazyRegex(r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:[-'’][A-Za-zÀ-ÿ][a-zß-öø-ÿ]+)?\Z")
_KNOWN = ("person", "named", "system", "weak", "activity")
_NAME_CANDIDATE = LazyRegex(r"[A-ZÀ-ÖØ-Þ](?<![\w@'’-][A-ZÀ-ÖØ-Þ])[\w'’-]{0,40}")  # capitalised words
_HANDLE_CANDIDATE = LazyRegex(r"@[\w.-]{1,40}|[A-Za-z0-9][\w.-]{0,40}@(?![\w.-])")
_PREVIOUS_WORD = LazyRegex(r"([a-z'’-]+)\s+\Z")
# Endings of ordinary nouns and adverbs; a capitalised first word with one of
# these is not taken for an unlisted name ("Monitoring failed", "Traffic spiked").
_NOT_NAME_ENDINGS = ("ing", "tion", "sion", "ment", "ness", "ity", "ism", "ance", "ence", "ure", "age", "ery", "ory",
                     "ics", "ogy", "cy", "ship", "hood", "ful", "less", "able", "ible", "ive", "ous", "ic", "ly", "ed",
                     "er", "or", "ers", "ors", "es", "ts", "ks", "ds", "ns", "rs", "ls", "ps", "gs", "ys", "ws", "ms")


_PLAIN: dict[int, frozenset[str]] = {}


def _plain_words(lexicon: dict[str, frozenset[str]]) -> frozenset[str]:
    """Words that are never a name, whatever their case (cached per lexicon)."""
    found = _PLAIN.get(id(lexicon))
    if found is None:
        found = (lexicon["not_names"] | lexicon["products"] | lexicon["stop_words"] | lexicon["determiners"]
                 | lexicon["system_nouns"] | lexicon["person_nouns"] | lexicon["aux_words"]) - lexicon["given_names"]
        _PLAIN[id(lexicon)] = found
    return found


def _name_like(word: str) -> bool:
    """Could a capitalised first word be an unlisted given name? (Rasmus, Lindqvist)"""
    return len(word) >= 3 and word.isalpha() and not word.endswith(_NOT_NAME_ENDINGS)
_AGENT_SUFFIXES = ("er", "or", "ers", "ors")


class Token:
    __slots__ = ("kind", "text", "lower", "start", "end")

    def __init__(self, kind: str, text: str, lower: str, start: int, end: int):
        self.kind = kind  # w(ord), n(umber), m(asked), p(unctuation)
        self.text = text
        self.lower = lower
        self.start = start
        self.end = end

    def __repr__(self) -> str:
        return f"Token({self.kind!r}, {self.text!r}, {self.start})"


class Phrase:
    __slots__ = ("cls", "start", "end", "possessive_person", "possessive_named", "head")

    def __init__(self, cls: str, start: int, end: int, possessive_person: bool = False,
                 possessive_named: bool = False, head: str = ""):
        self.cls = cls  # person | named | weak | system | activity | negative | unknown | none
        self.start = start
        self.end = end
        self.possessive_person = possessive_person
        self.possessive_named = possessive_named
        self.head = head

    def __repr__(self) -> str:
        return f"Phrase({self.cls!r}, {self.start}, {self.end}, head={self.head!r})"

    def satisfies(self, want: str, *, weak_ok: bool = False) -> bool:
        if self.cls == "negative":
            return False
        if want == "any":
            return True
        if want == "person":
            return self.cls in ("person", "named") or (weak_ok and self.cls == "weak")
        if want == "named":
            return self.cls == "named" or self.possessive_named
        if want == "person-possessive":
            return self.cls in ("person", "named") or self.possessive_person
        if want == "person-or-owner":
            return self.cls in ("person", "named") or self.possessive_named
        if want == "not-system":
            return self.cls != "system"
        return False


NONE = Phrase("none", -1, -1)


class Grammar:
    """Grammar questions about one text (original case + masked, lower-cased copy)."""

    def __init__(self, original: str, masked: str, lexicon: dict[str, frozenset[str]]):
        self.original = original
        self.masked = masked
        self.lex = lexicon
        self.person_nouns = lexicon["person_nouns"]
        self.pronouns = lexicon["person_pronouns"]
        self.weak = lexicon["weak_pronouns"]
        self.any_pronoun = self.pronouns | self.weak  # a pronoun ends the noun phrase that holds it
        self.negative = lexicon["negative_subjects"]
        self.systems = lexicon["system_nouns"]
        self.activities = lexicon["activity_nouns"]
        self.stop = lexicon["stop_words"]
        self.determiners = lexicon["determiners"]
        self.quantifiers = lexicon["quantifiers"]
        self.aux = lexicon["aux_words"]
        self.verb_forms = lexicon["verb_forms"]
        self.names = lexicon["given_names"]
        self.products = lexicon["products"]
        self.not_names = lexicon["not_names"] | self.products
        self.negators = lexicon["negators"]
        self.postmodifiers = lexicon["postmodifier_words"]
        self.fault_nouns = lexicon["fault_nouns"]
        self.fault_adjectives = lexicon["fault_adjectives"]
        self.judgement_adjectives = lexicon["judgement_adjectives"]
        self.demonstratives = lexicon["demonstratives"]
        self._tokens: dict[tuple[int, int], list[Token]] = {}
        self.plain_words = _plain_words(lexicon)

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
        for m in _SENTENCE_END.finditer(self.masked, low, position):
            if m.group().startswith(".") and self._abbreviation(m.start()):
                continue
            start = m.end()
        high = min(len(self.masked), position + WINDOW)
        end = high
        for m in _SENTENCE_END.finditer(self.masked, position, high):
            if m.group().startswith(".") and self._abbreviation(m.start()):
                continue
            end = m.start() + (1 if m.group()[0] in ".!?" else 0)
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
        if self._is_name(tokens, index, base, base_text, possessive):
            return "named", possessive
        if base in self.person_nouns or (base.endswith("s") and base[:-1] in self.person_nouns):
            if base in ("support", "security", "finance", "legal", "marketing", "sales", "ops", "shift", "pilot", "lead") \
                    and not self._team_like(tokens, index):
                return "unknown", possessive
            return "person", possessive
        if base in self.activities:
            return "activity", possessive
        if base in self.systems or (base.endswith("s") and base[:-1] in self.systems) or base in self.products:
            return "system", possessive
        if base.endswith(_AGENT_SUFFIXES) and len(base) > 5 and base.isalpha():
            return "system", possessive  # rebalancer, scheduler, compactor: tools (people are listed)
        return "unknown", possessive

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
        return _name_like(base)

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
        if i >= 0 and tokens[i].kind == "w" and (tokens[i].lower in self.verb_forms or tokens[i].lower.endswith("ed")) \
                and self.word_class(tokens, i)[0] == "unknown":
            # "the alert that the engineer ignored |should have|": the subject is the relative's antecedent
            antecedent = self._relative_antecedent(tokens, i)
            if antecedent is not None:
                return antecedent
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
        if lower in self.aux or lower.endswith("n't") or lower in ("not", "never"):
            return True
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
                break
            lower = token.lower
            if token.kind == "w":
                if lower in self.negative and not indexes:
                    indexes.append(i)
                    i += 1
                    continue
                if lower in self.determiners and not indexes:
                    i += 1
                    continue
                if lower in self.stop or lower in self.aux or lower in self.verb_forms:
                    break
                if lower in ("who", "whom", "whose"):
                    break
            indexes.append(i)
            i += 1
            if token.kind == "w" and _POSSESSIVE.sub("", lower) in self.any_pronoun:
                break
        return self.classify(tokens, indexes)

    def previous_word(self, position: int) -> Token | None:
        tokens = self.tokens(position - 40, position)
        return tokens[-1] if tokens and tokens[-1].kind == "w" else None

    # ------------------------------------------------------------ negation and people

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

    def mentions_person(self, start: int, end: int) -> bool:
        tokens = self.tokens(start, end)
        for index, token in enumerate(tokens):
            if token.kind != "w":
                continue
            cls, _ = self.word_class(tokens, index)
            if cls in ("person", "named", "weak"):
                return True
        return False

    def first_phrase(self, start: int, end: int) -> Phrase:
        return self.clause_subject_from(start, end)

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
            previous = _PREVIOUS_WORD.search(masked, max(0, at - 30), at)
            if previous is not None and previous.group(1) in self.determiners:
                continue
            found.append(Token("w", text, text.lower(), at, m.end()))
        return found
