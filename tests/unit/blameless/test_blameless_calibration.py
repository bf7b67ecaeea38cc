"""The tier rule of scripts/bench/calibrate_blameless.py (issue 17, item 4): real text first, then the
synthetic sets, then, for a rule neither measures, every labelled set given enough findings there."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
spec = importlib.util.spec_from_file_location("calibrate_blameless", ROOT / "scripts" / "bench" / "calibrate_blameless.py")
calibrate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(calibrate)


def _tier(counts: list[int], previous: dict | None = None) -> dict:
    return calibrate.tiers({"BL999": counts}, ["BL999"], {"BL999": previous} if previous else {})["BL999"]


def test_real_text_decides_first():
    # precise on real text, but the synthetic sets show false findings: medium
    assert _tier([5, 0, 3, 1, 40, 0])["tier"] == "medium"
    # a false finding on real text outweighs a perfect record everywhere else
    assert _tier([1, 1, 9, 0, 90, 0])["tier"] == "medium"
    assert _tier([4, 1, 9, 0, 90, 5])["tier"] == "high"  # 0.8 on real text is enough


def test_the_synthetic_sets_decide_a_rule_real_text_does_not_measure():
    assert _tier([0, 0, 6, 0, 34, 2])["tier"] == "high"  # the labelled sets do not overrule them
    assert _tier([0, 0, 3, 1, 3, 1])["tier"] == "medium"


def test_every_labelled_set_measures_a_rule_nothing_else_does():
    assert _tier([0, 0, 0, 0, 21, 1]) == {"tier": "high", "real": [0, 0], "synthetic": [0, 0], "labelled": [21, 1]}
    assert _tier([0, 0, 0, 0, 9, 1])["tier"] == "medium"  # 0.9
    assert _tier([0, 0, 0, 0, 8, 0])["tier"] == "medium"  # too few findings to measure


def test_a_high_rule_without_enough_evidence_keeps_its_tier():
    before = {"tier": "high", "real": [2, 0], "synthetic": [3, 0]}
    assert _tier([0, 0, 0, 0, 3, 0], before) == {"tier": "high", "real": [0, 0], "synthetic": [0, 0],
                                                  "labelled": [3, 0], "kept": True}
    assert _tier([0, 0, 0, 0, 0, 0], {"tier": "medium", "real": [0, 0], "synthetic": [0, 0]})["tier"] == "medium"
    assert _tier([0, 0, 0, 0, 30, 3], before)["tier"] == "medium"  # enough evidence, and it is below 0.95
