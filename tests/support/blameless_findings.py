"""The blameless findings a published incident would block on, for the rule-class tests."""

from __future__ import annotations

from postmortem_kit.blameless import lint_text

# The learned second look's findings (BL159, and BL161 at its confident score): the rule-class tests are
# about the rules, so they leave these out; the model's own rate of errors on every hand-written near miss
# is bounded in test_blameless_confident.py.
LEARNED = frozenset({"blameless/BL159", "blameless/BL161"})


def published_errors(text: str) -> list:
    """Unsuppressed error findings of the rules (not the learned look's) of ``text`` linted as Markdown
    under the published-incident policy."""
    return [f for f in lint_text(text, "x.md", status="published")
            if f.severity == "error" and not f.suppressed and f.rule not in LEARNED]


def published_error_rules(text: str) -> list[str]:
    """The rule ids of :func:`published_errors`, in order."""
    return [finding.rule for finding in published_errors(text)]


def twins(classes: list[tuple[str, str, str]]):
    """Parametrize a test over ``(class name, blaming sentence, clean twin)`` rows, one id per class."""
    import pytest

    return pytest.mark.parametrize("name,blaming,clean", classes, ids=[row[0] for row in classes])


def round_tests(blaming: list[tuple[str, str]], clean: list[str]):
    """The two tests every engine round has: each ``(rule, sentence)`` of ``blaming`` is a published
    error found by that rule, and no sentence of ``clean`` is an error.  A round's test module binds
    them: ``test_the_rule_of_the_class_fires, test_near_misses_are_clean = round_tests(BLAMING, CLEAN)``.
    """
    import pytest

    @pytest.mark.parametrize("rule,text", blaming, ids=[f"{rule}-{text[:30]}" for rule, text in blaming])
    def fires(rule, text):
        assert published_error_rules(text), f"not an error: {text}"
        found = {f.rule for f in lint_text(text, "x.md", status="published") if not f.suppressed}
        assert f"blameless/{rule}" in found, (rule, text, found)

    @pytest.mark.parametrize("text", clean, ids=[text[:40] for text in clean])
    def near_misses(text):
        assert not published_error_rules(text), (text, published_error_rules(text))

    return fires, near_misses


def warning_test(rule: str, texts: list[str]):
    """A test that each of ``texts`` is a published *warning* of ``rule`` (a class the engine finds
    with less confidence); a round's module binds it: ``test_... = warning_test("BL149", MEDIUM)``."""
    import pytest

    @pytest.mark.parametrize("text", texts, ids=[text[:40] for text in texts])
    def is_a_warning(text):
        found = [f for f in lint_text(text, "x.md", status="published") if not f.suppressed]
        assert any(f.rule == f"blameless/{rule}" and f.severity == "warning" for f in found), (text, found)

    return is_a_warning
