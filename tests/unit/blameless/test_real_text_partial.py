"""The real-postmortem evaluation on a partial corpus, and rebuilding a corpus from sources.

Everything here is a tiny invented corpus written to tmp_path: the real texts are other people's
prose and never enter the repository.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
BENCH = ROOT / "scripts" / "bench"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


eval_real_text = _load("eval_real_text")
rebuild_real_text = _load("rebuild_real_text")

# doc -> [(sentence, blaming, clear)]; "gone" has labels but no text at all.
DOCS = {
    "alpha": [("# Queue stall", False, False),
              ("The ingest queue stopped draining at 09:10.", False, False),
              ("Sam was careless and skipped the checklist.", True, True),
              ("A retry limit now bounds the backlog.", False, False)],
    "beta": [("## Summary", False, False),
             ("The certificate expired on a Sunday.", False, False),
             ("The operator should have noticed the warning.", True, True)],
    "gone": [("Nobody could reach the dashboard.", False, False),
             ("Jo broke the build by pushing late.", True, True)],
}


def _write_labels(path: Path) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for doc, sentences in DOCS.items():
            for index, (text, blaming, clear) in enumerate(sentences):
                handle.write(json.dumps({"doc": doc, "source_url": "invented", "index": index,
                                         "sha256": eval_real_text.sha(text), "blaming": blaming,
                                         "clear": clear, "kind": "blame" if blaming else "clean-other",
                                         "block": "para", "note": ""}) + "\n")


def _markdown(doc: str) -> str:
    return "\n\n".join(text for text, _, _ in DOCS[doc]) + "\n"


def _write_corpus(texts: Path, *, drop: set[tuple[str, int]], no_doc_file: set[str]) -> None:
    (texts / "docs").mkdir(parents=True)
    rows = []
    for doc in ("alpha", "beta"):
        markdown = _markdown(doc)
        if doc not in no_doc_file:
            (texts / "docs" / f"{doc}.md").write_text(markdown, encoding="utf-8")
        for index, (text, _, _) in enumerate(DOCS[doc]):
            if (doc, index) in drop:
                continue
            start = markdown.index(text)
            rows.append({"doc": doc, "index": index, "text": text, "start": start,
                         "end": start + len(text), "sha256": eval_real_text.sha(text)})
    (texts / "sentences.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def test_partial_corpus_is_scored_on_what_it_holds(tmp_path, capsys):
    labels = tmp_path / "labels.jsonl"
    _write_labels(labels)
    texts = tmp_path / "texts"
    _write_corpus(texts, drop={("alpha", 3)}, no_doc_file={"beta"})

    assert eval_real_text.main(["--texts", str(texts), "--labels", str(labels), "--no-text"]) == 0
    out = capsys.readouterr().out
    assert "scored 6 of 9 labelled sentences in 2 of 3 documents; 2 blaming, 2 clear" in out
    # document mode: only "alpha" has its document text
    assert "scored 3 of 9 labelled sentences in 1 of 3 documents; 1 blaming, 1 clear" in out
    assert "Sam was careless" not in out


def test_json_reports_coverage_per_mode(tmp_path, capsys):
    labels = tmp_path / "labels.jsonl"
    _write_labels(labels)
    texts = tmp_path / "texts"
    _write_corpus(texts, drop=set(), no_doc_file={"beta"})

    assert eval_real_text.main(["--texts", str(texts), "--labels", str(labels), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["corpus"]["scored_sentences"] == 7
    assert report["corpus"]["labels_without_text"] == 2
    assert report["modes"]["document"]["coverage"]["scored_sentences"] == 4
    assert report["modes"]["document"]["error"]["sentences"] == 4
    assert report["modes"]["sentence"]["error"]["sentences"] == 7


def test_a_label_never_borrows_text_from_another_document(tmp_path):
    labels = tmp_path / "labels.jsonl"
    with open(labels, "w", encoding="utf-8") as handle:
        for doc in ("one", "two"):
            handle.write(json.dumps({"doc": doc, "source_url": "invented", "index": 0,
                                     "sha256": eval_real_text.sha("## Timeline"), "blaming": False,
                                     "clear": False, "kind": "heading", "block": "heading"}) + "\n")
    texts = tmp_path / "texts"
    (texts / "docs").mkdir(parents=True)
    (texts / "docs" / "one.md").write_text("## Timeline\n", encoding="utf-8")
    (texts / "sentences.jsonl").write_text(json.dumps(
        {"doc": "one", "index": 5, "text": "## Timeline", "start": 0, "end": 11}) + "\n", encoding="utf-8")

    items, docs, stats = eval_real_text.load_corpus(texts, labels)
    assert [item["doc"] for item in items] == ["one"]
    assert stats["missing"] == 1 and stats["matched_by_sha"] == 1


def test_no_sentence_text_at_all_is_a_clear_error(tmp_path, capsys):
    labels = tmp_path / "labels.jsonl"
    _write_labels(labels)
    assert eval_real_text.main(["--texts", str(tmp_path / "absent"), "--labels", str(labels)]) == 2
    assert "sentence texts not found" in capsys.readouterr().err


def test_rebuild_finds_sentences_in_a_source_with_markup(tmp_path, capsys):
    labels = tmp_path / "labels.jsonl"
    _write_labels(labels)
    sources = tmp_path / "sources"
    sources.mkdir()
    # front matter, a link, a list marker and two sentences on one line: segmentation differs
    (sources / "alpha.md").write_text(
        "---\ntitle: invented\n---\n# Queue stall\n\nThe ingest [queue](https://example.invalid/q) stopped "
        "draining at 09:10. Sam was careless\nand skipped the checklist.\n\n- A retry limit now bounds the backlog.\n",
        encoding="utf-8")
    (sources / "beta.md").write_text("Unrelated words only.\n", encoding="utf-8")
    out = tmp_path / "corpus"

    assert rebuild_real_text.main(["--sources", str(sources), "--out", str(out), "--labels", str(labels)]) == 0
    assert "recovered 4 of 9 sentences in 1 of 3 documents; blaming 1 of 3, clearly blaming 1 of 3" in (
        capsys.readouterr().out)
    rows = [json.loads(line) for line in (out / "sentences.jsonl").read_text(encoding="utf-8").splitlines()]
    document = (out / "docs" / "alpha.md").read_text(encoding="utf-8")
    assert [row["index"] for row in rows] == [0, 1, 2, 3]
    assert all(document[row["start"]:row["end"]] == row["text"] for row in rows)
    assert all(eval_real_text.sha(row["text"]) == row["sha256"] for row in rows)
    assert not (out / "docs" / "beta.md").exists()

    items, docs, _ = eval_real_text.load_corpus(out, labels)
    assert len(items) == 4 and set(docs) == {"alpha"}


def test_rebuild_keeps_only_matched_sentences_of_guessed_excerpts(tmp_path, capsys):
    labels = tmp_path / "labels.jsonl"
    _write_labels(labels)
    sources, guesses = tmp_path / "sources", tmp_path / "guesses"
    sources.mkdir()
    guesses.mkdir()
    (sources / "beta.md").write_text("## Summary\n\nUnrelated words only.\n", encoding="utf-8")
    # several guessed forms of a quoted sentence; only the exact one is kept
    (guesses / "beta.md").write_text(
        '"The operator should have noticed the warning,"\n\nThe operator should have noticed the warning.\n\n'
        "## Summary\n\nThe certificate expired on a Sunday\n", encoding="utf-8")
    out = tmp_path / "corpus"

    assert rebuild_real_text.main(["--sources", str(sources), "--matched-only", str(guesses),
                                   "--out", str(out), "--labels", str(labels)]) == 0
    assert "matched only" in capsys.readouterr().out
    document = (out / "docs" / "beta.md").read_text(encoding="utf-8")
    assert document == "## Summary\n\nThe operator should have noticed the warning.\n"
    rows = [json.loads(line) for line in (out / "sentences.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(row["index"], document[row["start"]:row["end"]]) for row in rows] == [
        (0, "## Summary"), (2, "The operator should have noticed the warning.")]


def test_rebuild_rejects_a_missing_sources_directory(tmp_path, capsys):
    assert rebuild_real_text.main(["--sources", str(tmp_path / "absent"), "--out", str(tmp_path / "out")]) == 2
    assert "not a directory" in capsys.readouterr().err
