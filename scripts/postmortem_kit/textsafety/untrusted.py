"""Untrusted text made inert for GitHub Markdown: comments, summaries, suggestions, terminal output.

Model output, finding messages that quote a file, drop reasons, file names and
a fork's hand-written artifact all pass through ``make_inert`` (``inert``,
``inline`` and ``cell`` for the pull-request job) before they are shown:

1. entities are decoded and HTML is stripped (nh3: tags go, their text stays,
   ``<script>``/``<style>`` lose their content), HTML comments, images, link
   reference definitions and autolink brackets are removed; these steps repeat
   until nothing changes, and the invisible and control characters of
   ``core.text_guard`` are removed in every round, so ``&#x202E;`` cannot
   bring a bidi override back after the strip;
2. the text is capped at ``max_chars`` (cut at a word boundary, ``…`` added);
3. it is split into code and prose by CommonMark's own rules, conservatively
   (``split_code``): only what is *provably* code stays as it is, that is a
   fenced block opened at column 0 of a line after the first, when no fence-like line
   of the text is indented or nested in a list or quote (closed by a fence of the same character at
   least as long, or running to the end), and inline code spans paired as
   CommonMark pairs them (backslash escapes honoured, the first closing run of
   the same length) within one blank-line-separated block, when every span of
   that block stays on one line and holds no ``|`` (a table cell boundary);
4. everything else is prose and is escaped: every backtick becomes ``\\```
   (backslashes before it kept even, so nothing can pair with a backtick we
   add), an entity's ``&`` becomes ``&amp;``, and whatever GitHub would turn
   into a notification, cross-reference, link or template expression becomes
   an inline code span of our own: ``@user``, ``@org/team``, ``#123``,
   ``owner/repo#123``, ``GH-123``, URLs whose host is not allowlisted,
   ``{{ ... }}``/``{% ... %}``.  E-mail addresses are redacted (GitHub would
   autolink them as ``mailto:``).  A Markdown link to a host outside the
   allowlist becomes ``text (`url`)``.

Backticks were chosen over invisible characters because a reviewer can see
them.  The tests render the result with a CommonMark/GFM renderer
(markdown-it-py) and check that no mention, mailto link or bidi character is
live.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable
from urllib.parse import urlsplit

from postmortem_kit.core import mask_hidden, one_line, strip_hidden

DEFAULT_MAX_CHARS = 4000
ELLIPSIS = "…"

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_MD_IMAGE = re.compile(r"!\[[^\]\n]{0,1000}\]\([^)\n]{0,2000}\)|!\[[^\]\n]{0,1000}\]\[[^\]\n]{0,200}\]")
_REF_DEFINITION = re.compile(r"^[ ]{0,3}\[[^\]\n]{1,999}\]:[ \t]*\S+.*$", re.MULTILINE)
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]{1,2000})>", re.IGNORECASE)
_TAG_LIKE = re.compile(r"<[A-Za-z!/?]")

_URL_TAIL = ".,;:!?'\")]}*_~"
_EMAIL = r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63}){1,8}"
# Alternatives tried left to right at each position of a prose segment.
_ACTIVE = re.compile(
    r"(?P<mdlink>\[(?P<text>[^\]\n]{0,1000})\]\(\s*<?(?P<target>[^)\s>`\\]{0,2000})>?(?:\s+\"[^\"\n]{0,500}\")?\s*\))"
    r"|(?P<url>\b(?:https?|ftp)://[^\s<>`\\]{1,2000}|\bwww\.[A-Za-z0-9-]+\.[^\s<>`\\]{1,2000}"
    r"|\b(?:javascript|data|vbscript|file|mailto):[^\s<>`\\]{1,2000})"
    rf"|(?P<email>(?<![\w.%+-]){_EMAIL})"
    r"|(?P<repo_ref>(?<![\w/.-])[A-Za-z0-9][A-Za-z0-9_.-]{0,99}/[A-Za-z0-9_.-]{1,100}#\d+\b)"
    r"|(?P<ref>(?<![\w&#/])(?:#|GH-)\d+(?:[\w#-]{0,200}\w)?)"
    r"|(?P<mention>@[A-Za-z0-9](?:[\w.@/-]{0,300}[\w/])?)"  # a chain like @a@b is one span
    r"|(?P<template>\$?\{\{.{0,400}?\}\}|\{%.{0,400}?%\}|\$?\{\{|\{%)"
    r"|(?P<entity>&(?=#[0-9]{1,8};|#[xX][0-9A-Fa-f]{1,8};|[A-Za-z][A-Za-z0-9]{1,31};))"
    r"|(?P<tick>(?<!\\)\\*`)",  # replacements never end in a backslash: a run starts here
    re.IGNORECASE | re.DOTALL,
)
_CHAIN = re.compile(r"[\w@#/.-]{0,300}[@#\w]")
_FENCE_LIKE = re.compile(r"[ \t>*+\-0-9.)]*(?:`{3,}|~{3,})")
_FENCE_OPEN = re.compile(r"(?:(`{3,})[^`]*|(~{3,}).*)\Z")
_FENCE_CLOSE = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*\Z")
_BLANK = re.compile(r"[ \t]*\Z")
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


@dataclass(frozen=True)
class InertPolicy:
    """Hosts whose links stay clickable, and the length cap per string."""

    allowed_hosts: frozenset[str] = field(default_factory=frozenset)
    max_chars: int = DEFAULT_MAX_CHARS

    @classmethod
    def build(cls, hosts: Iterable[str] = (), max_chars: int = DEFAULT_MAX_CHARS) -> InertPolicy:
        return cls(frozenset(h.lower().strip().rstrip(".") for h in hosts if h and h.strip()), max_chars)

    def allows(self, url: str) -> bool:
        host = url_host(url)
        if host is None:
            return False
        return any(host == allowed or host.endswith("." + allowed) for allowed in self.allowed_hosts)


def url_host(url: str) -> str | None:
    """The lower-case host of an http(s) URL (``www.x`` counts as https), else None."""
    if url.lower().startswith("www."):
        url = "https://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return parts.hostname.lower().rstrip(".")


def hosts_in(text: str) -> set[str]:
    """Hosts of the http(s) URLs in ``text`` (used to allowlist links the incident itself contains)."""
    found = set()
    for match in re.finditer(r"\bhttps?://[^\s<>`'\"]+", text):
        host = url_host(match.group(0).rstrip(_URL_TAIL))
        if host:
            found.add(host)
    return found


# --------------------------------------------------------------------------- the transform


def make_inert(text: str, policy: InertPolicy | None = None) -> str:
    """Return ``text`` with nothing left that can ping, link, load or hide (see module doc)."""
    policy = policy or InertPolicy()
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    for _ in range(6):
        before = text
        text = strip_hidden(text)
        text = _COMMENT.sub("", text)
        text = _MD_IMAGE.sub("", text)
        text = _REF_DEFINITION.sub("", text)
        text = _AUTOLINK.sub(r"\1", text)
        text = strip_html(text)
        if text == before:
            break
    text = strip_hidden(text)
    text = cap(text, policy.max_chars)
    out = ""
    for segment, is_code in split_code(text):
        shown = segment if is_code else _neutralise(segment, policy)
        if out.endswith("`") and shown.startswith("`"):
            out += " "  # two code spans side by side would make one longer backtick run
        out += shown
    return out


def strip_html(text: str) -> str:
    """Remove every HTML tag (nh3), keep the text, decode entities; repeat until no tag is left."""
    import nh3

    if "<" not in text and "&" not in text:
        return text
    for _ in range(4):
        cleaned = html.unescape(nh3.clean(text, tags=set(), attributes={}, strip_comments=True,
                                          clean_content_tags={"script", "style", "template", "textarea"}))
        cleaned = _COMMENT.sub("", cleaned)
        if cleaned == text or not _TAG_LIKE.search(cleaned):
            text = cleaned
            break
        text = cleaned
    # Entities nested deeper than the rounds above: keep them visible as text, never as markup.
    return _TAG_LIKE.sub(lambda m: "&lt;" + m.group(0)[1:], text)


def cap(text: str, max_chars: int) -> str:
    if max_chars <= 0 or len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > max_chars * 0.6:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def code_span(text: str) -> str:
    """``text`` as an inline code span (longer fence when the text itself has backticks)."""
    text = text.replace("\n", " ")
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


# --------------------------------------------------------------------------- code or prose, by CommonMark


def split_code(text: str) -> list[tuple[str, bool]]:
    """Split into (segment, is_code); only what CommonMark provably renders as code is code (module doc)."""
    lines = text.split("\n")
    groups: list[tuple[list[str], bool]] = []
    index = 0
    # Fences are trusted only when every fence-like line starts at column 0 and the first line is not one:
    # callers put the text after a prefix ("- ", "| "), and an indented or nested fence ends where its
    # container ends, which this splitter does not track.
    fence_like = [i for i, line in enumerate(lines) if _FENCE_LIKE.match(line)]
    trusted = not (fence_like and (fence_like[0] == 0 or any(_FENCE_OPEN.match(lines[i]) is None and
                                                              not _FENCE_CLOSE.match(lines[i]) for i in fence_like)
                                   or any(lines[i][:1] not in "`~" for i in fence_like)))
    while index < len(lines):
        opening = _FENCE_OPEN.match(lines[index]) if trusted else None
        if opening is None:
            if groups and not groups[-1][1]:
                groups[-1][0].append(lines[index])
            else:
                groups.append(([lines[index]], False))
            index += 1
            continue
        run = opening.group(1) or opening.group(2)
        end = index + 1
        while end < len(lines):
            closing = _FENCE_CLOSE.match(lines[end])
            if closing and closing.group(1)[0] == run[0] and len(closing.group(1)) >= len(run):
                break
            end += 1
        groups.append((lines[index:end + 1], True))
        index = end + 1
    segments: list[tuple[str, bool]] = []
    for number, (group, is_code) in enumerate(groups):
        joined = "\n".join(group) + ("\n" if number < len(groups) - 1 else "")
        segments.extend([(joined, True)] if is_code else _split_blocks(joined))
    return [(s, c) for s, c in segments if s]


def _split_blocks(text: str) -> list[tuple[str, bool]]:
    segments: list[tuple[str, bool]] = []
    block: list[str] = []
    for line in text.split("\n"):
        if _BLANK.match(line):
            if block:
                segments.extend(_split_spans("\n".join(block) + "\n"))
                block = []
            segments.append((line + "\n", False))
        else:
            block.append(line)
    if block:
        segments.extend(_split_spans("\n".join(block) + "\n"))
    joined = "".join(s for s, _ in segments)
    if joined != text:  # the last line has no newline: take it off again
        last, is_code = segments[-1]
        segments[-1] = (last[:-1], is_code)
    return segments


def _split_spans(text: str) -> list[tuple[str, bool]]:
    """Inline code spans of one block as CommonMark pairs them; the whole block is prose unless every span
    stays on one line and holds no table pipe."""
    segments: list[tuple[str, bool]] = []
    position = plain_start = 0
    length = len(text)
    while position < length:
        char = text[position]
        if char == "\\" and position + 1 < length and text[position + 1] in _PUNCTUATION:
            position += 2
            continue
        if char != "`":
            position += 1
            continue
        run_end = position
        while run_end < length and text[run_end] == "`":
            run_end += 1
        close = _closing_run(text, run_end - position, run_end)
        if close < 0:
            position = run_end  # an unmatched run is literal text
            continue
        span = text[position:close + run_end - position]
        if "\n" in span or "|" in span:
            return [(text, False)]
        segments.append((text[plain_start:position], False))
        segments.append((span, True))
        position = plain_start = close + run_end - position
    segments.append((text[plain_start:], False))
    return segments


def _closing_run(text: str, size: int, start: int) -> int:
    index = start
    length = len(text)
    while index < length:
        index = text.find("`", index)
        if index < 0:
            return -1
        end = index
        while end < length and text[end] == "`":
            end += 1
        if end - index == size:
            return index
        index = end
    return -1


# --------------------------------------------------------------------------- prose


def _even_backslashes(run: str) -> str:
    return run if len(run) % 2 == 0 else run + "\\"


def _neutralise(text: str, policy: InertPolicy) -> str:
    from postmortem_kit.textsafety.redaction import placeholder

    out: list[str] = []
    position = 0
    while True:
        match = _ACTIVE.search(text, position)
        if match is None:
            break
        before = text[position:match.start()]
        replacement = _replacement(match, policy, placeholder)
        end = match.end()
        if match.group("tick") is None and match.group("entity") is None:
            # What directly follows a replacement starts a new text node on GitHub: take a chain like
            # `#12#13@bob` into one span instead of leaving `@bob` at the start of a node.
            chain = _CHAIN.match(text, end) if text.startswith(("@", "#", "GH-", "gh-"), end) else None
            if chain and replacement.startswith("`") and match.group("url") is None:
                replacement, end = code_span(match.group(0) + chain.group(0)), chain.end()
            elif chain:
                replacement, end = replacement + code_span(chain.group(0)), chain.end()
        if replacement.startswith("`") and before.endswith("\\"):
            stripped = before.rstrip("\\")
            before = stripped + _even_backslashes(before[len(stripped):])
        out.append(before)
        out.append(replacement)
        position = end
    rest = text[position:]
    stripped = rest.rstrip("\\")
    out.append(stripped + _even_backslashes(rest[len(stripped):]) if rest != stripped else rest)
    return "".join(out)


def _replacement(match: re.Match[str], policy: InertPolicy, placeholder) -> str:
    whole = match.group(0)
    if match.group("tick") is not None:
        slashes = whole[:-1]
        return slashes[: len(slashes) - len(slashes) % 2] + "\\`"  # the same backslashes shown, the tick literal
    if match.group("entity") is not None:
        return "&amp;"
    if match.group("mdlink") is not None:
        label = _neutralise(match.group("text"), policy)
        target = match.group("target")
        if policy.allows(target):
            return f"[{label}]({target})"
        return f"{label} ({code_span(target)})" if target else label
    if match.group("url") is not None:
        url = whole.rstrip(_URL_TAIL)
        tail = whole[len(url):]
        if policy.allows(url) and not url.lower().startswith(("javascript:", "data:", "vbscript:", "file:", "mailto:")):
            return whole
        return code_span(url) + _neutralise(tail, policy)
    if match.group("email") is not None:
        return placeholder("email")
    return code_span(whole)


# --------------------------------------------------------------------------- GitHub helpers


def inert(text: object, max_chars: int = 2000, hosts: tuple[str, ...] = ()) -> str:
    """``text`` made safe to show in GitHub Markdown (see module doc)."""
    return make_inert(str(text), InertPolicy.build(hosts, max_chars))


def inline(text: object, max_chars: int = 500) -> str:
    """One line of inert text (newlines become spaces before the transform), for lists and headings."""
    return inert(" ".join(str(text).split()), max_chars)


def cell(text: object, max_chars: int = 500) -> str:
    """Inert text for a Markdown table cell: one line, pipes escaped."""
    return re.sub(r"(\\*)\|", lambda m: _even_backslashes(m.group(1)) + "\\|", inline(text, max_chars))


def path_code(path: str, max_chars: int = 300) -> str:
    """A file path as an inline code span (code spans never mention, link or render HTML)."""
    shown = mask_hidden(path)
    if len(shown) > max_chars:
        shown = shown[: max_chars - 1] + "…"
    return code_span(shown)


def log_line(text: object, max_chars: int = 1000) -> str:
    """Untrusted text for stdout or a log: one line, no controls or invisibles, no workflow command
    (``::name::`` at the start, ``##[name]`` anywhere)."""
    return one_line(text, max_chars)
