"""Compile the blameless rule file: validate it, expand macros, find each rule's literal starts.

``blameless/rules.yaml`` is what people edit.  ``compile_rule_file`` turns
it into plain data (expanded regexes, word lists, trigger prefixes) that the
scanner loads; ``scripts/tools/sync_blameless_schema.py`` writes that data to
``blameless/rules.compiled.json`` so that a run does not parse 90 KB of YAML
and every regex before it reads the first incident (a test keeps the two in
sync; a stale or missing file only makes loading slower).

Patterns are checked for shapes that can backtrack catastrophically: an
unbounded repeat is allowed only on a single character or class, and each
pattern must start with literal text so the scanner can skip every position
where it cannot match.
"""

from __future__ import annotations

import re
from typing import Any

from postmortem_kit.blameless.edges import LEFT_EDGE, RIGHT_EDGE, source_digest  # noqa: F401  (re-exported)
from postmortem_kit.blameless.regex_shapes import backtracking_risk, collapsed_reach, literal_prefixes, literal_starts
from postmortem_kit.blameless.regex_shapes import straight_quote_form as straight
from postmortem_kit.core import required_literals

FORMAT = 1
CATEGORIES = ("counterfactual", "blame-verb", "human-error", "character-judgement", "naming-individual", "hindsight")
SUBJECTS = ("any", "person", "not-system", "named", "person-possessive", "person-or-owner", "fault",
            "fault-or-this")
SCOPES = ("immediate", "clause", "possessor")
OBJECTS = (None, "person", "named", "named-direct")
DETECTORS = (None, "named-in-cause", "person-first-in-cause", "learned-act", "learned-confident")
SEVERITIES = ("error", "warning")
TRIGGER_LENGTH = 6
_ID = re.compile(r"BL\d{3}\Z")
_MACRO = re.compile(r"\{([A-Z][A-Z_]*)\}")
_AFTER = re.compile(r"\{AFTER:([^{}]+)\}")
_ENDING = re.compile(r"\{ENDING:([^{}]+)\}")
_WORD_LISTS = ("person_nouns", "person_pronouns", "weak_pronouns", "negative_subjects", "system_nouns",
               "activity_nouns", "diligence_verbs", "inability_verbs", "stop_words", "determiners", "quantifiers",
               "aux_words", "verb_forms", "negators", "given_names", "not_names", "products", "human_verbs",
               "attention_verbs", "fault_nouns", "fault_adjectives", "postmodifier_words", "judgement_adjectives",
               "demonstratives")
_RULE_KEYS = ("id", "category", "message", "suggestions", "severity", "rationale", "subject", "subject_scope",
              "object", "negatable", "context", "person_in_sentence", "sentence_start", "verb_before", "weak_ok",
              "boundary", "detector", "schema", "schema_phrases", "examples", "negated_verb_blames",
              "hypothetical", "nominal", "person_evidence", "organisation_exempt", "consequence",
              "planned_exempt")


def top_level_alternatives(pattern: str) -> list[str]:
    """Split a regex at its top-level ``|`` (a pattern that is one group is split inside it)."""
    parts: list[str] = []
    start = 0
    for index, char, depth in _syntax(pattern):
        if char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
    parts.append(pattern[start:])
    if len(parts) == 1 and pattern.startswith("(?:") and _closing(pattern, 0) == len(pattern) - 1:
        return top_level_alternatives(pattern[3:-1])
    return parts


def _closing(pattern: str, open_index: int) -> int:
    for index, char, depth in _syntax(pattern, open_index):
        if char == ")" and depth == 0:
            return index
    return -1


def _syntax(pattern: str, begin: int = 0):
    """(index, char, group depth after the char) for each character of a regex from ``begin``,
    skipping escaped characters and character classes."""
    depth = 0
    in_class = False
    escaped = False
    for index in range(begin, len(pattern)):
        char = pattern[index]
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            if char == "]":
                in_class = False
        elif char == "[":
            in_class = True
        else:
            depth += (char == "(") - (char == ")")
            yield index, char, depth


def compile_rule_file(raw: Any, digest: str, *, check: bool = True) -> dict:
    """Plain, JSON-ready data for the scanner; raises ValueError listing every problem."""
    if check:
        errors = validate(raw)
        if errors:
            raise ValueError("; ".join(errors))
    from postmortem_kit.blameless.people import LEXICON_LISTS as PEOPLE_LISTS
    from postmortem_kit.blameless.people import merged_lexicon

    lexicon = merged_lexicon(raw["lexicon"])  # with people.yaml's occupations, departments, unit qualifiers
    macros = _macros(raw)
    contexts = raw["contexts"]
    marker = straight("(?:" + expand(contexts["cause_markers"], macros) + ")")
    rules = []
    for entry in raw["rules"]:
        rule = {key: entry[key] for key in _RULE_KEYS if key in entry}
        for key in ("verbs", "not_verbs", "weak_verbs", "unknown_verbs"):
            if key + "_lexicon" in entry:
                rule[key] = [str(word).lower() for word in lexicon[entry[key + "_lexicon"]]]
            elif key in entry:
                rule[key] = [str(word).lower() for word in entry[key]]
        # The regexes the scanner compiles read its prepared text (no curly quotes): "straight"
        # forms are cheaper to compile and match the same there (regex_shapes.straight_quote_form).
        if entry.get("requires_before"):
            rule["requires_before"] = straight(spaces(str(entry["requires_before"])))
        if entry.get("unless"):
            rule["unless"] = straight(expand(str(entry["unless"]), macros))
        if entry.get("pattern"):
            rule["pattern"] = expand(entry["pattern"], macros)
            edge = RIGHT_EDGE if entry.get("boundary", True) else ""
            rule["body"] = straight("(?:" + rule["pattern"] + ")" + edge)
            rule["prefixes"] = sorted(literal_prefixes(rule["body"], TRIGGER_LENGTH) or ())
            # Each top-level alternative with its own literal starts: at run time only the
            # alternatives that can start at a present word are compiled and tried.
            # "needs": literals every match of the alternative contains (regex_literals), so the
            # scanner skips it on a text without them before compiling anything.
            rule["alternatives"] = []
            # "reach": how far past its start a match can end (whitespace collapsed); "starts": its
            # longer literal starts.  Both are tested where the trigger word occurs.
            for alternative in top_level_alternatives(rule["pattern"]):
                alternative = straight(alternative)
                prefixes = sorted(literal_prefixes("(?:" + alternative + ")" + edge, TRIGGER_LENGTH) or ())
                part = {"source": alternative, "prefixes": prefixes}
                needs = required_literals(alternative, skip=tuple(prefixes))
                if needs:
                    part["needs"] = needs
                    reach = collapsed_reach(alternative)  # the needed words lie within this reach
                    if reach is not None:
                        part["reach"] = reach
                starts = literal_starts("(?:" + alternative + ")" + edge)
                if starts and any(len(start) > len(start.split(" ")[0]) + 1 for start in starts):
                    part["starts"] = starts
                rule["alternatives"].append(part)
        else:
            rule["pattern"] = ""
        rules.append(rule)
    return {
        "format": FORMAT,
        "source_digest": digest,
        "lexicon": {name: sorted({str(word).lower() for word in lexicon[name]})
                    for name in _WORD_LISTS + PEOPLE_LISTS},
        "meta": straight(LEFT_EDGE + "(?:" + "|".join(spaces(m) for m in lexicon["meta_markers"]) + ")"),
        # thirtieth round: what says an act was planned or approved, read for the `planned_exempt` rules
        "authorised": straight(expand("{AUTHORISED}", macros)),
        "marker": {"body": marker, "prefixes": sorted(literal_prefixes(marker, TRIGGER_LENGTH) or ())},
        "contexts": {key: contexts[key] for key in ("cause_fields", "cause_subject_fields", "cause_headings")},
        "rules": rules,
    }


def validate(raw: Any) -> list[str]:
    """Problems with a parsed rule file (empty when it is usable)."""
    errors: list[str] = []
    if not isinstance(raw, dict):
        return ["the rule file must be a mapping"]
    for key in ("lexicon", "contexts", "rules"):
        if not isinstance(raw.get(key), (dict, list)):
            errors.append(f"missing `{key}`")
    if errors:
        return errors
    lexicon = raw["lexicon"]
    for name in _WORD_LISTS + ("meta_markers",):
        if not isinstance(lexicon.get(name), list) or not lexicon[name]:
            errors.append(f"lexicon.{name} must be a non-empty list")
    contexts = raw["contexts"]
    for name in ("cause_fields", "cause_subject_fields", "cause_headings", "cause_markers"):
        if name not in contexts:
            errors.append(f"contexts.{name} is missing")
    rules = raw["rules"]
    if not isinstance(rules, list):
        return errors + ["`rules` must be a list"]
    seen: set[str] = set()
    macros = _macros(raw)
    for index, entry in enumerate(rules):
        where = f"rules[{index}]"
        if not isinstance(entry, dict):
            errors.append(f"{where} must be a mapping")
            continue
        rule_id = entry.get("id")
        where = f"rule {rule_id}" if rule_id else where
        if not isinstance(rule_id, str) or not _ID.match(rule_id):
            errors.append(f"{where}: id must look like BL001")
        elif rule_id in seen:
            errors.append(f"{where}: duplicate id")
        else:
            seen.add(rule_id)
        for key in ("message", "rationale"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                errors.append(f"{where}: `{key}` must be non-empty text")
        if entry.get("category") not in CATEGORIES:
            errors.append(f"{where}: category must be one of {', '.join(CATEGORIES)}")
        if entry.get("severity") not in SEVERITIES:
            errors.append(f"{where}: severity must be error or warning")
        suggestions = entry.get("suggestions")
        if not isinstance(suggestions, list) or not suggestions or not all(isinstance(s, str) and s for s in suggestions):
            errors.append(f"{where}: `suggestions` must be a non-empty list of text")
        if entry.get("subject", "any") not in SUBJECTS:
            errors.append(f"{where}: subject must be one of {', '.join(SUBJECTS)}")
        if entry.get("subject_scope", "immediate") not in SCOPES:
            errors.append(f"{where}: subject_scope must be one of {', '.join(SCOPES)}")
        if entry.get("object") not in OBJECTS:
            errors.append(f"{where}: object must be person, named or named-direct")
        if entry.get("detector") not in DETECTORS:
            errors.append(f"{where}: unknown detector {entry.get('detector')!r}")
        if not isinstance(entry.get("organisation_exempt", False), bool):
            errors.append(f"{where}: organisation_exempt must be true or false")
        if not isinstance(entry.get("planned_exempt", False), bool):
            errors.append(f"{where}: planned_exempt must be true or false")
        if not isinstance(entry.get("consequence", False), bool):
            errors.append(f"{where}: consequence must be true or false")
        if entry.get("context", "any") not in ("any", "cause"):
            errors.append(f"{where}: context must be any or cause")
        for key in ("verbs_lexicon", "not_verbs_lexicon", "weak_verbs_lexicon", "unknown_verbs_lexicon"):
            if key in entry and entry[key] not in lexicon:
                errors.append(f"{where}: {key} names no lexicon list")
        if "requires_before" in entry:
            try:
                before = spaces(str(entry["requires_before"]))
                re.compile(before)
                problem = backtracking_risk(before)
                if problem:
                    errors.append(f"{where}: requires_before {problem}")
                if not before.endswith("$"):
                    errors.append(f"{where}: requires_before must end with $ (it is matched right before the match)")
            except re.error as error:
                errors.append(f"{where}: requires_before does not compile: {error}")
        if "unless" in entry:
            if entry.get("detector") != "learned-confident":
                errors.append(f"{where}: only the learned-confident detector takes `unless`")
            try:
                unless = expand(str(entry["unless"]), macros)
                re.compile(unless)
                problem = backtracking_risk(unless)
                if problem:
                    errors.append(f"{where}: unless {problem}")
            except (re.error, KeyError) as error:
                errors.append(f"{where}: unless does not compile: {error}")
        if entry.get("schema") and not entry.get("schema_phrases"):
            errors.append(f"{where}: schema rules need schema_phrases")
        for phrase in entry.get("schema_phrases") or []:
            if not isinstance(phrase, str) or not re.fullmatch(r"[a-z]+(?:[ -][a-z]+)*", phrase):
                errors.append(f"{where}: schema phrase {phrase!r} must be lower-case words")
        pattern = entry.get("pattern")
        if entry.get("detector"):
            continue
        if not isinstance(pattern, str) or not pattern:
            errors.append(f"{where}: `pattern` must be a non-empty regex")
            continue
        try:
            expanded = expand(pattern, macros)
            problem = backtracking_risk(expanded)
            if problem:
                errors.append(f"{where}: pattern {problem}")
            compiled = re.compile(expanded)
            if compiled.match(""):
                errors.append(f"{where}: pattern matches the empty string")
            elif not literal_prefixes(expanded):
                errors.append(f"{where}: pattern must start with literal text (a word, or alternatives of words) "
                              "so that the scanner can skip positions where it cannot match")
        except (re.error, KeyError) as error:
            errors.append(f"{where}: pattern does not compile: {error}")
    return errors


def expand(pattern: str, macros: dict[str, str]) -> str:
    """Substitute {MACRO}s (repeatedly, for macros that use macros) and turn spaces into \\s+.

    ``{AFTER:is|was the}`` becomes fixed-width lookbehinds: the match must come
    right after one of the words, so a rule can start at a distinctive word
    ("wrong", "blame") instead of a common one ("the", "to").  ``{ENDING:over
    objections|over the objections}``, after a word, says the text up to here ends with one
    of the phrases (thirtieth round): a marker can then start on its own first letter
    ("objections{ENDING:...}") and join the letter groups of ``agency.factored_deviation_macro``.
    """
    pattern = _lookbehind_macros(pattern)
    for _ in range(5):
        expanded = _MACRO.sub(lambda m: macros[m.group(1)], pattern)
        if expanded == pattern:
            break
        pattern = expanded
    return spaces(_lookbehind_macros(pattern))  # markers of agency.yaml may use them too


def _lookbehind_macros(pattern: str) -> str:
    """{AFTER:...} (the phrase and a space before here) and {ENDING:...} (the phrase up to here)."""
    pattern = _AFTER.sub(lambda m: _after(m.group(1)), pattern)
    return _ENDING.sub(lambda m: _lookbehinds(m.group(1), ""), pattern)


def _after(words: str) -> str:
    return _lookbehinds(words, r"\s")


def _lookbehinds(words: str, tail: str) -> str:
    """One fixed-width look-behind per phrase of ``words`` ("a|b c"), each followed by ``tail``."""
    options = []
    for phrase in words.split("|"):
        parts = [re.escape(part) for part in phrase.strip().split()]
        edge = r"\b" if phrase.strip()[:1].isalnum() else ""
        options.append(f"(?<={edge}" + r"\s".join(parts) + tail + ")")
    return "(?:" + "|".join(options) + ")"


def spaces(pattern: str) -> str:
    """A literal space in a rule pattern means one or more whitespace characters."""
    out = []
    in_class = False
    escaped = False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
            continue
        if char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == " " and not in_class:
            out.append(r"\s+")
            continue
        out.append(char)
    return "".join(out)


def _macros(raw: dict) -> dict[str, str]:
    """The file's macros and the built-in ones: {PARTICIPLE}, and {DEVIATION} (with its
    letter-grouped twin {DEVIATION_FACTORED} and {DEVIATION_BEFORE_AGENT}) from agency.yaml,
    {AUTHORISED} from agency.yaml, {CONSEQUENCE}, {HARMFUL_ACT},
    {DESTRUCTIVE_ACT} and {INCIDENTAL} from consequence.yaml, and {SANCTION}, {SANCTION_FACED} and
    {SANCTION_CASE} from discipline.yaml."""
    from postmortem_kit.blameless.agency import (
        AUTHORISED_MACRO,
        CONSEQUENCE_MACRO,
        DISCIPLINE_MACROS,
        FACTORED_MACRO,
        HARMFUL_ACT_MACRO,
        INCIDENTAL_MACROS,
        MACRO,
        PASSIVE_MACRO,
        authorised_macro,
        consequence_macro,
        deviation_macro,
        discipline_class_macros,
        discipline_macro,
        factored_deviation_macro,
        passive_macro,
    )
    from postmortem_kit.blameless.people import STATE_MACRO, state_macro

    macros = dict(raw.get("macros") or {})
    macros["PARTICIPLE"] = _participle()
    macros[MACRO] = deviation_macro()
    macros[PASSIVE_MACRO] = passive_macro()
    macros[FACTORED_MACRO] = factored_deviation_macro()
    macros[CONSEQUENCE_MACRO] = consequence_macro()
    macros[HARMFUL_ACT_MACRO] = consequence_macro("acts")
    macros[STATE_MACRO] = state_macro()
    for name, section in DISCIPLINE_MACROS.items():
        macros[name] = discipline_macro(section)
    macros.update(discipline_class_macros())
    macros.update(discipline_class_macros("imposed", prefix="IMPOSED_"))
    for name, section in INCIDENTAL_MACROS.items():
        macros[name] = consequence_macro(section)
    macros[AUTHORISED_MACRO] = authorised_macro()
    return macros


def _participle() -> str:
    irregular = (
        "known seen caught done taken given gone run read written thought told understood made kept got gotten "
        "begun shown found left held brought sent spent built put set hit cut shut let split struck stuck led fed "
        "felt heard lost meant met paid said sold sought taught won drawn driven flown grown thrown worn chosen "
        "frozen spoken stolen woken broken forgotten hidden ridden risen shaken beaten fallen proven bitten "
        "rung sung swum begun undone redone rerun overseen foreseen mistaken overtaken withdrawn"
    ).split()
    return r"(?:(?:[a-z]{2,12}-)?[a-z]{2,20}ed|" + "|".join(sorted(set(irregular), key=lambda w: (-len(w), w))) + r")(?![\w-])"


