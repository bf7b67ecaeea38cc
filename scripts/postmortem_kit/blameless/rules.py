"""The blameless-language rules at run time: load, index, compile on demand.

The rules are edited in ``blameless/rules.yaml``; loading prefers the
compiled form ``blameless/rules.compiled.json`` when the checksum it
records matches the YAML (see ``blameless.compiler``), and compiles the YAML
itself otherwise.  Each rule's regex is compiled the first time one of its
trigger words occurs, so a run only pays for the rules its text can reach;
for the first texts, an alternative is also left out (not compiled) when the
text lacks its required literals or when none of its literal starts occurs
where its trigger word does.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from postmortem_kit.blameless import rule_snapshot
from postmortem_kit.blameless.cues import reader as cue_reader
from postmortem_kit.blameless.edges import LEFT_EDGE, RIGHT_EDGE, collapse_space, has_all, source_digest  # noqa: F401
from postmortem_kit.blameless.rule_source import (
    RULES_FILE,
    SNAPSHOT,
    RuleFileError,
    compile_yaml,
    compiled_for,
    keep_compiled,
)
from postmortem_kit.blameless.triggers import TriggerIndex
from postmortem_kit.core import LazyRegex, package_file, regex_store

TYPE_CHECKING = False  # typing stays off the cold check path (annotations are never evaluated)
if TYPE_CHECKING:
    from typing import Any

RULE_PREFIX = "blameless/"
FILTERED_TEXTS = 16  # texts per trigger key checked for required literals before its whole plan is compiled


_RULE_DEFAULTS = {
    "subject": "any", "subject_scope": "immediate", "object": None, "negatable": True, "context": "any",
    "person_in_sentence": False, "sentence_start": False, "verb_before": False, "weak_ok": False,
    "boundary": True, "detector": None, "verbs": None, "not_verbs": frozenset(), "weak_verbs": None,
    "unknown_verbs": None, "requires_before": None, "unless": None, "schema": False, "schema_phrases": (), "body": "",
    "examples": None, "negated_verb_blames": False, "hypothetical": False,
    "nominal": False, "person_evidence": False, "organisation_exempt": False, "consequence": False,
    "planned_exempt": False,
}


class Rule:
    """One rule of blameless.yaml, ready to use (see the file's header for the fields)."""

    __slots__ = ("id", "category", "pattern", "message", "suggestions", "severity", "rationale") + tuple(_RULE_DEFAULTS)

    def __init__(self, **values):
        for name in self.__slots__:
            setattr(self, name, values[name] if name in values else _RULE_DEFAULTS[name])
        if self.examples is None:
            self.examples = {}

    def __repr__(self) -> str:
        return f"Rule({self.id}, {self.category})"

    @property
    def finding_rule(self) -> str:
        return RULE_PREFIX + self.id

    @property
    def suggestion(self) -> str:
        return self.suggestions[0]

    def describe(self, match: str) -> str:
        return self.message.replace("{match}", match)


class RuleSet:
    """The compiled rules with their trigger index, lexicon and contexts."""

    def __init__(self, *, rules: list[Rule], lexicon: dict[str, frozenset[str]], triggers: TriggerIndex,
                 marker: re.Pattern, meta: re.Pattern, cause_fields: re.Pattern, cause_subject_fields: re.Pattern,
                 cause_field_globs: tuple[str, ...], cause_headings: re.Pattern,
                 alternatives: dict[str, tuple[str, ...]],
                 needs: dict[tuple[str, int], tuple] | None = None,
                 starts: dict[tuple[str, int], tuple[str, ...]] | None = None, snapshot: dict | None = None,
                 authorised: re.Pattern | None = None):
        self.rules = rules
        self.by_id = {rule.id: rule for rule in rules}
        self.lexicon = lexicon
        self.triggers = triggers
        self.marker = marker  # in-text cause markers
        self.order = {rule.id: index for index, rule in enumerate(rules)}
        self.detectors = [rule for rule in rules if rule.detector and not rule.detector.startswith("learned-")]
        self.learned = next((rule for rule in rules if rule.detector == "learned-act"), None)  # learned.py
        # BL159's confident tier (BL161): the same model's sentences at its confident score
        self.confident = next((rule for rule in rules if rule.detector == "learned-confident"), None)
        if self.learned is not None:  # the locator files BL159's cue tokens with its keys
            triggers.cue_of = cue_reader(lexicon)
        self.meta, self.authorised = meta, authorised  # authorised: an act said to be planned (`planned_exempt`)
        self.cause_fields = cause_fields
        self.cause_subject_fields = cause_subject_fields
        self.cause_field_globs = cause_field_globs
        self.cause_headings = cause_headings
        self.alternatives = alternatives
        self.compiled: dict[str, re.Pattern] = {}
        self.searchers: dict[str, re.Pattern] = {}
        self.plans: dict[str, tuple] = {}
        self.fixed_plans: dict[str | tuple, tuple] = {}  # located key -> its plan, once fixed (plan_at)
        self._parts: dict[tuple[str, tuple[int, ...]], re.Pattern] = {}
        # Literals an alternative's match must contain (any one of each clause) and how far past
        # its start a match reaches, per trigger key: [(entry position in the key's list,
        # (clauses, reach))] for the entries that have any.
        # Likewise the literal starts (whitespace collapsed) an alternative's match begins with.
        self.key_needs = snapshot["key_needs"] if snapshot else _per_key(triggers, needs or {})
        self.key_starts = snapshot["key_starts"] if snapshot else _per_key(triggers, starts or {})
        triggers.key_starts = self.key_starts  # the locator keeps a key only where one of them fits
        triggers.key_needs = self.key_needs  # and tries some entries only near their needed words
        triggers.frequent = frozenset(lexicon.get("stop_words", ()))  # (rules with a frequent key)
        self._filtered_plans: dict[tuple[str, tuple[int, ...]], tuple] = {}
        self._filter_uses: dict[str, int] = {}

    def plan_for(self, key: str, text: str, seen: dict[str, bool], where=None) -> tuple:
        """The plan for ``key`` without the alternatives whose required literals are not all in
        ``text`` (``seen`` remembers substring tests for this text), nor those none of whose
        literal starts occurs at the positions ``where()`` returns (where the plan will be
        tried): nothing is compiled for a rule whose rarer words are absent.  The filter saves
        compiling in a short run (one file from pre-commit); once a key has come up in many
        texts, its whole plan is compiled and the tests stop, since a failing anchored match
        costs less than the tests."""
        found_plan = self.plans.get(key)
        if found_plan is not None:
            return found_plan
        listed = self.key_needs.get(key)
        starts = self.key_starts.get(key) if where is not None else None
        if listed is None and starts is None:
            return self.plan(key)
        uses = self._filter_uses[key] = self._filter_uses.get(key, 0) + 1
        if uses > FILTERED_TEXTS:
            return self.plan(key)
        dropped = []
        near = []  # alternatives whose needed literals are in the text: are they within reach?
        for position, (clauses, reach) in listed or ():
            if not has_all(clauses, text, seen):
                dropped.append(position)
            elif reach is not None and where is not None:
                near.append((position, clauses, reach))
        if (near or starts) and len(dropped) < len(self.triggers.rules[key]):
            size = max([reach for _, _, reach in near] + [len(start) for _, options in starts or () for start in options])
            windows = _windows(text, where(), size)
            dropped.extend(position for position, clauses, reach in near if not any(
                all(any(literal in window[:reach] for literal in clause) for clause in clauses) for window in windows))
            dropped.extend(position for position, options in starts or ()
                           if position not in dropped and not any(window.startswith(options) for window in windows))
        if not dropped:
            return self.plan(key)
        dropped.sort()
        cache_key = (key, tuple(dropped))
        found_plan = self._filtered_plans.get(cache_key)
        if found_plan is None:
            entries = [entry for position, entry in enumerate(self.triggers.rules[key]) if position not in dropped]
            found_plan = self._filtered_plans[cache_key] = self._build_plan(entries)
        return found_plan

    def plan_at(self, key: str | tuple, text: str, seen: dict[str, bool], where) -> tuple:
        """The plan for a key as the locator reports it (a key, or (key, entries left out)), kept in
        ``fixed_plans`` once it no longer depends on the text (no literal filter applies)."""
        if type(key) is tuple:  # fixed once the key's whole plan is compiled, or entries are tried from anchors
            fixed = key[0] in self.plans or bool(self.triggers.elsewhere(key[0]))
            plan = self.plan_without(*key, text, seen, where)
        else:
            plan = self.plans.get(key) or self.plan_for(key, text, seen, where)
            fixed = self.plans.get(key) is plan
        if fixed:
            self.fixed_plans[key] = plan
        return plan

    def plan_without(self, key: str, left_out: tuple[int, ...], text: str, seen: dict[str, bool], where) -> tuple:
        """The plan for ``key`` without the entries at ``left_out`` (positions in its list): where the
        next word fits none of their literal starts, or they are tried from their anchor words.  Until
        the key's whole plan is compiled (a short run), ``plan_for``'s filtered plan serves when no entry
        is tried from an anchor: it compiles less, and the entries left out cannot match there."""
        if key not in self.plans and not self.triggers.elsewhere(key):
            return self.plan_for(key, text, seen, where)
        cache_key = (key, left_out)
        found_plan = self._filtered_plans.get(cache_key)
        if found_plan is None:
            entries = [entry for position, entry in enumerate(self.triggers.rules[key]) if position not in left_out]
            found_plan = self._filtered_plans[cache_key] = self._build_plan(entries)
        return found_plan

    def plan(self, key: str) -> tuple:
        """(rank, rule, regex) for every rule that can start at ``key``.

        A rule's regex here holds only its alternatives that can start with
        ``key``, compiled on first use: a run compiles what its text needs.
        """
        self.plans[key] = self._build_plan(self.triggers.rules[key])
        return self.plans[key]

    def _build_plan(self, entries) -> tuple:
        by_rule: dict[str, list] = {}
        plan = []
        for entry in entries:
            if entry is None:
                plan.append((-1, None, self.marker))
                continue
            rule, index = entry
            if rule.id not in by_rule:
                by_rule[rule.id] = [rule]
                plan.append(by_rule[rule.id])
            by_rule[rule.id].append(index)
        built = []
        for item in plan:
            if isinstance(item, tuple):
                built.append(item)
                continue
            rule, indexes = item[0], tuple(sorted(set(item[1:])))
            built.append((self.order[rule.id], rule, self._part(rule, indexes)))
        return tuple(built)

    def _part(self, rule: Rule, indexes: tuple[int, ...]) -> re.Pattern:
        found = self._parts.get((rule.id, indexes))
        if found is None:
            sources = self.alternatives[rule.id]
            if len(indexes) == len(sources):
                found = self.matcher(rule)
            else:
                edge = RIGHT_EDGE if rule.boundary else ""
                found = regex_store.compile("(?:" + "|".join(sources[i] for i in indexes) + ")" + edge)
            self._parts[(rule.id, indexes)] = found
        return found

    def matcher(self, rule: Rule) -> re.Pattern:
        """The rule's regex, anchored use (compiled on first use)."""
        found = self.compiled.get(rule.id)
        if found is None:
            found = self.compiled[rule.id] = regex_store.compile(rule.body)
        return found

    def searcher(self, rule_id: str) -> re.Pattern:
        """The rule's regex for searching anywhere (word edges included), compiled on first use."""
        found = self.searchers.get(rule_id)
        if found is None:
            rule = self.by_id[rule_id]
            found = self.searchers[rule_id] = regex_store.compile((LEFT_EDGE if rule.boundary else "") + rule.body)
        return found

    def rule(self, rule_id: str) -> Rule | None:
        """A rule by id, with or without the ``blameless/`` prefix."""
        if rule_id.startswith(RULE_PREFIX):
            rule_id = rule_id[len(RULE_PREFIX):]
        return self.by_id.get(rule_id)


@cache
def load_rules(path: str | None = None) -> RuleSet:
    """The rule set (cached per process); ``path`` overrides the packaged file (and is validated)."""
    source = Path(path) if path else package_file(__package__, RULES_FILE)
    try:
        data = source.read_bytes()
    except OSError as error:
        raise RuleFileError(f"{source}: cannot read the rule file: {error.strerror or error}") from None
    digest = source_digest(data)
    compiled = None if path else compiled_for(digest)
    if compiled is not None and SNAPSHOT in compiled:  # from the compiled cache, with its derived index
        try:
            return from_compiled(compiled, compiled[SNAPSHOT])
        except (KeyError, TypeError, ValueError, IndexError, AttributeError, re.error):
            compiled = compiled_for(digest, kept=False)  # a damaged copy: the packaged one
    packaged = compiled is not None
    if compiled is None:
        compiled = compile_yaml(data, str(source), digest, check=path is not None)
    try:
        rule_set = from_compiled(compiled)
    except (KeyError, TypeError, ValueError, re.error) as error:
        raise RuleFileError(f"{source}: unusable rule file ({error})") from None
    if packaged:
        keep_compiled(digest, {**compiled, SNAPSHOT: rule_snapshot.derived(rule_set)})
    return rule_set


def from_compiled(compiled: dict[str, Any], snapshot: dict | None = None) -> RuleSet:
    """The rule set of ``compiled``; its trigger index and anchors from ``snapshot`` when given
    (``rule_snapshot``), else derived here."""
    lexicon = {name: frozenset(words) for name, words in compiled["lexicon"].items()}
    rules: list[Rule] = []
    triggers = TriggerIndex()
    triggers.add(compiled["marker"]["prefixes"], None)
    alternatives: dict[str, tuple[str, ...]] = {}
    needs: dict[tuple[str, int], tuple] = {}  # (clauses, reach or None)
    starts: dict[tuple[str, int], tuple[str, ...]] = {}
    for entry in compiled["rules"]:
        rule = _rule(entry)
        rules.append(rule)
        if not rule.detector:
            parts = entry.get("alternatives") or [{"source": entry["pattern"], "prefixes": entry["prefixes"]}]
            alternatives[rule.id] = tuple(part["source"] for part in parts)
            for index, part in enumerate(parts if snapshot is None else ()):
                triggers.add(part["prefixes"], (rule, index))
                if part.get("needs"):
                    needs[(rule.id, index)] = (tuple(tuple(clause) for clause in part["needs"]), part.get("reach"))
                if part.get("starts"):
                    starts[(rule.id, index)] = tuple(part["starts"])
    if snapshot is not None:
        rule_snapshot.restore_index(triggers, snapshot, rules)
    triggers.freeze()
    if snapshot is not None:
        rule_snapshot.restore_anchors(triggers, snapshot, rules)
    contexts = compiled["contexts"]
    return RuleSet(
        rules=rules,
        lexicon=lexicon,
        triggers=triggers,
        marker=LazyRegex(compiled["marker"]["body"]),
        alternatives=alternatives,
        needs=needs,
        starts=starts,
        snapshot=snapshot,
        meta=LazyRegex(compiled["meta"]),
        authorised=LazyRegex(compiled["authorised"]),
        cause_fields=_field_globs(contexts["cause_fields"]),
        cause_subject_fields=_field_globs(contexts["cause_subject_fields"]),
        cause_field_globs=tuple(contexts["cause_fields"]) + tuple(contexts["cause_subject_fields"]),
        cause_headings=LazyRegex(r"\A#{1,6}[ \t]+(?:\d+[.)]?[ \t]+)?(?:"
                                 + contexts["cause_headings"].replace(" ", r"\s+") + r")\b", re.IGNORECASE),
    )


def _rule(entry: dict) -> Rule:
    def words(key: str) -> frozenset[str] | None:
        return frozenset(entry[key]) if key in entry else None

    examples = entry.get("examples") or {}
    # the switches (negatable, weak_ok, hypothetical, organisation_exempt, ...): booleans with their defaults
    switches = {name: bool(entry.get(name, default)) for name, default in _RULE_DEFAULTS.items()
                if type(default) is bool}
    return Rule(
        id=entry["id"],
        category=entry["category"],
        pattern=entry.get("pattern", ""),
        body=entry.get("body", ""),
        message=entry["message"].strip(),
        suggestions=tuple(s.strip() for s in entry["suggestions"]),
        severity=entry["severity"],
        rationale=entry["rationale"].strip(),
        subject=entry.get("subject", "any"),
        subject_scope=entry.get("subject_scope", "immediate"),
        object=entry.get("object"),
        context=entry.get("context", "any"),
        detector=entry.get("detector"),
        verbs=words("verbs"),
        not_verbs=words("not_verbs") or frozenset(),
        weak_verbs=words("weak_verbs"),
        unknown_verbs=words("unknown_verbs"),
        requires_before=LazyRegex(entry["requires_before"]) if entry.get("requires_before") else None,
        unless=LazyRegex(entry["unless"]) if entry.get("unless") else None,
        schema_phrases=tuple(entry.get("schema_phrases") or ()),
        examples={"flag": list(examples.get("flag") or []), "clean": list(examples.get("clean") or [])},
        **switches,
    )


def _field_globs(globs: list[str]) -> re.Pattern:
    parts = []
    for glob in globs:
        regex = re.escape(glob).replace(r"\[\]", r"\[\d+\]").replace(r"\*", r"[^.\[\]]+")
        parts.append(regex + r"(?:\[\d+\])?")
    return LazyRegex("(?:" + "|".join(parts) + r")\Z")


def _per_key(triggers: TriggerIndex, by_part: dict) -> dict[str, tuple]:
    """((position in the key's entries, value), ...) per trigger key, for the entries with a value."""
    found: dict[str, tuple] = {}
    value_of = by_part.get
    for key, entries in triggers.rules.items():
        listed = []
        for position, entry in enumerate(entries):
            if entry is not None:
                value = value_of((entry[0].id, entry[1]))
                if value:
                    listed.append((position, value))
        if listed:
            found[key] = tuple(listed)
    return found


def _windows(text: str, positions, size: int) -> list[str]:
    """The text from each position on, whitespace collapsed, at least ``size`` characters long
    (or to the end of the text)."""
    windows = []
    for position in positions:
        span = size * 2
        while True:
            window = collapse_space(text[position:position + span])
            if len(window) >= size or position + span >= len(text):
                break
            span *= 4
        windows.append(window)
    return windows
