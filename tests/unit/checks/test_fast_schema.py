"""The compiled schema validator (the fast path of `postmortem check`) against jsonschema.

The compiled validator only says yes or no; jsonschema explains a "no".  So a finding can be lost
only if the compiled validator accepts what jsonschema rejects: every case below holds it to that,
and checks that the findings through `schema_findings` are identical to jsonschema's own.
"""

from __future__ import annotations

import copy
import random
import subprocess
import sys

import pytest
import yaml

from postmortem_kit.checks import explained_errors, schema_errors
from postmortem_kit.core import load_yaml_text
from postmortem_kit.incident import is_valid
from support.examples import EXAMPLES, edited

ROOT = EXAMPLES.parent


def test_generated_validator_is_current():
    done = subprocess.run([sys.executable, "scripts/tools/generate_schema_validator.py", "--check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_examples_are_valid_on_both_paths(path):
    doc = load_yaml_text(path.read_text(encoding="utf-8"), str(path))
    assert is_valid(doc.data) == (explained_errors(doc) == [])


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, prefix + (index,))


def _mutations(data, rng: random.Random, count: int):
    """Documents one change away from ``data``: deleted, retyped, blanked, lengthened, unknown keys..."""
    paths = [p for p in _paths(data) if p]
    changes = ["delete", "none", "number", "bool", "empty", "blank", "newline", "long", "unknown", "list", "mapping",
               "duplicate", "empty-list", "float", "bad-date"]
    for _ in range(count):
        path, change = rng.choice(paths), rng.choice(changes)
        doc = copy.deepcopy(data)
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        key = path[-1]
        value = parent[key]
        if change == "delete":
            del parent[key]
        elif change == "none":
            parent[key] = None
        elif change == "number":
            parent[key] = 42
        elif change == "float":
            parent[key] = 2.5
        elif change == "bool":
            parent[key] = True
        elif change == "empty":
            parent[key] = ""
        elif change == "blank":
            parent[key] = " \t "
        elif change == "newline" and isinstance(value, str):
            parent[key] = value + "\n"
        elif change == "long" and isinstance(value, str):
            parent[key] = value + " word" * 3000
        elif change == "unknown" and isinstance(value, dict):
            value["sumary"] = "x"
        elif change == "list":
            parent[key] = [value]
        elif change == "mapping":
            parent[key] = {"value": value}
        elif change == "duplicate" and isinstance(value, list) and value:
            value.append(copy.deepcopy(value[0]))
        elif change == "empty-list" and isinstance(value, list):
            value.clear()
        elif change == "bad-date" and isinstance(value, str):
            parent[key] = "2026-02-30" if len(value) == 10 else "2026-02-30T09:00:00+01:00"
        yield f"{change}@{'.'.join(map(str, path))}", doc


def _corpus():
    rng = random.Random(18)
    for path in sorted(EXAMPLES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, doc in _mutations(data, rng, 45):
            yield f"{path.stem}:{name}", yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


EDITS = [("severity: SEV2", "severity: SEV5"), ('- time: "09:40"', '- time: "9:40"'),
         ("tracking: \"#101\"", "tracking: ticket 101"), ("category: configuration-error", "category: configuration"),
         ("on_call_response_minutes: 5", "on_call_response_minutes: five"),
         ('start: "2026-03-14T09:12:00+01:00"', 'start: "2026-03-14 09:12"'),
         ('due: "2026-03-20"', 'due: "2026-02-30"'), ("id: INC-2026-0001", "id: INC-2026-0001\nsumary: x"),
         ("status: published", "status: draft")]


def test_the_fast_path_never_accepts_what_jsonschema_rejects_and_findings_are_identical():
    cases = list(_corpus()) + [(f"edit:{new}", edited(old, new)) for old, new in EDITS]
    rejected = 0
    for name, text in cases:
        doc = load_yaml_text(text, "incident.yaml")
        slow = explained_errors(doc)
        if slow:
            rejected += 1
            assert not is_valid(doc.data), f"{name}: the compiled validator accepts what jsonschema rejects: {slow[0]}"
        assert schema_errors(doc) == slow, name
    assert rejected > len(cases) // 3  # the corpus does exercise the explaining path


def test_a_trailing_newline_goes_to_jsonschema_which_decides():
    """Python's `$` matches before a final newline and ECMA's does not: the stricter answer only costs time."""
    doc = load_yaml_text(edited("id: INC-2026-0001", 'id: "INC-2026-0001\\n"'))
    assert not is_valid(doc.data)
    assert schema_errors(doc) == explained_errors(doc)
