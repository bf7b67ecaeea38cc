"""The blameless findings a published incident would block on, for the rule-class tests."""

from __future__ import annotations

from postmortem_kit.blameless import lint_text


def published_errors(text: str) -> list:
    """Unsuppressed error findings of ``text`` linted as Markdown under the published-incident policy."""
    return [f for f in lint_text(text, "x.md", status="published") if f.severity == "error" and not f.suppressed]


def published_error_rules(text: str) -> list[str]:
    """The rule ids of :func:`published_errors`, in order."""
    return [finding.rule for finding in published_errors(text)]


def twins(classes: list[tuple[str, str, str]]):
    """Parametrize a test over ``(class name, blaming sentence, clean twin)`` rows, one id per class."""
    import pytest

    return pytest.mark.parametrize("name,blaming,clean", classes, ids=[row[0] for row in classes])
