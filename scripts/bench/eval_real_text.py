"""Score the blameless check on real public postmortems (hand-labelled, text kept outside the repo).

The labels live in ``scripts/bench/data/real-postmortems.labels.jsonl``: one line per sentence with
``doc``, ``index``, ``sha256`` (of the whitespace-normalised sentence), ``blaming``, ``clear`` and
``kind`` (why the sentence has its label), but no sentence text.  The texts are other people's prose
and are never committed; they are read from a directory (``--texts``, default
``/work/private/real-postmortems``) holding:

* ``sentences.jsonl``: ``{"doc", "index", "text", "start", "end", "sha256", ...}`` per sentence,
  where ``start``/``end`` are character offsets into ``docs/<doc>.md``;
* ``docs/<doc>.md``: each document's prose as Markdown (headings, lists and paragraphs kept).

Two ways of running the engine (``--mode``):

* ``sentence``: every sentence is linted on its own with ``lint_text`` (in-process, Markdown);
* ``document``: every document is linted whole, so the engine sees headings, cause sections and
  neighbouring sentences; each finding's line/column is mapped back to the sentence it starts in.

A sentence counts as flagged when it has at least one unsuppressed finding at the severity being
scored.  Findings are computed with the published-incident policy (blame rules are errors, tone
rules warnings); two levels are scored: ``error`` and ``error+warning``.  Reported per level:
precision (blaming = positive class), recall on clearly blaming sentences, recall on all blaming
sentences, false alarms per 100 sentences, and per-kind counts of false alarms (clean kinds) and
misses (blaming kinds).

A partial corpus is scored on what it holds: labels whose sentence text is missing are skipped, and
document mode scores only sentences of documents whose text is present.  The report starts with the
coverage ("scored N of 3806 labelled sentences in D of 117 documents; B blaming, C clear"), and each
mode repeats it when it scores fewer sentences.  ``scripts/bench/rebuild_real_text.py`` rebuilds the
corpus from the documents' public sources.

Sentence text is printed only to a terminal (false alarms and misses, ``--examples`` per kind).
It is never written by ``--json``, and it is suppressed automatically when standard output is a
file inside this repository.

    python scripts/bench/eval_real_text.py                    # both modes, text report
    python scripts/bench/eval_real_text.py --mode document --examples 0
    python scripts/bench/eval_real_text.py --json             # machine-readable, no text
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from bisect import bisect_right
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

DEFAULT_TEXTS = Path(os.environ.get("POSTMORTEM_REAL_TEXTS", "/work/private/real-postmortems"))
DEFAULT_LABELS = ROOT / "scripts" / "bench" / "data" / "real-postmortems.labels.jsonl"
LEVELS = {"error": ("error",), "error+warning": ("error", "warning")}


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def sha(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def load_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


class MissingTexts(Exception):
    pass


def load_corpus(texts: Path, labels_path: Path) -> tuple[list[dict], dict[str, str], dict]:
    """Labelled items joined with their text; the documents; matching statistics."""
    labels = load_jsonl(labels_path)
    sentences_file = texts / "sentences.jsonl"
    if not sentences_file.is_file():
        raise MissingTexts(
            f"sentence texts not found: {sentences_file} does not exist.\n"
            f"The labels ({labels_path.name}, {len(labels)} sentences) carry no text. Point --texts (or "
            f"POSTMORTEM_REAL_TEXTS) at the private corpus directory holding sentences.jsonl and docs/.")
    sentences = load_jsonl(sentences_file)
    by_key = {(s["doc"], s["index"]): s for s in sentences}
    by_sha: dict[str, list[dict]] = defaultdict(list)
    for s in sentences:
        by_sha[sha(s["text"])].append(s)
    items, stats = [], Counter()
    for label in labels:
        sentence = by_key.get((label["doc"], label["index"]))
        if sentence is not None and sha(sentence["text"]) == label["sha256"]:
            stats["matched"] += 1
        else:
            # Only the label's own document: a same-worded sentence elsewhere says nothing about
            # this document (a partial corpus must not borrow text across documents).
            candidates = [s for s in by_sha.get(label["sha256"], []) if s["doc"] == label["doc"]]
            if not candidates:
                stats["missing"] += 1
                continue
            sentence = candidates[0]
            stats["matched_by_sha"] += 1
        items.append({**label, "text": sentence["text"], "start": sentence.get("start"),
                      "end": sentence.get("end"), "sentence_doc": sentence["doc"]})
    docs = {}
    docs_dir = texts / "docs"
    for doc in sorted({item["sentence_doc"] for item in items}):
        path = docs_dir / f"{doc}.md"
        if path.is_file():
            docs[doc] = path.read_text(encoding="utf-8")
        else:
            stats["docs_missing"] += 1
    stats["labels"] = len(labels)
    stats["label_documents"] = len({label["doc"] for label in labels})
    return items, docs, dict(stats)


def coverage(items: list[dict], stats: dict) -> dict:
    """How much of the labelled corpus has text: a partial corpus is scored on what is there."""
    return {
        "labels": stats.get("labels", 0),
        "label_documents": stats.get("label_documents", 0),
        "scored_sentences": len(items),
        "documents": len({item["doc"] for item in items}),
        "blaming": sum(bool(item["blaming"]) for item in items),
        "clear_blaming": sum(bool(item["blaming"] and item["clear"]) for item in items),
        "labels_without_text": stats.get("missing", 0),
        "matched_by_sha_only": stats.get("matched_by_sha", 0),
        "documents_without_text": stats.get("docs_missing", 0),
    }


def coverage_line(summary: dict) -> str:
    return (f"scored {summary['scored_sentences']} of {summary['labels']} labelled sentences in "
            f"{summary['documents']} of {summary['label_documents']} documents; "
            f"{summary['blaming']} blaming, {summary['clear_blaming']} clear")


def document_items(items: list[dict], docs: dict[str, str]) -> list[dict]:
    """The sentences document mode can score: those with an offset into a document that has text."""
    return [item for item in items if item["start"] is not None and item["sentence_doc"] in docs]


def _lint(text: str, path: str, rules):
    from postmortem_kit.blameless import lint_text
    return [f for f in lint_text(text, path, markdown=True, status="published", rules=rules) if not f.suppressed]


def sentence_findings(items: list[dict], rules) -> list[list]:
    return [_lint(item["text"], f"{item['doc']}#{item['index']}", rules) for item in items]


def sentence_locator(items: list[dict], numbers: list[int], text: str):
    """For one document's ``text`` and its labelled sentences (``numbers``, indexes into ``items``): a
    function from a finding's line and column to the number of the sentence it starts in, or None."""
    numbers = sorted(numbers, key=lambda n: items[n]["start"])
    starts = [items[n]["start"] for n in numbers]
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def locate(line: int, column: int) -> int | None:
        offset = line_starts[line - 1] + column - 1
        slot = bisect_right(starts, offset) - 1
        if slot >= 0 and offset < items[numbers[slot]]["end"]:
            return numbers[slot]
        if slot + 1 < len(numbers) and "\n" not in text[offset:starts[slot + 1]]:
            return numbers[slot + 1]   # e.g. a Markdown prefix before the sentence on its line
        return None

    return locate


def document_findings(items: list[dict], docs: dict[str, str], rules) -> tuple[list[list], int]:
    """Lint each document whole; map findings to the sentence containing their start."""
    result: list[list] = [[] for _ in items]
    unmapped = 0
    by_doc: dict[str, list[int]] = defaultdict(list)
    for number, item in enumerate(items):
        if item["start"] is not None:
            by_doc[item["sentence_doc"]].append(number)
    for doc, numbers in by_doc.items():
        text = docs.get(doc)
        if text is None:
            continue
        locate = sentence_locator(items, numbers, text)
        for finding in _lint(text, doc, rules):
            target = locate(finding.line, finding.column)
            if target is None:
                unmapped += 1
            else:
                result[target].append(finding)
    return result, unmapped


def score(items: list[dict], findings: list[list], level: str) -> dict:
    wanted = LEVELS[level]
    n = len(items)
    tp = fp = fn = 0
    clear_total = clear_found = 0
    fa_kind: Counter = Counter()
    miss_kind: Counter = Counter()
    found_kind: Counter = Counter()
    kind_total: Counter = Counter()
    fa_rule: Counter = Counter()
    false_alarms, misses = [], []
    for item, hits in zip(items, findings):
        hits = [h for h in hits if h.severity in wanted]
        flagged = bool(hits)
        kind_total[item["kind"]] += 1
        if item["blaming"]:
            if item["clear"]:
                clear_total += 1
                clear_found += flagged
            if flagged:
                tp += 1
                found_kind[item["kind"]] += 1
            else:
                fn += 1
                miss_kind[item["kind"]] += 1
                misses.append((item, hits))
        elif flagged:
            fp += 1
            fa_kind[item["kind"]] += 1
            for hit in hits:
                fa_rule[hit.rule] += 1
            false_alarms.append((item, hits))
    blaming = tp + fn
    return {
        "level": level,
        "sentences": n,
        "blaming": blaming,
        "clear_blaming": clear_total,
        "flagged": tp + fp,
        "tp": tp, "fp": fp, "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall_clear": clear_found / clear_total if clear_total else None,
        "recall_all": tp / blaming if blaming else None,
        "false_alarms_per_100": 100.0 * fp / n if n else 0.0,
        "false_alarms_by_kind": {k: {"false_alarms": v, "of": kind_total[k]} for k, v in fa_kind.most_common()},
        "misses_by_kind": {k: {"missed": miss_kind[k], "found": found_kind[k], "of": kind_total[k]}
                           for k in sorted(set(miss_kind) | set(found_kind),
                                           key=lambda k: (-miss_kind[k], -found_kind[k], k))},
        "false_alarms_by_rule": dict(fa_rule.most_common()),
        "_false_alarms": false_alarms,
        "_misses": misses,
    }


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def stdout_inside_repo() -> bool:
    try:
        if sys.stdout.isatty() or not os.path.isfile("/proc/self/fd/1"):
            return False
        target = Path(os.readlink("/proc/self/fd/1"))
    except OSError:
        return False
    if not target.is_absolute():
        return False
    try:
        target.resolve().relative_to(ROOT)
        return True
    except ValueError:
        return False


def print_report(mode: str, result: dict, *, examples: int, show_text: bool) -> None:
    print(f"  [{result['level']}] precision {_fmt(result['precision'])}  "
          f"recall(clear) {_fmt(result['recall_clear'])}  recall(all) {_fmt(result['recall_all'])}  "
          f"false alarms/100 sentences {result['false_alarms_per_100']:.2f}")
    print(f"      flagged {result['flagged']}: tp {result['tp']}, fp {result['fp']}, fn {result['fn']} "
          f"(blaming {result['blaming']}, clear {result['clear_blaming']}, sentences {result['sentences']})")
    if result["false_alarms_by_kind"]:
        print("      false alarms by kind: " + ", ".join(
            f"{k} {v['false_alarms']}/{v['of']}" for k, v in result["false_alarms_by_kind"].items()))
    if result["false_alarms_by_rule"]:
        print("      false alarms by rule: " + ", ".join(f"{k} {v}" for k, v in result["false_alarms_by_rule"].items()))
    print("      blaming by kind (missed/found/total): " + ", ".join(
        f"{k} {v['missed']}/{v['found']}/{v['of']}" for k, v in result["misses_by_kind"].items()))
    if not show_text or examples <= 0:
        return
    shown: Counter = Counter()
    for item, hits in result["_false_alarms"]:
        if shown[("fa", item["kind"])] < examples:
            shown[("fa", item["kind"])] += 1
            rules = ", ".join(f"{h.rule} '{h.match}'" for h in hits)
            print(f"      false [{item['kind']}] {item['doc']}#{item['index']}: {item['text']}  <- {rules}")
    for item, _ in result["_misses"]:
        if shown[("miss", item["kind"])] < examples:
            shown[("miss", item["kind"])] += 1
            tag = "clear" if item["clear"] else "borderline"
            print(f"      miss  [{item['kind']}, {tag}] {item['doc']}#{item['index']}: {item['text']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, default=DEFAULT_TEXTS,
                        help=f"private corpus directory with sentences.jsonl and docs/ (default {DEFAULT_TEXTS})")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="labels JSONL (no text)")
    parser.add_argument("--mode", choices=("sentence", "document", "both"), default="both",
                        help="lint each sentence alone, each document whole, or both (default)")
    parser.add_argument("--rules", help="rule file to use instead of the built-in one")
    parser.add_argument("--json", action="store_true", help="print figures as JSON (never includes text)")
    parser.add_argument("--examples", type=int, default=3,
                        help="sentences printed per kind for false alarms and misses (terminal only; 0 = none)")
    parser.add_argument("--no-text", action="store_true", help="never print sentence text")
    args = parser.parse_args(argv)

    try:
        items, docs, stats = load_corpus(args.texts, args.labels)
    except MissingTexts as error:
        print(f"eval_real_text: {error}", file=sys.stderr)
        return 2
    if not items:
        print(f"eval_real_text: no labelled sentence could be matched to a text in {args.texts} "
              f"({stats.get('missing', 0)} labels without text).", file=sys.stderr)
        return 2

    from postmortem_kit.blameless import load_rules
    rules = load_rules(args.rules)
    modes = ("sentence", "document") if args.mode == "both" else (args.mode,)
    results, timing, unmapped = {}, {}, {}
    mode_items, mode_summary = {}, {}
    for mode in modes:
        scored = items if mode == "sentence" else document_items(items, docs)
        mode_items[mode] = scored
        mode_summary[mode] = coverage(scored, stats)
        began = time.perf_counter()
        if mode == "sentence":
            findings = sentence_findings(scored, rules)
        else:
            findings, unmapped[mode] = document_findings(scored, docs, rules)
        timing[mode] = time.perf_counter() - began
        results[mode] = {level: score(scored, findings, level) for level in LEVELS}

    summary = coverage(items, stats)
    if args.json:
        out = {"corpus": summary, "modes": {}}
        for mode, levels in results.items():
            out["modes"][mode] = {level: {k: v for k, v in r.items() if not k.startswith("_")}
                                  for level, r in levels.items()}
            out["modes"][mode]["coverage"] = mode_summary[mode]
            out["modes"][mode]["seconds"] = round(timing[mode], 2)
            if mode in unmapped:
                out["modes"][mode]["unmapped_findings"] = unmapped[mode]
        print(json.dumps(out, indent=2))
        return 0

    show_text = not args.no_text
    if show_text and stdout_inside_repo():
        show_text = False
        print("(standard output is a file inside the repository: sentence text suppressed)")
    print(f"real-postmortem corpus: {coverage_line(summary)}")
    if summary["labels_without_text"] or summary["documents_without_text"]:
        print(f"WARNING: partial corpus: {summary['labels_without_text']} labels have no matching sentence text "
              f"and {summary['documents_without_text']} documents with matched sentences have no document text; "
              f"they are not scored.")
    if summary["matched_by_sha_only"]:
        print(f"note: {summary['matched_by_sha_only']} labels matched by SHA-256 only (index moved)")
    for mode in modes:
        extra = f", {unmapped[mode]} findings outside any sentence" if mode in unmapped else ""
        print(f"mode {mode} ({timing[mode]:.1f}s{extra}):")
        if mode_summary[mode]["scored_sentences"] != summary["scored_sentences"]:
            print(f"  {coverage_line(mode_summary[mode])}")
        for level in LEVELS:
            print_report(mode, results[mode][level], examples=args.examples, show_text=show_text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
