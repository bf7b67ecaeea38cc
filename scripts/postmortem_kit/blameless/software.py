"""Software subjects of fault adverbs (eighth round): "the worker |mistakenly| treated ...".

An adverb of fault right after a head that names a program ("the sync daemon stupidly overwrote
newer files") describes what the program did, not a person's lapse.  The heads are data in
``software.yaml`` beside this module; ``context.keep`` asks :func:`software_subject` about the
words before a match that is one adverb.
"""

from __future__ import annotations

import re
from functools import cache

from postmortem_kit.core import decode_source, load_yaml_text, package_file

SOFTWARE_FILE = "software.yaml"
_HEAD = re.compile(r"([A-Za-z][\w-]{0,39})\s+(?:(?:[a-z]{2,20}ly|also|then|just|still|even)\s+){0,2}\Z")


@cache
def _data() -> tuple[re.Pattern[str], frozenset[str]]:
    path = package_file(__package__, SOFTWARE_FILE)
    with open(path, "rb") as handle:
        raw = load_yaml_text(decode_source(handle.read(), SOFTWARE_FILE), SOFTWARE_FILE).data
    adverbs = raw.get("adverbs") if isinstance(raw, dict) else None
    heads = raw.get("heads") if isinstance(raw, dict) else None
    if not isinstance(adverbs, list) or not adverbs or not all(isinstance(a, str) and a for a in adverbs):
        raise ValueError(f"{SOFTWARE_FILE}: `adverbs` must be a non-empty list of regex fragments")
    if not isinstance(heads, list) or not heads or not all(isinstance(h, str) and h for h in heads):
        raise ValueError(f"{SOFTWARE_FILE}: `heads` must be a non-empty list of words")
    return re.compile("(?:" + "|".join(adverbs) + r")\Z"), frozenset(h.lower() for h in heads)


def software_subject(matched: str, before: str) -> bool:
    """True when ``matched`` is one fault adverb and the head right before it names a program."""
    adverb, heads = _data()
    if not adverb.match(matched.strip().lower()):
        return False
    m = _HEAD.search(before[-80:])
    return m is not None and m.group(1).lower() in heads
