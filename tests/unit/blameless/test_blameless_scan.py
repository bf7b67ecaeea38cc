"""The text engine: masking, person-vs-system subjects, negation, offsets, bad input."""

from __future__ import annotations

import time

import pytest

from postmortem_kit.blameless import MASK, lint_text, markdown_block_spans, mask_inline, scan


def flagged(text: str) -> list[tuple[str, str]]:
    return [(m.rule.id, m.text) for m in scan(text)]


def masked(text: str) -> str:
    return mask_inline(text).replace(MASK, "#")


# ----------------------------------------------------------------- masking

@pytest.mark.parametrize("text, hidden, kept", [
    ('The script printed "operator check failed" and stopped.', "operator check failed", "script printed"),
    ("The `human_error_total` counter.", "human_error_total", "counter"),
    ("Metric human_error_total rose.", "human_error_total", "Metric"),
    ("The shouldHaveFailedOver flag and NegligibleLagSeconds.", "shouldHaveFailedOver", "flag"),
    ("Listed in .git-blame-ignore-revs today.", ".git-blame-ignore-revs", "Listed"),
    ("GET /account/forgot-username failed.", "/account/forgot-username", "GET"),
    ("Run with --force and cause=operator_error.", "--force", "Run with"),
    ("Mail ops@example.com now.", "ops@example.com", "Mail"),
    ("words such as 'careless' and 'should have'.", "careless", "words such as"),
    ("It said “you failed to sign in”.", "you failed to sign in", "It said"),
    ("See <!-- blameless-ignore BL001: quoting --> here.", "blameless-ignore", "See"),
    ("2026-03-14T09:12:41+01:00 ERROR operator mistake in pool", "operator mistake", ""),
])
def test_masking_hides_quotes_code_and_identifiers(text, hidden, kept):
    out = masked(text)
    assert hidden not in out
    assert kept in out
    assert len(mask_inline(text)) == len(text)


@pytest.mark.parametrize("text", [
    "Viktor's typo and the users' data.",
    "It’s the team’s runbook, and/or the 24/7 rota.",
    "mei@ and @theo paged the on-call.",
    "The on-call engineer forgot.",
])
def test_masking_keeps_prose_apostrophes_handles_and_hyphens(text):
    assert masked(text) == text


def test_unbalanced_quotes_and_backticks_do_not_swallow_the_text():
    text = 'He said "the engineer forgot to check.\n\nLater `the operator ignored the alert.'
    assert ("BL016", "forgot to") in flagged(text)
    assert ("BL019", "ignored") in flagged(text)


def test_markdown_blocks_are_masked():
    text = ("# Notes\n\n```\nhuman error in a code block\n```\n\n> the operator ignored the page\n\n"
            "    indented human error\n\nPlain human error.\n")
    spans = markdown_block_spans(text)
    hidden = mask_inline(text, spans=spans)
    assert hidden.count("human error") == 1  # only the plain paragraph
    assert [f.match for f in lint_text(text, "x.md")] == ["human error"]


# ----------------------------------------------------------------- who is the subject

@pytest.mark.parametrize("text, rule", [
    ("The on-call engineer failed to notice the disk filling up.", "BL014"),
    ("The developer forgot to add an index.", "BL016"),
    ("Priya should have waited for the canary.", "BL010"),
    ("The engineer who changed the setting should have checked staging.", "BL010"),
    ("The person on call could have stopped the storm sooner.", "BL011"),
    ("During the shift change the page went past the incoming on-call, who missed it.", "BL018"),
    ("The deployment was bungled by the platform team.", "BL031"),
    ("Security engineers mistakenly revoked a signing key.", "BL032"),
    ("@theo ignored the failed canary.", "BL019"),
    ("Had the analyst reviewed the conversion, totals would be right.", "BL013"),
    ("If the on-call had glanced at the graph, it would have been found.", "BL012"),
])
def test_person_subjects_are_flagged(text, rule):
    assert rule in {rule_id for rule_id, _ in flagged(text)}


@pytest.mark.parametrize("text", [
    "The health check failed to connect to the replica.",
    "The consumer group failed to rebalance after the restart.",
    "The scheduler forgot the lease after the restart.",
    "The circuit breaker should have opened after five failures.",
    "Every keyspace should have three replicas.",
    "The migration could have locked the table for hours.",
    "MySQL ignored the ORDER BY clause for one query shape.",
    "The load balancer mistakenly marked healthy nodes as down.",
    "The resolver returned the wrong address.",
    "At 11:20 the write path was failed over to us-west-2 by the on-call SRE.",
    "The alert that paged the engineer should have fired earlier.",
    "About 1,200 users failed to log in during the window.",
])
def test_system_subjects_are_not_flagged(text):
    assert flagged(text) == []


@pytest.mark.parametrize("text", [
    "We do not attribute this incident to human error.",
    "Operator error is not listed as a factor here.",
    "No single person caused this outage.",
    "This was not a mistake by the support agent.",
    "It was not obvious from the dashboards that the replicas had diverged.",
    "Calling this human error would hide the missing safeguard.",
    "This document avoids words such as careless and negligent.",
    "Nobody failed to follow the runbook; the runbook was outdated.",
])
def test_negation_and_meta_text_are_not_flagged(text):
    assert flagged(text) == []


# ------------------------------------------- long subjects, inner negation, hypotheticals

@pytest.mark.parametrize("text, rule, match", [
    # a post-modifier between the person and the verb
    ("The engineer responsible for the change failed to test it.", "BL014", "failed to test"),
    ("The person running the migration didn't pay attention to the row counts.", "BL017",
     "didn't pay attention"),
    # a negation inside the verb group is part of the judgement
    ("Priya never should have merged that pull request.", "BL010", "should have merged"),
    ("The on-call engineer was not paying attention.", "BL028", "was not paying attention"),
    # the reported match runs to the end of the person, not to the regex's lazy minimum
    ("The mistake was made by the release engineer during the cutover.", "BL077",
     "was made by the release engineer"),
    ("This one is squarely on Henrik.", "BL049", "is squarely on Henrik"),
    ("The outage was entirely the fault of the network team.", "BL048", "fault of the network team"),
    ("This was simply a case of someone not reading the docs.", "BL026", "case of someone not reading"),
])
def test_long_subjects_inner_negation_and_whole_objects(text, rule, match):
    assert (rule, match) in flagged(text), flagged(text)


@pytest.mark.parametrize("text", [
    "A second reviewer would have caught the swapped arguments.",
    "The failure was on the primary database, not the replica.",
    "Human error is rarely a root cause on its own.",
    "The health check, not the operator, failed to detect the degraded replica.",
    "The exporter incorrectly reported the queue depth as zero.",
])
def test_hypotheticals_systems_and_denials_stay_clean(text):
    assert flagged(text) == []


def test_forward_looking_should_is_not_flagged():
    for text in ("Reviewers should check migrations for table locks.", "We should alert on queue age.",
                 "On-call engineers should have read access to the billing database."):
        assert flagged(text) == []


# ----------------------------------------------------------------- offsets and columns

@pytest.mark.parametrize("prefix", ["", "🚀🚀 ", "שלום עולם ", "مرحبا ", "e\u0301te\u0301 ", "👩🏽‍💻 日本語 "])
def test_columns_count_code_points(prefix):
    text = f"{prefix}It was human error, clearly."
    finding = lint_text(text, "x.txt", markdown=False)[0]
    column = len(prefix) + len("It was ") + 1
    assert (finding.line, finding.column, finding.end_column) == (1, column, column + len("human error"))
    assert finding.match == "human error"


def test_line_and_column_on_later_lines():
    text = "First line.\n\nSecond paragraph mentions\nthe operator error here.\n"
    finding = lint_text(text, "x.md")[0]
    assert (finding.line, finding.column, finding.match) == (4, 5, "operator error")


# ----------------------------------------------------------------- bad input, bounded time

def _best(function, repeat=3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


PATHOLOGICAL = {
    "one letter": lambda n: "a" * n,
    "one word": lambda n: ("should " * n)[:n],
    "exclamation marks": lambda n: "!" * n,
    "nested quotes": lambda n: ("\"'“‘" * n)[:n],
    "backticks": lambda n: "`" * n,
    "html comment openers": lambda n: ("<!--" * n)[:n],
    "apostrophes": lambda n: ("it's " * n)[:n],
    "identifier": lambda n: ("a_" * n)[:n],
    "spaces": lambda n: " " * n,
    "blame everywhere": lambda n: ("human error. " * n)[:n],
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_text_scales_linearly(name):
    """Four times the text may cost about four times the time, never sixteen (no backtracking blow-up)."""
    make = PATHOLOGICAL[name]
    small, large = make(25_000), make(100_000)
    lint_text(small, "x.md")  # warm the compiled rules
    t_small = _best(lambda: lint_text(small, "x.md"))
    t_large = _best(lambda: lint_text(large, "x.md"))
    assert t_large <= 10 * t_small + 0.05, f"{name}: {t_small:.4f}s -> {t_large:.4f}s"


def test_a_megabyte_of_prose_is_scanned_with_correct_positions():
    sentence = "The on-call engineer failed to notice the alert. The health check failed to connect. "
    text = sentence * (1_000_000 // len(sentence))
    findings = lint_text(text, "big.txt", markdown=False)
    assert len(findings) == text.count("engineer failed to notice")
    last = findings[-1]
    offset = text.rfind("failed to notice")
    assert (last.line, last.column) == (1, offset + 1)
