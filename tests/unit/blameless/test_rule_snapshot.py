"""A rule set made from the compiled cache's snapshot of its derived index equals one derived from
the compiled rules, field by field; a damaged snapshot falls back to the packaged rules."""

from __future__ import annotations

import marshal

import pytest

from postmortem_kit.blameless import rule_snapshot
from postmortem_kit.blameless.edges import source_digest
from postmortem_kit.blameless.rule_source import SNAPSHOT, compiled_for
from postmortem_kit.blameless.rules import from_compiled, load_rules
from postmortem_kit.core import compiled_cache, package_file, regex_store


def index_of(rule_set) -> dict:
    triggers = rule_set.triggers
    triggers.anchors()
    named = lambda entry: None if entry is None else (entry[0].id, entry[1])  # noqa: E731
    return {
        "entries": {key: [named(entry) for entry in entries] for key, entries in triggers.rules.items()},
        "kind": triggers.kind, "words": triggers.words, "starts": triggers.starts,
        "texts": triggers.texts_by_char, "key_needs": rule_set.key_needs, "key_starts": rule_set.key_starts,
        "anchors": [(rule.id, *rest) for rule, *rest in triggers._anchors],
        "anchor_keys": triggers._anchor_keys, "elsewhere": triggers._elsewhere, "dropped": triggers._dropped,
        "anchor_words": triggers._anchor_words.pattern if triggers._anchor_words is not None else None,
        "rules": [rule.id for rule in rule_set.rules],
    }


@pytest.fixture(scope="module")
def compiled():
    digest = source_digest(package_file("postmortem_kit.blameless", "rules.yaml").read_bytes())
    return compiled_for(digest, kept=False)


def test_a_rule_set_from_the_snapshot_equals_the_derived_one(compiled):
    fresh = from_compiled(compiled)
    snapshot = marshal.loads(marshal.dumps(rule_snapshot.derived(fresh)))  # as the cache gives it back
    restored = from_compiled(compiled, snapshot)
    assert index_of(restored) == index_of(from_compiled(compiled))
    assert all(type(entry[0]).__name__ == "Rule" for entries in restored.triggers.rules.values()
               for entry in entries if entry is not None)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(compiled_cache.ENV, str(tmp_path / "cache"))
    compiled_cache.reset()
    regex_store.reset()
    load_rules.cache_clear()
    yield tmp_path / "cache"
    load_rules.cache_clear()
    compiled_cache.reset()
    regex_store.reset()


def test_the_first_load_keeps_the_snapshot_and_the_next_uses_it(cache):
    first = index_of(load_rules())
    (kept,) = sorted(cache.rglob("rules-*"))
    version, stored = marshal.loads(kept.read_bytes())
    assert SNAPSHOT in stored
    load_rules.cache_clear()
    assert index_of(load_rules()) == first


@pytest.mark.parametrize("damage", ["no-entries", "bad-rule-number", "not-a-dict"])
def test_a_damaged_snapshot_falls_back_to_the_packaged_rules(cache, damage):
    first = index_of(load_rules())
    (kept,) = sorted(cache.rglob("rules-*"))
    version, stored = marshal.loads(kept.read_bytes())
    snapshot = stored[SNAPSHOT]
    if damage == "no-entries":
        del snapshot["entries"]
    elif damage == "bad-rule-number":
        snapshot["anchors"] = [(10 ** 6, *rest) for _, *rest in snapshot["anchors"]]
    else:
        stored[SNAPSHOT] = ["not", "a", "dict"]
    kept.write_bytes(marshal.dumps((version, stored)))
    load_rules.cache_clear()
    assert index_of(load_rules()) == first
