"""Human factors written as prose -> ``blameless.human_factors`` items, and what was inferred.

The RCA prompt asks for a blameless analysis ("if human error is a factor,
identify the system gap that allowed it") but gives it no labelled layout, so
documents write it as sentences:

    A responder restarted the primary by hand during the failover. The runbook did not
    say that the replica had to be promoted first.

Each paragraph or bullet under BLAMELESS ANALYSIS (or on the ``Human
Factors:`` line) is read as one human factor: the text before an explicit
"System gap:" / "The gap was", else the first sentence, is the factor; the
rest is the system gap, provided it names one (a word from ``gap_markers``
in vocabulary.yaml).  The gap type is the kind named earliest in the gap
text (``gap_type_hints``).  Text that states there was no human factor
("No human action was involved") gives an empty list.  Everything here is
reported as inferred; text that names no gap is not guessed at.
"""

from __future__ import annotations

import re

from postmortem_kit.rca.values import sentences
from postmortem_kit.rca.vocabulary import gap_markers, gap_type_hints, normalize

_EXPLICIT = re.compile(r"(?i)(?:^|[.;,]\s|\s[-\u2013\u2014]\s|\s)(?:the\s)?(?:system\s)?gap\s?(?:was|is|:|[-\u2013\u2014])\s?")
_PREFIX = re.compile(r"(?i)^\s*(?:human\s)?factors?\s?:\s*")
_NONE = re.compile(r"(?i)^\s*(?:there\s(?:was|were)\s)?no\s(?:human|individual|manual|person\S*)\s(?:action|error|factor|"
                   r"mistake|decision)s?\b")
_JOINERS = re.compile(r"(?i)\s(?:because|as|since)\s|;\s|,\sbut\s")


def states_no_human_factor(text: str) -> bool:
    """ "No human action was involved." and the like."""
    return bool(_NONE.match(text))


def _names_gap(text: str) -> bool:
    words = f" {normalize(text, keep_numbers=True)} "
    return any(f" {marker} " in words for marker in gap_markers())


def gap_type_of(text: str) -> tuple[str, str] | None:
    """(gap type, the word that named it): the kind named earliest in ``text``."""
    words = f" {normalize(text, keep_numbers=True)} "
    best: tuple[int, str, str] | None = None
    for gap_type, hints in gap_type_hints():
        for hint in hints:
            at = words.find(f" {hint} ")
            if at >= 0 and (best is None or at < best[0]):
                best = (at, gap_type, hint)
    return (best[1], best[2]) if best else None


def derive_human_factor(text: str) -> tuple[dict[str, str] | None, str]:
    """(human factor item, how it was read) or (None, why it could not be)."""
    body = _PREFIX.sub("", " ".join(text.split()), count=1).strip()
    if not body:
        return None, "empty"
    factor, gap = "", ""
    explicit = _EXPLICIT.search(body)
    if explicit and explicit.start() > 0:
        factor, gap = body[:explicit.start()].strip(" .;,-"), body[explicit.end():].strip()
        how = "split at the stated system gap"
    else:
        parts = sentences(body)
        if len(parts) >= 2:
            factor, gap = parts[0], " ".join(parts[1:])
            how = "first sentence as the factor, the rest as the system gap"
        else:
            joiner = _JOINERS.search(body)
            if joiner:
                factor, gap = body[:joiner.start()].strip(" .;,"), body[joiner.end():].strip()
                how = f"split at {joiner.group(0).strip()!r}"
    if not factor or not gap or not _names_gap(gap):
        return None, "a human factor needs the system gap that allowed it (write 'System gap: ...')"
    item = {"factor": _sentence(factor), "system_gap": _sentence(gap)}
    kind = gap_type_of(gap)
    if kind is not None:
        item["gap_type"] = kind[0]
        how += f"; gap type {kind[0]} from the word {kind[1]!r}"
    else:
        how += "; no gap type named (write Gap Type)"
    return item, how


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
