"""Map a character of a YAML string value back to its line and column in the file.

A scalar's value differs from its source text: quotes, escapes, block
indentation and line folding all change where a character sits.  The span
aligns value and source with two pointers (equal characters advance both;
layout the parser removed advances the source; whitespace the parser added
advances the value), which is exact for ordinary prose and degrades to a
nearby position for exotic escapes.  The alignment is built lazily, only as
far as the largest offset asked for.
"""

from __future__ import annotations

from bisect import bisect_right

_LAYOUT = frozenset(" \t\r\n\\'\"")


class ScalarSpan:
    def __init__(self, source: str, start: int, end: int, style: str | None, value: str,
                 starts: list[int] | None = None):
        self.source = source
        self.value = value
        self.end = min(end, len(source))
        src = start
        if style in ("'", '"'):
            src += 1  # opening quote
        elif style in ("|", ">"):
            newline = source.find("\n", start, self.end)
            src = self.end if newline < 0 else newline + 1  # skip the header line
        self._src = src  # next source index to align
        self._val = 0  # next value index to align
        self._map: list[int] = []  # value index -> source index
        self._line_starts = starts

    def _extend(self, upto: int) -> None:
        source, value, end = self.source, self.value, self.end
        src, val, mapping = self._src, self._val, self._map
        limit = min(upto + 1, len(value))
        while val < limit:
            if src >= end:
                mapping.append(end)
                val += 1
                continue
            s, v = source[src], value[val]
            if s == v:
                mapping.append(src)
                src += 1
                val += 1
            elif s in _LAYOUT:
                src += 1
            elif v in " \n\t":
                mapping.append(src)
                val += 1
            else:
                src += 1  # an escape sequence or similar: skip source
        self._src, self._val = src, val

    def source_index(self, offset: int) -> int:
        if not self.value:
            return self._src
        offset = max(0, min(offset, len(self.value) - 1))
        if offset >= len(self._map):
            self._extend(offset)
        return self._map[offset]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of value character ``offset``."""
        index = self.source_index(offset)
        if offset >= len(self.value) and self.value:
            index += 1  # one past the last character (for end columns)
        if self._line_starts is None:
            self._line_starts = line_starts(self.source)
        row = bisect_right(self._line_starts, index) - 1
        return row + 1, index - self._line_starts[row] + 1


def line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    index = find("\n")
    while index >= 0:
        starts.append(index + 1)
        index = find("\n", index + 1)
    return starts
