"""Where blameless rules can start: an index from literal trigger words to the rules they open.

A text is split into tokens once and every key is located in that one pass
(``locate``); a key whose word is absent costs nothing, and a present key is
tried only with its own rules.
"""

from __future__ import annotations

import re
from itertools import compress, filterfalse
from operator import itemgetter

from postmortem_kit.blameless.edges import collapse_space

# A word boundary that also treats @, apostrophes and hyphens as part of a word.  The scanner's
# text has straight apostrophes only (scanner.prepare), so the classes leave out curly ones, which
# would make each class cost a 64K-entry table to compile.
_WORD_KEY = re.compile(r"[a-z0-9][a-z0-9'-]*\Z")
_TOKEN_WORDS = re.compile(r"[a-z0-9][a-z0-9'-]*")
_WORDISH = frozenset("_'’@-")  # a key right after one of these is inside a word
_MEMO_LIMIT = 200_000  # tokens remembered per run
_ANCHOR_LETTERS = 5  # an entry is tried from its needed words only when each of them is at least this long
_ANCHOR_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*\Z")
_offset = itemgetter(1)


class TriggerIndex:
    """Where rules can start: literal keys (the start of each rule's literal prefixes).

    A text is split into tokens once and every key is located in that pass;
    a key whose word is absent costs nothing, and a present key is tried
    only with its own rules.
    """

    def __init__(self):
        self.rules: dict[str, list] = {}  # key -> rules (None = cause marker), in file order
        self.kind: dict[str, str] = {}  # word (a whole word), start (a word start) or text (anything)
        self.memo: dict[str, tuple[tuple[str, int], ...]] = {}  # token -> (key, offset in the token), ...
        self.carriers: set[str] = set()  # tokens in memo that carry at least one key
        self.key_starts: dict[str, tuple] = {}  # key -> ((entry position, literal starts), ...), see RuleSet
        self.options: dict[str, tuple[str, ...] | None] = {}
        self.narrowed: set[str] = set()  # carriers with a key that has literal starts for all or some of its rules
        self.partial: dict[str, tuple] = {}  # key -> entries with literal starts, when not all have them
        self.pairs: dict[tuple[str, str | None], tuple[tuple[str, int], ...]] = {}  # (token, next) -> spots kept
        self.key_needs: dict[str, tuple] = {}  # key -> ((entry position, (clauses, reach)), ...), see RuleSet
        self._anchors: tuple | None = None  # see anchors()
        self._elsewhere: dict[str, tuple[int, ...]] = {}  # key -> entry positions tried from their anchor

    def add(self, prefixes, rule) -> None:
        for prefix in prefixes:
            key = prefix.split(" ")[0] or prefix
            if not key[:1].isalnum():
                key = key[:1]  # "(again", "(as usual": one search for "(" serves them all
            word = _TOKEN_WORDS.match(key)
            word = word.group() if word else ""
            if word != key:
                kind = "text"
            elif prefix[len(word):len(word) + 1] == " ":
                kind = "word"
            else:
                kind = "start"
            bucket = self.rules.setdefault(key, [])
            if rule not in bucket:
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
        per token and a short search per token that carries a key, however many keys there are.
        A key counts where it starts a word (the character before it is not a letter, digit,
        ``_``, ``'``, ``@`` or ``-``); a whole-word key also needs a word end after it (no letter,
        digit, ``_``, ``'`` or ``-``).
        """
        spaced = text.replace("\n", " ")
        if "\t" in spaced or "\r" in spaced:
            spaced = spaced.replace("\t", " ").replace("\r", " ")
        parts = spaced.split(" ")
        memo = self.memo
        carriers = self.carriers
        unseen = set(filterfalse(memo.__contains__, parts))
        if unseen:
            if len(memo) + len(unseen) > _MEMO_LIMIT and memo:
                # A memo this large (a very long run of varied text): start it again, so it
                # stays bounded and every text still costs a look-up per token.
                memo.clear()
                carriers.clear()
                self.narrowed.clear()
                unseen = set(parts)
            for token in unseen:
                spots = memo[token] = self._spots_of(token)
                if spots:
                    carriers.add(token)
                    if [key for key, _ in spots if type(key) is str and (
                            self._options(key) is not None or self._partial(key) or self.elsewhere(key))]:
                        self.narrowed.add(token)
        # Each token that carries a key is found after the previous one, as a whole token (spaces
        # around it in the padded text): any occurrence in between would itself have been taken.
        # A key whose rules all declare their literal starts is kept only where the token and the
        # next one fit one of them (remembered per pair of tokens); such a token is searched for
        # together with the next one, so the occurrences left out are never searched for.
        found: dict[str, list[int]] = {}
        find = (" " + spaced + " ").find
        last = len(parts) - 1
        narrowed, pairs = self.narrowed, self.pairs
        cursor = 0
        for index in compress(range(len(parts)), map(carriers.__contains__, parts)):
            token = parts[index]
            spots = memo[token]
            following = parts[index + 1] if index < last else None
            if token in narrowed:
                pair = (token, following)
                kept = pairs.get(pair)
                if kept is None:
                    kept = self._kept(token, following, spots)
                    if len(pairs) >= _MEMO_LIMIT:
                        pairs.clear()  # bounded, like the token memo
                    pairs[pair] = kept
                if not kept:
                    continue
                spots = kept
                at = len(spaced) - len(token) if following is None else find(f" {token} {following} ", cursor)
            else:
                at = len(spaced) - len(token) if following is None else find(f" {token} ", cursor)
            if at < 0:  # cannot happen (the token is in the text)
                continue
            cursor = at + 1 + len(token)
            for key, offset in spots:
                listed = found.get(key)
                if listed is None:
                    found[key] = [at + offset]
                else:
                    listed.append(at + offset)
        return found

    def _options(self, key: str) -> tuple[str, ...] | None:
        """The literal starts (whitespace collapsed) every match of ``key``'s rules begins with, or
        None when one of them has none (or the key also opens the cause marker)."""
        if key in self.options:
            return self.options[key]
        listed = dict(self.key_starts.get(key, ()))
        entries = self.rules.get(key, ())
        options = None
        if entries and all(entry is not None and position in listed for position, entry in enumerate(entries)):
            options = tuple(sorted({start for starts in listed.values() for start in starts}))
        self.options[key] = options
        return options

    def _partial(self, key: str) -> tuple:
        """((entry position, its literal starts), ...) for a key some of whose rules declare
        literal starts and some do not (``was``: "was not ..." but also "was <any>ly blamed"):
        where the next token fits none of an entry's starts, that entry is left out there."""
        found = self.partial.get(key)
        if found is None:
            found = () if self._options(key) is not None else tuple(
                (position, tuple(sorted(starts))) for position, starts in self.key_starts.get(key, ()))
            self.partial[key] = found
        return found

    def _kept(self, token: str, following: str | None, spots) -> tuple:
        """The spots of ``token`` where a rule can start, given the next token.  A spot of a key
        with only some entries narrowed comes back as ((key, entry positions left out), offset)
        when any are left out, so the scanner tries only the key's other rules there."""
        kept = []
        for spot in spots:
            key, offset = spot
            if self.options.get(key) is not None:
                if self._may_start(token[offset:], following, key):
                    kept.append(spot)
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
        """Can a match that begins with one of ``options`` start at ``rest`` (then ``following``)?"""
        if options is None or following == "":
            return True  # a rule without literal starts, or the next word is further on
        seen = rest if following is None else rest + " " + following
        if " ".join(seen.split()) != seen:
            return True  # other whitespace inside the tokens
        size = len(seen)
        for start in options:
            if start.startswith(seen) if len(start) > size else seen.startswith(start):
                if len(start) <= size or start[size] == " ":
                    return True
        return False

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
            # keys whose every entry is tried from its anchor words are not looked for; the words are
            spots = [spot for spot in spots if len(self.elsewhere(spot[0])) < len(self.rules[spot[0]])]
            for number, (_, words, _, _, _) in enumerate(anchors):
                for word in words:
                    at = token.find(word)
                    while at >= 0:
                        spots.append((number, at))
                        at = token.find(word, at + 1)
        spots.sort(key=_offset)
        return tuple(spots)

    # ------------------------------------------------------------ entries tried from their needed words

    def anchors(self) -> tuple:
        """Entries tried from a needed word rather than from their trigger key.

        An entry (one rule's alternatives under one key) that declares no literal starts cannot be
        narrowed by the next word, so it is tried at every occurrence of its key: BL136's
        "to/at/in/on ... production ... instead of ... staging" at every "to" of the text.  When
        its regex needs a word (``needs``: one of each clause's literals is in every match, within
        ``reach`` characters of its start, whitespace collapsed) and one clause holds only long
        words ("instead"), the entry is tried only at the occurrences of its key that lie within
        reach before an occurrence of one of those words; every other occurrence of the key is
        one where it cannot match.  Only whole-word keys qualify (their occurrences are found by
        one regex with the locator's word edges), and only a rule's single entry under a key (so
        its regex there is the same).  Returns ((rule entry, words, reach, key finder, longest
        key), ...), each entry once with all its keys."""
        if self._anchors is not None:
            return self._anchors
        groups: dict[tuple, list] = {}
        for key, entries in self.rules.items():
            if self.kind.get(key) != "word":
                continue
            starts = dict(self.key_starts.get(key, ()))
            needs = dict(self.key_needs.get(key, ()))
            for position, entry in enumerate(entries):
                if entry is None or position in starts or position not in needs:
                    continue
                clauses, reach = needs[position]
                words = _anchor_words(clauses)
                if reach is None or words is None:
                    continue
                if sum(1 for other in entries if other is not None and other[0] is entry[0]) != 1:
                    continue
                groups.setdefault((entry[0].id, entry[1], words, reach), [entry, []])[1].append((key, position))
        anchors = []
        elsewhere: dict[str, list[int]] = {}
        for (_, _, words, reach), (entry, keys) in groups.items():
            names = sorted({key for key, _ in keys}, key=lambda key: (-len(key), key))
            finder = re.compile(r"(?<![\w'’@-])(?:" + "|".join(re.escape(key) for key in names) + r")(?![\w'-])")
            anchors.append((entry, words, reach, finder, len(names[0])))
            for key, position in keys:
                elsewhere.setdefault(key, []).append(position)
        self._elsewhere = {key: tuple(sorted(positions)) for key, positions in elsewhere.items()}
        self._anchors = tuple(anchors)
        return self._anchors

    def elsewhere(self, key: str) -> tuple[int, ...]:
        """Positions of ``key``'s entries that are tried from their anchor words (``anchors``)."""
        if self._anchors is None:
            self.anchors()
        return self._elsewhere.get(key, ())

    def near(self, anchor: int, text: str, occurrences: list[int]) -> list[int]:
        """The positions where the entry of ``anchors()[anchor]`` can match, given where its words
        occur in ``text`` (``locate`` reports them under the key ``anchor``, an int): the
        occurrences of its keys (word edges as in ``locate``) from ``reach`` characters
        (whitespace collapsed) before a word's end up to the word's start."""
        _, words, reach, finder, longest = self.anchors()[anchor]
        positions: set[int] = set()
        for at in occurrences:
            end = at + next(len(word) for word in words if text.startswith(word, at))
            span = reach * 2
            while True:  # widen the window until it holds more than ``reach`` collapsed characters
                low = max(0, end - span)
                if not low or len(collapse_space(text[low:end])) > reach:
                    break
                span *= 4
            stop = min(len(text), at + longest + 2)  # the edge test after a key sees the real text
            positions.update(m.start() for m in finder.finditer(text, low, stop) if m.start() <= at)
        return sorted(positions)

def _anchor_words(clauses) -> tuple[str, ...] | None:
    """The clause of needed literals to search for: the one whose shortest word is longest, if
    all its literals are single words of at least ``_ANCHOR_LETTERS`` characters."""
    best = None
    for clause in clauses:
        if all(_ANCHOR_WORD.match(literal) for literal in clause) and min(map(len, clause)) >= _ANCHOR_LETTERS:
            if best is None or min(map(len, clause)) > min(map(len, best)):
                best = tuple(sorted(clause))
    return best
