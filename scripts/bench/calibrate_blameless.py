"""Measure each blameless rule's precision and write its confidence tier (``confidence.json``).

Evidence per rule (a rule counts once per sentence or item it flags):

* real text: the hand-labelled public postmortems of ``eval_real_text.py`` (texts kept outside
  the repository; both modes, a sentence flagged in either counts once);
* synthetic: the held-out sets ``tests/data/blameless-heldout*.jsonl``, the development set 3 and the paraphrased
  real-world classes ``tests/data/blameless-real-classes.jsonl``;
* labelled: every committed labelled set ``tests/data/blameless-*.jsonl`` (the synthetic sets above, the
  development sets and the blind sets once scored: about 10,000 items), for the rules real text does
  not measure.

Only findings that could be errors are counted: blame rules (``severity: error``) on text that is not
the organisation speaking as "we" (those are warnings whatever the tier).  Tier rule, real text first:

* a rule that fired on real text is ``high`` when its real-text precision is at least 0.8 and its
  synthetic precision at least 0.95 (or it made no synthetic finding);
* a rule that never fired on real text is ``high`` when its synthetic precision is at least 0.95 with at
  least one true finding;
* a rule that fired on neither is ``high`` when it made at least ``LABELLED_MIN`` (10) findings on the
  labelled sets with a precision of at least 0.95 there (fifth session: ten newer rules had no finding
  on the five synthetic sets, so they were ``medium`` for lack of any measurement);
* ``medium`` otherwise (always a warning); a ``high`` rule with no finding at all keeps its tier.

The file records the counts, so the tiers can be checked; the frozen blind sets are never read.  For
BL161 (BL159's model at its confident score) the synthetic counts are in-sample, since the model is trained
on these sets; its out-of-sample evidence is ``scripts/tools/train_blameless_model.py --cross``.

    python scripts/bench/calibrate_blameless.py            # print the table
    python scripts/bench/calibrate_blameless.py --write    # also rewrite confidence.json
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "scripts" / "bench"))

LABELLED = "blameless-*.jsonl"
SYNTHETIC = ["blameless-heldout.jsonl", "blameless-heldout-2.jsonl", "blameless-real-classes.jsonl",
             "blameless-dev-3.jsonl", "blameless-dev-4.jsonl"]
REAL_MIN, SYNTHETIC_MIN = 0.8, 0.95
LABELLED_MIN = 10  # findings on the labelled sets that measure a rule neither real text nor the synthetic sets do
OUTPUT = ROOT / "scripts" / "postmortem_kit" / "blameless" / "confidence.json"


def _all_high() -> None:
    """Score every blame rule as if it were high confidence (what the tiers are measured from)."""
    from postmortem_kit.blameless import confidence, findings
    from postmortem_kit.blameless.confidence import HIGH

    # findings.severity_for imports tier_of from confidence when it needs it, so patch it there
    # (patching only findings.tier_of silently measured every medium rule as 0/0).
    confidence.tier_of = lambda rule_id: HIGH
    findings.tier_of = confidence.tier_of


def _count(counts, flagged_rules, blaming: bool, slot: int) -> None:
    for rule in flagged_rules:
        counts[rule][slot + (0 if blaming else 1)] += 1


def measure(texts: Path | None) -> tuple[dict, dict]:
    import eval_real_text as real

    from postmortem_kit.blameless import lint_text, load_rules

    rules = load_rules()
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])  # real, synthetic, labelled: tp, fp
    corpus = {}
    try:
        items, docs, stats = real.load_corpus(texts or real.DEFAULT_TEXTS, real.DEFAULT_LABELS)
    except real.MissingTexts as error:
        raise SystemExit(f"calibrate_blameless: {error}")
    by_sentence = real.sentence_findings(items, rules)
    by_document, _ = real.document_findings(items, docs, rules)
    for item, one, whole in zip(items, by_sentence, by_document):
        ids = {f.rule.split("/")[-1] for f in one + whole if f.severity == "error"}
        _count(counts, ids, item["blaming"], 0)
    corpus["real"] = {"sentences": len(items), "blaming": sum(i["blaming"] for i in items),
                      "documents": len({i["doc"] for i in items})}
    synthetic_items = labelled_items = 0
    labelled = sorted(path.name for path in (ROOT / "tests" / "data").glob(LABELLED))
    for name in labelled:
        with open(ROOT / "tests" / "data" / name, encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                item = json.loads(line)
                found = lint_text(item["text"] + "\n", item["id"], markdown=True, status="published", rules=rules)
                ids = {f.rule.split("/")[-1] for f in found if f.severity == "error" and not f.suppressed}
                _count(counts, ids, item["blaming"], 4)
                labelled_items += 1
                if name in SYNTHETIC:
                    _count(counts, ids, item["blaming"], 2)
                    synthetic_items += 1
    corpus["synthetic"] = {"items": synthetic_items, "sets": SYNTHETIC}
    corpus["labelled"] = {"items": labelled_items, "sets": len(labelled)}
    return counts, corpus


def _precision(tp: int, fp: int) -> float | None:
    return round(tp / (tp + fp), 3) if tp + fp else None


def tiers(counts: dict, rule_ids: list[str], previous: dict | None = None) -> dict:
    """Tier per rule.  A rule with no finding at all in this run (another rule now reports the
    same phrases first, e.g. a new, narrower rule) keeps the tier of its previous measurement
    instead of dropping to ``medium`` for lack of evidence."""
    result = {}
    previous = previous or {}
    for rule_id in rule_ids:
        real_tp, real_fp, syn_tp, syn_fp, all_tp, all_fp = counts.get(rule_id, [0, 0, 0, 0, 0, 0])
        before = previous.get(rule_id)
        if not (real_tp or real_fp or syn_tp or syn_fp) and all_tp + all_fp < LABELLED_MIN \
                and before and before.get("tier") == "high" \
                and (sum(before.get("real", [])) + sum(before.get("synthetic", [])) + sum(before.get("labelled", []))
                     or before.get("kept")):
            result[rule_id] = {"tier": "high", "real": [0, 0], "synthetic": [0, 0], "labelled": [all_tp, all_fp],
                               "kept": True}
            continue
        real_p, syn_p, all_p = _precision(real_tp, real_fp), _precision(syn_tp, syn_fp), _precision(all_tp, all_fp)
        if real_tp or real_fp:  # real text measures it: real text first, as issue 17 asks
            high = real_p >= REAL_MIN and (syn_p is None or syn_p >= SYNTHETIC_MIN) and real_tp + syn_tp > 0
        elif syn_tp or syn_fp:  # the synthetic sets do
            high = syn_p >= SYNTHETIC_MIN and syn_tp > 0
        else:  # neither: every labelled set, given enough findings there
            high = all_tp + all_fp >= LABELLED_MIN and all_p >= SYNTHETIC_MIN
        result[rule_id] = {"tier": "high" if high else "medium", "real": [real_tp, real_fp],
                           "synthetic": [syn_tp, syn_fp], "labelled": [all_tp, all_fp]}
    return result


def summary(table: dict) -> dict:
    out = {}
    for tier in ("high", "medium"):
        rows = [row for row in table.values() if row["tier"] == tier]
        real = [sum(row["real"][0] for row in rows), sum(row["real"][1] for row in rows)]
        syn = [sum(row["synthetic"][0] for row in rows), sum(row["synthetic"][1] for row in rows)]
        labelled = [sum(row["labelled"][0] for row in rows), sum(row["labelled"][1] for row in rows)]
        out[tier] = {"rules": len(rows), "real": real, "real_precision": _precision(*real),
                     "synthetic": syn, "synthetic_precision": _precision(*syn),
                     "labelled": labelled, "labelled_precision": _precision(*labelled)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, help="private real-text corpus (see eval_real_text.py)")
    parser.add_argument("--write", action="store_true", help=f"rewrite {OUTPUT.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    _all_high()
    from postmortem_kit.blameless import load_rules

    rule_ids = [rule.id for rule in load_rules().rules if rule.severity == "error"]
    counts, corpus = measure(args.texts)
    previous = json.loads(OUTPUT.read_text(encoding="utf-8")).get("rules", {}) if OUTPUT.exists() else {}
    table = tiers(counts, rule_ids, previous)
    data = {"comment": "written by scripts/bench/calibrate_blameless.py; counts are [true, false] findings",
            "thresholds": {"real_precision": REAL_MIN, "synthetic_precision": SYNTHETIC_MIN},
            "corpus": corpus, "tiers": summary(table), "rules": table}
    for rule_id, row in table.items():
        print(f"{rule_id}  {row['tier']:<6}  real {row['real'][0]}/{row['real'][1]}  "
              f"synthetic {row['synthetic'][0]}/{row['synthetic'][1]}  labelled {row['labelled'][0]}/{row['labelled'][1]}"
              + ("  (no finding; tier kept)" if row.get("kept") else ""))
    print(json.dumps(data["tiers"]))
    if args.write:
        OUTPUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
