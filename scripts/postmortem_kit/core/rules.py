"""The rule registry: every rule of every family is declared once, next to its code.

A module that reports findings declares its rules at import time::

    ORDER = declare("times/order", "error", "Summary times are in order",
                    doc="start <= detected <= resolved; ...")

and uses ``ORDER`` (the id string) in the findings it makes.  Families whose
rules are data (the blameless rules in ``blameless/rules.yaml``) register a
provider function instead (``declare_family``).  ``postmortem rules`` and
the generated rule reference in ``docs/reference/rules.md`` read this
registry (through ``postmortem_kit.cli.catalog``), so the documentation can
never list a rule the code does not have, or miss one it has.
"""

from __future__ import annotations

from collections import namedtuple

TYPE_CHECKING = False  # typing stays off the cold check path (annotations are never evaluated)
if TYPE_CHECKING:
    from typing import Callable, Iterable

__all__ = ["RuleDoc", "declare", "declare_family", "registered"]

SEVERITIES = ("error", "warning", "notice")


class RuleDoc(namedtuple("RuleDoc", ("id", "severity", "summary", "doc"), defaults=("",))):
    """What a person needs to know about one rule (immutable; a named tuple keeps ``dataclasses``
    and ``typing`` off the cold check path).

    ``id`` (str): "<family>/<name>", e.g. "times/order", "blameless/BL012";
    ``severity`` (str): the default severity (a policy may lower it, never raise it silently);
    ``summary`` (str): one line;
    ``doc`` (str, default ""): Markdown: what it checks, why, and how to fix a finding.
    """

    __slots__ = ()

    @property
    def family(self) -> str:
        return self.id.split("/", 1)[0]


_DECLARED: dict[str, RuleDoc] = {}
_FAMILIES: dict[str, Callable[[], Iterable[RuleDoc]]] = {}


def declare(rule_id: str, severity: str, summary: str, doc: str = "") -> str:
    """Register one rule; return its id for use in findings."""
    if "/" not in rule_id:
        raise ValueError(f"rule id {rule_id!r} needs a family prefix (family/name)")
    if severity not in SEVERITIES:
        raise ValueError(f"rule {rule_id}: severity {severity!r} is not one of {SEVERITIES}")
    known = _DECLARED.get(rule_id)
    entry = RuleDoc(rule_id, severity, summary, doc)
    if known is not None and known != entry:
        raise ValueError(f"rule {rule_id} is declared twice, differently")
    _DECLARED[rule_id] = entry
    return rule_id


def declare_family(family: str, provider: Callable[[], Iterable[RuleDoc]]) -> None:
    """Register a family whose rules are data; ``provider`` lists them when asked."""
    _FAMILIES[family] = provider


def registered() -> list[RuleDoc]:
    """Every rule declared by the modules imported so far, sorted by id."""
    rules = dict(_DECLARED)
    for provider in _FAMILIES.values():
        for entry in provider():
            rules[entry.id] = entry
    return sorted(rules.values(), key=lambda rule: rule.id)
