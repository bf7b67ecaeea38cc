"""The schema's prose type carries the highest-confidence rules; pattern failures map back to rules."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from postmortem_kit.blameless import COMPILED_FILE, describe_prose_pattern_error, replace_prose_not, schema_not_entry, schema_pattern
from postmortem_kit.core import package_file, schema_file
from support.examples import edited, write_incident

SCHEMA = schema_file("postmortem.schema.json")
FLAGGED = ["The outage was human error.", "Operator error on the DNS tier.", "A HUMAN-ERROR, again",
           "An engineer fat-fingered the count.", "user\nerror"]
CLEAN = ["The human_error_total metric.", "humane errors", "A superhuman error budget.", "cause=operator_error",
         "The health check failed."]


def compiled() -> dict:
    return json.loads(package_file("postmortem_kit.blameless", COMPILED_FILE).read_text(encoding="utf-8"))


def test_schema_prose_type_carries_the_generated_pattern():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$defs"]["prose"]["not"] == schema_not_entry(compiled())


def test_sync_edits_only_the_prose_entry():
    text = SCHEMA.read_text(encoding="utf-8")
    without = replace_prose_not(text, {"pattern": "x"})
    again = replace_prose_not(without, schema_not_entry(compiled()))
    assert again == text
    changed = [a for a, b in zip(text.splitlines(), without.splitlines()) if a != b]
    assert len(changed) == 1 and '"not": {"pattern": "x"}' in without


@pytest.mark.parametrize("text", FLAGGED)
def test_python_reading_of_the_pattern(text):
    import re

    assert re.search(schema_pattern(compiled()), text)


@pytest.mark.parametrize("text", CLEAN)
def test_python_reading_leaves_identifiers_alone(text):
    import re

    assert not re.search(schema_pattern(compiled()), text)


def test_the_pattern_is_ecma_262():
    """Editors evaluate `pattern` as an ECMA-262 regex: compile and run it with an ECMA engine."""
    import regress  # the ECMA-262 engine check-jsonschema uses (dev dependency)

    regex = regress.Regex(schema_pattern(compiled()))
    assert all(regex.find(text) is not None for text in FLAGGED)
    assert all(regex.find(text) is None for text in CLEAN)


def test_check_jsonschema_underlines_human_error(tmp_path):
    """The plain schema, with no postmortem-kit code, already rejects the phrase (as an editor would)."""
    tool = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    text = edited("    The database connection pool of checkout-api was capped at 5 connections per pod instead\n",
                  "    Human error capped the database connection pool of checkout-api at 5 connections per pod instead\n")
    bad = write_incident(tmp_path / "bad", text)
    good = write_incident(tmp_path / "good", text.replace("Human error capped", "A change capped"))
    command = [tool, "--schemafile", str(SCHEMA)]
    failed = subprocess.run(command + [str(bad)], capture_output=True, text=True, check=False)
    passed = subprocess.run(command + [str(good)], capture_output=True, text=True, check=False)
    assert failed.returncode == 1 and "root_cause.primary" in failed.stdout + failed.stderr
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_pattern_failures_map_back_to_the_rule():
    rule, message, suggestion, offset, match = describe_prose_pattern_error("In short, it was human error.")
    assert (rule, offset, match) == ("BL001", len("In short, it was "), "human error")
    assert "human error" in message and suggestion
    rule, _, _, offset, match = describe_prose_pattern_error("A pricing analyst fat-fingered the field.")
    assert (rule, match) == ("BL030", "fat-fingered")
    assert describe_prose_pattern_error("The health check failed to connect.") is None


def test_quoted_phrase_still_maps_to_its_rule():
    """The schema cannot see quotes; the tool names the rule instead of printing the regex."""
    rule, message, _, offset, match = describe_prose_pattern_error('The vendor wrote "human error" in the RCA.')
    assert rule == "BL001" and match == "human error" and offset == len('The vendor wrote "')


def test_check_maps_schema_failures_and_keeps_one_finding(tmp_path, run_cli):
    text = edited("    The database connection pool of checkout-api was capped at 5 connections per pod instead\n",
                  "    Human error capped the database connection pool of checkout-api at 5 connections per pod instead\n")
    path = write_incident(tmp_path, text)
    code, out, _ = run_cli("check", "--format", "json", str(path))
    findings = json.loads(out)
    assert code == 1
    assert [f["rule"] for f in findings] == ["blameless/BL001"]
    assert "pattern" not in findings[0]["message"] and "(?:" not in findings[0]["message"]
