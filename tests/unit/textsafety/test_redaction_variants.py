"""Issue 13, break 11: the secret-variant corpus (the issue's 144 variants and 35 keep items, plus
variants added since, ids ``s2-...``).  Keep items survive (network prefixes with zero host bits up to
/24 and /48, BGP evidence, git@ remotes, digests); the figures of `scripts/bench/eval_redaction.py`
stay within a ceiling a little above the measured ones (0 leaked, 0 survived echo, on both the
original and the whole corpus), so a regression fails here."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from postmortem_kit.textsafety import Redactor

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "tests" / "data" / "redaction" / "secret-variants.jsonl"
ITEMS = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
SECRETS = [i for i in ITEMS if i["kind"] != "keep"]
KEEPS = [i for i in ITEMS if i["kind"] == "keep"]
COVERED = ("stripe-webhook-secret", "sendgrid-key", "mailgun-key")
# Measured: 0 of 144 (original) and 0 of 164 (whole corpus) leaked and survived echo; was 63 / 62.
LEAK_CEILING = 2
ECHO_CEILING = 2


def _bench():
    spec = importlib.util.spec_from_file_location("eval_redaction", ROOT / "scripts" / "bench" / "eval_redaction.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def leaks(item) -> bool:
    text = item["text"].replace("«»", "")
    out = Redactor.default().redact(text)
    return any(value.replace("«»", "") in out for value in item["secret"])


@pytest.mark.parametrize("item", KEEPS, ids=[i["id"] for i in KEEPS])
def test_keep_items_survive(item):
    out = Redactor.default().redact(item["text"])
    assert all(kept in out for kept in item["keep"]), out


@pytest.mark.parametrize("item", [i for i in SECRETS if i["kind"] in COVERED], ids=lambda i: i["id"])
def test_vendor_prefixed_secrets_no_longer_leak(item):
    assert not leaks(item)


def test_pgpassword_is_redacted():
    assert "hunter2x" not in Redactor.default().redact("PGPASSWORD=hunter2x psql -h db")


def test_the_corpus_holds_the_original_variants_and_more():
    assert len([i for i in SECRETS if not i["id"].startswith("s2-")]) == 144
    assert len([i for i in KEEPS if not i["id"].startswith("s2-")]) == 35
    assert len(SECRETS) >= 160


@pytest.mark.parametrize("original_only", [True, False], ids=["original-144", "whole-corpus"])
def test_the_eval_figures_stay_under_the_ceiling(original_only):
    bench = _bench()
    figures = bench.measure(bench.load(original_only=original_only))
    assert sum(figures.leaked.values()) <= LEAK_CEILING, dict(figures.leaked)
    assert sum(figures.echoed.values()) <= ECHO_CEILING, dict(figures.echoed)
    assert figures.damaged == []


def test_redaction_of_the_corpus_is_idempotent():
    redactor = Redactor.default()
    for item in ITEMS:
        once = redactor.redact(item["text"].replace("«»", ""))
        assert redactor.redact(once) == once, item["id"]
