"""Hide what the blameless rules must never read: quotes, code, identifiers, logs.

Masking replaces each hidden character with MASK (the ASCII control
character SUB, which no rule pattern matches and which keeps ASCII prose in
Python's compact one-byte string form) so offsets, lines and columns stay exact.  All
passes are linear: quotes and backtick runs are paired with sorted position
lists, identifiers are grown outwards from a cheap hit (an underscore, a
lower-upper pair, a dot between letters), never found by backtracking
regexes, and each kind of span is only looked for when a character it needs
occurs in the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from postmortem_kit.core import LazyRegex

MASK = "\x1a"

_MARKER_LINE = LazyRegex(r"(?<![^\s])#[ \t]{0,8}blameless-ignore[^\n]{0,600}")
_URL = LazyRegex(r"(?:https?|ftp)://[^\s<>()\"'`]{1,2000}|www\.[^\s<>()\"'`]{1,2000}")
# Each hit pattern starts with a literal or a small class, so the regex engine
# skips ahead quickly; the lookbehind checks the character before.
_CAMEL = LazyRegex(r"[A-Z](?<=[a-z0-9][A-Z])")  # camelCase, PascalCase with two humps, MySQL, iOS
_DOTTED = LazyRegex(r"\.(?<=[A-Za-z0-9_]\.)[A-Za-z_]")  # pool.acquire, config.yaml
_DOTFILE = LazyRegex(r"(?<![\w.])\.[A-Za-z]")  # .git-blame-ignore-revs
_SLASH_PATH = LazyRegex(r"/[\w.@%+~-]")
_FLAG = LazyRegex(r"--?[A-Za-z]")
_LEVELS = ("TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "ERROR", "ERR ", "FATAL", "CRIT", "PANIC")
_IDENT = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_IDENT_DOT = _IDENT | frozenset(".-")
_PATH = _IDENT | frozenset(".@%+~-/")
_VALUE_STOP = frozenset(" \t\n\r,;")
# A log line pasted into prose: timestamp + level.
_LOG_LINE = LazyRegex(
    r"^[ \t]*(?:\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?\]?"
    r"|\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?)[ \t]{1,8}\[?(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRIT|CRITICAL|PANIC)\b[^\n]{0,100000}",
    re.MULTILINE,
)
_BACKTICKS = LazyRegex(r"`+")
_PARAGRAPH = LazyRegex(r"\n[ \t]*\n")
_QUOTE_LIMIT = 1000  # longest quoted span masked, in characters
_SINGLE_LIMIT = 240
_MAX_TOKEN = 2000  # identifiers longer than this are cut (bounded work per hit)


def mask_inline(text: str, *, spans: list[tuple[int, int]] | None = None) -> str:
    """Mask code spans, quotes, identifiers, URLs and log lines in prose."""
    spans = [] if spans is None else spans
    if "`" in text:
        spans.extend(_code_spans(text))
    if "<!--" in text:
        spans.extend(html_comments(text))
    if "blameless-ignore" in text:
        spans.extend(m.span() for m in _MARKER_LINE.finditer(text))
    if "://" in text or "www." in text:
        spans.extend(m.span() for m in _URL.finditer(text))
    if "@" in text:
        spans.extend(_emails(text))
    if "_" in text:
        spans.extend(_around(text, (m.start() for m in re.finditer("_", text)), _IDENT_DOT))
    spans.extend(_around(text, (m.start() for m in _CAMEL.finditer(text)), _IDENT_DOT))
    if "." in text:
        spans.extend(_around(text, (m.start() for m in _DOTTED.finditer(text)), _IDENT_DOT))
        if " ." in text or "\n." in text or text.startswith("."):
            spans.extend(_around(text, (m.start() + 1 for m in _DOTFILE.finditer(text)), _IDENT_DOT, keep_dot=True))
    if "/" in text:
        spans.extend(_paths(text))
    if "-" in text:
        spans.extend(_flags(text))
    if "=" in text:
        spans.extend(_key_values(text))
    if ":" in text and any(level in text for level in _LEVELS):
        spans.extend(m.span() for m in _LOG_LINE.finditer(text))
    spans.extend(_quote_spans(text))
    return apply_mask(text, spans)


def html_comments(text: str) -> list[tuple[int, int]]:
    """<!-- ... --> spans, each opener paired with the next closer (linear, no backtracking)."""
    closers = [m.start() for m in re.finditer("-->", text)]
    spans = []
    covered = -1
    for m in re.finditer("<!--", text):
        start = m.start()
        if start < covered:
            continue
        at = bisect_right(closers, start + 3)
        if at < len(closers) and closers[at] - start <= 5000:
            covered = closers[at] + 3
            spans.append((start, covered))
    return spans


def _around(text: str, positions, chars: frozenset, *, keep_dot: bool = False) -> list[tuple[int, int]]:
    """The identifier around each position: a run of ``chars`` (edge dots and hyphens trimmed)."""
    spans = []
    covered = -1
    length = len(text)
    for position in positions:
        if position < covered:
            continue
        start = position
        while start > 0 and text[start - 1] in chars and position - start < _MAX_TOKEN:
            start -= 1
        end = position
        while end < length and text[end] in chars and end - position < _MAX_TOKEN:
            end += 1
        while end > start and text[end - 1] in ".-":
            end -= 1
        while start < end and text[start] == "-" or (start < end and text[start] == "." and not keep_dot):
            start += 1
        if start > 0 and text[start - 1] == "@":
            continue  # @nadia.k is a handle, read as a name
        if end > start:
            spans.append((start, end))
            covered = end
    return spans


def _emails(text: str) -> list[tuple[int, int]]:
    """e-mail addresses (a handle like noor@ or @noor is not one: it needs a dotted domain)."""
    spans = []
    local = _IDENT_DOT | frozenset("+")
    for m in re.finditer("@", text):
        at = m.start()
        end = at + 1
        while end < len(text) and text[end] in _IDENT_DOT and end - at < 255:
            end += 1
        domain = text[at + 1:end].rstrip(".-")
        if "." not in domain or at == 0 or text[at - 1] not in local:
            continue
        start = at
        while start > 0 and text[start - 1] in local and at - start < 64:
            start -= 1
        spans.append((start, at + 1 + len(domain)))
    return spans


def _paths(text: str) -> list[tuple[int, int]]:
    """/api/v2/blame, ./run.sh, ~/x: a slash that does not follow a word (so "and/or" stays)."""
    spans = []
    covered = -1
    for m in _SLASH_PATH.finditer(text):
        slash = m.start()
        if slash < covered:
            continue
        start = slash
        while start > 0 and text[start - 1] in ".~" and slash - start < 2:
            start -= 1
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_)"):
            continue
        end = slash + 1
        while end < len(text) and text[end] in _PATH and end - start < _MAX_TOKEN:
            end += 1
        while end > start and text[end - 1] in ".-":
            end -= 1
        spans.append((start, end))
        covered = end
    return spans


def _flags(text: str) -> list[tuple[int, int]]:
    """--region, -f: a dash that starts a word."""
    spans = []
    for m in _FLAG.finditer(text):
        start = m.start()
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_-"):
            continue
        end = m.end()
        while end < len(text) and (text[end] in _IDENT or text[end] == "-") and end - start < 80:
            end += 1
        spans.append((start, end))
    return spans


def _key_values(text: str) -> list[tuple[int, int]]:
    """key=value settings."""
    spans = []
    for m in re.finditer("=", text):
        at = m.start()
        start = at
        while start > 0 and text[start - 1] in _IDENT_DOT and at - start < 80:
            start -= 1
        if start == at:
            continue
        end = at + 1
        while end < len(text) and text[end] not in _VALUE_STOP and end - at < 200:
            end += 1
        spans.append((start, end))
    return spans


def apply_mask(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    spans.sort()
    out: list[str] = []
    position = 0
    for start, end in spans:
        if end <= position:
            continue
        start = max(start, position)
        out.append(text[position:start])
        out.append(MASK * (end - start))
        position = end
    out.append(text[position:])
    return "".join(out)


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Inline code: a run of N backticks up to the next run of exactly N in the same paragraph."""
    ends = _paragraph_ends(text)
    runs = [(m.start(), m.end() - m.start()) for m in _BACKTICKS.finditer(text)]
    by_length: dict[int, list[int]] = {}
    for index, (_, length) in enumerate(runs):
        by_length.setdefault(length, []).append(index)
    spans = []
    index = 0
    while index < len(runs):
        start, length = runs[index]
        candidates = by_length[length]
        nxt = bisect_right(candidates, index)
        if nxt < len(candidates) and runs[candidates[nxt]][0] < _paragraph_end(ends, start):
            closer = candidates[nxt]
            close_start, close_length = runs[closer]
            spans.append((start, close_start + close_length))
            index = closer + 1
        else:
            index += 1
    return spans


def _paragraph_end(ends: list[int], position: int) -> int:
    at = bisect_right(ends, position)
    return ends[at] if at < len(ends) else ends[-1]


def _paragraph_ends(text: str) -> list[int]:
    return [m.start() for m in _PARAGRAPH.finditer(text)] + [len(text)]


def _quote_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if '"' in text:
        spans.extend(_straight_double(text))
    if "\u201c" in text:
        spans.extend(_paired(text, "\u201c", "\u201d"))
    if "\u00ab" in text:
        spans.extend(_paired(text, "\u00ab", "\u00bb"))
    if "'" in text or "\u2018" in text:
        spans.extend(_single_quotes(text))
    return spans


def _straight_double(text: str) -> list[tuple[int, int]]:
    """Pair straight double quotes within a paragraph, ignoring strays."""
    ends = _paragraph_ends(text)
    positions = [m.start() for m in re.finditer('"', text)]
    spans = []
    index = 0
    while index + 1 < len(positions):
        start, end = positions[index], positions[index + 1]
        if end < _paragraph_end(ends, start) and end - start <= _QUOTE_LIMIT:
            spans.append((start, end + 1))
            index += 2
        else:
            index += 1
    return spans


def _paired(text: str, opener: str, closer: str) -> list[tuple[int, int]]:
    ends = _paragraph_ends(text)
    closers = [m.start() for m in re.finditer(re.escape(closer), text)]
    spans = []
    position = 0
    while True:
        start = text.find(opener, position)
        if start < 0:
            break
        at = bisect_right(closers, start)
        if at < len(closers) and closers[at] - start <= _QUOTE_LIMIT and closers[at] < _paragraph_end(ends, start):
            spans.append((start, closers[at] + 1))
            position = closers[at] + 1
        else:
            position = start + 1
    return spans


_SINGLE = LazyRegex("['\u2018\u2019]")
_OPEN_AFTER = frozenset(" \t\n\r([{—–/")


def _single_quotes(text: str) -> list[tuple[int, int]]:
    """'quoted' and ‘quoted’ spans; apostrophes (it's, Viktor's, users') are left alone."""
    openers = []
    closers = []
    length = len(text)
    for m in _SINGLE.finditer(text):
        at = m.start()
        char = text[at]
        before = text[at - 1] if at else "\n"
        after = text[at + 1] if at + 1 < length else " "
        if char != "\u2019" and before in _OPEN_AFTER and not after.isspace() and after not in "'\u2019":
            openers.append(at)
        if char != "\u2018" and not before.isspace() and before not in "'\u2018" and not (after.isalnum() or after == "_"):
            closers.append(at)
    if not openers:
        return []
    spans = []
    position = -1
    for start in openers:
        if start < position:
            continue
        at = bisect_right(closers, start)
        if at < len(closers):
            end = closers[at]
            inner = text[start + 1:end]
            if end - start <= _SINGLE_LIMIT and "\n\n" not in inner:
                spans.append((start, end + 1))
                position = end + 1
    return spans


# ----------------------------------------------------------------- Markdown blocks

_FENCE = LazyRegex(r"^[ \t]{0,3}(`{3,}|~{3,})", re.MULTILINE)
_LIST_ITEM = LazyRegex(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]")
_HTML_TAG = LazyRegex(r"</?[A-Za-z][A-Za-z0-9-]{0,30}(?:\s[^<>\n]{0,500})?/?>")
_LINK_TARGET = LazyRegex(r"\]\([^()\s]{0,2000}(?:\s\"[^\"\n]{0,300}\")?\)|^[ \t]{0,3}\[[^\]\n]{1,200}\]:[^\n]{0,2000}",
                          re.MULTILINE)
_AUTOLINK = LazyRegex(r"<(?:https?|mailto|ftp):[^<>\s]{1,2000}>")


def markdown_block_spans(text: str) -> list[tuple[int, int]]:
    """Spans of a Markdown document that are not prose: code blocks, front matter, quotes, link targets."""
    spans: list[tuple[int, int]] = []
    if text.startswith("---\n") or text.startswith("---\r\n"):
        end = text.find("\n---", 3)
        if end > 0:
            spans.append((0, end + 4))
    lines = _lines(text)
    in_fence: str | None = None
    fence_start = 0
    previous_blank = True
    in_list = False
    for start, end in lines:
        line = text[start:end]
        stripped = line.strip()
        if in_fence is not None:
            if stripped.startswith(in_fence) and set(stripped) == {in_fence[0]} and len(stripped) >= len(in_fence):
                spans.append((fence_start, end))
                in_fence = None
            previous_blank = False
            continue
        fence = _FENCE.match(line)
        if fence:
            in_fence = fence.group(1)
            fence_start = start
            continue
        if not stripped:
            previous_blank = True
            continue
        if _LIST_ITEM.match(line):
            in_list = True
        elif previous_blank and not line.startswith((" ", "\t")):
            in_list = False
        indented = line.startswith("    ") or line.startswith("\t")
        if indented and previous_blank and not in_list:
            spans.append((start, end))
            previous_blank = False  # a code block continues on the next indented line
            continue
        if indented and spans and spans[-1][1] == start - 1 and not in_list and text[spans[-1][0]:spans[-1][0] + 1] in " \t":
            spans.append((start, end))
            continue
        if line.lstrip().startswith(">"):
            spans.append((start, end))
        previous_blank = False
    if in_fence is not None:
        spans.append((fence_start, len(text)))
    spans.extend(m.span() for m in _LINK_TARGET.finditer(text))
    if "<" in text:
        spans.extend(m.span() for m in _AUTOLINK.finditer(text))
        spans.extend(m.span() for m in _HTML_TAG.finditer(text))
    return spans


def _lines(text: str) -> list[tuple[int, int]]:
    out = []
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            out.append((start, len(text)))
            return out
        out.append((start, end))
        start = end + 1
