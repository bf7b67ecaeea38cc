"""Incident text made inert for the lessons site.

Everything read from an incident file is untrusted (it arrives in pull
requests).  The site never passes it through Markdown: pages are Markdown
only for their fixed headings, and every value from YAML is written as HTML
text through ``text()``, which

* drops control and invisible characters (``core.text_guard``, including the STX/ETX placeholders Python-Markdown
  uses internally, which could otherwise smuggle stashed HTML back in);
* escapes ``& < > " '`` so no tag, attribute or entity can form;
* escapes ``{`` and ``}`` so Jinja-looking ``{{ ... }}`` / ``{% ... %}``
  text stays text for any later templating step as well.

Links are only ever built by ``safe_href`` (http/https URLs, nothing else),
and images from YAML are never rendered.  The generated HTML is then
sanitised with an allowlist (``site_sanitize``) as a second line of defence.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlsplit

from postmortem_kit.core import strip_hidden

_SPACE = re.compile(r"[ \t\r\n\f\v]+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;",
                         "{": "&#123;", "}": "&#125;"})
# Characters a page title may not carry: material inserts page.title into the
# nav and header unescaped and into <title> through `striptags` (which decodes
# entities), so a title is made of characters that are inert in all of them.
_TITLE_CHARS = str.maketrans({"<": "\u2039", ">": "\u203a", "&": "+", '"': "\u201d", "'": "\u2019",
                              "`": "\u2018", "\\": "/", "{": "(", "}": ")"})
_SAFE_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?"
                       r"(\?[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?(#[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?$")


def _escape(value: str) -> str:
    """``value`` with ``& < > " ' { }`` escaped.  ``str.translate`` with this table costs about
    4 µs for a sentence even when nothing is to be escaped (most values): it runs only when needed."""
    if "&" in value or "<" in value or ">" in value or '"' in value or "'" in value or "{" in value or "}" in value:
        return value.translate(_ESCAPE)
    return value


def plain(value: Any) -> str:
    """The string form of a scalar from YAML, without control characters ('' for anything else)."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    if not isinstance(value, str):
        return ""
    value = value.replace("\r\n", "\n")
    return strip_hidden(value)  # the one set of invisible and control characters (core.text_guard)


def text(value: Any) -> str:
    """One line of inert HTML text (whitespace collapsed)."""
    return _escape(" ".join(plain(value).split()))


def paragraphs(value: Any, css: str | None = None) -> str:
    """Prose as ``<p>`` elements: blank lines separate paragraphs, other whitespace collapses."""
    cls = f' class="{css}"' if css else ""
    parts = [text(part) for part in _BLANK_LINE.split(plain(value))]
    return "".join(f"<p{cls}>{part}</p>" for part in parts if part)


def verbatim(value: Any) -> str:
    """Pasted material (log excerpts) as inert preformatted text, line breaks kept."""
    lines = plain(value).rstrip("\n").split("\n")
    return _escape("\n".join(line.rstrip() for line in lines))


def safe_title(value: Any, limit: int = 140) -> str:
    """A page title that is inert text wherever the theme puts it (nav, header, <title>)."""
    title = _SPACE.sub(" ", plain(value)).strip().translate(_TITLE_CHARS)
    if len(title) > limit:
        title = title[: limit - 1].rstrip() + "\u2026"
    return title


def safe_href(value: Any) -> str | None:
    """An http(s) URL fit for an href (escaped), or None for anything else (javascript:, data:, ...)."""
    url = plain(value).strip()
    if not url or len(url) > 2000 or not _SAFE_URL.match(url):
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return html.escape(url, quote=True)


def slug(value: Any) -> str:
    """A file-name-safe slug for tag and service pages ('' when nothing usable is left)."""
    return re.sub(r"[^a-z0-9._-]+", "-", plain(value).strip().lower()).strip("-.")[:64]
