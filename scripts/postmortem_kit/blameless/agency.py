"""The agency frame: markers that a person's act departed from what was expected.

"The consultant ran the purge script |in the live tenant|", "she approved the rollout |even though|
the budget was spent", "the zone was edited by a member of the web team, |bypassing| the pipeline":
a person who acted, plus one of these markers in the same clause, tells the story of a person who did
the wrong thing.  The verbs stay open; the markers are a closed class, kept as data in
``agency.yaml`` beside this module and joined here into the ``{DEVIATION}`` macro that rules BL142
(active) and BL143 (passive with a person agent) use.  The compiler asks for the macro once per
compile; the scanner never reads this module.
"""

from __future__ import annotations

from functools import cache

from postmortem_kit.core import decode_source, load_yaml_text, package_file

AGENCY_FILE = "agency.yaml"
CONSEQUENCE_FILE = "consequence.yaml"
DISCIPLINE_FILE = "discipline.yaml"
MACRO = "DEVIATION"
PASSIVE_MACRO = "DEVIATION_BEFORE_AGENT"
FACTORED_MACRO = "DEVIATION_FACTORED"
CONSEQUENCE_MACRO = "CONSEQUENCE"
HARMFUL_ACT_MACRO = "HARMFUL_ACT"
# Fourteenth round: the sanctions of discipline.yaml, one macro per section.
DISCIPLINE_MACROS = {"SANCTION": "sanctions", "SANCTION_DEPRIVED": "deprived", "SANCTION_FACED": "faced",
                     "SANCTION_CASE": "cases", "SANCTION_LINK": "links"}
# Fourteenth round: a destroying act done in passing (BL155), sections of consequence.yaml.
INCIDENTAL_MACROS = {"DESTRUCTIVE_ACT": "destructive", "INCIDENTAL": "incidental"}
AUTHORISED_MACRO = "AUTHORISED"


@cache
def _classes(file: str, section: str = "classes") -> dict[str, tuple[str, ...]]:
    """The classes of one section of a frame file, in file order: {class: (regex fragment, ...)}."""
    path = package_file(__package__, file)
    with open(path, "rb") as handle:
        data = handle.read()
    raw = load_yaml_text(decode_source(data, file), file).data
    classes = raw.get(section) if isinstance(raw, dict) else None
    if not isinstance(classes, dict) or not classes:
        raise ValueError(f"{file}: `{section}` must map class names to lists of regex fragments")
    result: dict[str, tuple[str, ...]] = {}
    for name, entries in classes.items():
        if not isinstance(entries, list) or not entries or not all(isinstance(e, str) and e for e in entries):
            raise ValueError(f"{file}: class {name!r} must be a non-empty list of regex fragments")
        result[str(name)] = tuple(entries)
    return result


def marker_classes() -> dict[str, tuple[str, ...]]:
    """The deviation marker classes of ``agency.yaml``, in file order."""
    return _classes(AGENCY_FILE)


def consequence_classes() -> dict[str, tuple[str, ...]]:
    """The harmful-consequence classes of ``consequence.yaml`` (the consequence frame, BL148)."""
    return _classes(CONSEQUENCE_FILE)


def consequence_macro(section: str = "classes") -> str:
    """All harmful consequences (or, with ``section="acts"``, the harmful acts told in the passive) as
    one alternation, for the ``{CONSEQUENCE}`` (``{HARMFUL_ACT}``) macro of ``rules.yaml``."""
    entries = _classes(CONSEQUENCE_FILE, section).values()
    return "(?:" + "|".join(entry for group in entries for entry in group) + ")"


def discipline_macro(section: str) -> str:
    """One section of ``discipline.yaml`` (sanctions against a person) as one alternation."""
    entries = _classes(DISCIPLINE_FILE, section).values()
    return "(?:" + "|".join(entry for group in entries for entry in group) + ")"


def discipline_class_macros(section: str = "sanctions", prefix: str = "SANCTION_") -> dict[str, str]:
    """Each class of a ``discipline.yaml`` section as a macro of its own ({SANCTION_RETRAINING}, ...), so a
    rule can make one top-level alternative per class: a class's words stay few enough to be the words the
    alternative needs (``regex_literals.MAX_CHOICES``), and the scanner tries it only where one occurs.  The
    ``imposed`` section's classes are {IMPOSED_PLACED}, ... (``prefix``): one per verb group of BL154."""
    return {f"{prefix}{name.upper()}": "(?:" + "|".join(entries) + ")"
            for name, entries in _classes(DISCIPLINE_FILE, section).items()}


def authorised_macro() -> str:
    """The words that say a deviation was authorised or planned (``authorised`` section of ``agency.yaml``)."""
    # Thirtieth round: each entry starts a word ("was approved" does not hold "as approved").
    return "(?<![\\w'-])(?:" + "|".join(entry for group in _classes(AGENCY_FILE, "authorised").values()
                                       for entry in group) + ")"


def deviation_macro() -> str:
    """All markers as one alternation, for the ``{DEVIATION}`` macro of ``rules.yaml``."""
    return "(?:" + "|".join(entry for entries in marker_classes().values() for entry in entries) + ")"


def passive_macro() -> str:
    """The markers read before a passive's agent (``passive`` section of ``agency.yaml``), for the
    ``{DEVIATION_BEFORE_AGENT}`` macro: each starts on a rare word, so the rule that reads them keeps literal
    starts and adds no look-up of "to", "on" or "with" to the locator."""
    return "(?:" + "|".join(entry for group in _classes(AGENCY_FILE, "passive").values() for entry in group) + ")"


def factored_deviation_macro() -> str:
    """The same markers with the fragments that start with a plain letter grouped by that letter
    ("a(?:t peak|ll at once|...)"), for rules that try the markers at many places (BL143 after
    every "by" agent): a position whose letter starts no marker fails after one test instead of
    one per marker.  It matches the same texts as :func:`deviation_macro`; a trigger index built
    from it would be coarser, so rules that start on a marker use the plain macro."""
    groups: dict[str, list[str]] = {}
    order: list[str] = []
    for entries in marker_classes().values():
        for entry in entries:
            key = entry[0] if entry[0].isalpha() and entry[0].islower() else ""
            if key and key not in groups:
                order.append(key)
            if key:
                groups.setdefault(key, []).append(entry[1:])
            else:
                letters = _first_letters(entry)  # a look-behind first: test the letter after it first
                order.append(f"(?=[{letters}]){entry}" if letters else entry)
    parts = [f"{key}(?:{'|'.join(groups[key])})" if key in groups else key for key in order]
    return "(?:" + "|".join(parts) + ")"


def _first_letters(entry: str) -> str:
    """The letters a marker that opens with look-arounds ("{AFTER:the}wrong", "(?<!x)...", "(?=un(?:signed|...) )")
    can start on, or "" when that is not plain: the lower-case first letter after them, or the first letters of
    a group of alternatives that each start with one."""
    rest = entry
    while True:
        if rest.startswith("{AFTER:"):
            rest = rest[rest.index("}") + 1:]
        elif rest.startswith(("(?<=", "(?<!", "(?=")):  # look-arounds before the first letter (thirtieth round: "(?=")
            depth, index = 0, 0
            for index, char in enumerate(rest):
                if char == "\\":
                    continue
                depth += char == "("
                depth -= char == ")"
                if depth == 0:
                    break
            rest = rest[index + 1:]
        else:
            break
    if rest[:1].isalpha() and rest[:1].islower():
        return rest[0]
    if rest.startswith("(?:"):
        body, depth, parts, start = rest[3:], 0, [], 0
        for index, char in enumerate(body):
            if char == "(":
                depth += 1
            elif char == ")":
                if depth == 0:
                    parts.append(body[start:index])
                    break
                depth -= 1
            elif char == "|" and depth == 0:
                parts.append(body[start:index])
                start = index + 1
        firsts = {part[:1] for part in parts}
        if parts and all(first.isalpha() and first.islower() for first in firsts):
            return "".join(sorted(firsts))
    return ""
