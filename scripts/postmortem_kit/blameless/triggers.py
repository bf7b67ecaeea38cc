"""Where blameless rules can start: an index from literal trigger words to the rules they open.

A text is split into words once; a key whose word is absent costs nothing,
and a present key is located and tried only with its own rules.
"""

from __future__ import annotations

import re

# A word boundary that also treats @, apostrophes and hyphens as part of a word.  The scanner's
# text has straight apostrophes only (scanner.prepare), so the classes leave out curly ones, which
# would make each class cost a 64K-entry table to compile.
_WORD_KEY = re.compile(r"[a-z0-9][a-z0-9'-]*\Z")
_TOKEN_WORDS = re.compile(r"[a-z0-9][a-z0-9'-]*")


class TriggerIndex:
    """Where rules can start: literal keys (the start of each rule's literal prefixes).

    A text is split into words once; a key whose word is absent costs
    nothing, and a present key is located and tried only with its own rules.
    """

    def __init__(self):
        self.rules: dict[str, list] = {}  # key -> rules (None = cause marker), in file order
        self.kind: dict[str, str] = {}  # word (a whole word), start (a word start) or text (anything)
        self.memo: dict[str, tuple[str, ...]] = {}
        self.carriers: set[str] = set()  # tokens in memo that carry at least one key
        self.finders: dict[str, re.Pattern] = {}

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

    def present(self, text: str, words) -> dict[str, int]:
        """Keys that occur in ``text``, with how many words carry each (0: unknown, search to the end).

        ``words`` counts the whitespace-separated tokens of the text.  Which
        keys a token carries is remembered across texts (incident prose reuses
        a vocabulary of a few thousand words), so the work per text is a few
        set operations plus the tokens seen for the first time.
        """
        memo = self.memo
        tokens = words.keys()
        unseen = tokens - memo.keys()
        if unseen and len(memo) < 200_000:
            for token in unseen:
                keys = self._keys_of(token)
                memo[token] = keys
                if keys:
                    self.carriers.add(token)
        found: dict[str, int] = {}
        for token in (tokens & self.carriers) | (unseen if len(memo) >= 200_000 else set()):
            count = words[token]
            for key in memo.get(token) or self._keys_of(token):
                found[key] = found.get(key, 0) + count
        for char, keys in self.texts_by_char.items():
            if char in text:
                for key in keys:
                    if len(keys) == 1 or key in text:
                        found[key] = 0
        return found

    def finder(self, key: str) -> re.Pattern:
        """Literal first (the regex engine jumps between occurrences), then the word edges
        (for the scanner's text, whose apostrophes are straight)."""
        found = self.finders.get(key)
        if found is None:
            left = f"(?<![\\w'@-]{re.escape(key)})" if key[:1].isalnum() else ""
            right = r"(?![\w'-])" if self.kind[key] == "word" else ""
            found = self.finders[key] = re.compile(re.escape(key) + left + right)
        return found

    def _keys_of(self, token: str) -> tuple[str, ...]:
        """Keys carried by a token ("(again)," holds the word "again")."""
        keys = []
        for word in _TOKEN_WORDS.findall(token):
            if word in self.words:
                keys.append(word)
            for size, starts in self.starts.items():
                if word[:size] in starts:
                    keys.append(word[:size])
        return tuple(keys)
