"""The model's second opinion (`postmortem lint --review`) on the private real-postmortem corpus.

Opt-in, and only with a model configured as for `postmortem draft` (``--config FILE``, plus
``OPENAI_API_KEY``): runs `postmortem lint --format json --severity error` over every document of the
private corpus (see ``eval_real_text.py``) once without and once with ``--review``, maps each finding
to the labelled sentence it starts in (as ``eval_real_text.py --mode document`` does), and reports:

* the rules alone: precision, recall on clearly blaming sentences, false alarms per 100 sentences;
* rules + model, counting what an author following the model would see: rule findings the model
  dismissed do not count, ``review/BLM001`` warnings (blame the model says the rules missed) do;
* what the model changed: rule false alarms it dismissed, true findings it dismissed, and
  ``review/BLM001`` warnings on clean sentences per 100 sentences, on blaming sentences the rules
  missed, and outside any labelled sentence;
* requests, problems and time, from lint's own ``review:`` lines.

Only counts are printed: never a sentence, a quote or a document's text (the corpus is other
people's prose). The documents are copied to a temporary directory outside the repository for the
run and removed afterwards.

    OPENAI_API_KEY=local python scripts/bench/eval_real_review.py --config .realserver/review.yaml
    python scripts/bench/eval_real_review.py --config FILE --every 2 --json   # every other document
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_real_text import (  # noqa: E402
    DEFAULT_LABELS,
    DEFAULT_TEXTS,
    LEVELS,
    MissingTexts,
    document_items,
    load_corpus,
    sentence_locator,
)

DISMISSED = " — model: likely fine ("
MISSED_RULE = "review/BLM001"


def run_lint(docs: dict[str, str], *, review: bool, config: str | None) -> tuple[dict[str, list[dict]], list[str], float]:
    """Findings per document, lint's ``review`` lines and the seconds the run took."""
    with tempfile.TemporaryDirectory(prefix="real-review-") as tmp:
        names = {}
        for doc, text in docs.items():
            name = f"{doc}.md"
            (Path(tmp) / name).write_text(text, encoding="utf-8")
            names[name] = doc
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT / "scripts") + os.pathsep + env.get("PYTHONPATH", "")
        command = [sys.executable, "-m", "postmortem_kit", "lint", "--format", "json", "--exit-zero",
                   "--severity", "error", *(["--review"] if review else []),
                   *(["--config", config] if review and config else []), tmp]
        began = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        seconds = time.perf_counter() - began
        if done.returncode != 0:
            raise SystemExit(f"postmortem lint failed ({done.returncode}); its error output is not shown "
                             f"(it may quote the private text)")
        notes = [line for line in done.stderr.splitlines() if "review" in line]
        by_doc: dict[str, list[dict]] = defaultdict(list)
        for finding in json.loads(done.stdout):
            by_doc[names[Path(finding["path"]).name]].append(finding)
    return by_doc, notes, seconds


def map_to_sentences(items: list[dict], docs: dict[str, str], by_doc: dict[str, list[dict]]):
    """Each finding attached to the labelled sentence it starts in; also the count of the others."""
    result: list[list[dict]] = [[] for _ in items]
    outside: list[dict] = []
    numbers_by_doc: dict[str, list[int]] = defaultdict(list)
    for number, item in enumerate(items):
        numbers_by_doc[item["sentence_doc"]].append(number)
    for doc, text in docs.items():
        locate = sentence_locator(items, numbers_by_doc.get(doc, []), text)
        for finding in by_doc.get(doc, []):
            target = locate(finding["line"], finding["column"])
            if target is None:
                outside.append(finding)
            else:
                result[target].append(finding)
    return result, outside


def rule_hits(found: list[dict], level: str = "error") -> list[dict]:
    return [f for f in found if not f["suppressed"] and f["severity"] in LEVELS[level] and f["rule"] != MISSED_RULE]


def _keys(found: list[dict]) -> list[tuple]:
    return [(f["line"], f["column"], f["rule"], f["severity"], f["match"], f["message"].split(" — model: ")[0])
            for f in found]


def figures(items: list[dict], flagged: list[bool]) -> dict:
    n = len(items)
    tp = sum(1 for item, hit in zip(items, flagged) if hit and item["blaming"])
    fp = sum(1 for item, hit in zip(items, flagged) if hit and not item["blaming"])
    blaming = sum(1 for item in items if item["blaming"])
    clear = [hit for item, hit in zip(items, flagged) if item["blaming"] and item["clear"]]
    return {"tp": tp, "fp": fp, "fn": blaming - tp,
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall_clear": round(sum(clear) / len(clear), 3) if clear else None,
            "recall_all": round(tp / blaming, 3) if blaming else None,
            "false_alarms_per_100": round(100.0 * fp / n, 2) if n else 0.0}


def evaluate(items: list[dict], mapped: list[list[dict]], outside: list[dict], level: str = "error") -> dict:
    n = len(items)
    rules_flag, model_flag = [], []
    effect = defaultdict(int)
    for item, found in zip(items, mapped):
        hits = rule_hits(found, level)
        kept = [f for f in hits if DISMISSED not in f["message"]]
        missed = [f for f in found if f["rule"] == MISSED_RULE]
        rules_flag.append(bool(hits))
        model_flag.append(bool(kept or missed))
        effect["dismissed_findings"] += sum(1 for f in found if DISMISSED in f["message"])
        effect["confirmed_findings"] += sum(1 for f in found if " — model: agrees (" in f["message"])
        if hits and not kept:
            effect["cleared_false_alarms" if not item["blaming"] else "cleared_true_findings"] += 1
        if missed:
            if not item["blaming"]:
                effect["missed_on_clean"] += 1
            elif hits:
                effect["missed_on_rule_hits"] += 1
            else:
                effect["missed_on_rule_misses"] += 1
                effect["missed_on_clear_rule_misses"] += bool(item["clear"])
    effect["missed_outside_sentences"] = sum(1 for f in outside if f["rule"] == MISSED_RULE)
    effect["missed_on_clean_per_100"] = round(100.0 * effect["missed_on_clean"] / n, 2) if n else 0.0
    return {"sentences": n, "blaming": sum(bool(i["blaming"]) for i in items),
            "clear_blaming": sum(bool(i["blaming"] and i["clear"]) for i in items),
            "rules": figures(items, rules_flag), "rules_and_model": figures(items, model_flag),
            "model_effect": dict(effect)}


PROBLEMS = ("the answer is not JSON", "the answer is not a JSON object", "cut off at the output-token limit",
            "the model refused", "content filter", "token budget exhausted", "the model request failed",
            "timed out", "HTTP", "skipped", "failed")


def problem_kinds(lines: list[str]) -> dict[str, int]:
    """lint's problem lines by kind (the lines themselves may quote the model, so they are not shown)."""
    kinds: dict[str, int] = defaultdict(int)
    for line in lines:
        kind = next((p for p in PROBLEMS if p in line), "other")
        documents = re.search(r"review: (\d+) documents, first ", line)
        kinds[kind] += int(documents.group(1)) if documents else 1
    return dict(kinds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, metavar="FILE", help="the drafting configuration naming the model")
    parser.add_argument("--texts", type=Path, default=DEFAULT_TEXTS, help=f"private corpus (default {DEFAULT_TEXTS})")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="labels JSONL (no text)")
    parser.add_argument("--every", type=int, default=1, metavar="K",
                        help="review every K-th document only (sorted by id; default 1: all)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.every < 1:
        parser.error("--every must be at least 1")
    try:
        items, docs, _ = load_corpus(args.texts, args.labels)
    except MissingTexts as error:
        print(f"eval_real_review: {error}", file=sys.stderr)
        return 2
    chosen = sorted(docs)[::args.every]
    docs = {doc: docs[doc] for doc in chosen}
    items = document_items(items, docs)
    if not items:
        print(f"eval_real_review: no labelled sentence with document text in {args.texts}", file=sys.stderr)
        return 2
    base, _, base_seconds = run_lint(docs, review=False, config=None)
    reviewed, notes, seconds = run_lint(docs, review=True, config=args.config)
    base_mapped, _ = map_to_sentences(items, docs, base)
    mapped, outside = map_to_sentences(items, docs, reviewed)
    result = evaluate(items, mapped, outside)
    result["error+warning"] = {k: v for k, v in evaluate(items, mapped, outside, "error+warning").items()
                               if k in ("rules", "rules_and_model", "model_effect")}
    result["documents"] = len(docs)
    result["characters"] = sum(len(text) for text in docs.values())
    result["rules_unchanged_by_review"] = [_keys(rule_hits(a)) for a in base_mapped] == [_keys(rule_hits(b)) for b in mapped]
    result["seconds_rules_only"] = round(base_seconds, 1)
    result["seconds_with_review"] = round(seconds, 1)
    # lint's review lines carry counts and problems, never document text, except a model's own words
    # in a problem line (a refusal): keep only the summary counters.
    result["review_lines"] = [line for line in notes if "review by " in line or "redacted before sending" in line
                              or "more document(s) not sent" in line]
    result["review_problems"] = problem_kinds([line for line in notes if line not in result["review_lines"]])
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"real-postmortem corpus: {result['documents']} documents ({result['characters']:,} characters), "
          f"{result['sentences']} labelled sentences, {result['blaming']} blaming, {result['clear_blaming']} clear")
    for name in ("rules", "rules_and_model"):
        r = result[name]
        print(f"{name.replace('_', ' '):<16} precision {r['precision']}  recall(clear) {r['recall_clear']}  "
              f"recall(all) {r['recall_all']}  false alarms/100 {r['false_alarms_per_100']}  "
              f"(tp {r['tp']}, fp {r['fp']}, fn {r['fn']})")
    r, m = result["error+warning"]["rules"], result["error+warning"]["rules_and_model"]
    print(f"errors + warnings: rules precision {r['precision']}, false alarms/100 {r['false_alarms_per_100']}; "
          f"rules + model precision {m['precision']}, false alarms/100 {m['false_alarms_per_100']}; "
          f"cleared {result['error+warning']['model_effect'].get('cleared_false_alarms', 0)} false-alarm sentences")
    e = result["model_effect"]
    print(f"model: {e.get('confirmed_findings', 0)} findings confirmed, {e.get('dismissed_findings', 0)} dismissed; "
          f"cleared {e.get('cleared_false_alarms', 0)} false-alarm sentences and {e.get('cleared_true_findings', 0)} "
          f"true ones; review/BLM001 on {e.get('missed_on_clean', 0)} clean sentences "
          f"({e['missed_on_clean_per_100']} per 100), on {e.get('missed_on_rule_misses', 0)} blaming sentences the "
          f"rules missed ({e.get('missed_on_clear_rule_misses', 0)} clear), on {e.get('missed_on_rule_hits', 0)} "
          f"the rules found, {e.get('missed_outside_sentences', 0)} outside labelled sentences")
    print(f"rule findings unchanged by --review: {result['rules_unchanged_by_review']}; "
          f"{result['seconds_rules_only']} s rules only, {result['seconds_with_review']} s with the review")
    for line in result["review_lines"]:
        print(line)
    for kind, count in result["review_problems"].items():
        print(f"review problem: {kind} ({count} line(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
