"""Every parser of the evidence readers is linear on hostile input: a long adversarial string takes about as long as
a plain string of the same length (relative bound, never an absolute time)."""

from __future__ import annotations

import time

import pytest

from postmortem_kit.evidence.logs import _PAIR
from postmortem_kit.evidence.model import parse_instant
from postmortem_kit.evidence.slack import _MENTION, _text
from postmortem_kit.incident import parse_label


def _best(function, text: str, rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - started)
    return best


CASES = {
    "slack mentions": (lambda t: _MENTION.sub("x", t), "<@" + "U" * 299 + "|" * 1, "<@U1> hi "),
    "slack text": (lambda t: _text({"text": t}, {}), "<" * 5 + "@" + "a|" * 100 + "&amp" * 10, "plain text here "),
    "logfmt pairs": (lambda t: list(_PAIR.finditer(t)), 'k="' + "\\x" * 60, "key=value other=1 "),
    "source label": (lambda t: [parse_label(t[i:i + 200]) for i in range(0, len(t), 200)], "a/b " + "x" * 195 + "#",
                     "slack/message f#1 "),
}


@pytest.mark.parametrize("name", CASES)
def test_hostile_input_costs_about_what_plain_input_costs(name):
    function, hostile, plain = CASES[name]
    size = 20_000
    bad = (hostile * (size // len(hostile) + 1))[:size]
    good = (plain * (size // len(plain) + 1))[:size]
    assert _best(function, bad) < 25 * _best(function, good) + 0.05


def test_timestamps_are_matched_in_bounded_time():
    for text in ("2026-03-14T09:12:00" + "0" * 100_000, "9" * 100_000):
        with pytest.raises(Exception, match="timestamp"):
            parse_instant(text, "x")
