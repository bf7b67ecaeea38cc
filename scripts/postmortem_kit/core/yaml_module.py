"""PyYAML, imported without the one regex that made up a tenth of a cold `postmortem check`.

PyYAML's pure-Python reader compiles, at import, a class of every character
it refuses (``Reader.NON_PRINTABLE``).  Its ranges span most of Unicode and
``re`` fills a table for them one code point at a time: 5-13 ms of every
process, for a pattern that is used only when libyaml is missing.  Before
importing yaml, this module puts into ``re``'s cache, under that pattern's
exact text, the same set written as its complement (seven short ranges),
which compiles in a fraction of a millisecond.  Both match exactly the same
characters (tests/unit/core/test_yaml_module.py checks every code point),
so the reader behaves as before.  When ``re`` has no such cache, or PyYAML's
pattern changes, nothing is primed and only the saving is lost.
"""

from __future__ import annotations

import re

# PyYAML's reader.py, character for character (the key re's cache uses).
NON_PRINTABLE = '[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]'
# The same set: the code points outside the allowed ranges above.
SAME_SET = '[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uD800-\uDFFF\uFFFE\uFFFF]'


def _prime() -> None:
    cache = getattr(re, "_cache", None)
    if isinstance(cache, dict):
        cache.setdefault((str, NON_PRINTABLE, 0), re.compile(SAME_SET))


_prime()

import yaml  # noqa: E402

__all__ = ["yaml"]
