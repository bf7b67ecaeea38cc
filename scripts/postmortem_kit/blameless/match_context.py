"""Questions about one rule match in its sentence: whose act is it, and is it really asserted?

The subject a rule needs (immediate, clause or possessor), the object, the
agent of a passive, whether a "would have" names a hypothetical person or a
system condition, whether a gerund's subject sits inside a noun phrase, and
whether the match is negated or discussed rather than asserted.  The scanner
asks these after a rule's regex matched.
"""

from __future__ import annotations

import re

from postmortem_kit.blameless.grammar import Grammar, Phrase
from postmortem_kit.blameless.rules import Rule, RuleSet
from postmortem_kit.core import LazyRegex

_AFTER_NEGATION = LazyRegex(
    # "operator error |was not| a factor"; the words in between stay in the same clause
    # ("X's fault |that the backups were never| tested" is not a denial of the fault).
    r"(?:\s+(?!(?:that|which|who|when|because|since|and|but|so|while|if|as|after|before|where|until)"
    r"(?![\w'’-]))[\w'’-]{1,30}){0,3}?\s+(?:is|was|are|were|has\s+been|have\s+been|had\s+been)"
    r"(?:n['’]t|\s+not|\s+never|\s+rarely|\s+seldom|\s+ruled\s+out|\s+excluded|\s+dismissed|\s+rejected)(?![\w-])"
    r"|\s*(?:isn['’]t|wasn['’]t|aren['’]t|weren['’]t)(?![\w-])"
)


def object_ok(phrase: Phrase, wanted: str) -> bool:
    if phrase.cls == "negative":
        return False
    if wanted == "named-direct":
        return phrase.cls == "named"
    if wanted == "person":
        return phrase.satisfies("person") or phrase.possessive_person
    return phrase.satisfies("named") or phrase.possessive_named


_BY = LazyRegex(r"\s+by\s+")
FAULT_SUBJECTS = ("fault", "fault-or-this")


def passive_agent(end: int, grammar: Grammar) -> Phrase | None:
    """The agent of a passive ("was bungled |by the platform team")."""
    m = _BY.match(grammar.masked, end)
    if m is None:
        return None
    return grammar.noun_phrase_at(m.end())


_LINKING = LazyRegex(r"(?:(?<![\w@'’.-])(?:to|at|the|a|an|of|in|by|out|over|up)\s+){1,3}\Z")  # not the end of a handle (@kwame.a)


def subject_of(rule: Rule, start: int, grammar: Grammar) -> Phrase:
    subject = _subject_of(rule, start, grammar)
    if subject.cls == "weak" and (_they_are_systems(subject.start, grammar) or _passive_patient(subject, start, grammar)):
        return Phrase("system", subject.start, subject.end, head=subject.head)
    return subject


def _passive_patient(subject: Phrase, start: int, grammar: Grammar) -> bool:
    """"They were promoted to production without a review": "they" is acted on, in the same
    clause as the match (not "they were warned but ignored it", where a new verb phrase acts)."""
    if subject.end < 0 or subject.end > start or _PASSIVE_AFTER.match(grammar.masked, subject.end) is None:
        return False
    return _NEW_VERB_PHRASE.search(grammar.masked, subject.end, start) is None


_NEW_VERB_PHRASE = LazyRegex(r",|;|\s(?:and|but|then|yet|so)\s")


# "They |were promoted| to production without a review": "they" is what was acted on, not who acted.
_PASSIVE_AFTER = LazyRegex(r"\s+(?:were|are|had\s+been|have\s+been|got|get|being)\s+(?:[a-z]{2,20}ly\s+)?[a-z]{2,20}(?:ed|en)(?![\w-])")


def _they_are_systems(position: int, grammar: Grammar) -> bool:
    """"The replicas kept serving stale reads because |they| ignored the lease": a plural system
    earlier in the sentence, and no person before "they", is what "they" stands for."""
    if position < 0:
        return False
    start, _ = grammar.sentence(position)
    tokens = grammar.tokens(start, position)
    plural_system = False
    for index, token in enumerate(tokens):
        if token.kind != "w":
            continue
        cls, _ = grammar.word_class(tokens, index)
        if cls in ("person", "named"):
            return False
        plural_system = plural_system or cls == "system" and token.lower.endswith("s")
    return plural_system


def _subject_of(rule: Rule, start: int, grammar: Grammar) -> Phrase:
    if rule.subject_scope == "possessor":
        return grammar.possessor(start)
    # A match anchored after linking words ("was at |fault", "is to |blame"): read the subject before them.
    linking = _LINKING.search(grammar.masked, max(0, start - 40), start)
    if linking is not None:
        start = linking.start()
    left = grammar.left_subject(start)
    if rule.subject_scope == "immediate":
        return left
    if left.satisfies(rule.subject) and left.cls not in ("unknown", "none"):
        return left
    clause = grammar.clause_subject(start)
    # "They ran the script against production": a rule that accepts "they" accepts it as the clause subject too.
    if clause.cls == "negative" or clause.satisfies(rule.subject, weak_ok=rule.weak_ok) \
            and clause.cls not in ("unknown", "none"):
        return clause
    return left if left.cls != "none" else clause


_CONDITION = LazyRegex(r"(?<![\w'’-])(?:if|unless|had|with|without|once|given|because|since)\s+")


def hypothetical(subject: Phrase, start: int, grammar: Grammar) -> bool:
    """A "would have noticed" that is not a verdict: its person is a hypothetical one ("a
    second reviewer would have caught it") or its condition is a system ("if the alert had
    paged", "with a burn-rate alert"); a belief explained by a system is not a verdict either
    ("because the dashboard showed stale data, the engineer believed ...")."""
    if grammar.hypothetical_person(subject):
        return True
    sentence_start, sentence_end = grammar.sentence(start)
    for m in _CONDITION.finditer(grammar.masked, sentence_start, sentence_end):
        if grammar.noun_phrase_at(m.end()).cls == "system":
            return True
    return False


_NOMINAL_BEFORE = frozenset({"was", "is", "were", "are", "be", "been", "of", "to", "by", "from", "about", "over", "like",
                             "with", "on", "than", "just", "simply", "merely", "purely", "basically"})


def nominal(subject: Phrase, grammar: Grammar) -> bool:
    """Is the subject of a gerund inside a noun phrase ("a case of |someone| not reading",
    "it was |the operator| not checking")?  Not a clause of its own ("the engineers, not
    monitoring the replica, ...")."""
    if subject.start < 0:
        return False
    before = grammar.masked[max(0, subject.start - 40):subject.start].rstrip()
    if before.endswith((":", "—", "–")):
        return True
    word = grammar.previous_word(subject.start)
    return word is not None and word.lower in _NOMINAL_BEFORE


# The consequent of a counterfactual told first ('None of this would have happened| if the reviewer had
# ...'): its negation belongs to the outcome, not to the person's act in the "if" clause.
_CONSEQUENT = LazyRegex(r"(?<![\w'’-])would(?:n['’]t| not| never)? (?:have|be)(?![\w'’-])[^,;:]{0,60}$", re.IGNORECASE)


def negated(rule: Rule, start: int, end: int, grammar: Grammar, rules: RuleSet, subject: Phrase | None) -> bool:
    window_start = grammar.sentence_clause_start(start)
    if grammar.masked[start:start + 3].lower() == "if " and _CONSEQUENT.search(grammar.masked, window_start, start):
        window_start = start
    negation_end = start
    if subject is not None and subject.start >= 0:
        window_start = min(window_start, subject.start)
        if rule.negated_verb_blames and subject.end <= start:
            # "Priya |never should have| merged", "he |wasn't| paying attention": a negation
            # inside the verb group is part of the judgement, not a denial of it.
            negation_end = subject.start
    if grammar.negated_before(window_start, negation_end):
        return True
    after = grammar.masked[end:end + 120]
    if _AFTER_NEGATION.match(after):
        return True
    sentence_start, sentence_end = grammar.sentence(start)
    return rules.meta.search(grammar.masked, sentence_start, sentence_end) is not None


_OBJECT_GROUPS: dict[re.Pattern, tuple[str, ...]] = {}


def object_spans(m: re.Match) -> list[tuple[int, int]]:
    """The spans of the match's object groups that took part ("obj", "obj2", ... "objN", in order); each
    alternative of a rule names its own group, so one match fills at most one."""
    names = _OBJECT_GROUPS.get(m.re)
    if names is None:
        names = tuple(sorted((name for name in m.re.groupindex
                              if name == "obj" or name.startswith("obj") and name[3:].isdigit()),
                             key=lambda name: int(name[3:] or 1)))
        _OBJECT_GROUPS[m.re] = names
    return [span for span in map(m.span, names) if span[0] >= 0]
