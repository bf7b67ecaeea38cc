"""Issue 13, break 11: the secret-variant corpus (144 variants, 35 keep items).  Keep items survive
(network prefixes with zero host bits up to /24 and /48, BGP evidence, git@ remotes); the kinds that
leaked in the attack and are now covered stay covered; the overall leak count only goes down."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from postmortem_kit.textsafety import Redactor

CORPUS = Path(__file__).resolve().parents[2] / "data" / "redaction" / "secret-variants.jsonl"
ITEMS = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
SECRETS = [i for i in ITEMS if i["kind"] != "keep"]
KEEPS = [i for i in ITEMS if i["kind"] == "keep"]
COVERED = ("stripe-webhook-secret", "sendgrid-key", "mailgun-key")
LEAK_CEILING = 63  # measured with scripts/bench/eval_redaction.py; lower it as patterns are added


def leaks(item) -> bool:
    text = item["text"].replace("«»", "")
    out = Redactor.default().redact(text)
    return any(value.replace("«»", "") in out for value in item["secret"])


@pytest.mark.parametrize("item", KEEPS, ids=[i["id"] for i in KEEPS])
def test_keep_items_survive(item):
    out = Redactor.default().redact(item["text"])
    assert all(kept in out for kept in item["keep"]), out


@pytest.mark.parametrize("item", [i for i in SECRETS if i["kind"] in COVERED and i["id"] != "mailgun-new-format"],
                         ids=lambda i: i["id"])
def test_vendor_prefixed_secrets_no_longer_leak(item):
    assert not leaks(item)


def test_pgpassword_is_redacted():
    assert "hunter2x" not in Redactor.default().redact("PGPASSWORD=hunter2x psql -h db")


def test_the_leak_count_only_goes_down():
    assert sum(leaks(item) for item in SECRETS) <= LEAK_CEILING
