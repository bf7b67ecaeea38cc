"""The blameless rules in the rule registry: one ``RuleDoc`` per rule of ``rules.yaml``.

The rules are data, so they register as a family: the registry asks for
them only when a listing (``postmortem rules``, the generated rule
reference) needs them, and a check never pays for building the list.
"""

from __future__ import annotations

from typing import Iterator

from postmortem_kit.core import RuleDoc, declare, declare_family

SUPPRESSION = declare("blameless/suppression", "warning", "A blameless finding is suppressed (always visible)",
                      doc="`# blameless-ignore: BL012 reason` (or `<!-- blameless-ignore ... -->` in Markdown) keeps "
                          "a justified case, and reports that it did: suppression never hides silently.")


def rule_docs() -> Iterator[RuleDoc]:
    from postmortem_kit.blameless.rules import load_rules

    for rule in load_rules().rules:
        doc = [f"Category: {rule.category}.", "", rule.rationale or ""]
        if rule.suggestions:
            doc += ["", "Instead, for example: " + "; ".join(f"“{s}”" for s in rule.suggestions)]
        yield RuleDoc(rule.finding_rule, rule.severity, rule.message.replace("{match}", "…"), "\n".join(doc).strip())


declare_family("blameless", rule_docs)
