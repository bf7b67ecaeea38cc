"""core.yaml_plain: for every text, the fast load either gives up or gives exactly what the full
loader (core.yaml_source) gives for a document without findings."""

from __future__ import annotations

import random

import pytest

from postmortem_kit.core import NOT_PLAIN, YamlLoadError, load_plain, load_yaml_text
from support.incident_factory import incident_yaml, make_incident

UNUSUAL = [
    "a: &x 1\nb: 2\n",  # an anchor
    "a: &x 1\nb: *x\n",  # an alias
    "a: !!str 1\n",  # a tag
    "a: !custom 1\n",
    "? [a, b]\n: 1\n",  # a list as a key
    "? {a: 1}\n: 2\n",
    "a: 1\na: 2\n",  # a duplicate key
    "a: {b: 1, b: 2}\n",
    "---\na: 1\n---\nb: 2\n",  # two documents
    "a: " + "9" * 1500 + "\n",  # an overlong number
    "a: [" * 70 + "]" * 70 + "\n",  # too deep
    "a: b: c\n",  # not YAML
    "a:\n\t- b\n",
    "\x07a: 1\n",
]
PLAIN = [
    "", "---\n", "a\n", "- 1\n- 2\n", "a: 1\nb: no\nc: 2026-01-05\nd: 22:30\ne: 0o17\nf: 0x1F\ng: .inf\nh: -.Inf\n",
    "a: .nan\nb: 1e3\nc: +12\nd: null\ne: ~\nf:\ng: True\nh: FALSE\n", "'1': x\n\"2\": y\nnull: z\n3: w\n",
    "a: '1'\nb: \"true\"\nc: |\n  text\n  more\nd: >\n  folded\n  text\n", "a: ! 12\n", "a: [1, 'b', {c: d}]\n",
    "a: " + "x " * 800 + "\n",
]


def assert_same(text: str) -> bool:
    """True when the fast path took the text (and agreed with the full loader)."""
    fast = load_plain(text)
    try:
        doc = load_yaml_text(text)
    except YamlLoadError:
        assert fast is NOT_PLAIN, text
        return False
    if doc.findings:
        assert fast is NOT_PLAIN, text
        return False
    if fast is NOT_PLAIN:
        return False
    assert repr(fast) == repr(doc.data), text  # repr: types too (1 / 1.0 / True), and NaN equals itself
    return True


@pytest.mark.parametrize("text", UNUSUAL)
def test_the_fast_path_gives_up_on_what_the_full_loader_reports(text):
    assert load_plain(text) is NOT_PLAIN
    assert_same(text)


@pytest.mark.parametrize("text", PLAIN)
def test_plain_documents_load_the_same(text):
    assert assert_same(text)


def test_generated_incidents_take_the_fast_path_with_the_same_data():
    rng = random.Random(5)
    for number in range(1, 41):
        data = make_incident(number, status=rng.choice(("published", "in-review", "draft")), rng=random.Random(number))
        assert assert_same(incident_yaml(data))


def test_mutated_incidents_agree_or_fall_back():
    """Random edits of a real incident with YAML's special characters: never a different result."""
    base = incident_yaml(make_incident(3, rng=random.Random(3)))
    rng = random.Random(11)
    pieces = ["&a ", "*a", "!!str ", "! ", "? ", "{", "}", "[", "]", ": ", "- ", "#", "'", '"', "\n", "  ", "\t",
              "null", "0x1", "1e5", "---\n", "...\n", "|", ">", "%YAML 1.2\n", "id: x\n", "\\", "@", "`"]
    taken = 0
    for _ in range(600):
        text = base
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text))
            text = text[:at] + rng.choice(pieces) + text[at:]
        taken += assert_same(text)
    assert taken  # some mutations stay plain YAML and take the fast path
