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
  them (except a phrase a prompt asks for verbatim: say "not quantified in the
  data"), or most of the words of an example our prompts give, mean the model
  copied instructions instead of writing from the evidence.

``ungrounded_figures(text, sources)`` is the public entry point for one text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from postmortem_kit.core import declare
from postmortem_kit.drafting.figures import CLOCK, CLOCK_SECONDS, ISO, MONEY, SCALED, Derivations, Figure, find_figures, scale_factor, without_times

GROUNDING_RULE = declare("draft/grounding", "error", "A drafted figure, time, service or owner is not in the evidence",
                         doc="Every number, time, percentage, money amount, service name and owner in a drafted "
                             "section must appear in the inputs, the computed facts or the human-written sections.")
COPIED_RULE = declare("draft/copied-prompt", "error", "A draft repeats our prompt or schema text",
                      doc="Eight or more consecutive words of the drafting prompts or schema descriptions, or most "
                          "of a prompt's example, in a draft that the evidence does not contain.")

RESPONDER_RULE = declare("draft/responder-copied", "error", "One responder is put on (nearly) every drafted timeline entry",
                         doc="A drafted timeline of three or more entries names one responder on every entry (one "
                             "entry in five may differ) while the inputs attribute the moments to several people "
                             "and the draft names no one else, or to nobody, or to that responder fewer times.")

NOT_FOUND = "not found in the evidence"
SHINGLE = 8
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_ANY_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SERVICE = re.compile(r"`([A-Za-z][\w.-]{1,59})`|(?<![\w.-])([a-z][a-z0-9]*(?:-[a-z0-9]+)+)(?![\w-]|\.\w)")
_SERVICE_SUFFIX = re.compile(r"-(?:api|service|svc|db|gateway|gw|worker|proxy|queue|cache|cluster|server|"
                             r"app|web|backend|frontend|job|cron|lb|store|broker|mq|sql|redis|kafka)$|\d")
_HANDLE = re.compile(r"(?<![\w.])@([a-z0-9][a-z0-9._-]*(?:/[a-z0-9][a-z0-9._-]*)?)")
_EXAMPLE = re.compile(r'(?:for example|e\.g\.|such as)[ (]*"([^"\n]{12,200})"', re.IGNORECASE)
_SANCTIONED = re.compile(r'\b(?:say|write|answer)[ :]*"([^"\n]{4,120})"', re.IGNORECASE)
_STOP = frozenset("the a an of and or to in on at for by with from is was were be been it its this that "
                  "as are not no into per".split())


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _shingles(words: list[str], size: int = SHINGLE) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


def _person(name: str) -> str:
    return name.strip().lstrip("@").lower()


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
    derived: Derivations = field(default_factory=Derivations)
    attributed: Counter = field(default_factory=Counter)  # person -> moments the inputs attribute to them

    @classmethod
    def build(cls, sources: Iterable[str], *, minutes: Iterable[float] = (), owners: Iterable[str] = (),
              attributed: Mapping[str, int] | None = None, derive: bool = True) -> Evidence:
        """Evidence from source texts; ``minutes`` are the computed durations (total, to detect, to resolve);
        ``attributed`` counts the moments the inputs attribute to each person (default: their @mentions);
        ``derive=False`` leaves out the derived figures (to measure what the derivations add)."""
        text = "\n".join(s for s in sources if s)
        lower = text.lower()
        ev = cls(text=lower)
        for match in ISO.finditer(text):
            ev.dates.add(match.group(1))
            if match.group(2):
                ev.clocks.add(f"{int(match.group(2))}:{match.group(3)}")
        for match in (*CLOCK.finditer(text), *CLOCK_SECONDS.finditer(text)):
            ev.clocks.add(f"{int(match.group(1))}:{match.group(2)}")
        masked = without_times(text)  # parts of times are not figures
        for match in _ANY_NUMBER.finditer(masked):
            raw = match.group(0)
            for candidate in {raw.replace(",", ""), raw.split(",")[0]}:
                try:
                    ev.numbers.add(float(candidate))
                except ValueError:
                    pass
        for match in MONEY.finditer(masked):
            ev.numbers.add(float((match.group("a") or match.group("b")).replace(",", ""))
                           * scale_factor(match.group("sa") or match.group("sb")))
        for match in SCALED.finditer(masked):
            ev.numbers.add(float(match.group(1)) * scale_factor(match.group(2)))
        ev.spans = {round(m, 3) for m in minutes}
        ev.derived = Derivations.build(text if derive else "", durations=tuple(m * 60 for m in ev.spans))
        ev.tokens = {t.strip("._/-") for t in re.findall(r"[a-z0-9._/-]+", lower)} - {""}
        ev.owners = {_person(o) for o in owners if o}
        handles = _HANDLE.findall(lower)
        ev.owners |= set(handles)
        ev.owners |= {t for t in ev.tokens if t.startswith(("team-", "team_")) or t.endswith(("-team", "_team"))}
        ev.attributed = Counter({_person(k): v for k, v in attributed.items()}) if attributed is not None \
            else Counter(handles)
        words = _words(text)
        ev.words = set(words)
        ev.shingles = _shingles(words)
        return ev

    def has_number(self, value: float) -> bool:
        return value in self.numbers or any(abs(value - known) < 1e-9 for known in self.numbers)

    def has_span(self, minutes: float, tolerance: float = 0.5, *, numbers: bool = True) -> bool:
        return (numbers and self.has_number(minutes)) or any(abs(minutes - span) <= tolerance for span in self.spans)

    def grounded(self, figure: Figure) -> bool:
        """A figure is grounded when the evidence states its number, or it is a stated or derived
        figure of its kind within its rounding (``figures.Derivations``)."""
        if figure.plain and figure.number < 10 and "." not in figure.text:
            return True  # counts of steps and items
        return self.has_number(figure.number) or self.derived.holds(figure)


def _as_evidence(sources: Evidence | str | Iterable[str]) -> Evidence:
    if isinstance(sources, Evidence):
        return sources
    if isinstance(sources, str):
        return Evidence.build([sources])
    return Evidence.build(sources)


def ungrounded_figures(text: str, sources: Evidence | str | Iterable[str]) -> list[str]:
    """The figures in ``text`` (money, percentages, counts, durations, sizes, times, dates) not found in
    ``sources`` nor derivable from them (``figures.Derivations``).

    ``sources`` is an ``Evidence`` (reuse it for many texts) or the source texts.  Each
    figure is returned as written, in order of appearance, once.
    """
    ev = _as_evidence(sources)
    found: list[tuple[int, str]] = []

    def flag(start: int, match_text: str) -> None:
        if all(match_text != known for _, known in found):
            found.append((start, match_text))

    def mask(match: re.Match[str]) -> str:
        return " " * len(match.group(0))

    for match in ISO.finditer(text):
        if match.group(1) not in ev.dates:
            flag(match.start(), match.group(0))
        elif match.group(2) and f"{int(match.group(2))}:{match.group(3)}" not in ev.clocks:
            flag(match.start(), match.group(0))
    rest = ISO.sub(mask, text)
    for match in CLOCK.finditer(rest):
        hours, mins = int(match.group(1)), int(match.group(2))
        if f"{hours}:{match.group(2)}" not in ev.clocks and not ev.has_span(hours * 60 + mins, 0, numbers=False):
            flag(match.start(), match.group(0))
    for figure in find_figures(CLOCK.sub(mask, rest)):
        if not ev.grounded(figure):
            flag(figure.start, figure.text)
    return [match_text for _, match_text in sorted(found)]


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


def copied_responder(entries: Any, ev: Evidence) -> str | None:
    """Why a drafted timeline's responders look copied onto every entry (None when they do not).

    The pattern: three or more entries, and one responder on at least three of them and on all but
    one in five (``entries - entries // 5``).  It is a problem when the inputs attribute moments to
    two or more people and the draft names nobody else, or attribute fewer moments to that responder
    than the draft does (none at all included).  ``ev.attributed`` counts the moments per person.
    """
    if not isinstance(entries, list) or len(entries) < 3:
        return None
    named = [_person(e["responder"]) for e in entries
             if isinstance(e, dict) and isinstance(e.get("responder"), str) and e["responder"].strip()]
    if not named:
        return None
    top, count = Counter(named).most_common(1)[0]
    if count < 3 or count < len(entries) - len(entries) // 5:
        return None
    people = sorted(person for person, moments in ev.attributed.items() if moments > 0)
    stated = ev.attributed.get(top, 0)
    if len(people) >= 2 and set(named) == {top}:
        why = f"the inputs attribute its moments to {len(people)} people ({', '.join(people[:5])})"
    elif stated < count:
        why = (f"the inputs attribute {stated} moment{'s' if stated != 1 else ''} to {top}" if people
               else "the inputs attribute no moment to anyone")
    else:
        return None
    return (f"one responder, {top!r}, is on {count} of {len(entries)} timeline entries, but {why}: "
            "name a responder only where the inputs say who acted, otherwise null")


def rule_for(message: str) -> str:
    """The rule a grounding problem reports under."""
    if message.startswith("repeats"):
        return COPIED_RULE
    return RESPONDER_RULE if message.startswith("one responder") else GROUNDING_RULE


# --------------------------------------------------------------------------- our own text


@dataclass
class OwnText:
    """Our prompt and schema text: its 8-word runs, whole sentences and quoted examples."""

    shingles: set[tuple[str, ...]]
    normalized: str
    examples: list[list[str]]
    sanctioned: frozenset[str] = frozenset()  # phrases our prompts ask for verbatim (say "not quantified ...")

    @classmethod
    def build(cls, texts: Iterable[str]) -> OwnText:
        texts = [t for t in texts if t]
        shingles: set[tuple[str, ...]] = set()
        examples: list[list[str]] = []
        sanctioned = {" ".join(_words(m.group(1))) for text in texts for m in _SANCTIONED.finditer(text)}
        for text in texts:
            shingles |= _shingles(_words(text))
            for match in _EXAMPLE.finditer(text):
                content = [w for w in _words(match.group(1)) if w not in _STOP]
                if len(content) >= 4:
                    examples.append(content)
        return cls(shingles, " " + " ".join(_words(" ".join(texts))) + " ", examples, frozenset(sanctioned))

    def copied(self, text: str, ev: Evidence) -> str | None:
        """Why ``text`` looks copied from our prompts (None when it does not)."""
        words = _words(text)
        for start in range(len(words) - SHINGLE + 1):  # in text order: the first copied run is quoted
            shingle = tuple(words[start:start + SHINGLE])
            if shingle in self.shingles and shingle not in ev.shingles:
                return f"repeats our prompt text verbatim ({' '.join(shingle)!r})"
        if 4 <= len(words) < SHINGLE and f" {' '.join(words)} " in self.normalized and not all(
                w in ev.words for w in words) and " ".join(words) not in self.sanctioned:
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
    if section == "timeline":
        copied = copied_responder(value, ev)
        if copied:
            problems.append(((), copied))
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
