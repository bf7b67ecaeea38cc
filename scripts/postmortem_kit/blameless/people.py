"""People words as data (``people.yaml`` beside this module; twelfth round).

Occupations are merged into the lexicon's ``person_nouns``; ``departments`` and ``unit_qualifiers``
become lexicon lists of their own (read by ``grammar.Grammar.word_class``); ``states`` are joined into
the ``{PERSON_STATE}`` macro of ``rules.yaml``.  All of it is read by the compiler
(``scripts/tools/sync_blameless_schema.py``), so the scanner pays nothing for it at run time.
"""

from __future__ import annotations

from functools import cache

from postmortem_kit.core import decode_source, load_yaml_text, package_file

PEOPLE_FILE = "people.yaml"
STATE_MACRO = "PERSON_STATE"
WORD_LISTS = ("occupations", "departments", "unit_qualifiers", "ambiguous_roles", "person_predicates",
              "ambiguous_role_acts", "ambiguous_role_traits", "honorifics")
LEXICON_LISTS = ("departments", "unit_qualifiers", "ambiguous_roles", "person_predicates", "ambiguous_role_acts",
                 "ambiguous_role_traits", "honorifics")  # the lists added to the compiled lexicon as they are


@cache
def people() -> dict[str, tuple[str, ...]]:
    """The lists of ``people.yaml``: {list name: (entry, ...)}, words in lower case."""
    path = package_file(__package__, PEOPLE_FILE)
    with open(path, "rb") as handle:
        data = handle.read()
    raw = load_yaml_text(decode_source(data, PEOPLE_FILE), PEOPLE_FILE).data
    if not isinstance(raw, dict):
        raise ValueError(f"{PEOPLE_FILE}: must be a mapping")
    result: dict[str, tuple[str, ...]] = {}
    for name in WORD_LISTS + ("states",):
        entries = raw.get(name)
        if not isinstance(entries, list) or not entries or not all(isinstance(e, str) and e for e in entries):
            raise ValueError(f"{PEOPLE_FILE}: `{name}` must be a non-empty list of strings")
        result[name] = tuple(e.lower() for e in entries) if name in WORD_LISTS else tuple(entries)
    return result


def merged_lexicon(lexicon: dict) -> dict:
    """``lexicon`` with the occupations added to ``person_nouns`` and the lists of ``LEXICON_LISTS``."""
    lists = people()
    merged = dict(lexicon)
    merged["person_nouns"] = list(lexicon["person_nouns"]) + list(lists["occupations"])
    for name in LEXICON_LISTS:
        merged[name] = list(lists[name])
    return merged


def state_macro() -> str:
    """A person's state given as the cause, for the ``{PERSON_STATE}`` macro."""
    return "(?:" + "|".join(people()["states"]) + ")"
