"""Precision and recall of the blameless check on a labelled set.

Runs the real `postmortem lint --format json` once over a temporary copy of
the set (one Markdown file per item) and counts an item as flagged when lint
reports at least one unsuppressed finding (any severity, or ``--severity
error`` findings only).  Prints precision, recall, per-category figures and
every miss and false alarm.

    python scripts/bench/eval_blameless.py                       # tests/data/blameless-dev.jsonl
    python scripts/bench/eval_blameless.py tests/data/blameless-heldout.jsonl
    python scripts/bench/eval_blameless.py --json                # machine-readable summary
    python scripts/bench/eval_blameless.py --review SET.jsonl    # rules + the configured model's second opinion
    python scripts/bench/eval_blameless.py --review --every 3 SET.jsonl   # every third item (a slow model)

``--review`` runs `postmortem lint --review` (a model configured as for `postmortem draft`) and
counts an item as flagged when a rule finding the model did not dismiss, or a ``review/BLM001``
finding (blame the model says the rules missed), is left: the effect the model's advice would
have if an author followed it.  Both figures are printed: the rules alone and rules + model, with
what the model changed (rule-flagged items it cleared, right and wrong; items its ``review/BLM001``
warnings flagged, clean and blaming) and the wall-clock time per item.  ``--every K`` scores every
K-th item only (items 1, K+1, 2K+1, ...), for a model too slow to read a whole set.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SET = ROOT / "tests" / "data" / "blameless-dev.jsonl"


def load_items(path: Path) -> list[dict]:
    items = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                item = json.loads(line)
                for key in ("id", "text", "blaming", "category"):
                    if key not in item:
                        raise SystemExit(f"{path}:{number}: item lacks {key!r}")
                items.append(item)
    return items


DISMISSED = " — model: likely fine ("
MISSED_RULE = "review/BLM001"


def run_lint(items: list[dict], *, severity: str = "warning", review: bool = False,
             config: str | None = None) -> dict[str, list[dict]]:
    """Findings per item id, from one `postmortem lint` process."""
    with tempfile.TemporaryDirectory(prefix="blameless-eval-") as tmp:
        names = {}
        for item in items:
            name = f"{item['id']}.md"
            (Path(tmp) / name).write_text(item["text"] + "\n", encoding="utf-8")
            names[name] = item["id"]
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT / "scripts") + os.pathsep + env.get("PYTHONPATH", "")
        command = [sys.executable, "-m", "postmortem_kit", "lint", "--format", "json", "--exit-zero",
                   "--severity", severity, *(["--review"] if review else []),
                   *(["--config", config] if review and config else []), tmp]
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if done.returncode != 0:
            raise SystemExit(f"postmortem lint failed ({done.returncode}): {done.stderr.strip()}")
        if review:
            print("\n".join(line for line in done.stderr.splitlines() if "review" in line), file=sys.stderr)
        by_item: dict[str, list[dict]] = defaultdict(list)
        for finding in json.loads(done.stdout):
            by_item[names[Path(finding["path"]).name]].append(finding)
    return by_item


def evaluate(items: list[dict], findings: dict[str, list[dict]], *, severity: str = "warning",
             model: bool = False) -> dict:
    """``model``: apply the model review's advice (dismissed findings do not count, missed blame does)."""
    wanted = {"warning": ("warning", "error"), "error": ("error",)}[severity]
    tp = fp = fn = tn = 0
    recall_by: dict[str, Counter] = defaultdict(Counter)
    flagged_clean: Counter = Counter()
    clean_total: Counter = Counter()
    misses, false_alarms = [], []
    for item in items:
        hits = [f for f in findings.get(item["id"], []) if not f["suppressed"] and f["severity"] in wanted
                and f["rule"] != MISSED_RULE]
        if model:
            hits = [f for f in hits if DISMISSED not in f["message"]]
            hits += [f for f in findings.get(item["id"], []) if f["rule"] == MISSED_RULE]
        flagged = bool(hits)
        if item["blaming"]:
            recall_by[item["category"]]["total"] += 1
            if flagged:
                tp += 1
                recall_by[item["category"]]["found"] += 1
            else:
                fn += 1
                misses.append(item)
        else:
            clean_total[item["category"]] += 1
            if flagged:
                fp += 1
                flagged_clean[item["category"]] += 1
                false_alarms.append((item, hits))
            else:
                tn += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {
        "items": len(items), "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "precision": precision, "recall": recall,
        "recall_by_category": {c: v["found"] / v["total"] for c, v in sorted(recall_by.items())},
        "flagged_clean_by_category": {c: f"{flagged_clean[c]}/{n}" for c, n in sorted(clean_total.items())},
        "misses": [{"id": i["id"], "category": i["category"], "text": i["text"]} for i in misses],
        "false_alarms": [{"id": i["id"], "category": i["category"], "text": i["text"],
                          "rules": [f"{h['rule']} '{h['match']}'" for h in hits]} for i, hits in false_alarms],
    }


def model_effect(items: list[dict], findings: dict[str, list[dict]], *, severity: str = "warning") -> dict:
    """What the model's advice changed, item by item, against the rules alone."""
    wanted = {"warning": ("warning", "error"), "error": ("error",)}[severity]
    effect = Counter()
    for item in items:
        found = findings.get(item["id"], [])
        hits = [f for f in found if not f["suppressed"] and f["severity"] in wanted and f["rule"] != MISSED_RULE]
        kept = [f for f in hits if DISMISSED not in f["message"]]
        missed = any(f["rule"] == MISSED_RULE for f in found)
        kind = "true" if item["blaming"] else "false_alarms"
        if hits:
            effect[f"rule_{kind}"] += 1
            if not kept:
                effect[f"cleared_{kind}"] += 1
        if missed:
            effect["missed_on_clean" if not item["blaming"] else
                   "missed_on_rule_hits" if hits else "missed_on_rule_misses"] += 1
    keys = ("rule_false_alarms", "cleared_false_alarms", "rule_true", "cleared_true", "missed_on_clean",
            "missed_on_rule_misses", "missed_on_rule_hits")
    return {key: effect[key] for key in keys}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=str(DEFAULT_SET), help="labelled JSONL file")
    parser.add_argument("--severity", choices=("warning", "error"), default="warning",
                        help="count findings of this severity or above (default: warning = all)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--review", action="store_true", help="also ask the configured model (lint --review)")
    parser.add_argument("--config", metavar="FILE", help="with --review: the drafting configuration (model, budget)")
    parser.add_argument("--every", type=int, default=1, metavar="K",
                        help="score every K-th item only (default 1: all), for a slow model")
    args = parser.parse_args(argv)
    if args.every < 1:
        parser.error("--every must be at least 1")
    items = load_items(Path(args.data))[::args.every]
    began = time.perf_counter()
    findings = run_lint(items, severity=args.severity, review=args.review, config=args.config)
    seconds = time.perf_counter() - began
    result = evaluate(items, findings, severity=args.severity)
    if args.review:
        rules_only = result
        result = evaluate(items, findings, severity=args.severity, model=True)
        result["model_effect"] = model_effect(items, findings, severity=args.severity)
        result["seconds"] = round(seconds, 1)
        print(f"rules alone:   precision {rules_only['precision']:.3f}  recall {rules_only['recall']:.3f}  "
              f"(fp {rules_only['fp']}, fn {rules_only['fn']})", file=sys.stderr)
        print(f"rules + model: precision {result['precision']:.3f}  recall {result['recall']:.3f}  "
              f"(fp {result['fp']}, fn {result['fn']})", file=sys.stderr)
        effect = result["model_effect"]
        print(f"model effect on {len(items)} items: cleared {effect['cleared_false_alarms']} of "
              f"{effect['rule_false_alarms']} rule false alarms and {effect['cleared_true']} of "
              f"{effect['rule_true']} rule-found blaming items; review/BLM001 on {effect['missed_on_clean']} clean "
              f"items, on {effect['missed_on_rule_misses']} blaming items the rules missed and on "
              f"{effect['missed_on_rule_hits']} the rules found; {seconds:.1f} s "
              f"({seconds / max(1, len(items)):.2f} s per item)", file=sys.stderr)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    print(f"{args.data}: {result['items']} items, severity >= {args.severity}")
    print(f"precision {result['precision']:.3f}  recall {result['recall']:.3f}  "
          f"(tp {result['tp']}, fp {result['fp']}, fn {result['fn']}, tn {result['tn']})")
    print("recall by blaming category:")
    for category, value in result["recall_by_category"].items():
        print(f"  {category:<22} {value:.3f}")
    print("flagged items by clean category:")
    for category, value in result["flagged_clean_by_category"].items():
        print(f"  {category:<22} {value}")
    for miss in result["misses"]:
        print(f"miss  {miss['id']} [{miss['category']}] {miss['text']}")
    for alarm in result["false_alarms"]:
        print(f"false {alarm['id']} [{alarm['category']}] {alarm['text']}  <- {', '.join(alarm['rules'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
