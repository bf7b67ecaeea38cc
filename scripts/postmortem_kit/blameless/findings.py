"""From a rule match to a Finding: severity policy and wording.

Severity policy (documented in docs/guide/blameless.md):

* rules with severity ``error`` are blame: an error in ``in-review`` and
  ``published`` incidents when the rule is in the ``high`` confidence tier
  (measured precision on real postmortems, see ``confidence.py``), a warning
  in a ``draft`` (the drafting step and the author still have time to
  rewrite) and for ``medium``-tier rules;
* a match said of the organisation as "we" is always a warning (``speaker.py``), and no finding at
  all for a rule that declares ``organisation_exempt`` (the organisation's plain omissions and
  counterfactuals: "we did not catch the regression in testing"; ``speaker.without_exempt`` drops
  those before the matches are deduplicated);
* rules with severity ``warning`` (tone, such as repeated exclamation marks)
  are always warnings;
* `postmortem lint` reports everything as a warning unless ``--severity
  error`` asks for the published policy.
"""

from __future__ import annotations

from postmortem_kit.blameless.rules import Rule
from postmortem_kit.core import Finding

STRICT_STATUSES = ("in-review", "published")


def severity_for(rule: Rule, status: str, *, organisation: bool = False) -> str:
    if rule.severity == "warning" or organisation or status not in STRICT_STATUSES:
        return "warning"
    from postmortem_kit.blameless.confidence import HIGH, tier_of  # read only when a blame finding is made

    return "error" if tier_of(rule.id) == HIGH else "warning"


def make_finding(rule: Rule, match: str, *, path: str, status: str, line: int, column: int, end_line: int,
                 end_column: int, field: str | None = None, organisation: bool = False) -> Finding:
    """The finding of a match (``organisation``: said of the organisation as "we"; the callers have
    dropped such matches of an ``organisation_exempt`` rule already, see ``speaker.without_exempt``)."""
    return Finding(
        path=path,
        line=line,
        column=column,
        rule=rule.finding_rule,
        severity=severity_for(rule, status, organisation=organisation),
        message=rule.describe(match),
        end_line=end_line,
        end_column=end_column,
        suggestion=rule.suggestion,
        category=rule.category,
        match=match,
        field=field,
    )
