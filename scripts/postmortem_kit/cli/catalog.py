"""Every rule family, imported so that each declares its rules in the registry.

The registry lives in ``core.rules``; this list (at the top layer, which may
import every family) is what `postmortem rules` and the generated rule
reference read.  A new family is one more module name here.
"""

from __future__ import annotations

import importlib

from postmortem_kit.core import RuleDoc, registered

FAMILY_MODULES = (
    "postmortem_kit.core.files",
    "postmortem_kit.core.yaml_source",
    "postmortem_kit.incident.files",
    "postmortem_kit.checks.schema_findings",
    "postmortem_kit.checks.consistency",
    "postmortem_kit.checks.duplicates",
    "postmortem_kit.checks.incident",
    "postmortem_kit.blameless.registry",
    "postmortem_kit.followups.source",
    "postmortem_kit.stats.incidents",
    "postmortem_kit.drafting.validation",
    "postmortem_kit.drafting.grounding",
    "postmortem_kit.drafting.consistency",
    "postmortem_kit.drafting.review_findings",
    "postmortem_kit.rca.import_command",
)


def every_rule() -> list[RuleDoc]:
    for name in FAMILY_MODULES:
        importlib.import_module(name)
    return registered()
