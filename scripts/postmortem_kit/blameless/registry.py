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
    from postmortem_kit.blameless.confidence import HIGH, calibration, tier_of
    from postmortem_kit.blameless.rules import load_rules

    measured = calibration().get("rules", {})
    for rule in load_rules().rules:
        doc = [f"Category: {rule.category}.", "", rule.rationale or ""]
        severity = rule.severity
        if rule.severity == "error":
            tier = tier_of(rule.id)
            if tier != HIGH:
                severity = "warning"
            doc += ["", _confidence_line(tier, measured.get(rule.id))]
        if rule.organisation_exempt:
            doc += ["", "Not reported when the subject is the organisation speaking as \"we\" "
                        "(`organisation_exempt`): its plain omissions describe a gap, not a culprit."]
        if rule.planned_exempt:
            doc += ["", "Not reported when the sentence says the act was planned or approved (`planned_exempt`: "
                        "\"as planned\", \"during the approved maintenance window\", \"with the owner's approval\")."]
        if rule.suggestions:
            doc += ["", "Instead, for example: " + "; ".join(f"“{s}”" for s in rule.suggestions)]
        yield RuleDoc(rule.finding_rule, severity, rule.message.replace("{match}", "…"), "\n".join(doc).strip())


def _confidence_line(tier: str, entry: dict | None) -> str:
    """"Confidence: high (real postmortems 3/3 true, synthetic 16/16)": the evidence behind the tier."""
    if not entry:
        return f"Confidence: {tier} (not measured yet; a warning until it is)."
    real_tp, real_fp = entry["real"]
    syn_tp, syn_fp = entry["synthetic"]
    effect = "an error in in-review and published incidents" if tier == "high" else "always a warning"
    labelled = entry.get("labelled")
    more = f", all labelled sets {labelled[0]} / {labelled[1]}" if labelled else ""
    return (f"Confidence: {tier}, {effect} (measured: real postmortems {real_tp} true / {real_fp} false findings, "
            f"synthetic sets {syn_tp} / {syn_fp}{more}).")


declare_family("blameless", rule_docs)
