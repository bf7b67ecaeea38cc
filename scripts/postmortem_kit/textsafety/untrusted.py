"""Make model output inert before it is shown anywhere (terminal, YAML file, PR comment).

A drafted section is text a model wrote after reading pasted logs and chat:
it may carry prompt-injection payloads.  Every drafted string goes through
``make_inert`` before it is printed, written or posted:

1. control characters, zero-width characters and bidirectional overrides are
   removed (they hide text from a reviewer);
2. HTML comments are removed (also an unterminated ``<!--`` up to the end);
3. images are dropped: Markdown ``![alt](url)`` / ``![alt][ref]`` and HTML
   ``<img>`` (tracking beacons); link reference definitions are removed;
4. HTML is stripped with nh3 (ammonia): tags go, their text stays, and
   ``<script>``/``<style>`` lose their content; entities are decoded back to
   plain characters, repeating until no tag is left;
5. outside existing code spans, everything GitHub would turn into a
   notification, a cross-reference or a link becomes an inline code span:
   ``@user``/``@org/team`` → ```@user```, ``#123``/``owner/repo#123``/``GH-123``
   → ```#123```, and a URL whose host is not allowlisted → ```https://…```.
   GitHub renders code spans literally: no mention, no issue link, no
   autolink.  Backticks were chosen over invisible zero-width characters
   because a reviewer can see them and copying the text stays honest.  A
   Markdown link ``[text](url)`` to a host outside the allowlist becomes
   ``text (`url`)``;
6. the text is capped at ``max_chars`` (cut at a word boundary, ``…`` added)
   before step 5, so the cap can never split a code span it added.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable
from urllib.parse import urlsplit

DEFAULT_MAX_CHARS = 4000
ELLIPSIS = "…"

# Zero-width and bidirectional-control characters: they hide or reorder text.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_MD_IMAGE = re.compile(r"!\[[^\]\n]{0,1000}\]\([^)\n]{0,2000}\)|!\[[^\]\n]{0,1000}\]\[[^\]\n]{0,200}\]")
_REF_DEFINITION = re.compile(r"^[ ]{0,3}\[[^\]\n]{1,999}\]:[ \t]*\S+.*$", re.MULTILINE)
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]{1,2000})>", re.IGNORECASE)
_TAG_LIKE = re.compile(r"<[A-Za-z!/?]")

_URL_TAIL = ".,;:!?'\")]}*_~"
# Alternatives tried left to right at each position of a plain (non-code) segment.
_ACTIVE = re.compile(
    r"(?P<mdlink>\[(?P<text>[^\]\n]{0,1000})\]\(\s*<?(?P<target>[^)\s>]{0,2000})>?(?:\s+\"[^\"\n]{0,500}\")?\s*\))"
    r"|(?P<url>\b(?:https?|ftp)://[^\s<>`]{1,2000}|\bwww\.[A-Za-z0-9-]+\.[^\s<>`]{1,2000}"
    r"|\b(?:javascript|data|vbscript|file):[^\s<>`]{1,2000})"
    r"|(?P<repo_ref>(?<![\w/.`-])[A-Za-z0-9][A-Za-z0-9_.-]{0,99}/[A-Za-z0-9_.-]{1,100}#\d+\b)"
    r"|(?P<ref>(?<![\w&#/`])(?:#|GH-)\d+\b)"
    r"|(?P<mention>(?<![\w`@/.+-])@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9][A-Za-z0-9._-]{0,99})?)",
    re.IGNORECASE,
)
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^[ ]{0,3}\1[ \t]*$|\Z)", re.DOTALL | re.MULTILINE)


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


def make_inert(text: str, policy: InertPolicy | None = None) -> str:
    """Return ``text`` with nothing left that can ping, link, load or hide (see module doc)."""
    policy = policy or InertPolicy()
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", _INVISIBLE.sub("", text))
    text = _COMMENT.sub("", text)
    text = _MD_IMAGE.sub("", text)
    text = _REF_DEFINITION.sub("", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = strip_html(text)
    text = cap(text, policy.max_chars)
    return "".join(segment if is_code else _neutralise(segment, policy)
                   for segment, is_code in split_code(text))


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


def split_code(text: str) -> list[tuple[str, bool]]:
    """Split into (segment, is_code): fenced blocks and inline code spans are code."""
    segments: list[tuple[str, bool]] = []
    position = 0
    for fence in _FENCE.finditer(text):
        segments.extend(_split_spans(text[position:fence.start()]))
        segments.append((fence.group(0), True))
        position = fence.end()
    segments.extend(_split_spans(text[position:]))
    return [(s, c) for s, c in segments if s]


def _split_spans(text: str) -> list[tuple[str, bool]]:
    segments: list[tuple[str, bool]] = []
    position = plain_start = 0
    while True:
        start = text.find("`", position)
        if start < 0:
            break
        run_end = start
        while run_end < len(text) and text[run_end] == "`":
            run_end += 1
        run = text[start:run_end]
        close = _closing_run(text, run, run_end)
        if close < 0:
            position = run_end  # an unmatched run is literal text
            continue
        segments.append((text[plain_start:start], False))
        segments.append((text[start:close + len(run)], True))
        position = plain_start = close + len(run)
    segments.append((text[plain_start:], False))
    return segments


def _closing_run(text: str, run: str, start: int) -> int:
    index = start
    while True:
        index = text.find(run, index)
        if index < 0:
            return -1
        end = index + len(run)
        if (index == 0 or text[index - 1] != "`") and (end >= len(text) or text[end] != "`"):
            return index
        while end < len(text) and text[end] == "`":
            end += 1
        index = end


def code_span(text: str) -> str:
    """``text`` as an inline code span (longer fence when the text itself has backticks)."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _neutralise(text: str, policy: InertPolicy) -> str:
    def replace(match: re.Match[str]) -> str:
        kind = match.lastgroup
        whole = match.group(0)
        if kind == "mdlink" or match.group("mdlink"):
            label = _neutralise(match.group("text"), policy)
            target = match.group("target")
            if policy.allows(target):
                return f"[{label}]({target})"
            return f"{label} ({code_span(target)})" if target else label
        if match.group("url"):
            url = whole.rstrip(_URL_TAIL)
            tail = whole[len(url):]
            if policy.allows(url) and not url.lower().startswith(("javascript:", "data:", "vbscript:", "file:")):
                return whole
            return code_span(url) + tail
        return code_span(whole)

    return _ACTIVE.sub(replace, text)
