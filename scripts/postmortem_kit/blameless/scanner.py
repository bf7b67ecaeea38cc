"""Text in, blameless-rule matches (with exact offsets) out.

The text is split into words once; every rule is indexed by the literal
starts of its regex, so a rule is tried (anchored, compiled on first use)
only where one of its trigger words occurs.  Each candidate then answers the
rule's conditions with bounded grammar questions (who is the subject, is it
negated, is this meta-text), so the cost per candidate does not grow with the
length of the text, and the whole scan is linear.
"""

from __future__ import annotations

import re
from itertools import repeat

from postmortem_kit.blameless.anchoring import needed_near
from postmortem_kit.blameless.grammar import Grammar, Phrase
from postmortem_kit.blameless.mask import mask_inline
from postmortem_kit.blameless.match_context import (
    FAULT_SUBJECTS,
    hypothetical,
    negated,
    nominal,
    object_ok,
    object_spans,
    passive_agent,
    subject_of,
)
from postmortem_kit.blameless.rules import Rule, RuleSet, load_rules
from postmortem_kit.blameless.tokens import lower_case
from postmortem_kit.core import LazyRegex

_ORGANISATION_VOICE = frozenset({"we", "us", "our", "ours", "ourselves"})
_CONTRIBUTING_ASIDE = LazyRegex(r"\(contributing factor|contributing factor #?\d")


class Match:
    __slots__ = ("rule", "start", "end", "text")

    def __init__(self, rule: Rule, start: int, end: int, text: str):
        self.rule = rule
        self.start = start
        self.end = end
        self.text = text

    def __repr__(self) -> str:
        return f"Match({self.rule.id}, {self.start}, {self.end}, {self.text!r})"


class Region:
    """A span of the text with its field context (one prose string of an incident)."""

    __slots__ = ("start", "end", "cause", "cause_subject")

    def __init__(self, start: int, end: int, cause: bool = False, cause_subject: bool = False):
        self.start = start
        self.end = end
        self.cause = cause  # names of people are flagged here
        self.cause_subject = cause_subject  # a person as the first subject is flagged here


def prepare(text: str, *, masked: str | None = None) -> str:
    """The text the rules read: masked, lower-cased, curly apostrophes made straight (same length)."""
    return lower_case(mask_inline(text) if masked is None else masked)


def scan(text: str, *, rules: RuleSet | None = None, regions: list[Region] | None = None,
         masked: str | None = None, cause_spans: list[tuple[int, int]] | None = None,
         meta_spans: list[tuple[int, int]] | None = None, dedupe: bool = True,
         hits: list | None = None, lowered: str | None = None) -> list[Match]:
    """Every rule match in ``text``, in order of position.

    ``masked`` is the text after masking (for Markdown, the caller masks
    blocks too); ``regions`` carry the field context of joined incident prose;
    ``cause_spans`` are extra spans where names count as causes (Markdown
    sections under a root-cause heading); in ``meta_spans`` (headings) the
    negatable rules are off, since a heading names a topic, not a claim.
    ``hits`` are rule hits found on the unmasked text (see ``raw_hits``): they
    are re-checked against the masked text instead of searching again.
    ``lowered`` is ``prepare(text, masked=masked)`` when the caller has it already.
    """
    rules = rules or load_rules()
    if lowered is None:
        lowered = prepare(text, masked=masked)
    grammar = Grammar(text, lowered, rules.lexicon)
    matches: list[Match] = []
    causes: list[tuple[int, int]] = list(cause_spans or [])
    cause_subjects: list[tuple[int, int]] = []
    if regions:
        for region in regions:
            if region.cause:
                causes.append((region.start, region.end))
            if region.cause_subject:
                cause_subjects.append((region.start, region.end))
    if hits is None:
        found_hits = _hits(lowered, rules)
    else:
        found_hits = _recheck(hits, lowered, rules)
    for position, rule, m in found_hits:
        if rule is None:
            causes.append(_marker_span(grammar, m))
            continue
        found = _evaluate(rule, m, grammar, rules, causes)
        if found is not None:
            matches.append(found)
    matches.extend(_detectors(rules, grammar, causes, cause_subjects))
    if meta_spans:
        matches = [match for match in matches if not (_phrase_only(match.rule) and _inside(match.start, meta_spans))]
    matches.sort(key=_order)
    return _dedupe(matches) if dedupe else matches


def _order(match: Match) -> tuple[int, int, int, int]:
    """Position first; on the same phrase a high-confidence rule wins over a medium one, then a
    rule anchored on the words before it (requires_before) over a general one (BL113 over BL083)."""
    from postmortem_kit.blameless.confidence import HIGH, tier_of  # read only when a match was made

    return (match.start, -match.end, 0 if tier_of(match.rule.id) == HIGH else 1,
            0 if match.rule.requires_before is not None else 1)


def _marker_span(grammar: Grammar, m: re.Match) -> tuple[int, int]:
    sentence_start, sentence_end = grammar.sentence(m.start())
    if _CONTRIBUTING_ASIDE.match(m.group()):
        return sentence_start, sentence_end
    return m.end(), sentence_end


def raw_hits(text: str, rules: RuleSet | None = None) -> tuple[str, list]:
    """Rule hits on the text before masking, and the lower-cased text they refer to.

    Masking only ever removes matches, so a text with no raw hit has no
    finding from the phrase rules, and only the strings around hits need
    masking at all.
    """
    rules = rules or load_rules()
    lowered = lower_case(text)
    return lowered, _hits(lowered, rules)


def _recheck(hits: list, lowered: str, rules: RuleSet) -> list:
    kept = []
    for position, rule, first in hits:
        m = first.re.match(lowered, position)  # the same (already compiled) pattern, on the masked text
        if m is not None:
            kept.append((position, rule, m))
    return kept


def _hits(lowered: str, rules: RuleSet) -> list[tuple[int, Rule | None, re.Match]]:
    """Every place a rule's regex matches, tried only where one of its literal starts occurs.

    The trigger index locates every key of the text in one pass (``TriggerIndex.locate``);
    keys that do not occur cost nothing, and only a key's own rules are tried at its
    positions (anchored).  A few entries are tried only near the words they need
    (``TriggerIndex.anchors``), which the locator reports under int keys, instead of at every
    occurrence of their key.
    """
    hits: list[tuple[int, int, Rule | None, re.Match]] = []
    literals: dict[str, bool] = {}  # substring tests already made on this text
    fixed = rules.fixed_plans
    triggers = rules.triggers
    for key, positions in triggers.locate(lowered).items():
        plan = fixed.get(key)  # the plan of a key (or of a key less some entries), once it is fixed
        if plan is None:
            if type(key) is int:  # the words an entry needs ("instead"): it is tried at its keys just before
                rule, alternatives, _, _, _ = triggers.anchors()[key]
                if not needed_near(triggers, key, lowered, positions):
                    continue  # another word the rule needs ("production") is not near its words
                rank, pattern = rules.order[rule.id], rules._part(rule, alternatives)
                near = triggers.near(key, lowered, positions)
                hits.extend((m.start(), rank, rule, m) for m in filter(None, map(pattern.match, repeat(lowered), near)))
                continue
            plan = rules.plan_at(key, lowered, literals, positions.copy)
        if len(positions) == 1:  # most keys occur once in a text: no iterator objects
            at = positions[0]
            for rank, rule, pattern in plan:
                m = pattern.match(lowered, at)
                if m is not None:
                    hits.append((at, rank, rule, m))
            continue
        for rank, rule, pattern in plan:  # anchored matches at every position (C-level calls; few succeed)
            for m in filter(None, map(pattern.match, repeat(lowered), positions)):
                hits.append((m.start(), rank, rule, m))
    hits.sort(key=_position_rank)
    return [(position, rule, m) for position, _, rule, m in hits]


def _position_rank(hit: tuple) -> tuple[int, int]:
    return hit[0], hit[1]


def _group(m: re.Match, name: str) -> tuple[int, int]:
    try:
        return m.span(name)
    except IndexError:  # the rule has no such group
        return -1, -1


def _evaluate(rule: Rule, m: re.Match, grammar: Grammar, rules: RuleSet, causes) -> Match | None:
    """The match as a finding-to-be, or None when the rule's conditions say the text is clean."""
    start, end = m.span()
    while end > start and grammar.masked[end - 1].isspace():
        end -= 1
    if rule.context == "cause" and not _inside(start, causes):
        return None
    subject_at = start  # where the words before the match begin (after requires_before)
    if rule.requires_before is not None:
        before = rule.requires_before.search(grammar.masked, max(0, start - 80), start)
        if before is None:
            return None
        subject_at = before.start()
    if rule.sentence_start:
        sentence_start, _ = grammar.sentence(start)
        if grammar.masked[sentence_start:start].strip(" \t\n\"'“‘(*-#>0123456789:"):
            return None
    verb_start, verb_end = _group(m, "verb")
    if rule.verb_before:
        verb = grammar.previous_word(start)
        if verb is None or verb.lower in rule.not_verbs:
            return None
        verb_start, verb_end = verb.start, verb.end
        start = verb.start
    verb_word = grammar.masked[verb_start:verb_end] if verb_start >= 0 else ""
    if rule.verbs is not None and verb_word and verb_word not in rule.verbs:
        return None
    if verb_word and verb_word in rule.not_verbs:
        return None

    subject: Phrase | None = None
    objects = object_spans(m)
    if rule.subject in FAULT_SUBJECTS:
        # What the sentence is about must be a failure or a faulty artefact: "the mistake |was
        # made by|", "this one |is on|"; checked together with the object, if any.
        subject = grammar.left_subject(subject_at)
        if subject.cls == "negative" or not grammar.is_fault(subject, demonstrative=rule.subject == "fault-or-this"):
            return None
    if objects and rule.object:
        obj_start, obj_end = objects[0]
        # A group that ends the match is lazy and says nothing about where the phrase ends.
        phrase = grammar.noun_phrase_at(obj_start, obj_end if obj_end < end else None)
        if not object_ok(phrase, rule.object) or rule.person_evidence and not grammar.person_evidence(phrase):
            return None
        if obj_end >= end and phrase.end > obj_start:
            end = phrase.end  # report the whole person ("made by the release engineer"), not the lazy minimum
    elif rule.subject not in ("any",) + FAULT_SUBJECTS or rule.subject_scope == "possessor":
        subject = _acting_subject(rule, subject_at, start, end, verb_word, grammar)
        if subject is None and rule.requires_before is not None:
            # Thirteenth round: the act may be a later verb of the window ("the page went unanswered
            # because Dmitri had silenced ...", "Ahmed pushed ...": "went" and "Ahmed" read as the act
            # first); try the next two places where the words before the match fit, with a subject of their own.
            for _ in range(2):
                before = rule.requires_before.search(grammar.masked, subject_at + 1, start)
                if before is None:
                    break
                earlier, subject_at = subject_at, before.start()
                subject = _acting_subject(rule, subject_at, start, end, verb_word, grammar)
                if subject is not None and (subject.start < earlier or subject.head in _ORGANISATION_VOICE):
                    # the later verb's subject must be new, not the one already refused, and a person:
                    # the organisation's "we" is read by the speaker test from the sentence's start
                    subject = None
                if subject is not None:
                    break
        if subject is None:
            return None
        if rule.subject_scope == "possessor" and subject.end == start and subject.cls in ("person", "named", "weak"):
            start = subject.start

    if rule.negatable and negated(rule, start, end, grammar, rules, subject):
        return None
    if rule.person_in_sentence:
        sentence_start, sentence_end = grammar.sentence(start)
        if not grammar.mentions_person(sentence_start, sentence_end):
            return None
    if rule.planned_exempt:  # thirtieth round: the sentence says the act was planned or approved
        sentence_start, sentence_end = grammar.sentence(start)
        if rules.authorised.search(grammar.masked, sentence_start, sentence_end) is not None:
            return None
    return Match(rule, start, end, grammar.original[start:end])


def _acting_subject(rule: Rule, subject_at: int, start: int, end: int, verb_word: str,
                    grammar: Grammar) -> Phrase | None:
    """The person the rule needs as the actor of the words at ``subject_at``, or None."""
    subject = subject_of(rule, subject_at, grammar)
    weak_ok = rule.weak_ok or (rule.weak_verbs is not None and verb_word in rule.weak_verbs)
    if subject.cls == "negative":
        return None
    if subject.cls == "unknown" and rule.unknown_verbs is not None and verb_word in rule.unknown_verbs:
        pass  # "the secondary should have escalated": only people escalate
    elif not subject.satisfies(rule.subject, weak_ok=weak_ok):
        agent = passive_agent(end, grammar)
        if agent is None or not agent.satisfies(rule.subject, weak_ok=weak_ok) or agent.cls == "unknown":
            return None
        subject = agent
    if rule.person_evidence and not grammar.person_evidence(subject, weak_ok=weak_ok):
        return None
    if rule.hypothetical and hypothetical(subject, start, grammar):
        return None
    if rule.nominal and not nominal(subject, grammar):
        return None
    return subject


def _phrase_only(rule: Rule) -> bool:
    """A rule that fires on a phrase alone (no person test): a heading only names the topic."""
    return rule.negatable and rule.subject == "any" and rule.object is None and not rule.detector


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= position < e for s, e in spans)


def _detectors(rules: RuleSet, grammar: Grammar, causes, cause_subjects) -> list[Match]:
    found: list[Match] = []
    if not causes and not cause_subjects:
        return found
    for rule in rules.detectors:
        if rule.detector == "named-in-cause":
            for start, end in _merge(causes):
                for token in grammar.names_in(start, end):
                    text = token.text
                    trimmed = re.sub(r"(?:['’]s|s['’]|['’])\Z", "", text)
                    found.append(Match(rule, token.start, token.start + len(trimmed), trimmed))
        elif rule.detector == "person-first-in-cause":
            for start, end in cause_subjects:
                if not _may_start_with_person(grammar, start, end):
                    continue
                phrase = grammar.first_phrase(start, min(end, start + 60))
                if phrase.cls in ("person", "named") or phrase.possessive_person:
                    begin = phrase.start
                    lead = grammar.masked[start:begin].strip()
                    if lead and lead in grammar.determiners:  # report "An engineer", not "engineer"
                        begin = grammar.masked.index(lead, start)
                    found.append(Match(rule, begin, phrase.end, grammar.original[begin:phrase.end]))
    return found


_POSSESSIVE_END = LazyRegex(r"(?:'s|s'|’s|')\Z")
_FIRST_WORDS = LazyRegex(r"\s*(?:(?:the|a|an|our|one|this|that|their|his|her)\s+)?([\w@'’.-]{1,40})"
                          r"(?:\s+([\w@'’.-]{1,40}))?(?:\s+([\w@'’.-]{1,40}))?")


def _may_start_with_person(grammar: Grammar, start: int, end: int) -> bool:
    """Cheap test before the grammar: could the first words of a cause field name a person?"""
    m = _FIRST_WORDS.match(grammar.masked, start, min(end, start + 120))
    if m is None:
        return False
    for index, word in enumerate(m.groups()):
        if not word:
            continue
        base = _POSSESSIVE_END.sub("", word) if "'" in word or "’" in word else word
        if "@" in word or base in grammar.person_nouns or base in grammar.pronouns or base in grammar.weak \
                or base in grammar.names.curated or grammar.original[m.start(index + 1)].isupper() and index == 0 and \
                base not in grammar.not_names and base not in grammar.systems:
            return True
        if base.endswith("s") and base[:-1] in grammar.person_nouns:
            return True
    return False


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join spans that overlap or are separated by a paragraph break only (adjacent fields)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 2:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _dedupe(matches: list[Match]) -> list[Match]:
    """One finding per phrase: drop matches that overlap an earlier, kept one, except that a
    high-confidence match replaces an overlapping medium one (a warning never hides an error)."""
    kept: list[Match] = []
    for match in matches:
        if kept and match.start < kept[-1].end:
            if _outranks(match, kept[-1]):
                kept[-1] = match
            continue
        kept.append(match)
    return kept


def _outranks(match: Match, other: Match) -> bool:
    from postmortem_kit.blameless.confidence import HIGH, tier_of  # read only when two matches overlap

    return match.rule.id != other.rule.id and tier_of(match.rule.id) == HIGH and tier_of(other.rule.id) != HIGH


dedupe = _dedupe  # for callers that filter matches before deduplicating (Markdown headings)
