"""Tokens and noun phrases: the words the blameless grammar reads, and how a phrase is classified.

Word-shape patterns, the closed word classes that end or skip a noun phrase,
and the two small value types (Token, Phrase) shared by blameless.grammar and
blameless.subjects.
"""

from __future__ import annotations

from postmortem_kit.core import LazyRegex

_QUOTES = str.maketrans("’‘", "''")


def per_lexicon(cache: dict, lexicon, make):
    """``make(lexicon)``, made once per lexicon and kept in ``cache`` by its id, with the lexicon itself
    (so the id cannot be reused by another lexicon while the value is kept)."""
    found = cache.get(id(lexicon))
    if found is None or found[0] is not lexicon:
        found = cache[id(lexicon)] = (lexicon, make(lexicon))
    return found[1]


def space_split(lowered: str) -> tuple[str, list[str]]:
    """(``lowered`` with line breaks, tabs and carriage returns made spaces, its tokens between
    spaces): the one split the trigger locator and the cue pass both read."""
    spaced = lowered.replace("\n", " ")
    if "\t" in spaced or "\r" in spaced:
        spaced = spaced.replace("\t", " ").replace("\r", " ")
    return spaced, spaced.split(" ")


def lower_case(text: str) -> str:
    """``text`` lower-cased with curly apostrophes made straight, at the same length (a few characters,
    such as "İ", grow when lower-cased: those stay as they are)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    if "’" in lowered or "‘" in lowered:
        lowered = lowered.translate(_QUOTES)
    return lowered

WINDOW = 320  # characters read around a match for sentence questions
NEAR = 100  # characters read before a match for its subject

_TOKEN = LazyRegex(
    r"(?P<n>\d+(?:[:.,/-]\d+)*(?:am|pm|h|m|s|ms|%)?(?![\w]))"
    r"|(?P<w>@[\w-]+(?:\.[\w-]+)+|@?[^\W_][\w'’@-]*|@[\w.-]+)"  # a handle may hold dots (@nadia.k)
    r"|(?P<m>\x1a+)"
    r"|(?P<p>[.!?;:,()\[\]\"“”—–]|\s-\s|\n[ \t]*\n)"
)
# Sentence ends and the word before a position.  Both start only where a run of their characters starts
# (the lookbehinds), so a long run of dots or letters is read once, not once per character; callers
# apply them to a slice of the text (a window), where that is the same as the unguarded pattern.
_SENTENCE_END = LazyRegex(r"(?<![.!?])[.!?]+(?=[\s\"”')\]]|\Z)|\n[ \t]*\n|\n[ \t]*(?:[-*+]|\d{1,3}[.)]|#{1,6})[ \t]")
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "approx", "mr", "mrs", "ms", "dr", "no", "fig", "cf", "st", "inc", "ltd"})
_CLAUSE_PUNCT = frozenset(".!?;:,()[]\"“”—–") | {" - "}
_CONJUNCTIONS = frozenset({"and", "but", "so", "yet", "or", "because", "since", "while", "when", "whenever",
                           "although", "though", "if", "unless", "until", "whereas", "that", "which", "who",
                           "whom", "then", "after", "before", "once"})
_PP_PREPOSITIONS = frozenset({"of", "on", "from", "in", "at", "with", "for", "between", "among", "amongst"})
# Prepositions that open a post-modifier after a subject's head noun ("the engineer |on| call").
_POSTMOD_PREPOSITIONS = _PP_PREPOSITIONS | {"behind", "during", "over", "under", "near", "within", "inside", "outside",
                                            "across", "around", "without", "to", "like", "via", "about"}
_POSTMOD_SPAN = 14  # tokens from the clause start to the phrase before the verb
_POSSESSIVE = LazyRegex(r"(?:['’]s|s['’]|['’])\Z")
# A capitalised word, hyphenated or with an apostrophe inside ("Anne-Marie", "Ngā'io"), or an Irish or Italian
# surname with a one-letter prefix ("O'Brien", "D'Angelo"; thirty-third round).
_NAME_SHAPE = LazyRegex(r"[A-ZÀ-ÖØ-Þ](?:[a-zß-öø-ÿ]+(?:[-'’][A-Za-zÀ-ÿ][a-zß-öø-ÿ]+)?|['’][A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+)\Z")
_KNOWN = ("person", "named", "system", "weak", "activity")
_NAME_CANDIDATE = LazyRegex(r"[A-ZÀ-ÖØ-Þ](?<![\w@'’-][A-ZÀ-ÖØ-Þ])[\w'’-]{0,40}")  # capitalised words
_HANDLE_CANDIDATE = LazyRegex(r"@[\w.-]{1,40}|[A-Za-z0-9][\w.-]{0,40}@(?![\w.-])")
_PREVIOUS_WORD = LazyRegex(r"(?<![a-z'’-])([a-z'’-]+)\s+\Z")
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

# Shapes that are positive evidence of a person (ninth round).  A chat handle is an initial joined
# to a surname ("kmorales", "tpatel", "rnakamura"): its first two letters are consonants that start
# no English word, and the rest reads as a name (a vowel, a name's ending, not a common word).  A
# capitalised name with a letter outside ASCII or two short joined capitals ("Tomás", "Björn",
# "Mei-Ling"; not "Cache-Control") is not a product name.  Tools that share the handle shape (rclone, gsutil) are `products`.
_ONSETS = frozenset("bl br ch cl cr dr dw fl fr gh gl gn gr kh kl kn kr ph pl pr ps qu rh sc sh sk sl sm sn sp sq "
                    "st sv sw th tr ts tw vl wh wr zh".split())
# Fourteenth round: onsets of surnames from outside English that a handle's surname part may start with
# ("hnguyen", "tnhan"), beside the English ones.
_SURNAME_ONSETS = _ONSETS | frozenset("ng nh kw ts tz dz sz mb nd".split())
_HANDLE_SHAPE = LazyRegex(r"[b-df-hj-np-tv-xz]{2}[a-z]{2,14}\Z")
_VOWEL_HANDLE = LazyRegex(r"[aeiou][b-df-hj-np-tv-xz][a-z]{3,14}\Z")
_HANDLE_ENDS = tuple("aeiouylnrstzhmk")
_FOREIGN_NAME = LazyRegex(r"[A-ZÀ-ÖØ-Þ][a-z]*[À-ÖØ-Þà-öø-ÿ][a-zß-öø-ÿ]*\Z|[A-Z][a-z]{1,3}-[A-Z][a-z]{1,3}\Z")


def handle_shaped(word: str, plain: frozenset[str], names=None) -> bool:
    """Is a lower-case word a chat handle (an initial and a surname: "kmorales", "tpatel")?  With
    ``names`` (given names, curated and open), also a vowel initial joined to a given name of five
    letters or more ("ikhalil", "amariana"): twelfth round."""
    if names is not None and word[:1] in "aeiou" and _VOWEL_HANDLE.match(word) and word not in plain \
            and word[1:] not in plain and word not in names and word[1:] in names:
        return True
    if not _HANDLE_SHAPE.match(word) or word[:2] in _ONSETS or word in plain or word[1:] in plain:
        return False
    rest = word[1:]
    return (rest[:2] in _SURNAME_ONSETS or rest[1] in "aeiouy") and any(c in "aeiou" for c in rest) \
        and rest.endswith(_HANDLE_ENDS)


def foreign_name_shaped(word: str, plain: frozenset[str]) -> bool:
    """A capitalised word with a letter outside ASCII or two joined capitals ("Tomás", "Mei-Ling";
    not "Cloud-Init": a part that is a common or system word)."""
    parts = word.lower().split("-")
    return _FOREIGN_NAME.match(word) is not None and not any(
        part in plain or len(part) > 5 and part.endswith(_NOT_NAME_ENDINGS) for part in parts)


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
