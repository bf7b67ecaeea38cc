"""The one-pass trigger locator and the per-run caches of the blameless check (issue 17, cost).

``TriggerIndex.locate`` replaces one substring search per present key with one split of the
text and a memo of which keys each token carries.  It must find exactly the positions the
definition gives: every occurrence of a key at a word start (and, for a whole-word key, at a
word end), whatever the whitespace, punctuation and letters around it.  The caches (the token
memo, field contexts per exact path, code-span positions of the document entities) must never
change a finding.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from postmortem_kit.blameless import scanner as blameless_scan
from postmortem_kit.blameless import triggers as blameless_triggers
from postmortem_kit.blameless.document import find_blame
from postmortem_kit.blameless.entities import Entities
from postmortem_kit.blameless.rules import from_compiled, load_rules
from postmortem_kit.blameless.scanner import prepare, scan
from postmortem_kit.core import load_yaml_text, package_file

DATA = Path(__file__).resolve().parents[2] / "data"
EXAMPLE = Path(__file__).resolve().parents[3] / "postmortems" / "INC-2026-0001.yaml"
_BEFORE = frozenset("_'’@-")  # a key right after one of these is inside a word


def _reference(index, text: str) -> dict[str, list[int]]:
    """The definition, key by key, with plain substring searches over the whole text."""
    found = {}
    for key, kind in index.kind.items():
        positions = []
        at = text.find(key)
        while at >= 0:
            before = text[at - 1] if at else " "
            after = text[at + len(key)] if at + len(key) < len(text) else " "
            starts_word = not key[0].isalnum() or not (before.isalnum() or before in _BEFORE)
            ends_word = kind != "word" or not (after.isalnum() or after in "_'-")
            if starts_word and ends_word:
                positions.append(at)
            at = text.find(key, at + 1)
        if positions:
            found[key] = positions
    return found


def _fresh_index():
    """A rule set of its own, so the token memo starts empty."""
    compiled = json.loads(package_file("postmortem_kit.blameless", "rules.compiled.json").read_text(encoding="utf-8"))
    return from_compiled(compiled).triggers


def _labelled_texts() -> list[str]:
    texts = []
    for data_file in sorted(DATA.glob("*.jsonl")):
        for line in data_file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


TRICKY = [
    "",
    "   ",
    "for",
    "for\tthe\rrecord\n\nno one\u00a0failed to look",  # tabs, carriage returns, no-break space
    "error_rate error-prone error's errors  error",  # underscore, hyphen, apostrophe, plural
    "@was x_was éwas was_ was' (was) was.was w/o tired, (again) [again]",
    "didn't didn’t didnt did-not did  not  did\u2003not",
    "failed failing fails failed-over failedx xfailed",
    "no-one no one noone no\u200bone",  # a zero-width space is not whitespace for str.split
    "for for for for for for for for for for for for for",  # many occurrences of one token
    "before information forgot for. for, (for) 'for' \"for\"",
    # one token followed by different words: some occurrences kept, others left out unsearched
    "for the for a for the for no reason for a for",
    "did not did the did not did  not did not",
    "with a little with the with a little more care with",
]


def _merged(rules, lowered: str, located: dict) -> dict[str, list[int]]:
    """Positions per key, with the spots that leave some of a key's entries out (``(key, left
    out)``, whatever the number of its entries with literal starts) counted for the key; no entry
    left out may match there unless it is tried from its anchor words (``TriggerIndex.anchors``).
    The anchor words (int keys) are left out."""
    merged: dict[str, list[int]] = {}
    for key, positions in located.items():
        if type(key) is int:
            continue
        if type(key) is tuple:
            key, left_out = key
            assert left_out and len(left_out) < len(rules.triggers.rules[key])
            entries = rules.triggers.rules[key]
            for position in positions:
                for index in left_out:
                    assert entries[index] is not None  # the cause marker is never left out
                    if index in rules.triggers.elsewhere(key):
                        continue
                    rule, part = entries[index]
                    pattern = rules._part(rule, (part,))
                    assert pattern.match(lowered, position) is None, (key, position, rule.id, lowered[:80])
        merged.setdefault(key, []).extend(positions)
    return {key: sorted(positions) for key, positions in merged.items()}


def _tried(rules, lowered: str) -> set[tuple[str, int, int]]:
    """(key, entry position, text position) of every rule entry the scanner tries: the entries of
    each located key that are not left out there, and the anchored entries near their words."""
    index = rules.triggers
    tried = set()
    for key, positions in index.locate(lowered).items():
        if type(key) is int:
            rule = index.anchors()[key][0]
            reference = _reference(index, lowered)
            for position in index.near(key, lowered, positions):
                names = [name for name in index._anchor_keys if key in index._anchor_keys[name]
                         and position in reference.get(name, ())]
                assert len(names) == 1, (position, names)  # the key at that position
                name = names[0]
                numbers = [number for number, entry in enumerate(index.rules[name]) if entry and entry[0] is rule]
                assert numbers and set(numbers) <= set(index.elsewhere(name))
                tried.update((name, number, position) for number in numbers)
            continue
        key, left_out = key if type(key) is tuple else (key, ())
        for number in range(len(index.rules[key])):
            if number not in left_out:
                tried.update((key, number, position) for position in positions)
    return tried


def _check(rules, lowered: str) -> None:
    """Every entry of every key is tried at a subset of the definition's positions of the key, and
    wherever an entry is not tried, it does not match (its literal starts do not fit there, or the
    words it needs are not within its reach)."""
    _merged(rules, lowered, rules.triggers.locate(lowered))
    reference = _reference(rules.triggers, lowered)
    tried = _tried(rules, lowered)
    for key, number, position in tried:
        assert position in reference.get(key, ()), (key, position)
    for key, positions in reference.items():
        for number, entry in enumerate(rules.triggers.rules[key]):
            pattern = rules.marker if entry is None else rules._part(entry[0], (entry[1],))
            for position in positions:
                if (key, number, position) not in tried:
                    assert pattern.match(lowered, position) is None, (key, position, entry, lowered[:80])


def test_locate_finds_what_the_definition_gives_on_tricky_text():
    rules = load_rules()
    for text in TRICKY:
        lowered = prepare(text, masked=text)
        _check(rules, lowered)


def test_locate_keeps_every_key_whose_rules_lack_literal_starts():
    """Only keys whose every rule declares literal starts are narrowed by the next token."""
    rules = load_rules()
    index = rules.triggers
    lowered = prepare(TRICKY[4], masked=TRICKY[4])
    located = _merged(rules, lowered, index.locate(lowered))
    for key, positions in _reference(index, lowered).items():
        if index._options(key) is None and len(index.elsewhere(key)) < len(index.rules[key]):
            assert located[key] == positions, key


def test_narrowing_by_the_next_token():
    index = load_rules().triggers
    index.options["zzkey"] = ("zzkey a ", "zzkey bee", "zzkeyed")
    assert index._may_start("zzkey", "a", "zzkey")  # "zzkey a ..." (the start goes on with a space)
    assert index._may_start("zzkey", "beehive", "zzkey")  # "zzkey bee" is a prefix of what follows
    assert index._may_start("zzkeyed,", "x", "zzkey")
    assert not index._may_start("zzkey", "ab", "zzkey")  # "zzkey ab" is not "zzkey a "
    assert not index._may_start("zzkey", "c", "zzkey")
    assert not index._may_start("zzkey,", "a", "zzkey")
    assert index._may_start("zzkey", "", "zzkey")  # a run of spaces: the next word is unknown
    assert not index._may_start("zzkey.", "", "zzkey")  # but no start goes on after "zzkey." with a space
    assert not index._may_start("zzkeye", "", "zzkey")  # "zzkeyed" cannot begin with "zzkeye" and a space
    assert index._may_start("zzkeyed.", "", "zzkey")  # it is held whole
    assert index._may_start("zzkey", "a\u00a0b", "zzkey")  # other whitespace: leave it to the regexes
    assert index._may_start("zzkey", None, "zzkey")  # at the end of the text a start going on with a space is kept
    assert not index._may_start("zzkex", None, "zzkey")  # but one that cannot begin there is not
    assert index._may_start("anything", "at all", "no-such-key")  # no literal starts: kept


def test_locate_finds_what_the_definition_gives_on_the_labelled_sets():
    compiled = json.loads(package_file("postmortem_kit.blameless", "rules.compiled.json").read_text(encoding="utf-8"))
    rules = from_compiled(compiled)  # a rule set of its own: the memos start empty
    texts = _labelled_texts()
    assert len(texts) > 1000
    for text in texts:
        _check(rules, prepare(text, masked=text))
    # joined as incident prose is joined (paragraph breaks), with the memos now warm
    joined = "\n\n".join(texts[:300])
    _check(rules, prepare(joined, masked=joined))


def test_the_token_memo_is_a_cache_only(monkeypatch):
    """Past its size limit the memos start again (they stay bounded) and the answers stay the same."""
    texts = [prepare(text, masked=text) for text in _labelled_texts()[:400]]
    warm = _fresh_index()
    expected = [warm.locate(text) for text in texts]
    assert warm.memo and warm.carriers <= warm.memo.keys() and warm.narrowed <= warm.carriers and warm.pairs
    monkeypatch.setattr(blameless_triggers, "_MEMO_LIMIT", 20)
    small = _fresh_index()
    assert [small.locate(text) for text in texts] == expected
    longest = max(len(set(text.replace("\n", " ").split(" "))) for text in texts)
    tokens = max(len(text.replace("\n", " ").split(" ")) for text in texts)
    assert len(small.memo) <= max(20, longest) and small.pairs <= max(20, tokens)
    assert small.carriers <= small.memo.keys() and small.narrowed <= small.carriers


def test_locate_scales_linearly_with_many_carriers():
    index = load_rules().triggers
    small, large = ("for no was " * 2_000), ("for no was " * 8_000)
    index.locate(small)

    def best(text):
        times = []
        for _ in range(3):
            started = time.process_time()
            index.locate(text)
            times.append(time.process_time() - started)
        return min(times)

    assert best(large) <= 10 * best(small) + 0.05


def test_code_spans_of_document_entities_match_the_line_count_definition():
    lexicon = load_rules().lexicon
    text = "Use `Kiam` here\nand `Flux `twice` on\none line`` with ` odd\n`Atlas` Atlas\n"
    entities = Entities(text, lexicon)
    for start in range(len(text)):
        line_start = text.rfind("\n", 0, start) + 1
        assert entities._in_code_span(start) == (text.count("`", line_start, start) % 2 == 1), start
    assert not Entities("no ticks at all", lexicon)._in_code_span(5)


def test_field_contexts_remembered_per_path_give_the_same_findings():
    """The second check of a file reads the field contexts from the per-path cache."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "The readiness probe checked database reachability but not pool saturation.",
        "Dana ignored the alert and the engineer failed to check the pool size.")
    doc = load_yaml_text(text, "x.yaml")
    first = [f.to_dict() for f in find_blame(doc, "x.yaml")]
    second = [f.to_dict() for f in find_blame(load_yaml_text(text, "x.yaml"), "x.yaml")]
    assert first and first == second


@pytest.mark.parametrize("spaces", [" ", "  ", "\n", "\t", " \n\t "])
def test_findings_do_not_depend_on_the_whitespace_between_words(spaces):
    from postmortem_kit.blameless import lint_text

    words = "The on-call engineer failed to check the alert because of human error".split(" ")
    found = lint_text(spaces.join(words), "x.md", markdown=False)
    assert {f.rule for f in found} == {f.rule for f in lint_text(" ".join(words), "x.md", markdown=False)}
    assert found


@pytest.mark.parametrize("depth", [0, 1, 2, 40])
def test_prose_items_is_the_same_walk_at_any_depth_limit(monkeypatch, depth):
    """Past the depth limit the walk goes on with an explicit stack; the strings and their order stay."""
    from postmortem_kit.blameless import document

    data = load_yaml_text(EXAMPLE.read_text(encoding="utf-8"), "x.yaml").data
    expected = document._walk_stack(data, document._plan(document.root_shape()), ())
    assert len(expected) > 50
    monkeypatch.setattr(document, "_DEPTH", depth)
    assert document.prose_items(data) == expected


@pytest.mark.parametrize("gap", [" ", "\n\n", " " * 400, " \t\n" * 150])
def test_entries_tried_from_their_anchor_words_find_what_every_key_occurrence_finds(gap):
    """An entry with no literal starts but long needed words (BL136: "to/at/on ... production ...
    instead of ... staging") is tried only at the occurrences of its keys within its reach before
    such a word, the reach counted with whitespace collapsed: long runs of spaces between the
    words change nothing."""
    compiled = json.loads(package_file("postmortem_kit.blameless", "rules.compiled.json").read_text(encoding="utf-8"))
    anchored = from_compiled(compiled)
    plain = from_compiled(compiled)
    plain.triggers.key_needs = {}
    assert anchored.triggers.anchors() and not plain.triggers.anchors()
    words = ("The contractor ran the migration against production instead of staging, then went on to "
             "point it at the primary instead of the replica. In the end it ran on prod").split(" ")
    text = gap.join(words) + gap + "instead of the test cluster. " + "To be clear, " * 30 + "instead."
    lowered = prepare(text, masked=text)
    _check(anchored, lowered)

    def found(rules):
        return [(m.rule.id, m.start, m.end) for m in scan(text, rules=rules)]

    def hits(rules):  # before the grammar's questions (a paragraph break ends the sentence)
        return [(position, rule and rule.id, m.span()) for position, rule, m in blameless_scan._hits(lowered, rules)]

    assert found(anchored) == found(plain)
    assert hits(anchored) == hits(plain)
    assert len([hit for hit in hits(plain) if hit[1] == "BL136"]) == 3


@pytest.mark.parametrize("gap", [" ", "\n\n", " " * 60, " \t\n" * 30])
def test_an_alternative_tried_at_many_keys_is_tried_from_its_needed_word(gap):
    """BL148's "made the load / errors / backlog / incident ... worse" starts with look-behinds, so it
    has no literal starts, and it has 15 keys: it is tried from "worse" (``anchoring._many_keys``), and
    a key all of whose entries are so tried ("load") is not looked for.  The hits are those of trying
    it at every occurrence of every key, whatever the whitespace between the words."""
    from postmortem_kit.blameless import anchoring

    compiled = json.loads(package_file("postmortem_kit.blameless", "rules.compiled.json").read_text(encoding="utf-8"))
    anchored = from_compiled(compiled)
    plain = from_compiled(compiled)
    plain.triggers.key_needs = {}
    assert any(rule.id == "BL148" and "worse" in words for rule, _, words, _, _ in anchored.triggers.anchors())
    assert "load" in anchored.triggers._dropped
    words = ("The operator made the load much worse by retrying, then made the backlog worse again. "
             "The load was fine, the errors stayed flat and nothing got worse; later he made the incident "
             "far worse and the latency worse").split(" ")
    text = gap.join(words) + gap + "The load and the errors were normal. " * 20 + "worse."
    lowered = prepare(text, masked=text)
    _check(anchored, lowered)

    def hits(rules):
        return [(position, rule and rule.id, m.span()) for position, rule, m in blameless_scan._hits(lowered, rules)]

    assert hits(anchored) == hits(plain)
    # its look-behinds ("made the ") take one whitespace character between the words
    assert len([hit for hit in hits(plain) if hit[1] == "BL148"]) == (3 if gap == " " else 0)
    assert [m.rule.id for m in scan(text, rules=anchored)] == [m.rule.id for m in scan(text, rules=plain)]
    # A needed word that a key's word begins with or goes on into gains nothing: not anchored so.
    assert not anchoring._many_keys(["unappr", "unrevi", "untest", "unvali"], ("approved", "reviewed"))
    assert not anchoring._many_keys(["blatan", "clearl", "obviou", "eviden"], ("clearly", "obviously"))
    assert anchoring._many_keys(["load", "errors", "incide", "outage"], ("worse",))
    assert not anchoring._many_keys(["load", "errors", "incide"], ("worse",))


def _fits_by_scanning(rest, following, options):
    """The literal-start test as a plain scan of every start (what the indexed test must equal)."""
    if options is None:
        return True
    seen = rest if following is None or following == "" else rest + " " + following
    if " ".join(seen.split()) != seen:
        return True
    size = len(seen)
    return any(seen.startswith(start) if len(start) <= size else start.startswith(seen + " ") for start in options)


def test_the_indexed_literal_start_test_answers_as_a_scan_of_every_start():
    import random

    words = ["a", "an", "the", "to", "not", "didn't", "did", "go", "ignore", "ignored", "the alert", "to the",
             "not even", "x y z", "fail", "failed to", "a b", "(again", "on-call"]
    rnd = random.Random(7)
    for _ in range(5000):
        options = tuple(sorted({" ".join(rnd.choice(words) for _ in range(rnd.randint(1, 3)))
                                for _ in range(rnd.randint(1, 12))}))
        rest = rnd.choice(words + ["", "th", "fai", "didn", "ignored,"]).split(" ")[0]
        following = rnd.choice([None, "", "the", "alert", "to", "x", "fail", "ignored", "a\tb"])
        assert blameless_triggers.TriggerIndex._fits(rest, following, options) == \
            _fits_by_scanning(rest, following, options), (rest, following, options)
    rules = load_rules()
    for key in list(rules.triggers.rules)[:400]:  # the real start sets, each word of their own starts
        options = rules.triggers._options(key)
        for start in options or ():
            first, _, rest_of = start.partition(" ")
            following = rest_of.split(" ")[0]
            for pair in ((first, following), (first, None), (first[:-1], ""), (first, "zzz")):
                assert blameless_triggers.TriggerIndex._fits(*pair, options) == _fits_by_scanning(*pair, options)
