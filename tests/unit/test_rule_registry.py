"""The rule registry: every rule id the code reports is declared once, with a summary."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from postmortem_kit.cli.catalog import every_rule

PACKAGE = Path(__file__).resolve().parents[2] / "scripts" / "postmortem_kit"
RULE_ID = re.compile(r"\A[a-z]+(?:-[a-z]+)*/[a-z0-9]+(?:-[a-z0-9]+)*\Z")
FAMILIES = {"file", "yaml", "schema", "times", "timeline", "id", "template", "import", "draft", "followups",
            "follow-ups", "stats", "blameless", "review"}


def _literals() -> set[tuple[str, str]]:
    found = set()
    for module in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and RULE_ID.match(node.value) \
                    and node.value.split("/")[0] in FAMILIES:
                found.add((node.value, str(module.relative_to(PACKAGE))))
    return found


def test_every_rule_id_in_the_code_is_declared():
    declared = {rule.id for rule in every_rule()}
    missing = sorted((rule, where) for rule, where in _literals() if rule not in declared)
    assert not missing, f"declare these with core.rules.declare next to their code: {missing}"


def test_every_rule_has_a_family_prefix_severity_and_summary():
    rules = every_rule()
    assert len({rule.id for rule in rules}) == len(rules)
    for rule in rules:
        assert rule.family in FAMILIES - {"follow-ups"}, rule.id
        assert rule.severity in ("error", "warning", "notice") and rule.summary.strip(), rule.id


def test_rules_verb_lists_every_family(run_cli):
    code, out, _ = run_cli("rules")
    assert code == 0
    listed = {line.split()[0] for line in out.splitlines()}
    assert {rule.id for rule in every_rule()} == listed
    code, out, _ = run_cli("rules", "times", "--format", "json")
    assert code == 0 and '"times/order"' in out and "blameless/" not in out
