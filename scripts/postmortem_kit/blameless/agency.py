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
MACRO = "DEVIATION"


@cache
def marker_classes() -> dict[str, tuple[str, ...]]:
    """The marker classes of ``agency.yaml``, in file order: {class: (regex fragment, ...)}."""
    path = package_file(__package__, AGENCY_FILE)
    with open(path, "rb") as handle:
        data = handle.read()
    raw = load_yaml_text(decode_source(data, AGENCY_FILE), AGENCY_FILE).data
    classes = raw.get("classes") if isinstance(raw, dict) else None
    if not isinstance(classes, dict) or not classes:
        raise ValueError(f"{AGENCY_FILE}: `classes` must map class names to lists of regex fragments")
    result: dict[str, tuple[str, ...]] = {}
    for name, entries in classes.items():
        if not isinstance(entries, list) or not entries or not all(isinstance(e, str) and e for e in entries):
            raise ValueError(f"{AGENCY_FILE}: class {name!r} must be a non-empty list of regex fragments")
        result[str(name)] = tuple(entries)
    return result


def deviation_macro() -> str:
    """All markers as one alternation, for the ``{DEVIATION}`` macro of ``rules.yaml``."""
    return "(?:" + "|".join(entry for entries in marker_classes().values() for entry in entries) + ")"
