"""Confidence tiers of the blameless rules, from their measured precision on real text.

``confidence.json`` (beside this module) is written by
``scripts/bench/calibrate_blameless.py``: for every rule, how often it fired on
hand-labelled sentences of public postmortems and on the synthetic held-out
sets, and which tier that evidence puts it in:

* ``high``: blame rules of this tier are errors in ``in-review`` and ``published``
  incidents (the pre-commit hook and the pull-request check fail on them);
* ``medium``: always warnings, with the same message and suggestion.

A rule missing from the file (a rule added since the last calibration) is
``medium`` until it has been measured.  The file also carries the pooled,
measured precision of each tier, which ``postmortem rules`` and the guide show.
"""

from __future__ import annotations

import json
from functools import lru_cache

from postmortem_kit.core import package_file

CONFIDENCE_FILE = "confidence.json"
HIGH = "high"
MEDIUM = "medium"


@lru_cache(maxsize=1)
def calibration() -> dict:
    """The calibration file (rules and tier summaries)."""
    with open(package_file(__package__, CONFIDENCE_FILE), encoding="utf-8") as handle:
        return json.load(handle)


def tier_of(rule_id: str) -> str:
    entry = calibration().get("rules", {}).get(rule_id)
    return entry["tier"] if entry else MEDIUM


def tier_summary(tier: str) -> dict:
    """Pooled measured figures of one tier: {"rules", "real": [tp, fp], "precision", ...}."""
    return calibration().get("tiers", {}).get(tier, {})
