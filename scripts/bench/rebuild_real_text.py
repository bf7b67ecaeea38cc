"""Rebuild the private real-postmortem corpus from fetched source files and the committed labels.

The labels (``scripts/bench/data/real-postmortems.labels.jsonl``) hold one SHA-256 per sentence but
no text.  Given the documents' public sources, fetched by hand into a directory outside the repository
(one file per document, named ``<doc>.md``: the Markdown as published, front matter allowed), this
script finds each labelled sentence again by hashing candidate spans of the document and writes the
corpus ``eval_real_text.py`` reads:

* ``<out>/docs/<doc>.md``: the document as Markdown (front matter dropped; links, and where that
  matches more sentences other inline markup, reduced to their text);
* ``<out>/sentences.jsonl``: ``{"doc", "index", "text", "start", "end", "sha256"}`` per recovered
  sentence, with ``text == docs[start:end]``.

Matching is robust to how the text was segmented: each document is cut into pieces at sentence ends
(``.``, ``!`` or ``?`` followed by white space), line breaks and table-cell bars; every run of one to
``--max-pieces`` consecutive pieces is a candidate, with and without a leading Markdown block marker
(heading hashes, list bullets or numbers, quote marks).  A candidate matches a label when the
SHA-256 of its whitespace-normalised text equals the label's.  Several ways of cleaning inline
markup are tried per document and the one matching most labels is kept.  Labels are assigned in
index order to the first match at or after the previous sentence, so repeated sentences map in
order.  The script holds no third-party text; it only reads what it is given.

    python scripts/bench/rebuild_real_text.py --sources /work/private/rt-src \\
        --out /work/private/real-postmortems           # writes the corpus, prints coverage figures
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_real_text import DEFAULT_LABELS, DEFAULT_TEXTS, load_jsonl, sha  # noqa: E402

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)\s]*\)")
_BOLD = re.compile(r"\*\*|__")
_CODE = re.compile(r"`")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\](?!:)")
_FOOTNOTE_DEF = re.compile(r"^\[\^[^\]\s]+\]:[ \t]*", re.M)
_REF_LINK = re.compile(r"!?\[([^\]]*)\]\[[^\]\n]*\]")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")
_EMPHASIS = re.compile(r"(?<![\w*_])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*_])")
_QUOTE = re.compile(r"^[ \t]*>[ \t]?", re.M)
_BOUNDARY = re.compile(r"(?<=[.!?])[ \t]+|\n|\|")
_BLOCK_MARKER = re.compile(r"[ \t]*(?:#{1,6}[ \t]+|[-*+][ \t]+|\d{1,3}[.)][ \t]+|>[ \t]*)+")
_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)[ \t]*\n.*?\n(?:---|\+\+\+)[ \t]*(?:\n|\Z)", re.S)

# Inline clean-ups, applied in this order when a variant names them.
_STEPS = {
    "links": lambda text: _REF_LINK.sub(r"\1", _LINK.sub(r"\1", text)),
    "footnotes": lambda text: _FOOTNOTE_DEF.sub("", _FOOTNOTE_REF.sub("", text)),
    "tags": lambda text: _HTML_TAG.sub("", text),
    "quotes": lambda text: _QUOTE.sub("", text),
    "bold": lambda text: _BOLD.sub("", text),
    "code": lambda text: _CODE.sub("", text),
    "emphasis": lambda text: _EMPHASIS.sub(r"\1", text),
}
VARIANTS = ("links", "", "links footnotes", "links footnotes tags", "links footnotes tags quotes",
            "links quotes", "links bold", "links bold code", "links footnotes tags quotes bold code",
            "links footnotes tags quotes bold code emphasis")


def clean(text: str, variant: str) -> str:
    for step in variant.split():
        text = _STEPS[step](text)
    return text


def strip_front_matter(text: str) -> str:
    return _FRONT_MATTER.sub("", text.replace("\r\n", "\n"), count=1).lstrip("\n")


def pieces(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for match in _BOUNDARY.finditer(text):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _trimmed(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def candidates(text: str, wanted: set[str], max_pieces: int = 12) -> dict[str, list[tuple[int, int]]]:
    """Positions (start, end) of every candidate span whose hash is wanted, in document order."""
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    cut = pieces(text)
    for i in range(len(cut)):
        for j in range(i, min(i + max_pieces, len(cut))):
            a, b = _trimmed(text, cut[i][0], cut[j][1])
            starts = [a]
            marker = _BLOCK_MARKER.match(text, a, b)
            if marker and marker.end() > a:
                starts.append(marker.end())
            for start in starts:
                start, end = _trimmed(text, start, b)
                if start < end:
                    digest = sha(text[start:end])
                    if digest in wanted and (start, end) not in found[digest]:
                        found[digest].append((start, end))
    for spots in found.values():
        spots.sort()
    return found


def assign(labels: list[dict], found: dict[str, list[tuple[int, int]]]) -> dict[int, tuple[int, int]]:
    """Label index -> span, taking matches in document order where the labels allow it."""
    result: dict[int, tuple[int, int]] = {}
    last = 0
    for label in sorted(labels, key=lambda item: item["index"]):
        spots = found.get(label["sha256"])
        if not spots:
            continue
        later = [spot for spot in spots if spot[0] >= last]
        spot = later[0] if later else spots[0]
        result[label["index"]] = spot
        last = max(last, spot[0])
    return result


_BLOCK_BREAK = re.compile(r"(\n[ \t]*\n)")


def _blockwise(body: str, wanted: set[str], max_pieces: int) -> str:
    """The document with each blank-line-separated block cleaned by the variant matching most in it."""
    parts = _BLOCK_BREAK.split(body)
    for number in range(0, len(parts), 2):
        best_count, best_text = -1, parts[number]
        for name in VARIANTS:
            text = clean(parts[number], name)
            count = len(candidates(text, wanted, max_pieces))
            if count > best_count:
                best_count, best_text = count, text
        parts[number] = best_text
    return "".join(parts)


def rebuild_document(source: str, labels: list[dict], max_pieces: int = 12) -> tuple[str, str, dict[int, tuple[int, int]]]:
    """Best cleaning of one document: (variant name, document text, label index -> span).

    Each variant is tried on the whole document, and one more text takes, block by block, the
    variant matching most in that block (a document can mix footnotes with quoted lists)."""
    body = strip_front_matter(source)
    wanted = {label["sha256"] for label in labels}
    best = ("", body, {})
    texts = [(name, clean(body, name)) for name in VARIANTS]
    texts.append(("per block", _blockwise(body, wanted, max_pieces)))
    for name, text in texts:
        spans = assign(labels, candidates(text, wanted, max_pieces))
        if len(spans) > len(best[2]):
            best = (name, text, spans)
    return best


def matched_only(labels: list[dict], variant: str, text: str,
                 spans: dict[int, tuple[int, int]]) -> tuple[str, str, dict[int, tuple[int, int]]]:
    """Keep only the matched sentences of a candidate excerpt, in label order, one paragraph each."""
    parts, kept, pos = [], {}, 0
    for label in sorted(labels, key=lambda item: item["index"]):
        if label["index"] not in spans:
            continue
        start, end = spans[label["index"]]
        sentence = text[start:end]
        kept[label["index"]] = (pos, pos + len(sentence))
        parts.append(sentence)
        pos += len(sentence) + 2
    return f"{variant}, matched only", "\n\n".join(parts) + "\n", kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, nargs="+", required=True,
                        help="directories of fetched documents, one <doc>.md per labelled document; "
                             "when several hold a document, the copy matching most labels wins")
    parser.add_argument("--matched-only", type=Path, nargs="*", default=[],
                        help="directories whose documents are candidate excerpts (for example several "
                             "guessed forms of a quoted sentence): only the matched sentences are kept, "
                             "one paragraph each")
    parser.add_argument("--out", type=Path, default=DEFAULT_TEXTS, help=f"corpus directory (default {DEFAULT_TEXTS})")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="labels JSONL (no text)")
    parser.add_argument("--max-pieces", type=int, default=12, help="longest candidate, in pieces (default 12)")
    args = parser.parse_args(argv)

    missing = [str(path) for path in [*args.sources, *args.matched_only] if not path.is_dir()]
    if missing:
        print(f"rebuild_real_text: not a directory of fetched sources: {', '.join(missing)}", file=sys.stderr)
        return 2
    labels = load_jsonl(args.labels)
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for label in labels:
        by_doc[label["doc"]].append(label)
    docs_dir = args.out / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    rows, totals = [], {"docs": 0, "sentences": 0, "blaming": 0, "clear": 0}
    print(f"{'doc':60} {'sentences':>11} {'blaming':>9} {'clear':>7}  variant")
    for doc in sorted(by_doc):
        doc_labels = by_doc[doc]
        best = None
        for directory in [*args.sources, *args.matched_only]:
            source = directory / f"{doc}.md"
            if not source.is_file():
                continue
            found = rebuild_document(source.read_text(encoding="utf-8"), doc_labels, args.max_pieces)
            if directory in args.matched_only:
                found = matched_only(doc_labels, *found)
            if best is None or len(found[2]) > len(best[2]):
                best = found
        if best is None:
            continue
        variant, text, spans = best
        if not spans:
            print(f"{doc:60} {'0/' + str(len(doc_labels)):>11}  (no sentence matched)")
            continue
        (docs_dir / f"{doc}.md").write_text(text, encoding="utf-8")
        found = [label for label in doc_labels if label["index"] in spans]
        for label in sorted(found, key=lambda item: item["index"]):
            start, end = spans[label["index"]]
            rows.append({"doc": doc, "index": label["index"], "text": text[start:end],
                         "start": start, "end": end, "sha256": label["sha256"]})
        blaming = sum(label["blaming"] for label in found)
        clear = sum(label["blaming"] and label["clear"] for label in found)
        all_blaming = sum(label["blaming"] for label in doc_labels)
        all_clear = sum(label["blaming"] and label["clear"] for label in doc_labels)
        totals["docs"] += 1
        totals["sentences"] += len(found)
        totals["blaming"] += blaming
        totals["clear"] += clear
        print(f"{doc:60} {f'{len(found)}/{len(doc_labels)}':>11} {f'{blaming}/{all_blaming}':>9} "
              f"{f'{clear}/{all_clear}':>7}  {variant}")
    with open(args.out / "sentences.jsonl", "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    all_blaming = sum(label["blaming"] for label in labels)
    all_clear = sum(label["blaming"] and label["clear"] for label in labels)
    print(f"recovered {totals['sentences']} of {len(labels)} sentences in {totals['docs']} of {len(by_doc)} documents; "
          f"blaming {totals['blaming']} of {all_blaming}, clearly blaming {totals['clear']} of {all_clear}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
