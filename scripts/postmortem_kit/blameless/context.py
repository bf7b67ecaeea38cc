"""Second look at a match in its sentence: who the subject really is, and whether a name is a system.

The scanner decides with bounded, local grammar; real postmortems need a few
wider readings, each a short, bounded look at the words around the match:

* **document entities** (``entities.py``): a capitalised word the document shows
  to be a service, product, company or acronym is not a person, so the
  named-individual rules do not fire on it ("due to Concourse being down",
  "Root cause: Rustup's proxy table", "SAM names");
* **relative clauses and participles**: in "the team owning the job that caused
  the spike" and "the owner of the Ingress causing the issue" the subject of the
  verb is the noun right before it, not the person further left;
* **gerund subjects**: in "Naming an incident commander early could have
  shortened the call" the subject is an action (a process counterfactual), not
  the person inside it;
* **generic "you" with a modal**: "you can skip the cooldown by ..." is an
  instruction, not an accusation.

``keep`` returns False for a match one of these readings clears.
"""

from __future__ import annotations

import re

from postmortem_kit.blameless.names import open_name
from postmortem_kit.blameless.software import software_subject
from postmortem_kit.core import LazyRegex

_CLAUSE_BREAK = LazyRegex(r"[.!?;:\n]|\s[-–—]\s")
_LEAD = LazyRegex(r"[\s*_>#\-+\d.)(\[\]\"'“‘]*")
_WORDS = LazyRegex(r"[A-Za-z][\w'’-]{0,39}")
_CAPITAL = LazyRegex(r"(?<![\w@'’-])([A-Z][\w'’-]{0,39})")
# "the wrong site |IDs|", "two |URLs|": a plural acronym never names the person (thirteenth round).
_PLURAL_ACRONYM = LazyRegex(r"[A-Z]{2,6}s\Z")
_RELATIVE = LazyRegex(r"([A-Za-z][\w'’-]{0,39})\s+(?:that|which)\s+\Z")
_PREVIOUS = LazyRegex(r"([A-Za-z][\w'’-]{0,39})\s+\Z")
_YOU_MODAL = LazyRegex(r"(?<![\w'’-])you\s+(?:can|could|may|might|should|will|would|need\s+to|have\s+to|must)\s+"
                       r"(?:(?:also|still|just|then|always|[a-z]{2,20}ly)\s+){0,2}\Z", re.IGNORECASE)
_SUBJECT_RULES = ("person", "not-system", "person-or-owner", "named")
_NAMED_OBJECTS = ("named", "named-direct", "person")
_KEYWORDS = frozenset({"root", "cause", "causes", "contributing", "factor", "factors", "lesson", "lessons", "learned",
                       "primary", "trigger", "culprit", "due", "because", "owing", "caused", "by", "the", "a", "an",
                       "our", "one", "i", "if", "had"})
_POSSESSIVE = re.compile(r"(?:['’]s|['’])\Z")


class Context:
    """What the second look needs about one document: its text, entities and word lists."""

    __slots__ = ("text", "entities", "people", "pronouns", "given")

    def __init__(self, text: str, entities, lexicon: dict[str, frozenset[str]]):
        self.text = text
        self.entities = entities
        self.people = lexicon.get("person_nouns", frozenset())
        self.pronouns = lexicon.get("person_pronouns", frozenset()) | lexicon.get("weak_pronouns", frozenset())
        self.given = lexicon.get("given_names", frozenset())

    def is_person_word(self, word: str, *, names: bool = True) -> bool:
        base = _POSSESSIVE.sub("", word).lower()
        return base in self.people or base in self.pronouns or (names and base in self.given) or \
            (base.endswith("s") and base[:-1] in self.people) or \
            (names and word[:1].isupper() and open_name(base, self.given) and word not in self.entities)

    def is_entity(self, word: str) -> bool:
        return word in self.entities  # an ``entities.Entities``: looked up lazily, per word


def keep(rule, start: int, end: int, context: Context) -> bool:
    """False when a wider reading of the sentence clears the match."""
    text = context.text
    clause_start = _clause_start(text, start)
    before = text[clause_start:start]
    subject_rule = rule.subject in _SUBJECT_RULES
    # A clause-scope rule's subject is among the clause's first words, not the words right before the match.
    head = _clause_head(before) if rule.subject_scope == "clause" else before
    if subject_rule or rule.object in _NAMED_OBJECTS or rule.detector:
        if _names_are_entities(rule, text[start:end], head, context):
            return False
    if rule.person_evidence and rule.detector and not _person_evidence(text[start:end], context) \
            and not _personal_pronoun_after(text, end):
        return False
    if software_subject(text[start:end], before):  # "the sync daemon stupidly overwrote ..."
        return False
    if subject_rule and rule.subject_scope != "possessor":  # a possessor is inside the match
        if _unevidenced_name(head, context):
            return False
        # A frame rule (its act found before the match, the subject at the clause's start) may start right
        # after "that": "approved a change |that| dropped the orders index" tells the act's consequence.
        frame = rule.requires_before is not None and rule.subject_scope == "clause"
        if _other_antecedent(text, start, end, before, context, frame=frame):
            return False
        if frame and _relative_clause_act(before, context, subject_relative=not rule.consequence):
            return False
        if frame and _FUTURE.search(before[-200:]):
            return False  # "he will make the export generated straight from the source": a plan, not an act
        if _gerund_subject(before, context):
            return False
        if _YOU_MODAL.search(before[-60:]):
            return False
    return True


def _clause_head(before: str) -> str:
    """The first words of a clause (up to four after its lead): where a clause-scope rule's subject is."""
    lead = _LEAD.match(before)
    words = list(_WORDS.finditer(before, lead.end() if lead else 0))
    return before[:words[3].end()] + " " if len(words) > 4 else before


def _clause_start(text: str, start: int) -> int:
    window = max(0, start - 200)
    cut = window
    for m in _CLAUSE_BREAK.finditer(text, window, start):
        cut = m.end()
    return cut


def _names_are_entities(rule, matched: str, before: str, context: Context) -> bool:
    """Every capitalised word that could be the person is a document entity."""
    words = [w for w in _CAPITAL.findall(matched)
             if w.lower() not in _KEYWORDS and not context.is_person_word(w, names=False)
             and not _PLURAL_ACRONYM.match(w)]
    if rule.object in _NAMED_OBJECTS or rule.detector:
        if words and all(context.is_entity(w) for w in words):
            return True
        if words or rule.subject not in _SUBJECT_RULES:
            return False
    # The subject, right before the match: "EKS Subnet Route Table Associations destroyed".
    tail = _WORDS.findall(before)[-4:]
    capitals = []
    for word in reversed(tail):
        if not word[:1].isupper():
            break
        capitals.append(word)
    if rule.subject_scope == "clause" and len(capitals) < len(tail) and \
            tail[-len(capitals) - 1].lower() in _NOT_SUBJECT_BEFORE:
        return False  # "pushed the change on a |Friday| and went home": the clause's subject is further left
    capitals = [w for w in capitals if w.lower() not in _KEYWORDS]
    return bool(capitals) and all(context.is_entity(w) and not context.is_person_word(w) for w in capitals)


_SUBJECT_WORD = LazyRegex(r"([A-Za-z][\w'’-]{0,39})\s+(?:(?:[a-z]{2,20}ly|also|then|just|still|never|even)\s+){0,2}\Z")


def _unevidenced_name(before: str, context: Context) -> bool:
    """The subject right before the verb is a capitalised word with no evidence of a person:
    not a listed given name, role, pronoun or handle ("Knight did not retest", "Cake did not
    create"): companies and tools read as people otherwise."""
    window = before[-80:]
    m = _SUBJECT_WORD.search(window)
    if m is None:
        return False
    word = m.group(1)
    if not word[:1].isupper() or word == "I" or context.is_person_word(word):
        return False
    previous = _PREVIOUS.search(window, 0, m.start(1))
    if previous is not None and previous.group(1).lower() in _NOT_SUBJECT_BEFORE:
        return False  # "pushed the change on |a Friday| and went home": an object or a time, not the subject
    if _POSSESSIVE.sub("", word).lower() in context.given:
        return False
    return context.is_entity(word)

# Words after which a capitalised word is an object or a time, not the subject of the verb after it.
_NOT_SUBJECT_BEFORE = frozenset(("a", "an", "the", "on", "at", "in", "by", "to", "from", "for", "until", "since",
                                 "before", "after", "during", "into", "onto", "with", "of", "every", "last", "next"))
# Participles said only of people: "truncated the audit table |thinking| it was a copy" (a table does not think).
_PEOPLE_PARTICIPLES = frozenset(("thinking", "assuming", "believing", "figuring", "hoping", "expecting", "trying",
                                 "wanting", "intending", "meaning", "forgetting", "ignoring", "knowing",
                                 # prepositions that end in -ing: "ran the reindex |during| the sale"
                                 "during", "including", "regarding", "concerning", "following", "pending", "excluding"))

_EVIDENCE_WORDS = LazyRegex(r"@?[A-Za-z][\w'’.-]{0,39}@?")


def _person_evidence(matched: str, context: Context) -> bool:
    """Positive evidence that a name a detector found is one person (``person_evidence: true``):
    a handle, a listed given name, a role or a person the document declares (authors,
    responders, owner); a capitalised possessive alone ("Rustup's") is not enough, and the
    organisation ("We") or a group ("Teams") is not one person.  Subject
    and object rules are checked the same way by the scanner (``Grammar.person_evidence``)."""
    for word in _EVIDENCE_WORDS.findall(matched):
        word = word.rstrip(".")
        base = _POSSESSIVE.sub("", word).lower()
        if len(word) > 1 and (word.startswith("@") or word.endswith("@")):
            return True
        if base in _GROUP_WORDS or base.endswith("s") and base[:-1] in context.people:
            continue  # "We had no runbook", "Teams were encouraged to": the organisation or a group
        if context.is_person_word(word) or base in getattr(context.entities, "people", ()):
            return True
    return False


_PERSONAL_AFTER = LazyRegex(r"(?i)(?<![\w'’-])(?:he|she|his|her|him|himself|herself)(?![\w'’-])")
_SENTENCE_STOP = LazyRegex(r"[.!?](?:\s|$)|\n")


def _personal_pronoun_after(text: str, end: int) -> bool:
    """"he"/"she"/"his"/"her" later in the same sentence points back to a person ("Root cause: Mirela
    overwrote the file with her local copy"); systems are "it"."""
    stop = _SENTENCE_STOP.search(text, end, end + 200)
    return _PERSONAL_AFTER.search(text, end, stop.start() if stop else min(len(text), end + 200)) is not None


_GROUP_WORDS = frozenset({"we", "us", "our", "ours", "they", "them", "their", "teams", "people", "everyone",
                          "everybody", "all", "staff", "folks", "you", "dev", "devs", "ops", "devops", "qa", "support",
                          "security", "it", "sales", "legal", "finance", "marketing"})


def _other_antecedent(text: str, start: int, end: int, before: str, context: Context, *, frame: bool = False) -> bool:
    """A relative pronoun or a participle whose subject is the non-person noun right before it."""
    if _ENABLING.search(before[-80:]) and rule_is_counterfactual(text, start):
        return True
    relative = _RELATIVE.search(before[-60:])
    if relative is not None and not frame:
        return not context.is_person_word(relative.group(1)) and not _looks_named(relative.group(1), context)
    first = _WORDS.match(text, start)
    if first is not None and first.group().lower().endswith("ing") and first.group().lower() not in _PEOPLE_PARTICIPLES:
        previous = _PREVIOUS.search(before[-60:])
        if previous is not None and previous.group(1).lower() in _NOT_SUBJECT_BEFORE:
            return False  # "with the |staging| certificate": an adjective after a determiner, not a participle
        if previous is not None and previous.group(1).lower() not in ("was", "were", "is", "are", "been", "be",
                                                                      "and", "by", "of", "for", "while", "when",
                                                                      "keep", "keeps", "kept", "continued", "began"):
            return not context.is_person_word(previous.group(1)) and not _looks_named(previous.group(1), context)
    return False


def _relative_clause_act(before: str, context: Context, *, subject_relative: bool = True) -> bool:
    """A frame rule's marker inside a relative clause with a subject of its own that is not a person
    ("reviewed the config |that the generator had produced| from an outdated template"; twenty-first round),
    or whose subject is the relative pronoun standing for a noun that is not a person ("ran a script |that
    pushed| the configuration to every data centre at once"; twenty-fourth round): the marker belongs to
    that clause's act, not to the person who opens the sentence.  A marker right after "that" is not in
    such a clause ("approved a change that dropped the orders index" tells the person's act's consequence):
    the relative clause must have its own verb before the marker.  A consequence frame (``consequence:
    true``, BL148) reads the second kind as its consequence ("rolled out a build |that hammered| the login
    API until it fell over"), and a cleft ("it was the infra group that widened ...") is not the second
    kind."""
    window = before[-120:]
    found = None
    for found in _RELATIVE_ACT.finditer(window):
        pass
    subject = None
    if subject_relative:
        for subject in _SUBJECT_RELATIVE.finditer(window):
            pass
    if subject is not None and (found is None or subject.start() > found.start()) \
            and not _CLEFT.search(window, 0, subject.start()):
        found = subject
    if found is None:
        return False
    head = found.group(1)
    return not context.is_person_word(head) and not _looks_named(head, context)


# A future or a plan before a frame rule's marker, in its clause (twenty-third round)
_FUTURE = LazyRegex(r"(?<![\w'’-])(?:will|shall|won['’]t|is going to|are going to|plans? to|intends? to)\s|['’]ll\s",
                    re.IGNORECASE)


# A relative clause's act: an optional auxiliary + a past verb
_RELATIVE_VERB = (r"(?:(?:had|has|have|was|were|had\s+been|has\s+been)\s+)?"
                  r"(?:[a-z]{2,20}ed|[a-z]{2,20}en|made|built|wrote|sent|ran|set|put|took|left|gave|did|got|kept|brought|"
                  r"drew|found)(?![\w'’-])")
# "that / which" + a determiner + up to two words + the clause's subject + its act
_RELATIVE_ACT = LazyRegex(
    r"(?<![\w'’-])(?:that|which)\s+(?:the|a|an|its|this|these|those|our|their|another)\s+(?:[\w'’-]{1,30}\s+){0,2}?"
    r"([A-Za-z][\w'’-]{0,39})\s+" + _RELATIVE_VERB)


# "It was (the) ..." right before a cleft's focus
_CLEFT = LazyRegex(r"(?<![\w'’-])it(?:\s+(?:was|is|were)|['’]s)\s+(?:[\w'’-]{1,30}\s+){0,3}\Z", re.IGNORECASE)
# A noun + "that / which" (the relative clause's subject) + its act (twenty-fourth round)
_SUBJECT_RELATIVE = LazyRegex(r"(?<![\w'’-])([A-Za-z][\w'’-]{0,39})\s+(?:that|which)\s+" + _RELATIVE_VERB)


_FORWARD = LazyRegex(r"\s+(?:forward|ahead)(?![\w'’-])", re.IGNORECASE)
_ENABLING = LazyRegex(r"(?<![\w'’-])so(?:\s+that)?\s+(?:[\w'’-]{1,30}\s+){1,3}\Z", re.IGNORECASE)
_COUNTERFACTUAL = LazyRegex(r"(?:could|might|would)(?:n['’]t|\s+not)?\s+(?:have|['’]ve)\s")


def rule_is_counterfactual(text: str, start: int) -> bool:
    """A purpose clause ("... so they could have tested it too") describes what a change would have enabled."""
    return _COUNTERFACTUAL.match(text, start) is not None


def _looks_named(word: str, context: Context) -> bool:
    return word[:1].isupper() and not context.is_entity(word)


_DEPARTMENT_NOUNS = frozenset(("engineering", "networking", "marketing", "accounting", "nursing", "housekeeping",
                               "recruiting", "underwriting", "merchandising", "purchasing"))


def _gerund_subject(before: str, context: Context) -> bool:
    """The clause opens with a gerund and no comma closes it: the gerund phrase is the subject."""
    lead = _LEAD.match(before)
    rest = before[lead.end():] if lead else before
    first = _WORDS.match(rest)
    if first is None:
        return False
    word = first.group().lower()
    if not (word.endswith("ing") and len(word) > 4) or word in ("during", "nothing", "something", "anything",
                                                                 "everything", "being", "having") \
            or word in _DEPARTMENT_NOUNS and (rest[first.end():].strip() == "" or first.group()[:1].isupper()):
        # "Engineering forgot to"; "Marketing launched the sale without ...": a department, not a gerund
        return False
    if word in ("going", "moving", "looking") and _FORWARD.match(rest, first.end()):  # "Going forward I'll ..."
        return False
    return "," not in rest
