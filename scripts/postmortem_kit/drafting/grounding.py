"""Grounding: every figure, time, service and owner in a draft must come from the evidence.

The evidence (``Evidence.build``) is what the model was given about this
incident: the inputs, the computed facts and timeline, and the sections people
wrote (all redacted, as sent), plus the owners named in the configuration.

Rules (docs/guide/drafting.md, "Grounding"):

* **Figures.** Money amounts, percentages, counts and durations must equal a
  number in the evidence.  Durations may also be a computed one (the total, the time to
  detect, the time to resolve), in minutes or whole hours.  Clock times (``10:12``, ``0:53``) and
  dates must appear in the evidence (clock times in the incident's zone).
  Integers below 10 without a unit, a ``%`` or a currency are exempt (counts of
  steps and items); numbers inside identifiers (``p99``, ``HTTP/2``,
  ``INC-2026-0001``, ``v1.2.3``) are not figures.
* **Services.** A name that looks like a service (``payments-api``,
  ``redis-cluster-2``, a word in backticks) must appear in the evidence.
* **Owners.** An owner or responder must be a team or handle named in the
  incident or in ``draft.owners``.
* **Our own text.** Eight or more consecutive words from our prompts or schema
  descriptions that the evidence does not contain, a whole value copied from
  them, or most of the words of an example our prompts give, mean the model
  copied instructions instead of writing from the evidence.

``ungrounded_figures(text, sources)`` is the public entry point for one text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from postmortem_kit.core import declare

GROUNDING_RULE = declare("draft/grounding", "error", "A drafted figure, time, service or owner is not in the evidence",
                         doc="Every number, time, percentage, money amount, service name and owner in a drafted "
                             "section must appear in the inputs, the computed facts or the human-written sections.")
COPIED_RULE = declare("draft/copied-prompt", "error", "A draft repeats our prompt or schema text",
                      doc="Eight or more consecutive words of the drafting prompts or schema descriptions, or most "
                          "of a prompt's example, in a draft that the evidence does not contain.")

NOT_FOUND = "not found in the evidence"
SHINGLE = 8
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_ISO = re.compile(r"\b(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b")
_CLOCK = re.compile(r"(?<![\w.:])(\d{1,2}):(\d{2})(?![\w:]|\.\d)")
_SCALE = r"(?:\s?(?:k|K|m|M|bn|B|thousand|million|billion)\b)?"
_MONEY = re.compile(r"(?:[$€£]\s?(?P<a>\d[\d,]*(?:\.\d+)?)(?P<sa>" + _SCALE + r")|"
                    r"(?<![\d,.])(?P<b>\d[\d,]*(?:\.\d+)?)(?P<sb>" + _SCALE + r")\s?(?:USD|EUR|GBP|dollars|euros)\b)")
_PERCENT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(?:%|percent\b)")
_DURATION = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)[\s-]?(minutes?|mins?|hours?|hrs?|h|seconds?|secs?|s|ms|days?)\b",
                       re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.\-/:#])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w\-/]|[.,:]\d)")
_ANY_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CLOCKS_ANYWHERE = re.compile(r"(?<!\d)\d+(?::\d+)+|\b\d{4}-\d{2}\b")
_SERVICE = re.compile(r"`([A-Za-z][\w.-]{1,59})`|(?<![\w.-])([a-z][a-z0-9]*(?:-[a-z0-9]+)+)(?![\w-]|\.\w)")
_SERVICE_SUFFIX = re.compile(r"-(?:api|service|svc|db|gateway|gw|worker|proxy|queue|cache|cluster|server|"
                             r"app|web|backend|frontend|job|cron|lb|store|broker|mq|sql|redis|kafka)$|\d")
_MULTIPLIER = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9}
_EXAMPLE = re.compile(r'(?:for example|e\.g\.|such as)[ (]*"([^"\n]{12,200})"', re.IGNORECASE)
_STOP = frozenset("the a an of and or to in on at for by with from is was were be been it its this that "
                  "as are not no into per".split())


def _value(digits: str, decimals: str | None = "", scale: str | None = "") -> float:
    number = float(digits.replace(",", "") + (decimals or ""))
    factor = _MULTIPLIER.get((scale or "").strip().lower(), 1.0)
    if (scale or "").strip() == "M":
        factor = 1e6
    return number * factor


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _shingles(words: list[str], size: int = SHINGLE) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


@dataclass
class Evidence:
    text: str
    numbers: set[float] = field(default_factory=set)
    clocks: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    spans: set[float] = field(default_factory=set)  # minutes between two known instants
    tokens: set[str] = field(default_factory=set)
    owners: set[str] = field(default_factory=set)
    shingles: set[tuple[str, ...]] = field(default_factory=set)
    words: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, sources: Iterable[str], *, minutes: Iterable[float] = (), owners: Iterable[str] = ()) -> Evidence:
        """Evidence from source texts; ``minutes`` are the computed durations (total, to detect, to resolve)."""
        text = "\n".join(s for s in sources if s)
        lower = text.lower()
        ev = cls(text=lower)
        for match in _ISO.finditer(text):
            ev.dates.add(match.group(1))
            if match.group(2):
                ev.clocks.add(f"{int(match.group(2))}:{match.group(3)}")
        for match in _CLOCK.finditer(text):
            ev.clocks.add(f"{int(match.group(1))}:{match.group(2)}")
        masked = _CLOCKS_ANYWHERE.sub(" ", _ISO.sub(" ", text))  # parts of times are not figures
        for match in _ANY_NUMBER.finditer(masked):
            raw = match.group(0)
            for candidate in {raw.replace(",", ""), raw.split(",")[0]}:
                try:
                    ev.numbers.add(float(candidate))
                except ValueError:
                    pass
        for match in _MONEY.finditer(masked):
            ev.numbers.add(_value(match.group("a") or match.group("b"), "", match.group("sa") or match.group("sb")))
        for match in re.finditer(r"(?<![\d.])(\d+(?:\.\d+)?)\s?(k|K|M|bn|thousand|million|billion)\b", masked):
            ev.numbers.add(_value(match.group(1), "", match.group(2)))
        ev.spans = {round(m, 3) for m in minutes}
        ev.tokens = {t.strip("._/-") for t in re.findall(r"[a-z0-9._/-]+", lower)} - {""}
        ev.owners = {o.lower().lstrip("@") for o in owners if o}
        ev.owners |= set(re.findall(r"(?<![\w.])@([a-z0-9][a-z0-9._-]*(?:/[a-z0-9][a-z0-9._-]*)?)", lower))
        ev.owners |= {t for t in ev.tokens if t.startswith(("team-", "team_")) or t.endswith(("-team", "_team"))}
        words = _words(text)
        ev.words = set(words)
        ev.shingles = _shingles(words)
        return ev

    def has_number(self, value: float) -> bool:
        return any(abs(value - known) < 1e-9 for known in self.numbers)

    def has_span(self, minutes: float, tolerance: float = 0.5, *, numbers: bool = True) -> bool:
        return (numbers and self.has_number(minutes)) or any(abs(minutes - span) <= tolerance for span in self.spans)


def _as_evidence(sources: Evidence | str | Iterable[str]) -> Evidence:
    if isinstance(sources, Evidence):
        return sources
    if isinstance(sources, str):
        return Evidence.build([sources])
    return Evidence.build(sources)


def ungrounded_figures(text: str, sources: Evidence | str | Iterable[str]) -> list[str]:
    """The figures in ``text`` (money, percentages, counts, durations, times, dates) not found in ``sources``.

    ``sources`` is an ``Evidence`` (reuse it for many texts) or the source texts.  Each
    figure is returned as written, in order of appearance, once.
    """
    ev = _as_evidence(sources)
    found: list[str] = []
    rest = text

    def flag(match_text: str) -> None:
        if match_text not in found:
            found.append(match_text)

    def mask(match: re.Match[str]) -> str:
        return " " * len(match.group(0))

    for match in _ISO.finditer(rest):
        if match.group(1) not in ev.dates:
            flag(match.group(0))
        elif match.group(2) and f"{int(match.group(2))}:{match.group(3)}" not in ev.clocks:
            flag(match.group(0))
    rest = _ISO.sub(mask, rest)
    for match in _MONEY.finditer(rest):
        if not ev.has_number(_value(match.group("a") or match.group("b"), "", match.group("sa") or match.group("sb"))):
            flag(match.group(0).strip())
    rest = _MONEY.sub(mask, rest)
    for match in _PERCENT.finditer(rest):
        if not ev.has_number(float(match.group(1))):
            flag(match.group(0))
    rest = _PERCENT.sub(mask, rest)
    for match in _CLOCK.finditer(rest):
        hours, mins = int(match.group(1)), int(match.group(2))
        if f"{hours}:{match.group(2)}" not in ev.clocks and not ev.has_span(hours * 60 + mins, 0, numbers=False):
            flag(match.group(0))
    rest = _CLOCK.sub(mask, rest)
    for match in _DURATION.finditer(rest):
        value = float(match.group(1))
        unit = match.group(2).lower()
        if ev.has_number(value):
            continue
        minutes = value * 60 if unit.startswith("h") else value if unit.startswith("m") and unit != "ms" else None
        if minutes is not None and ev.has_span(minutes, 0.5 if unit.startswith("m") else 30.0):
            continue
        flag(match.group(0))
    rest = _DURATION.sub(mask, rest)
    for match in _NUMBER.finditer(rest):
        value = _value(match.group(1), match.group(2))
        if value < 10 and not match.group(2):
            continue
        if not ev.has_number(value):
            flag(match.group(0))
    return found


def unknown_services(text: str, ev: Evidence) -> list[str]:
    out = []
    for match in _SERVICE.finditer(text):
        name = (match.group(1) or match.group(2)).strip(".,;:").lower()
        if match.group(2) and not _SERVICE_SUFFIX.search(name):
            continue
        if name and name not in ev.tokens and name not in ev.text and name not in out:
            out.append(name)
    return out


def owner_known(owner: str, ev: Evidence) -> bool:
    return owner.lower().lstrip("@").strip() in ev.owners


# --------------------------------------------------------------------------- our own text


@dataclass
class OwnText:
    """Our prompt and schema text: its 8-word runs, whole sentences and quoted examples."""

    shingles: set[tuple[str, ...]]
    normalized: str
    examples: list[list[str]]

    @classmethod
    def build(cls, texts: Iterable[str]) -> OwnText:
        texts = [t for t in texts if t]
        shingles: set[tuple[str, ...]] = set()
        examples: list[list[str]] = []
        for text in texts:
            shingles |= _shingles(_words(text))
            for match in _EXAMPLE.finditer(text):
                content = [w for w in _words(match.group(1)) if w not in _STOP]
                if len(content) >= 4:
                    examples.append(content)
        return cls(shingles, " " + " ".join(_words(" ".join(texts))) + " ", examples)

    def copied(self, text: str, ev: Evidence) -> str | None:
        """Why ``text`` looks copied from our prompts (None when it does not)."""
        words = _words(text)
        for start in range(len(words) - SHINGLE + 1):  # in text order: the first copied run is quoted
            shingle = tuple(words[start:start + SHINGLE])
            if shingle in self.shingles and shingle not in ev.shingles:
                return f"repeats our prompt text verbatim ({' '.join(shingle)!r})"
        if 4 <= len(words) < SHINGLE and f" {' '.join(words)} " in self.normalized and not all(
                w in ev.words for w in words):
            return f"repeats an instruction from our prompt as the value ({' '.join(words)!r})"
        present = set(words)
        for example in self.examples:
            covered = [w for w in example if w in present]
            in_evidence = [w for w in example if w in ev.words]
            if len(covered) >= 0.75 * len(example) and len(in_evidence) < 0.75 * len(example):
                return f"repeats the example our prompt gives ({' '.join(example)!r}) instead of the evidence"
        return None


def strings_in(value: Any, where: tuple = ()):
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from strings_in(child, (*where, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from strings_in(child, (*where, index))


# --------------------------------------------------------------------------- one drafted section

FACTUAL = frozenset({"summary", "impact", "root_cause", "contributing_factors", "timeline", "lesson",
                     "communication", "blameless"})
_SKIP_FIELDS = frozenset({"due", "category", "severity", "gap_type", "tracking", "timezone", "date"})
_OWNER_FIELDS = frozenset({"owner", "responder"})


def section_grounding(section: str, value: Any, ev: Evidence, own: OwnText | None) -> tuple[list, list]:
    """(problems, marks) for one drafted section: ``[(where, message)]`` each.

    Problems reject the section (a repair round first).  Marks are figures in the
    forward-looking sections (prevention, monitoring, testing, follow_ups), where a
    threshold or a target is a proposal: they stay, marked "not found in the evidence".
    """
    problems: list[tuple[tuple, str]] = []
    marks: list[tuple[tuple, str]] = []
    factual = section in FACTUAL
    for where, text in strings_in(value):
        name = next((part for part in reversed(where) if isinstance(part, str)), section)
        if name in _SKIP_FIELDS:
            continue
        if name in _OWNER_FIELDS:
            if text and not owner_known(text, ev):
                problems.append((where, f"owner {text!r} is not a team or handle named in the incident or in "
                                        "draft.owners"))
            continue
        copied = own.copied(text, ev) if own is not None else None
        if copied:
            problems.append((where, copied))
        figures = ungrounded_figures(text, ev)
        services = unknown_services(text, ev)
        found = [*(repr(f) for f in figures), *(f"service {s!r}" for s in services)]
        if found:
            (problems if factual else marks).append((where, f"{', '.join(found)} {NOT_FOUND}"))
    return problems, marks
