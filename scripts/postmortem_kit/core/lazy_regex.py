"""A regular expression compiled on first use.

Modules on the `postmortem check` path define many patterns; compiling them
at import time costs every process, even when a run never needs them (a
clean file never needs the masking patterns).  ``LazyRegex`` has the usual
methods and compiles itself the first time one is called.
"""

from __future__ import annotations

import re

from postmortem_kit.core import regex_store


class LazyRegex:
    __slots__ = ("pattern", "flags", "_compiled")

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern | None = None

    def compiled(self) -> re.Pattern:
        found = self._compiled
        if found is None:
            found = self._compiled = regex_store.compile(self.pattern, self.flags)
        return found

    def match(self, *args):
        return (self._compiled or self.compiled()).match(*args)

    def search(self, *args):
        return (self._compiled or self.compiled()).search(*args)

    def fullmatch(self, *args):
        return (self._compiled or self.compiled()).fullmatch(*args)

    def finditer(self, *args):
        return (self._compiled or self.compiled()).finditer(*args)

    def findall(self, *args):
        return (self._compiled or self.compiled()).findall(*args)

    def sub(self, *args):
        return (self._compiled or self.compiled()).sub(*args)
