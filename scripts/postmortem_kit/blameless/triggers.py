"""Where blameless rules can start: an index from literal trigger words to the rules they open.

A text is split into tokens once and every key is located in that one pass
(``locate``); a key whose word is absent costs nothing, and a present key is
tried only with its own rules.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import compress
from operator import itemgetter

from postmortem_kit.blameless import anchoring
from postmortem_kit.blameless.cues import CUE_KEYS, CueKey
from postmortem_kit.blameless.tokens import space_split

# A word boundary that also treats @, apostrophes and hyphens as part of a word.  The scanner's
# text has straight apostrophes only (scanner.prepare), so the classes leave out curly ones, which
# would make each class cost a 64K-entry table to compile.
_WORD_KEY = re.compile(r"[a-z0-9][a-z0-9'-]*\Z")
_TOKEN_WORDS = re.compile(r"[a-z0-9][a-z0-9'-]*")
_WORDISH = frozenset("_'’@-")  # a key right after one of these is inside a word
_MEMO_LIMIT = 200_000  # tokens remembered per run
_offset = itemgetter(1)
_TABLE, _DEFAULT = itemgetter(0), itemgetter(1)  # of a carrier's memo value: its next-token table, its spots
_ASK = ("ask",)  # a narrowed token's spots for a next token its table does not hold yet (truthy)
_ANY_NEXT: dict = {}  # the table of a token whose spots do not depend on the next token (never written)


class _Memo(dict):
    """The locator's token memo; a token it does not hold reads as () and is listed in ``unseen``
    (one C-level call per known token)."""

    __slots__ = ("unseen",)

    def __init__(self):
        super().__init__()
        self.unseen: list[str] = []

    def __missing__(self, token: str) -> tuple:
        self.unseen.append(token)
        return ()


def _key_of(prefix: str) -> tuple[str, str]:
    """A literal prefix's key (its first word, or its first character when that is not a letter or
    digit: "(again", "(as usual": one search for "(" serves them all) and the key's kind: word (a
    whole word), start (a word start) or text (anything)."""
    key = prefix.split(" ")[0] or prefix
    if not key[:1].isalnum():
        key = key[:1]
    word = _TOKEN_WORDS.match(key)
    word = word.group() if word else ""
    if word != key:
        return key, "text"
    return key, "word" if prefix[len(word):len(word) + 1] == " " else "start"


class _Starts(tuple):
    """Literal starts, sorted, with what ``TriggerIndex._fits`` looks them up by: the set of them
    (``members``) and their lengths, shortest first (``lengths``)."""

    def __new__(cls, starts):
        self = super().__new__(cls, sorted(starts))
        self.members = frozenset(self)
        self.lengths = sorted({len(start) for start in self})
        return self


class TriggerIndex:
    """Where rules can start: literal keys (the start of each rule's literal prefixes).

    A text is split into tokens once and every key is located in that pass;
    a key whose word is absent costs nothing, and a present key is tried
    only with its own rules.
    """

    def __init__(self):
        self.rules: dict[str, list] = {}  # key -> rules (None = cause marker), in file order
        self.kind: dict[str, str] = {}  # word (a whole word), start (a word start) or text (anything)
        # token -> () or (next-token table, spots or _ASK, ((key, offset in the token), ...)), see _read
        self.memo: _Memo = _Memo()
        self.carriers: set[str] = set()  # tokens in memo that carry at least one key
        self.key_starts: dict[str, tuple] = {}  # key -> ((entry position, literal starts), ...), see RuleSet
        self.options: dict[str, tuple[str, ...] | None] = {}
        self.narrowed: set[str] = set()  # carriers with a key that has literal starts for all or some of its rules
        self.partial: dict[str, tuple] = {}  # key -> entries with literal starts, when not all have them
        self.entry_starts: dict[str, tuple] = {}  # key -> each entry's literal starts, when all have them
        self.pairs = 0  # (token, next token) answers held in the memo's tables
        self.key_needs: dict[str, tuple] = {}  # key -> ((entry position, (clauses, reach)), ...), see RuleSet
        self.frequent: frozenset[str] = frozenset()  # function words ("to", "for"): see anchors()
        self._anchors: tuple | None = None  # see anchors()
        self._anchor_words: re.Pattern | None = None  # any of their words
        self._anchor_keys: dict[str, list[int]] = {}  # key -> the anchors whose rule it opens
        self._dropped: frozenset[str] = frozenset()  # keys all of whose entries are tried from anchors
        self.anchor_spots: dict[str, tuple[tuple[int, int], ...]] = {}  # token -> (anchor, offset of its key), ...
        self._elsewhere: dict[str, tuple[int, ...]] = {}  # key -> entry positions tried from their anchor
        self._split: tuple | None = None  # (text, spaced text, tokens, cue places or None) of the last locate
        # token -> False or its cue kind (cues.reader), when BL159 is on: the cue tokens' places are
        # filed with the keys' in the same pass (under cues.CUE_KEYS), and kept for split_of.
        self.cue_of = None

    def add(self, prefixes, rule) -> None:
        """Index ``rule`` (one entry: (rule, alternative) or None for the cause marker, each added
        once) under the key of each of its literal prefixes."""
        added = set()
        for prefix in prefixes:
            key, kind = _key_of(prefix)
            if key not in added:
                added.add(key)
                bucket = self.rules.get(key)
                if bucket is None:
                    self.rules[key] = [rule]
                else:
                    bucket.append(rule)
            previous = self.kind.get(key)
            self.kind[key] = kind if previous in (None, kind) else ("text" if "text" in (kind, previous) else "start")

    def freeze(self) -> None:
        """Split keys by how presence is tested: whole words and word starts against the
        text's words (remembered per word), the rest as substrings."""
        self.words = frozenset(key for key, kind in self.kind.items() if kind == "word")
        starts: dict[int, set[str]] = {}
        texts: dict[str, list[str]] = {}
        for key, kind in self.kind.items():
            if kind == "start" and _WORD_KEY.match(key):
                starts.setdefault(len(key), set()).add(key)
            elif kind != "word":
                texts.setdefault(key[0], []).append(key)
        self.starts = {size: frozenset(keys) for size, keys in starts.items()}
        self.texts_by_char = texts

    def locate(self, text: str) -> dict[str, list[int]]:
        """Where each key occurs in ``text`` (the scanner's lower-cased text), in order of position.

        One pass: the text is split at spaces (line breaks and tabs made spaces first); which
        keys a token carries, and where inside it, is remembered across texts (incident prose
        reuses a vocabulary of a few thousand words), so the work per text is a split, a look-up
        per token and a short search per token where a rule can start, however many keys there are.
        A key counts where it starts a word (the character before it is not a letter, digit,
        ``_``, ``'``, ``@`` or ``-``); a whole-word key also needs a word end after it (no letter,
        digit, ``_``, ``'`` or ``-``).
        """
        spaced, parts = space_split(text)
        memo = self.memo
        if memo and (len(memo) + len(parts) > _MEMO_LIMIT or self.pairs > _MEMO_LIMIT):
            # A memo this large (a very long run of varied text): start it again, so it stays
            # bounded and every text still costs a look-up per token.
            self._forget()
        # One look-up per token (C-level): () for a token without keys, (next-token table, spots or
        # _ASK) for one that carries some; a token not seen yet is read, then the pass is made again.
        values = list(map(memo.__getitem__, parts))
        if memo.unseen:
            for token in memo.unseen:
                if token not in memo:
                    memo[token] = self._read(token)
            memo.unseen.clear()
            values = list(map(memo.__getitem__, parts))
        # Which spots each carrier keeps, given the next token, also C-level: a key whose rules all
        # declare their literal starts is kept only where the token and the next one fit one of
        # them (the answer is remembered in the token's table, per next token); _ASK where the
        # pair is new.  Tokens that keep nothing are left out before the Python step.
        following = parts[1:]
        following.append(None)
        carried = list(compress(values, values))
        nexts = list(compress(following, values))
        kept = list(map(dict.get, map(_TABLE, carried), nexts, map(_DEFAULT, carried)))
        # Each kept token is found after the previous one, as a whole token (spaces around it in
        # the padded text): any occurrence in between would itself have been kept.  A narrowed
        # token is searched for together with the next one, so the occurrences it left out are
        # never found (an occurrence with the same next token keeps the same spots).
        found: dict[str, list[int]] = {}
        find = (" " + spaced + " ").find
        cursor = 0
        # (The carriers' tokens, next tokens and memo values are zipped: no index per token.)
        for token, after, value, spots in compress(zip(compress(parts, values), nexts, carried, kept), kept):
            if spots is _ASK or value[1] is _ASK:
                if spots is _ASK:
                    spots = self._kept(token, after, value[2])
                    value[0][after] = spots
                    self.pairs += 1
                    if not spots:
                        continue
                at = len(spaced) - len(token) if after is None else find(f" {token} {after} ", cursor)
            else:
                at = len(spaced) - len(token) if after is None else find(f" {token} ", cursor)
            if at < 0:  # cannot happen (the token is in the text)
                continue
            cursor = at + 1 + len(token)
            for key, offset in spots:
                listed = found.get(key)
                if listed is None:
                    found[key] = [at + offset]
                else:
                    listed.append(at + offset)
        # BL159's cue pass reads the same split and the places of its cue tokens (split_of)
        self._split = (text, spaced, parts, None if self.cue_of is None else
                       tuple(found.pop(key, ()) for key in CUE_KEYS))
        return found

    def split_of(self, text: str) -> tuple[str, list[str], tuple | None] | None:
        """(spaced text, tokens, cue places) of the last text located, if it is ``text``.  The cue places
        are where the tokens that ``cue_of`` answers True, WEAK and NAME start (three lists), or None
        when no ``cue_of`` is set; ``cues.cue_spans`` reads them instead of the tokens."""
        held = self._split
        return held[1:] if held is not None and held[0] is text else None

    def _forget(self) -> None:
        """Empty the memos (they are caches only)."""
        self.memo.clear()
        self.pairs = 0
        self.anchor_spots.clear()
        self.carriers.clear()
        self.narrowed.clear()

    def _read(self, token: str) -> tuple:
        """The memo's value for a token not seen yet: () when it carries no key, else (next-token
        table, spots, spots) for a token whose spots hold whatever the next token is, and (table,
        _ASK, spots) for a narrowed one (one of its keys is kept or left out by the next token)."""
        spots = self._spots_of(token)
        if self.cue_of is not None:
            kind = self.cue_of(token)
            if kind:
                spots += ((CUE_KEYS[kind - 1], 0),)
        if not spots:
            return ()
        self.carriers.add(token)
        narrowed = bool([key for key, _ in spots if type(key) is str and (
            self._options(key) is not None or self._partial(key) or self.elsewhere(key))])
        if narrowed:
            self.narrowed.add(token)
            return {}, _ASK, spots
        return _ANY_NEXT, spots, spots

    def _options(self, key: str) -> tuple[str, ...] | None:
        """The literal starts (whitespace collapsed) every match of ``key``'s rules begins with, or
        None when one of them has none (or the key also opens the cause marker)."""
        if key in self.options:
            return self.options[key]
        listed = dict(self.key_starts.get(key, ()))
        entries = self.rules.get(key, ())
        options = None
        if entries and all(entry is not None and position in listed for position, entry in enumerate(entries)):
            options = _Starts({start for starts in listed.values() for start in starts})
        self.options[key] = options
        return options

    def _partial(self, key: str) -> tuple:
        """((entry position, its literal starts), ...) for a key some of whose rules declare
        literal starts and some do not (``was``: "was not ..." but also "was <any>ly blamed"):
        where the next token fits none of an entry's starts, that entry is left out there."""
        found = self.partial.get(key)
        if found is None:
            found = () if self._options(key) is not None else tuple(
                (position, _Starts(starts)) for position, starts in self.key_starts.get(key, ()))
            self.partial[key] = found
        return found

    def _entry_starts(self, key: str) -> tuple:
        """((entry position, its literal starts), ...) of a key whose entries all declare them."""
        found = self.entry_starts.get(key)
        if found is None:
            found = self.entry_starts[key] = tuple(
                (position, _Starts(starts)) for position, starts in self.key_starts.get(key, ()))
        return found

    def _kept(self, token: str, following: str | None, spots) -> tuple:
        """The spots of ``token`` where a rule can start, given the next token.  A spot where some
        of the key's entries are left out (the next word fits none of their literal starts) comes
        back as ((key, entry positions left out), offset), so the scanner tries only the key's
        other rules there; a spot where every entry is left out is not kept.  For a key whose
        entries all declare literal starts, that is where the next word fits none of them."""
        kept = []
        for spot in spots:
            key, offset = spot
            if type(key) is CueKey:
                kept.append(spot)  # a cue token is wanted whatever follows it
                continue
            if self.options.get(key) is not None:
                entries = self._entry_starts(key)
                left_out = tuple(position for position, starts in entries
                                 if not self._fits(token[offset:], following, starts))
                if len(left_out) < len(entries):
                    kept.append(((key, left_out), offset) if left_out else spot)
                continue
            partial = self._partial(key)
            left_out = tuple(position for position, starts in partial
                             if not self._fits(token[offset:], following, starts)) if partial else ()
            elsewhere = self.elsewhere(key)
            if elsewhere:
                left_out = tuple(sorted(set(left_out) | set(elsewhere)))
                if len(left_out) == len(self.rules[key]):
                    continue  # every entry is left out here, or tried from its anchor
            kept.append(((key, left_out), offset) if left_out else spot)
        return tuple(kept)

    def _may_start(self, rest: str, following: str | None, key: str) -> bool:
        """Can a match of ``key``'s rules start here?  ``rest`` is the token from the key on,
        ``following`` the next token ("" after a run of spaces, None at the end of the text)."""
        return self._fits(rest, following, self.options.get(key))

    @staticmethod
    def _fits(rest: str, following: str | None, options: tuple[str, ...] | None) -> bool:
        """Can a match that begins with one of ``options`` (``_Starts``) start at ``rest`` (then
        ``following``)?  After ``rest`` comes whitespace when ``following`` is "" (a run of spaces:
        the next word is further on, unknown here), as at the end of the text (None): a start that
        ``rest`` holds, or that goes on after it with a space, fits either way."""
        if options is None:
            return True  # a rule without literal starts
        seen = rest if following is None or following == "" else rest + " " + following
        if " ".join(seen.split()) != seen:
            return True  # other whitespace inside the tokens
        if type(options) is not _Starts:
            options = _Starts(options)  # a plain tuple (a caller outside the index): indexed here
        members = options.members
        size = len(seen)
        for length in options.lengths:  # a start the text holds: one of its prefixes
            if length > size:
                break
            if seen[:length] in members:
                return True
        probe = seen + " "  # a start that goes on past the text, after a space: sorted just after it
        at = bisect_left(options, probe)
        return at < len(options) and options[at].startswith(probe)

    def _spots_of(self, token: str) -> tuple[tuple[str, int], ...]:
        """(key, offset) of every key occurrence in a space-free token ("(again)," holds "again" at 1)."""
        spots = []
        for m in _TOKEN_WORDS.finditer(token):
            at = m.start()
            if at and (token[at - 1].isalnum() or token[at - 1] in _WORDISH):
                continue  # inside a word ("x_again", "@again", "éagain")
            word = m.group()
            after = m.end()
            if word in self.words and not (after < len(token) and (token[after].isalnum() or token[after] == "_")):
                spots.append((word, at))
            for size, starts in self.starts.items():
                if word[:size] in starts:
                    spots.append((word[:size], at))
        for char, keys in self.texts_by_char.items():
            if char in token:
                for key in keys:
                    at = token.find(key)
                    while at >= 0:
                        if not (key[0].isalnum() and at and (token[at - 1].isalnum() or token[at - 1] in _WORDISH)):
                            spots.append((key, at))
                        at = token.find(key, at + 1)
        anchors = self.anchors()
        if anchors:
            # The keys of rules tried from their anchor words are remembered apart (``near`` reads
            # them); a key whose every entry is tried so is not looked for.  The words are.
            if spots:
                keyed = tuple((number, at) for key, at in spots for number in self._anchor_keys.get(key, ()))
                if keyed:
                    self.anchor_spots[token] = keyed
                    spots = [spot for spot in spots if spot[0] not in self._dropped]
            for number, (_, _, words, _, _) in enumerate(anchors if self._anchor_words.search(token) else ()):
                for word in words:
                    at = token.find(word)
                    while at >= 0:
                        spots.append((number, at))
                        at = token.find(word, at + 1)
        spots.sort(key=_offset)
        return tuple(spots)

    # ------------------------------------------------------------ entries tried from their needed words

    def anchors(self) -> tuple:
        """Rules tried from a needed word rather than from their trigger key (``anchoring.build``)."""
        if self._anchors is None:
            self._anchors = anchoring.build(self)
        return self._anchors

    def elsewhere(self, key: str) -> tuple[int, ...]:
        """Positions of ``key``'s entries that are tried from their anchor words (``anchors``)."""
        if self._anchors is None:
            self.anchors()
        return self._elsewhere.get(key, ())

    def near(self, anchor: int, text: str, occurrences: list[int]) -> list[int]:
        """Where the rule of ``anchors()[anchor]`` can match in ``text`` (``anchoring.near``)."""
        return anchoring.near(self, anchor, text, occurrences)
