"""Secrets and personal data never survive the redaction pass; ordinary incident text does."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from postmortem_kit.textsafety import RedactionConfigError, Redactor, builtin_rules, placeholder

DATA = Path(__file__).resolve().parents[2] / "data" / "redaction"


def load_samples() -> list[dict]:
    """The corpus; «» inside each secret keeps secret scanners quiet and is removed here."""
    raw = yaml.safe_load((DATA / "secrets.yaml").read_text(encoding="utf-8"))["samples"]
    samples = []
    for entry in raw:
        secrets = [secret.replace("«»", "") for secret in entry["secrets"]]
        samples.append({"kind": entry["kind"], "text": entry["text"].format(*secrets), "secrets": secrets})
    return samples


SAMPLES = load_samples()
CLEAN = [line for line in (DATA / "clean.txt").read_text(encoding="utf-8").splitlines()
         if line and not line.startswith("#")]


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor.default()


@pytest.mark.parametrize("sample", SAMPLES, ids=[f"{s['kind']}-{i}" for i, s in enumerate(SAMPLES)])
def test_no_secret_survives(redactor, sample):
    out = redactor.redact(sample["text"])
    for secret in sample["secrets"]:
        assert secret not in out
    assert placeholder(sample["kind"]) in out


def test_the_corpus_covers_every_builtin_kind():
    kinds = {rule.id for rule in builtin_rules()}
    assert kinds <= {sample["kind"] for sample in SAMPLES}
    for required in ("aws-access-key", "github-token", "jwt", "private-key", "url-password", "bearer-token",
                     "email", "ipv4", "ipv6", "slack-token"):
        assert sum(1 for s in SAMPLES if s["kind"] == required) >= 1


@pytest.mark.parametrize("line", CLEAN)
def test_ordinary_text_is_not_mangled(redactor, line):
    assert redactor.redact(line) == line


def test_all_samples_in_one_text_and_the_pass_is_idempotent(redactor):
    text = "\n".join(sample["text"] for sample in SAMPLES)
    once = redactor.redact(text)
    assert redactor.redact(once) == once
    for sample in SAMPLES:
        for secret in sample["secrets"]:
            assert secret not in once


def test_group_rules_keep_the_surrounding_text(redactor):
    out = redactor.redact("DATABASE_URL=postgres://app:hunter2hunter2@db.internal:5432/orders")
    assert out == "DATABASE_URL=postgres://app:[REDACTED:url-password]@db.internal:5432/orders"
    assert redactor.redact("password=Tr0ub4dor&3") == "password=[REDACTED:password]"


def test_counts_per_kind():
    redactor = Redactor.default()
    redactor.redact("mail ops@example.com and dev@example.org from 10.1.2.3")
    assert redactor.counts == {"email": 2, "ipv4": 1}


def test_redact_data_keeps_keys_and_non_strings():
    redactor = Redactor.default()
    data = {"events": [{"time": "2026-03-14T09:12:00Z", "event": "login by ana@example.com", "count": 3}]}
    assert redactor.redact_data(data) == {
        "events": [{"time": "2026-03-14T09:12:00Z", "event": "login by [REDACTED:email]", "count": 3}]}


def test_extra_patterns_from_configuration():
    redactor = Redactor.default([{"id": "customer-id", "regex": r"\bCUST-[0-9]{6}\b"}])
    assert redactor.redact("refund for CUST-004211 issued") == "refund for [REDACTED:customer-id] issued"


@pytest.mark.parametrize("entry, message", [
    ({"id": "Bad Id", "regex": "x"}, "lower-case"),
    ({"id": "x"}, "needs a `regex`"),
    ({"id": "x", "regex": "("}, "not a valid regular expression"),
    ({"id": "x", "regex": "a", "flags": ["loud"]}, "unknown flag"),
    ({"id": "x", "regex": "(a)", "group": 2}, "does not exist"),
    ({"id": "x", "regex": "a", "validate": "magic"}, "unknown validator"),
    ({"id": "x", "regex": r"REDACTED"}, "matches the placeholder"),
    ("just-a-string", "mapping"),
])
def test_bad_extra_patterns_are_rejected_with_a_clear_message(entry, message):
    with pytest.raises(RedactionConfigError, match=message):
        Redactor.default([entry])


def test_pathological_input_costs_about_as_much_as_ordinary_text(redactor):
    """Linear time: 200 kB of worst-case text for the regexes against 200 kB of log lines (a ratio).

    A quadratic pattern would take thousands of times longer on these inputs.
    """
    size = 200_000
    ordinary = ("2026-03-14T09:12:41+01:00 ERROR pool.acquire timeout after 3000ms (active=5)\n" * 2700)[:size]
    started = time.perf_counter()
    redactor.redact(ordinary)
    baseline = time.perf_counter() - started
    for bad in ("a" * size, "a:" * (size // 2), "1." * (size // 2), "x@" * (size // 2), "a://" * (size // 4),
                "-----BEGIN PRIVATE KEY-----" + "A" * size, "bearer " * (size // 7),
                "+1 " * (size // 3), "+12345678901234567890" * (size // 21), "+1 (" * (size // 4)):
        started = time.perf_counter()
        redactor.redact(bad)
        assert time.perf_counter() - started < 10 * baseline
