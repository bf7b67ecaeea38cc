"""BL159: a learned second look at sentences that no rule flags (issue 17, fifteenth round).

The rules catch blame by its wording.  Nine blind sets written after the rules showed that what they
keep missing is the plain harmful act of a person told in neutral words ("the field engineer left the
substation breaker open after maintenance", "the intern deleted the shared security group, locking 400
engineers out").  No closed list of verbs or objects generalises to the next set, so this detector
scores a sentence with a logistic model over its words, where every person mention is first replaced
by its class from the rules' own grammar (a role, a name or handle, a pronoun, "nobody"), so that the
model learns "ROLE deleted the ..." and never a particular name.

* The weights (``learned.json``) are data beside this module, written by
  ``scripts/tools/train_blameless_model.py`` from the committed labelled sets (``tests/data/
  blameless-*.jsonl``, never the real-text corpus); a test retrains and compares.
* It only looks at a sentence that mentions a person (the same grammar), has no first-person speaker
  (the organisation as "we" and an author's "I" are never flagged: docs/pages/guide/blameless.md),
  and that no rule has flagged already; in an incident, not at the timeline (``SKIPPED_FIELDS``).
  A cheap pass finds the strings and sentences with a person word, a handle or a given name first
  (``cues.py``: in an incident, the trigger locator files those tokens' places in its own pass over the
  text, so most prose costs BL159 nothing per token).
* Its finding is a warning (``severity: warning`` in rules.yaml): on the real-text corpus it finds no
  blame the rules miss and a few neutral sentences (docs/pages/design/blameless-evaluation.md), so it
  advises a second read of a draft.  A sentence scored at or above the model's ``confident`` score
  (``training.CONFIDENT``), which no sentence of the real-text corpus reaches, is reported as BL161
  instead, a blame rule with a measured tier like the others (an error in reviewed incidents), unless
  the sentence says the act was authorised or planned (BL161's ``unless``).
"""

from __future__ import annotations

import json
import math
import os
from bisect import bisect_right
from itertools import repeat
from pathlib import Path

from postmortem_kit.blameless.cues import FIRST_PERSON as _FIRST_PERSON
from postmortem_kit.blameless.cues import cue_spans, cues
from postmortem_kit.blameless.findings import STRICT_STATUSES, severity_for
from postmortem_kit.blameless.grammar import Grammar
from postmortem_kit.blameless.scanner import Match, prepare
from postmortem_kit.blameless.tokens import _SENTENCE_END
from postmortem_kit.core import LazyRegex, compiled_cache

TYPE_CHECKING = False
if TYPE_CHECKING:
    from postmortem_kit.blameless.rules import RuleSet

MODEL_PATH = Path(__file__).with_name("learned.json")
# Top-level incident fields BL159 does not read: the timeline is the record of who did what, where a
# person's plain act is what an entry should say (the rules still read it).
SKIPPED_FIELDS = frozenset(("timeline",))
# Sentences the model reads, in characters: shorter is a heading or a fragment; longer is a run-on text
# unlike any sentence it learned from (the longest labelled one has 250), and bounds the work.
_SHORTEST, _LONGEST = 12, 1000
_KEPT_PUNCT = frozenset(",;:()\"")
_PERSON_CLASSES = ("NAME", "ROLE", "NOBODY", "PRON")
_WORD = LazyRegex(r"[a-z][a-z'’]*")
_MODEL: dict = {}


def model() -> dict:
    """The weights, read once a process (``{"bias", "threshold", "weights", ...}``): from the compiled
    cache (marshal, a quarter of the JSON's load time) when a run has kept this exact file there."""
    if not _MODEL:
        made = os.stat(MODEL_PATH)
        version = f"learned {made.st_size} {made.st_mtime_ns}"
        loaded = compiled_cache.kept("learned", version)
        if loaded is None:
            with open(MODEL_PATH, encoding="utf-8") as handle:
                loaded = json.load(handle)
            compiled_cache.keep("learned", version, loaded)
        _MODEL.update(loaded)
    return _MODEL


def normalised(grammar: Grammar, start: int, end: int, cues: frozenset) -> list[str]:
    """The sentence's words with each person mention replaced by its class (NAME, ROLE, PRON, NOBODY).

    Only a word that may be a person (a person word of the lexicon, a handle, a capitalised word, a
    first word outside the plain words) is put to the grammar; any other word stands for itself."""
    tokens = grammar.tokens(start, end)
    pronouns = grammar.pronouns
    plain = grammar.plain_words
    out = []
    for index, token in enumerate(tokens):
        kind = token.kind
        if kind == "n":
            out.append("NUM")
            continue
        if kind == "m":
            out.append("CODE")
            continue
        if kind == "p":
            text = token.text
            out.append(text if text in _KEPT_PUNCT else "P")
            continue
        lower = token.lower.replace("’", "'")
        text = token.text
        if not (lower in cues or "@" in lower or text[:1].isupper() or "'" in lower
                or (index == 0 and lower not in plain)):
            out.append(lower)
            continue
        cls, possessive = grammar.word_class(tokens, index)
        if cls == "named":
            word = "NAME"
        elif cls == "person":
            word = "PRON" if lower in pronouns else "ROLE"
        elif cls == "negative":
            word = "NOBODY"
        else:
            out.append(lower)
            continue
        out.append(word + "'s" if possessive else word)
    return out


def features(words: list[str]) -> set[str]:
    """Word uni-, bi- and trigrams of a normalised sentence, with its two edges."""
    padded = ["<s>", *words, "</s>"]
    found = set()
    for i, word in enumerate(padded):
        found.add("u:" + word)
        if i + 1 < len(padded):
            pair = word + " " + padded[i + 1]
            found.add("b:" + pair)
            if i + 2 < len(padded):
                found.add("t:" + pair + " " + padded[i + 2])
    return found


def mentions_person(words: list[str]) -> bool:
    return any(word.startswith(_PERSON_CLASSES) for word in words)


def first_person(lowered: str) -> bool:
    return not _FIRST_PERSON.isdisjoint(_WORD.findall(lowered))


def probability(found: set[str]) -> float:
    """The shipped model's probability for a sentence's features."""
    weights = model()
    return chance(weights["weights"], weights["bias"], found)


def chance(weights: dict[str, float], bias: float, found: set[str]) -> float:
    """The logistic model's probability: its bias and the weights of the features found."""
    z = bias + sum(map(weights.get, found, repeat(0.0)))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def sentence_spans(grammar: Grammar, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences between ``start`` and ``end``, trimmed (list markers and headings end one)."""
    masked = grammar.masked
    spans = []
    begin = start
    for m in _SENTENCE_END.finditer(masked, start, end):
        text = m.group()
        if text.startswith(".") and grammar._abbreviation(m.start()):
            continue
        stop = m.end() if text[0] in ".!?" else m.start()
        spans.append((begin, stop))
        begin = m.end()
    spans.append((begin, end))
    out = []
    for a, b in spans:
        a, b = trim(masked, a, b)
        if _SHORTEST <= b - a <= _LONGEST:
            out.append((a, b))
    return out


def trim(masked: str, start: int, end: int) -> tuple[int, int]:
    """``start``/``end`` without surrounding whitespace and leading list or quote markers."""
    while start < end and masked[start] in " \t\n-*+#>":
        start += 1
    while end > start and masked[end - 1].isspace():
        end -= 1
    return start, end


def readable(masked_sentence: str, words: list[str]) -> bool:
    """Does BL159 read a sentence: no first-person speaker, and a person among its normalised words?"""
    return not first_person(masked_sentence) and mentions_person(words)


def read_words(grammar: Grammar, start: int, end: int, lexicon) -> list[str] | None:
    """The sentence's normalised words, or None when BL159 does not read it (a first-person speaker,
    or no person in it)."""
    if first_person(grammar.masked[start:end]):
        return None
    words = normalised(grammar, start, end, cues(lexicon))
    return words if mentions_person(words) else None


def score(grammar: Grammar, start: int, end: int, lexicon) -> float | None:
    """The model's probability that the sentence blames a person, or None when it is not read."""
    words = read_words(grammar, start, end, lexicon)
    return None if words is None else probability(features(words))


def detect(original: str, rules: RuleSet, *, taken: list[tuple[int, int]], lowered: str | None = None,
           strings: list[tuple[int, int]] | None = None, skip: list[tuple[int, int]] = (),
           split: tuple | None = None, soft: list[tuple[int, int]] = ()) -> list:
    """BL159 matches: sentences of ``original`` that no match in ``taken`` overlaps and the model scores
    at or above its threshold.  A sentence that only matches in ``soft`` overlap (rules that can only warn)
    is read too, and kept only at the confident tier (BL161): it then gets an error beside the warning, and
    never a second warning.

    ``lowered`` is the masked, lower-cased text (``scanner.prepare``) when the caller has it (a Markdown
    document); otherwise each of ``strings`` (the prose fields of an incident, joined) that may mention
    a person is masked on its own, and ``split`` may be the locator's split of the lower-cased
    ``original`` (``TriggerIndex.split_of``).  ``skip`` are spans never read (headings)."""
    rule = rules.learned
    if rule is None:
        return []
    if lowered is None:  # an incident's strings (the skipped fields are not among them)
        held = cue_spans(original, strings if strings is not None else [(0, len(original))], rules.lexicon,
                         split=split)
        parts = [(start, end, prepare(original[start:end])) for start, end in held]
    else:  # a document: its sentences are the spans the cue pass looks at
        parts = [(0, len(original), lowered)]
    taken, skipped, soft = _Spans(taken), _Spans(skip), _Spans(soft)
    found = []
    for offset, end, part_lowered in parts:
        text = original[offset:end]
        grammar = Grammar(text, part_lowered, rules.lexicon)
        spans = [(a, b) for a, b in sentence_spans(grammar, 0, len(text))
                 if not taken.overlaps(a + offset, b + offset) and not skipped.holds(a + offset)]
        for start, stop in cue_spans(text, spans, rules.lexicon):
            chance_of = score(grammar, start, stop, rules.lexicon)
            if chance_of is not None and chance_of >= model()["threshold"]:
                rule_of = _tier(rules, chance_of, part_lowered, start, stop)
                if rule_of is rules.learned and soft.overlaps(start + offset, stop + offset):
                    continue  # a rule already warns here
                found.append(Match(rule_of, offset + start, offset + stop, text[start:stop]))
    return found


def _tier(rules: RuleSet, chance_of: float, lowered: str, start: int, end: int):
    """BL161 (the confident tier, an error in reviewed incidents) for a sentence scored at or above the
    model's ``confident`` score that does not say the act was authorised or planned (the rule's
    ``unless``: "with the owner's approval", "as planned"); BL159 (a warning) otherwise."""
    confident = rules.confident
    if confident is None or chance_of < model().get("confident", 2.0) or authorised(rules, lowered, start, end):
        return rules.learned
    return confident


def authorised(rules: RuleSet, lowered: str, start: int = 0, end: int | None = None) -> bool:
    """Does the prepared sentence ``lowered[start:end]`` say its act was authorised or planned (BL161's
    ``unless``)?"""
    unless = rules.confident.unless if rules.confident is not None else None
    return unless is not None and unless.search(lowered, start, len(lowered) if end is None else end) is not None


def with_learned(matches: list, original: str, rules: RuleSet, **where) -> list:
    """``matches`` with BL159's (``detect`` with ``where``) added in order of position."""
    if rules.learned is None:
        return matches
    hard, soft = _by_strength(matches)
    extra = detect(original, rules, taken=hard, soft=soft, **where)
    return sorted(matches + extra, key=lambda match: match.start) if extra else matches


def _by_strength(matches: list) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The spans of ``matches`` that can be errors (an error rule of the high tier), and of those that can only
    warn (twenty-ninth round: BL161 still reads a sentence that only a warning rule flagged)."""
    hard, soft = [], []
    for match in matches:
        weak = severity_for(match.rule, STRICT_STATUSES[0]) == "warning"
        (soft if weak else hard).append((match.start, match.end))
    return hard, soft


class _Spans:
    """Spans (start, end) merged and sorted, asked whether a range overlaps one or a place is in one
    (a bisection each, so a document with many matches and many sentences stays linear)."""

    def __init__(self, spans):
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect_right(self.ends, start)
        return index < len(self.starts) and self.starts[index] < end

    def holds(self, place: int) -> bool:
        index = bisect_right(self.ends, place)
        return index < len(self.starts) and self.starts[index] <= place
