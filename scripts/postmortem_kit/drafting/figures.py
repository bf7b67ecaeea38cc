"""Figures in text, and the figures a model may derive from the evidence.

``find_figures`` reads money amounts, percentages, sizes, durations and counts
out of a text, each with its value in base units (seconds, bytes) and the
rounding its written precision allows.  ``Derivations`` holds what the evidence
states and what follows from it by a small, fixed set of derivations
(docs/pages/guide/drafting.md, "Derived figures"):

1. **Other units.** A duration in ms, seconds, minutes, hours or days (90 minutes
   = 1.5 hours); a size in B, kB, MB, GB, TB (decimal or binary) or KiB ... TiB;
   an amount with k, M, bn, thousand, million, billion (600k = 600,000).
2. **Ratio.** The percentage 100 * a / b (a <= b) of two figures of one kind
   (counts and amounts, durations, or sizes) that the evidence states together
   (3 of 4 hosts: 75%; 1,200 of 48,000 requests: 2.5%), and 100 minus such a
   percentage or one the evidence states (3 of 4 down: 25% up; 64% failed: 36% did not).
3. **Sum and difference** of two figures of one kind stated together (9,300 and
   212: 9,512; 64% against 0.05%: 63.95 points; 10 and 35 minutes: 45 minutes).

A drafted figure matches within the rounding of the figure as written: half a
unit of its last digit (``75%`` covers 74.5 to 75.5, ``1.5 hours`` 87 to 93
minutes, ``2 hours`` 90 to 150 minutes).  "Stated together" means in one line of
the evidence (a sentence, an observation, a log line), or in two neighbouring lines
of one figure each (``errors: 1200`` above ``requests: 48000``).  Only the first
``MAX_PER_LINE`` figures of a line take part, so a line full of numbers cannot make
every number derivable.  Nothing else is derived: no products, no chains of
derivations, no constants.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import combinations, product

MAX_PER_LINE = 12

SCALE = r"(?:\s?(?:k|K|m|M|bn|B|thousand|million|billion)\b)?"
MONEY = re.compile(r"(?:[$€£]\s?(?P<a>\d[\d,]*(?:\.\d+)?)(?P<sa>" + SCALE + r")|"
                   r"(?<![\d,.])(?P<b>\d[\d,]*(?:\.\d+)?)(?P<sb>" + SCALE + r")\s?(?:USD|EUR|GBP|dollars|euros)\b)")
PERCENT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(?:%|percent\b)")
SIZE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(bytes?|[kKMGTP]i?B)\b")
DURATION = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)[\s-]?(minutes?|mins?|hours?|hrs?|h|seconds?|secs?|s|ms|days?)\b",
                      re.IGNORECASE)
SCALED = re.compile(r"(?<![\w.,])(\d+(?:\.\d+)?)\s?(k|K|M|bn|thousand|million|billion)\b")
NUMBER = re.compile(r"(?<![\w.\-/:#])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w\-/]|[.,:]\d)")
ISO = re.compile(r"\b(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b")
CLOCK = re.compile(r"(?<![\w.:])(\d{1,2}):(\d{2})(?![\w:]|\.\d)")
CLOCK_SECONDS = re.compile(r"(?<![\w.:])(\d{1,2}):(\d{2}):\d{2}(?:\.\d{1,9})?(?![\w:])")  # 14:07:31 grounds 14:07
CLOCKS_ANYWHERE = re.compile(r"(?<!\d)\d+(?::\d+)+|\b\d{4}-\d{2}\b")

_MULTIPLIER = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9}
_SECONDS = {"ms": 0.001, "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1, "min": 60, "mins": 60,
            "minute": 60, "minutes": 60, "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
            "day": 86400, "days": 86400}
_POWER = {"k": 1, "m": 2, "g": 3, "t": 4, "p": 5}


def scale_factor(scale: str | None) -> float:
    scale = (scale or "").strip()
    return 1e6 if scale == "M" else _MULTIPLIER.get(scale.lower(), 1.0)


def half_unit(digits: str) -> float:
    """Half a unit of the last written digit: the rounding a written figure stands for."""
    decimals = len(digits.split(".", 1)[1]) if "." in digits else 0
    return 0.5 * 10.0 ** -decimals


def _size_factors(unit: str) -> tuple[float, ...]:
    if unit.lower().startswith("byte"):
        return (1.0,)
    power = _POWER[unit[0].lower()]
    if "i" in unit:
        return (1024.0 ** power,)
    return (1000.0 ** power, 1024.0 ** power)  # "MB" is written for both


@dataclass(frozen=True)
class Figure:
    """One figure as written: ``number`` is the written number (money and counts with their scale),
    ``values`` its readings in base units (seconds, bytes), ``tolerance`` its rounding in those units."""

    kind: str  # "amount" (money and counts), "percent", "duration", "size"
    text: str
    start: int
    number: float
    values: tuple[float, ...]
    tolerance: float
    plain: bool = False  # a bare number: no unit, no %, no currency, no scale


def _masked(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def find_figures(text: str) -> list[Figure]:
    """The money amounts, percentages, sizes, durations and counts in ``text`` (dates and clock
    times already masked by the caller), in order of appearance."""
    found: list[Figure] = []
    for match in MONEY.finditer(text):
        digits = match.group("a") or match.group("b")
        factor = scale_factor(match.group("sa") or match.group("sb"))
        number = float(digits.replace(",", "")) * factor
        found.append(Figure("amount", match.group(0).strip(), match.start(), number, (number,),
                            half_unit(digits) * factor))
    text = MONEY.sub(_masked, text)
    for match in PERCENT.finditer(text):
        number = float(match.group(1))
        found.append(Figure("percent", match.group(0), match.start(), number, (number,), half_unit(match.group(1))))
    text = PERCENT.sub(_masked, text)
    for match in SIZE.finditer(text):
        number = float(match.group(1))
        factors = _size_factors(match.group(2))
        found.append(Figure("size", match.group(0), match.start(), number, tuple(number * f for f in factors),
                            half_unit(match.group(1)) * min(factors)))
    text = SIZE.sub(_masked, text)
    for match in DURATION.finditer(text):
        number = float(match.group(1))
        unit = _SECONDS[match.group(2).lower()]
        found.append(Figure("duration", match.group(0), match.start(), number, (number * unit,),
                            half_unit(match.group(1)) * unit))
    text = DURATION.sub(_masked, text)
    for match in SCALED.finditer(text):
        factor = scale_factor(match.group(2))
        number = float(match.group(1)) * factor
        found.append(Figure("amount", match.group(0), match.start(), number, (number,),
                            half_unit(match.group(1)) * factor))
    text = SCALED.sub(_masked, text)
    for match in NUMBER.finditer(text):
        digits = match.group(1).replace(",", "") + (match.group(2) or "")
        number = float(digits)
        found.append(Figure("amount", match.group(0), match.start(), number, (number,), half_unit(digits),
                            plain=True))
    found.sort(key=lambda figure: figure.start)
    return found


def without_times(text: str) -> str:
    """``text`` with dates, timestamps and clock times blanked out (their parts are not figures)."""
    return CLOCKS_ANYWHERE.sub(_masked, ISO.sub(_masked, text))


def _neighbours(previous: list[Figure], current: list[Figure]) -> list[tuple[Figure, Figure]]:
    """Two neighbouring lines of one figure each (``errors: 1200`` above ``requests: 48000``) are stated together."""
    return [(previous[0], current[0])] if len(previous) == 1 and len(current) == 1 else []


class Derivations:
    """Figures the evidence states (in any unit) and the ones derivable from them, by kind."""

    def __init__(self) -> None:
        self._values: dict[str, list[float]] = {"amount": [], "percent": [], "duration": [], "size": []}

    @classmethod
    def build(cls, text: str, *, durations: tuple[float, ...] = ()) -> Derivations:
        """From the evidence ``text``; ``durations`` (seconds) are computed ones, stated as they are."""
        out = cls()
        out._values["duration"].extend(durations)
        previous: list[Figure] = []
        for line in text.splitlines():
            current = find_figures(without_times(line))[:MAX_PER_LINE] if any(c.isdigit() for c in line) else []
            for figure in current:
                out._values[figure.kind].extend(figure.values)
                if figure.kind == "percent":
                    out._values["percent"].append(100.0 - figure.number)
            for first, second in (*combinations(current, 2), *_neighbours(previous, current)):
                out._pair(first, second)
            previous = current
        for values in out._values.values():
            values.sort()
        return out

    def _pair(self, first: Figure, second: Figure) -> None:
        if first.kind != second.kind:
            return
        values = self._values
        for a, b in product(first.values, second.values):
            values[first.kind].extend((a + b, abs(a - b)))
            low, high = min(a, b), max(a, b)
            if first.kind != "percent" and high > 0:
                values["percent"].extend((100.0 * low / high, 100.0 - 100.0 * low / high))

    def holds(self, figure: Figure, *, extra: float = 0.0) -> bool:
        """Whether ``figure`` is a stated or derived figure of its kind, within its rounding (+ ``extra``)."""
        values = self._values[figure.kind]
        for value in figure.values:
            slack = figure.tolerance + extra + 1e-9 * max(1.0, abs(value))
            index = bisect_left(values, value - slack)
            if index < len(values) and values[index] <= value + slack:
                return True
        return False
