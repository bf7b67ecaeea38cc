"""Rules tried from a needed word rather than from their trigger key (the trigger index's anchors).

Split from ``triggers`` (which keeps the locator); ``TriggerIndex.anchors`` and ``near`` call these
with the index itself (``index``), whose anchor fields ``build`` fills.
"""

from __future__ import annotations

import re

from postmortem_kit.blameless.edges import collapse_space
from postmortem_kit.core import regex_store

_ANCHOR_LETTERS = 5  # an entry is tried from its needed words only when each of them is at least this long
_ANCHOR_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*\Z")
_MANY_KEYS = 4  # a rule tried at this many keys, none of them a start of its needed words, is tried from the words
_SEPARATORS = frozenset(" \n\t\r")  # what the locator splits the text at


def build(index) -> tuple:
    """Rules tried from a needed word rather than from their trigger key.

    A rule's alternatives under a key that declare no literal starts cannot be narrowed by
    the next word, so they are tried at every occurrence of the key: BL136's "to/at/in/on
    ... production ... instead of ... staging" at every "to" of the text.  When each of them
    needs a word (``needs``: one of each clause's literals is in every match, within
    ``reach`` characters of its start, whitespace collapsed) and one clause holds only long
    words ("instead"), the rule is tried only at the occurrences of its keys that lie within
    reach before an occurrence of one of those words; at every other occurrence of a key it
    cannot match.  The same is done for rules with literal starts under a key whose every
    rule qualifies ("for": BL088 needs "explain" or "reason"), so that the key is not looked
    for at all.  Only rules with a frequent key qualify (a function word of the lexicon's
    ``stop_words``: "to", "for"; other keys are rarer than the words would be), or an
    alternative tried at ``_MANY_KEYS`` keys or more whose needed words occur apart from them
    (``_many_keys``: BL148's "made the load / errors / backlog ... worse"), keys
    that are whole words or word starts, and the rule's regex there is the one its key's
    plan holds (the same alternatives).  Returns ((rule, alternatives, words, reach, the
    needed literals of each alternative),
    ...), and ``elsewhere`` the entries they take over."""
    if index._anchors is not None:
        return index._anchors
    groups: dict[tuple, list] = {}
    # Only a rule whose entries under a frequent key all qualify, or an alternative with a needed
    # word under many keys, can be anchored: the others are not looked at further (this runs
    # once, in the cold run of a single file too).
    candidates = set()
    keys_by_part: dict[tuple, tuple] = {}  # (rule, alternative) with a needed word -> (its needs, {key: position})
    for key, listed in index.key_needs.items():
        entries = index.rules[key]
        frequent = key in index.frequent
        for position, (clauses, reach) in listed:
            entry = entries[position]
            if entry is None or not reach:
                continue
            if frequent:
                if anchor_words(clauses):
                    candidates.add(entry[0].id)
            else:
                keys_by_part.setdefault((entry[0].id, entry[1]), (clauses, {}))[1][key] = position
    keys_of = {}
    for key, entries in index.rules.items():
        for entry in entries:
            if entry is not None and entry[0].id in candidates:
                keys_of[key] = entries
                break
    only: dict[str, set] = {}  # at a key taken for an alternative tried at many keys, only its rule
    for (rule_id, _), (clauses, positions) in keys_by_part.items():
        if len(positions) < _MANY_KEYS:
            continue
        keys = [key for key, position in positions.items()  # an entry with literal starts is narrowed already
                if all(spot != position for spot, _ in index.key_starts.get(key, ()))]
        if _many_keys(keys, anchor_words(clauses) or ()):
            for key in sorted(keys):
                if key not in keys_of:
                    keys_of[key] = index.rules[key]
                    only[key] = set()
                if key in only:
                    only[key].add(rule_id)
    for key, entries in keys_of.items():
        kind = index.kind.get(key)
        if not (kind == "word" and key in index.words or kind == "start" and key in index.starts.get(len(key), ())):
            continue
        starts = dict(index.key_starts.get(key, ()))
        needs = dict(index.key_needs.get(key, ()))
        by_rule: dict[str, list] = {}
        wanted = only.get(key)
        for position, entry in enumerate(entries):
            if entry is not None and (wanted is None or entry[0].id in wanted):
                by_rule.setdefault(entry[0].id, []).append(position)
        usable = {}
        for positions in by_rule.values():
            found = [(needs[position][0], needs[position][1]) for position in positions if position in needs]
            anchor = [(anchor_words(clauses), reach) for clauses, reach in found]
            if len(found) == len(positions) and all(words and reach for words, reach in anchor):
                usable[tuple(positions)] = anchor, found
        for positions, (anchor, found) in usable.items():
            if any(position in starts for position in positions):
                continue  # narrowed by the next word already (its words may be common: "config")
            rule = entries[positions[0]][0]
            alternatives = tuple(sorted({entries[position][1] for position in positions}))
            words = tuple(sorted({word for words, _ in anchor for word in words}))
            reach = max(reach for _, reach in anchor)
            clauses = tuple(tuple(map(tuple, needed)) for needed, _ in found)
            group = groups.setdefault((rule.id, alternatives, words, reach), [rule, [], clauses])
            group[1].append((key, positions))
    anchors = []
    elsewhere: dict[str, list[int]] = {}
    for (_, alternatives, words, reach), (rule, keys, clauses) in groups.items():
        names = sorted({key for key, _ in keys}, key=lambda key: (-len(key), key))
        if index.frequent.isdisjoint(names) and not _many_keys(names, words):
            continue  # no frequent key ("to", "for") and few keys: its words may well be more frequent
        if any(other != key and other.startswith(key) and index.kind[key] == "start" for key in names for other in names):
            continue  # two of its keys at one place: the scanner tries it there once per key
        for key in names:
            index._anchor_keys.setdefault(key, []).append(len(anchors))
        anchors.append((rule, alternatives, words, reach, clauses))
        for key, positions in keys:
            elsewhere.setdefault(key, []).extend(positions)
    index._elsewhere = {key: tuple(sorted(positions)) for key, positions in elsewhere.items()}
    index._dropped = frozenset(key for key, positions in index._elsewhere.items() if len(positions) == len(index.rules[key]))
    # any of the words, the shortest first (``near`` takes the shortest one at a place)
    words = sorted({word for anchor in anchors for word in anchor[2]}, key=lambda word: (len(word), word))
    index._anchor_words = regex_store.compile("|".join(map(re.escape, words))) if words else None
    index._anchors = tuple(anchors)
    return index._anchors


def near(index, anchor: int, text: str, occurrences: list[int]) -> list[int]:
    """The positions where the rule of ``anchors()[anchor]`` can match, given where its words
    occur in ``text`` (``locate`` reports them under the key ``anchor``, an int, after it has
    read every token of the text): the occurrences of its keys, as the locator finds them, in
    the tokens from the word back to the first one that starts more than ``reach`` characters
    (whitespace collapsed) before the word's end.  A match starting further back cannot hold
    the word, so no match is left out."""
    reach = index.anchors()[anchor][3]
    spots_of = index.anchor_spots
    size = len(text)
    positions: set[int] = set()
    for at in occurrences:
        end = index._anchor_words.match(text, at).end()  # the shortest word there: the widest window
        stop = at
        while stop < size and text[stop] not in _SEPARATORS:
            stop += 1  # the end of the word's token, as the locator split the text
        span = reach * 2 + 64
        while True:
            low = max(0, end - span)
            while low and text[low - 1] not in _SEPARATORS:
                low -= 1  # from the start of a token
            window = text[low:stop]
            if "\n" in window or "\t" in window or "\r" in window:
                window = window.replace("\n", " ").replace("\t", " ").replace("\r", " ")
            plain = window.isprintable()  # else a token may hold other whitespace, which counts once
            tokens = window.split(" ")
            begin = stop
            collapsed = 0  # of text[begin:end]: the tokens from the current one to the word
            for token in reversed(tokens):
                begin -= len(token)
                if token:
                    if collapsed:
                        collapsed += 1 + (len(token) if plain else len("".join(token.split())))
                    else:  # the word's own token, up to the word's end
                        collapsed = end - begin if plain else len("".join(text[begin:end].split()))
                    found = spots_of.get(token)
                    if found is not None:
                        for number, offset in found:
                            if number == anchor and begin + offset <= at:
                                positions.add(begin + offset)
                    if collapsed > reach:
                        break
                begin -= 1  # the separator before the token
            else:
                if low:
                    span *= 4  # runs of whitespace: the window held too few characters
                    continue
            break
    return sorted(positions)


def needed_near(index, anchor: int, text: str, occurrences: list[int]) -> bool:
    """Does a match of ``anchors()[anchor]``'s rule remain possible in ``text``: do one
    alternative's needed literals (one of each clause) all occur within ``reach`` characters
    (whitespace collapsed) of an occurrence of its words?  A match holds one of the words and
    every needed literal (single words: a clause's literal has no whitespace) and ends within
    ``reach`` of its start, so it lies inside such a window; testing the windows instead of the
    whole text (15 absent nouns of BL154 cost 3-4 us each over a bench file's 7,700 characters)
    leaves out only texts where no match is possible."""
    _, _, _, reach, needs = index.anchors()[anchor]
    reach += 1
    size = len(text)
    windows = []
    for at in sorted(occurrences):
        low = max(0, at - _span_until(reach, lambda span: at - span <= 0 or _longer(text[at - span:at], reach)))
        high = at + _span_until(reach, lambda span: at + span >= size or _longer(text[at:at + span], reach))
        if windows and low <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], high)
        else:
            windows.append([low, high])
    for low, high in windows:
        window = text[low:high]
        for clauses in needs:
            if all(any(literal in window for literal in clause) for clause in clauses):
                return True
    return False


def _span_until(reach: int, enough) -> int:
    """The first span, from a little more than ``reach`` and growing fourfold, that is ``enough``."""
    span = reach + reach // 4 + 32
    while not enough(span):
        span *= 4
    return span


def _longer(part: str, size: int) -> bool:
    """Is ``part``, whitespace collapsed, longer than ``size``?  Its characters other than spaces
    count first (a cheap lower bound when spaces and line breaks are its only whitespace)."""
    if len(part) <= size:
        return False
    plain = part.replace("\n", " ")
    if plain.isprintable() and len(plain) - plain.count(" ") > size:
        return True
    return len(collapse_space(part)) > size


def _many_keys(keys, words) -> bool:
    """Is a rule's group of keys large, and do its needed words occur apart from them?  BL148's
    "made the load / errors / incident / backlog ... worse" is tried at 15 nouns, each more frequent
    than "worse".  A word that a key's word may begin with, or go on into ("clearly" at "clearl",
    "approved" at "unappr"), occurs with its key: it gains nothing."""
    if not words or len(keys) < _MANY_KEYS:
        return False
    starts = {word[:size] for word in words for size in range(1, len(word) + 1)}
    return not any(key[at:] in starts for key in keys for at in range(max(1, len(key) - 2)))


def anchor_words(clauses) -> tuple[str, ...] | None:
    """The clause of needed literals to search for: the one whose shortest word is longest, if
    all its literals are single words of at least ``_ANCHOR_LETTERS`` characters."""
    best, shortest = None, _ANCHOR_LETTERS - 1
    for clause in clauses:
        size = min(map(len, clause))
        if size > shortest and all(_ANCHOR_WORD.match(word) for word in clause):
            best, shortest = tuple(sorted(clause)), size
    return best
