"""What a rule set derives from its compiled rules, kept as plain data beside them in the compiled
cache: the trigger index (each key's entries and kind), the literal needs and starts per key, and
the rules tried from their needed words (``anchoring.build``).

Deriving them is Python work over every prefix of every rule (about 10 ms of a one-file check);
reading them back from ``marshal`` is a fraction of that.  Rules are named by their position in the
rule list.  ``tests/unit/blameless/test_rule_snapshot.py`` checks that a rule set made from a
snapshot equals one made from the compiled rules, field by field.
"""

from __future__ import annotations

from postmortem_kit.core import regex_store


def derived(rule_set) -> dict:
    """The plain-data snapshot of ``rule_set``'s derived index (its anchors are built first)."""
    triggers = rule_set.triggers
    triggers.anchors()
    position = {rule.id: number for number, rule in enumerate(rule_set.rules)}
    return {
        "entries": {key: [None if entry is None else (position[entry[0].id], entry[1]) for entry in entries]
                    for key, entries in triggers.rules.items()},
        "kind": dict(triggers.kind),
        "key_needs": dict(rule_set.key_needs),
        "key_starts": dict(rule_set.key_starts),
        "anchors": [(position[rule.id], alternatives, words, reach, clauses)
                    for rule, alternatives, words, reach, clauses in triggers._anchors],
        "anchor_keys": {key: list(anchors) for key, anchors in triggers._anchor_keys.items()},
        "elsewhere": dict(triggers._elsewhere),
        "dropped": sorted(triggers._dropped),
        "anchor_words": None if triggers._anchor_words is None else triggers._anchor_words.pattern,
    }


def restore_index(triggers, snapshot: dict, rules: list) -> None:
    """Give ``triggers`` (not frozen yet) the entries and kinds of ``snapshot``."""
    triggers.rules = {key: [None if ref is None else (rules[ref[0]], ref[1]) for ref in refs]
                      for key, refs in snapshot["entries"].items()}
    triggers.kind = dict(snapshot["kind"])


def restore_anchors(triggers, snapshot: dict, rules: list) -> None:
    """Give ``triggers`` the anchors of ``snapshot`` (as ``anchoring.build`` would set them)."""
    triggers._anchor_keys = {key: list(anchors) for key, anchors in snapshot["anchor_keys"].items()}
    triggers._elsewhere = dict(snapshot["elsewhere"])
    triggers._dropped = frozenset(snapshot["dropped"])
    words = snapshot["anchor_words"]
    triggers._anchor_words = None if words is None else regex_store.compile(words)
    triggers._anchors = tuple((rules[number], alternatives, words, reach, clauses)
                              for number, alternatives, words, reach, clauses in snapshot["anchors"])
