"""The compiled cache and the regex store: what they give is what re.compile gives, from a fresh
store, a kept one, and every kind of bad file; and a store that cannot be used is not used."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from postmortem_kit.blameless.rules import load_rules
from postmortem_kit.core import compiled_cache, regex_store
from postmortem_kit.incident import schema_validator


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A store in a temporary folder, read again from the setting."""
    monkeypatch.setenv(compiled_cache.ENV, str(tmp_path / "cache"))
    compiled_cache.reset()
    regex_store.reset()
    yield tmp_path / "cache"
    compiled_cache.reset()
    regex_store.reset()


def stored_files(folder):
    return sorted(path for path in folder.rglob("re-*") if path.is_file())


def same(pattern: re.Pattern, expected: re.Pattern) -> bool:
    """Equal patterns (CPython compares the flags, the source and the compiled code word for word)
    with the same groups."""
    return (pattern == expected and pattern.groups == expected.groups
            and dict(pattern.groupindex) == dict(expected.groupindex))


def test_every_rule_pattern_from_a_new_and_a_kept_store_is_the_pattern_re_compiles(store):
    rules = load_rules()
    sources = [rule.body for rule in rules.rules if rule.body]
    sources += [source for parts in rules.alternatives.values() for source in parts[:3]]
    sources += [pattern.pattern for pattern in schema_validator.REGEX_PATTERNS.values()]
    assert len(sources) > 150
    for source in sources:
        assert same(regex_store.compile(source), re.compile(source))
    assert len(stored_files(store)) == len(set(sources))
    regex_store.reset()
    for source in sources:  # now read from the files
        assert same(regex_store.compile(source), re.compile(source))


@pytest.mark.parametrize("source, flags", [
    (r"(?P<who>[A-Z]\w+) (?P<act>forgot|missed)", 0),
    (r"(?i)\bhuman\s+error\b", 0),
    (r"caf\u00e9 \U0001F600+", re.IGNORECASE),
    (r"^a$", re.MULTILINE | re.DOTALL),
    (r"x(?=y)|(?<!z)w", re.VERBOSE),
    ("\ud800 lone surrogate", 0),
])
def test_flags_named_groups_and_any_text_round_trip(store, source, flags):
    first = regex_store.compile(source, flags)
    regex_store.reset()
    kept = regex_store.compile(source, flags)
    expected = re.compile(source, flags)
    assert same(first, expected) and same(kept, expected)


def damage_cut(data: bytes) -> bytes:
    return data[:-3]


def damage_header(data: bytes) -> bytes:
    return b"not json" + data[data.index(b"\n"):]


def damage_code(data: bytes) -> bytes:  # words the engine's validation refuses
    header, _, rest = data.partition(b"\n")
    return header + b"\n" + rest[: len(rest) - 16] + b"\xff" * 16


def damage_empty(data: bytes) -> bytes:
    return b""


@pytest.mark.parametrize("damage", [damage_cut, damage_header, damage_code, damage_empty])
def test_a_damaged_file_is_compiled_again_and_rewritten(store, damage):
    source = r"(?:the (?:operator|engineer) (?:forgot|neglected) to \w+)"
    regex_store.compile(source)
    (path,) = stored_files(store)
    good = path.read_bytes()
    path.write_bytes(damage(good))
    regex_store.reset()
    assert same(regex_store.compile(source), re.compile(source))
    assert path.read_bytes() == good


def test_a_file_holding_another_pattern_under_the_same_name_is_not_used(store):
    regex_store.compile("second pattern")
    (second,) = stored_files(store)
    clash = second.with_name(compiled_cache.name_for("re", "0\0first pattern".encode()))
    clash.write_bytes(second.read_bytes())  # as a clash of the two names would leave it
    regex_store.reset()
    assert regex_store.compile("first pattern") == re.compile("first pattern")
    assert b"first pattern" in clash.read_bytes()


def test_the_setting_off_uses_no_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(compiled_cache.ENV, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    compiled_cache.reset()
    regex_store.reset()
    try:
        assert compiled_cache.folder() is None
        assert regex_store.compile("a+b") == re.compile("a+b")
        compiled_cache.write("x", b"y")
        assert compiled_cache.read("x") is None
        assert not list(tmp_path.iterdir())
    finally:
        compiled_cache.reset()
        regex_store.reset()


def test_the_default_folder_is_in_the_user_cache_named_for_this_interpreter(tmp_path, monkeypatch):
    monkeypatch.delenv(compiled_cache.ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    compiled_cache.reset()
    try:
        folder = compiled_cache.folder()
        assert folder.parent == tmp_path / "postmortem-kit"
        assert folder.name.startswith(f"compiled-{sys.implementation.cache_tag}-")
    finally:
        compiled_cache.reset()


def test_without_a_home_folder_the_cache_is_off_rather_than_relative(tmp_path, monkeypatch):
    monkeypatch.delenv(compiled_cache.ENV, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(compiled_cache.os.path, "expanduser", lambda path: path)  # as with no HOME and no passwd entry
    monkeypatch.chdir(tmp_path)
    compiled_cache.reset()
    regex_store.reset()
    try:
        assert compiled_cache.folder() is None
        assert regex_store.compile("a|b") == re.compile("a|b")
        assert not list(tmp_path.iterdir())
    finally:
        compiled_cache.reset()
        regex_store.reset()


def test_a_folder_that_cannot_be_made_leaves_runs_as_they_were(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder\n", encoding="utf-8")
    monkeypatch.setenv(compiled_cache.ENV, str(blocked / "cache"))
    compiled_cache.reset()
    regex_store.reset()
    try:
        assert regex_store.compile(r"\bdeploy(?:ed)?\b") == re.compile(r"\bdeploy(?:ed)?\b")
        assert blocked.read_text(encoding="utf-8") == "not a folder\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]
    finally:
        compiled_cache.reset()
        regex_store.reset()


def test_an_engine_whose_internals_changed_turns_the_store_off(store, monkeypatch):
    real = regex_store._compiled

    def different(source, flags, **options):
        pattern, stored = real(source, flags, **options)
        return re.compile(source + "x"), stored

    monkeypatch.setattr(regex_store, "_compiled", different)
    assert regex_store.compile("abc") == re.compile("abc")
    assert not stored_files(store)


def test_the_folder_is_pruned_to_half_once_past_its_limit(store, monkeypatch):
    monkeypatch.setattr(compiled_cache, "MAX_FILES", 4)
    for index in range(6):
        regex_store.compile(f"pattern {index}")
    assert len(stored_files(store)) == 6  # pruned once a run, at its first write
    compiled_cache.reset()
    regex_store.reset()
    regex_store.compile("one more")
    assert len(stored_files(store)) == 4  # 6 - 3 older, + 1


def test_the_compiled_rules_are_kept_and_a_changed_or_damaged_copy_is_not_used(store):
    load_rules.cache_clear()
    try:
        first = load_rules()
        (kept,) = sorted(store.rglob("rules-*"))
        load_rules.cache_clear()
        assert [rule.id for rule in load_rules().rules] == [rule.id for rule in first.rules]
        kept.write_bytes(b"\x00garbage")
        load_rules.cache_clear()
        assert [rule.body for rule in load_rules().rules] == [rule.body for rule in first.rules]
        import marshal

        kept.write_bytes(marshal.dumps(("another version", {"rules": []})))
        load_rules.cache_clear()
        assert len(load_rules().rules) == len(first.rules)
    finally:
        load_rules.cache_clear()


def test_two_cold_runs_report_the_same_findings_with_the_store_new_kept_and_off(tmp_path, examples_dir):
    text = (examples_dir / "INC-2026-0001.yaml").read_text(encoding="utf-8")
    target = tmp_path / "INC-2026-0001.yaml"
    target.write_text(text.replace("status: published", "status: in-review") + "\n", encoding="utf-8")
    sample = tmp_path / "notes.md"
    sample.write_text("Dana forgot to run the migration, and the on-call engineer ignored the alert.\n"
                      "Marisol dropped the invoices table in production.\n", encoding="utf-8")
    outputs = []
    for setting in (str(tmp_path / "cache"), str(tmp_path / "cache"), "off"):
        env = {**os.environ, compiled_cache.ENV: setting}
        done = [subprocess.run([sys.executable, "-m", "postmortem_kit", verb, str(path)], env=env,
                               capture_output=True, text=True, timeout=120)
                for verb, path in (("check", target), ("lint", sample))]
        outputs.append([(run.returncode, run.stdout, run.stderr) for run in done])
    assert outputs[0] == outputs[1] == outputs[2]
    assert "BL" in outputs[0][1][1]  # the lint run found the blame
    assert stored_files(tmp_path / "cache")
