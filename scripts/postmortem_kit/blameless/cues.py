"""Where BL159 (``learned.py``) may look: the tokens that may mention a person.

A token is a cue when it is a person word of the lexicon (a noun, a pronoun, "nobody"), a handle, or a
given name; the organisation's "we" and an author's "I" never are.  Two kinds depend on their
neighbours: a team word ("support", "security") is a person only as a subject, so only where the next
token allows one (``WEAK``), and a given name only where the original text is capitalised ("will",
"may" are words: ``NAME``).

The answer per token is remembered across texts (``reader``).  In an incident the trigger locator asks it
for every new token and files the cue tokens' places with its keys (``TriggerIndex.cue_of``), so finding
them costs nothing per token; elsewhere ``cue_spans`` splits the text itself.  This module does not
import the grammar: most texts have no cue, and a cold check reads the grammar only for one that has.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import compress

from postmortem_kit.blameless.names import given_names
from postmortem_kit.blameless.tokens import _plain_words, lower_case, per_lexicon, space_split
from postmortem_kit.core import LazyRegex

# Words that make the speaker the subject: the organisation ("we") or the author ("I").
FIRST_PERSON = frozenset(("we", "i", "our", "us", "my", "me", "ours", "ourselves", "myself", "i'm", "i've",
                          "i'd", "i'll", "we're", "we've", "we'd", "we'll"))
# Person words that do not start a person mention on their own ("no one" is read by the grammar when
# a sentence holds another cue; "who" follows one).
_NOT_CUES = frozenset(("no", "who", "whom", "whose", "human", "humans"))
# Person words that the grammar takes for people only when a verb, an auxiliary, a function word or
# punctuation follows them ("Support closed the ticket", not "support tickets"): Grammar.word_class.
_TEAM_WORDS = frozenset(("support", "security", "finance", "legal", "marketing", "sales", "ops", "shift", "pilot",
                         "lead"))
CUE, WEAK, NAME = 1, 2, 3  # a token's answer (False: no cue); CUE == True, so a plain cue may be True
_LEADING_WORD = LazyRegex(r"[^\W_][\w'’@-]*")
_MEMO_LIMIT = 50000
_EDGES = ".,;:!?()[]{}\"“”‘’'*_`<>|/\\=+~^-"

_STATE: dict[int, tuple] = {}  # id(lexicon) -> (lexicon, (its cue words, the token memo))


class CueKey:
    """The key the trigger locator files a cue token under, with the rules' keys (taken out after)."""

    __slots__ = ("kind",)

    def __init__(self, kind: int):
        self.kind = kind

    def __repr__(self) -> str:
        return f"<cue {self.kind}>"


CUE_KEYS = (CueKey(CUE), CueKey(WEAK), CueKey(NAME))  # by answer - 1 (True == CUE == 1)


def _state(lexicon) -> tuple:
    """(cue words, token memo) of ``lexicon``, made once per lexicon (``per_lexicon``)."""
    return per_lexicon(_STATE, lexicon, _new_state)


def _new_state(lexicon) -> tuple:
    words = lexicon["person_nouns"] | lexicon["person_pronouns"] | lexicon["negative_subjects"]
    words = {word for word in words if " " not in word} - FIRST_PERSON - _NOT_CUES - lexicon["stop_words"]
    return frozenset(words | {word + "s" for word in words}), {"": False}


def cues(lexicon) -> frozenset:
    """The lexicon's person words (nouns, pronouns, "nobody"), first person and ``_NOT_CUES`` left out."""
    return _state(lexicon)[0]


def _memo(lexicon) -> dict[str, bool | int]:
    return _state(lexicon)[1]


def reader(lexicon):
    """A token's answer (False, True, ``WEAK`` or ``NAME``) from the memo of ``lexicon``, read on first
    sight: what the trigger locator asks for each token it has not seen (``TriggerIndex.cue_of``)."""
    memo = _memo(lexicon)

    def cue_of(token: str) -> bool | int:
        answer = memo.get(token)
        if answer is None:
            if len(memo) >= _MEMO_LIMIT:  # a bounded cache: start again
                memo.clear()
                memo[""] = False
            answer = memo[token] = _is_cue(token, cues(lexicon), given_names(lexicon), _plain_words(lexicon))
        return answer

    return cue_of


def _is_cue(token: str, words: frozenset, names, plain: frozenset) -> bool | int:
    """Is a lower-cased, space-separated token a person word, a handle, or a given name (``NAME``: a cue
    only where the original is capitalised)?"""
    if "@" in token:
        return True
    word = token.strip(_EDGES)
    if word.endswith("'s"):
        word = word[:-2]
    if word in words:
        if word in _TEAM_WORDS and token[-1:].isalnum():
            return WEAK  # the next token decides (punctuation after it: a subject, as the grammar says)
        return True
    # outside the plain words (a sentence's "The", "Customers"), so that the open name list is read
    # only for words that may be names (it costs milliseconds in a cold run)
    return NAME if word and word not in plain and word in names else False


def _subject_next(following: str, lexicon) -> bool:
    """Can ``following`` (the token after a team word) make the team word a subject?  True wherever the
    grammar's test may be (no next token, a blank, punctuation or a number, an auxiliary, verb form,
    function word or -ed)."""
    word = _LEADING_WORD.match(following)
    if not following or not following[0].isalpha() or word is None:
        return True
    lower = word.group().lower()
    return lower.endswith("ed") or lower in lexicon["aux_words"] or lower in lexicon["verb_forms"] \
        or lower in lexicon["stop_words"]


def _token_at(spaced: str, at: int) -> str:
    """The space-separated token of ``spaced`` that starts at ``at``."""
    end = spaced.find(" ", at)
    return spaced[at:] if end < 0 else spaced[at:end]


def _capitalised(original: str, at: int, token: str) -> bool:
    return original[at + len(token) - len(token.lstrip(_EDGES))].isupper()


def cue_spans(original: str, spans: list[tuple[int, int]], lexicon, split: tuple | None = None) -> list[tuple[int, int]]:
    """The spans that may mention a person: a person word of the lexicon, a given name or a handle.

    ``split`` is the trigger locator's reading of the same lower-cased text (``TriggerIndex.split_of``:
    the spaced text, its tokens, and the places of the cue tokens, or None where the locator was not
    asked for them).  With the places, only the few cue tokens are looked at; otherwise the text is
    split at spaces and each token's answer looked up (C-level) in the memo kept across texts, and only
    the cue tokens are searched for (a given name only where the original is capitalised)."""
    if split is not None and split[2] is not None:
        spaced, _, (plain, weak, named) = split
        places = list(plain)
        for at in weak:
            token = _token_at(spaced, at)
            following = _token_at(spaced, at + len(token) + 1) if at + len(token) < len(spaced) else ""
            if _subject_next(following, lexicon):
                places.append(at)
        places.extend(at for at in named if _capitalised(original, at, _token_at(spaced, at)))
    else:
        places = _places(original, lexicon, split)
    if not places:
        return []
    starts = [start for start, _ in spans]
    marked = set()
    for at in places:
        index = bisect_right(starts, at) - 1
        if index >= 0 and at < spans[index][1]:
            marked.add(index)
    return [spans[index] for index in sorted(marked)]


def _places(original: str, lexicon, split: tuple | None) -> list[int]:
    """Where the cue tokens of ``original`` start (its lower-cased, spaced text split here, or the
    locator's split without the places)."""
    spaced, parts = space_split(lower_case(original)) if split is None else split[:2]  # lower-cased as raw_hits does
    answers = list(map(_memo(lexicon).get, parts))
    if None in answers:  # some tokens not seen yet: each is read once (the memo stays bounded)
        answers = list(map(reader(lexicon), parts))
    if not any(answers):
        return []
    places = []
    find = (" " + spaced + " ").find
    cursor = 0
    for index, (token, answer) in compress(enumerate(zip(parts, answers)), answers):
        at = find(f" {token} ", cursor)
        cursor = at + 1 + len(token)
        if answer == WEAK:
            if not _subject_next(parts[index + 1] if index + 1 < len(parts) else "", lexicon):
                continue
        elif answer == NAME and not _capitalised(original, at, token):
            continue  # a given name in lower case is a word ("will", "may")
        places.append(at)
    return places
