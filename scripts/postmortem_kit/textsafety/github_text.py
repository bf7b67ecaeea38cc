"""Untrusted text on its way into a pull-request comment, job summary or log line.

Everything the pull-request job shows comes from the pull request: file
paths, finding messages that quote the file, drafted sections, and in the
posting stage the whole artifact an unprivileged job wrote.  ``inert`` runs
``untrusted_text.make_inert`` (mentions, cross-references, HTML, images and
links neutralised, length capped) and also turns template syntax
(``{{ ... }}``, ``${{ ... }}``, ``{% ... %}``) into code spans, so no
renderer or later workflow step can mistake it for an expression.
"""

from __future__ import annotations

import re

from postmortem_kit.textsafety.untrusted import InertPolicy, code_span, make_inert, split_code

_TEMPLATE = re.compile(r"\$?\{\{.{0,400}?\}\}|\{%.{0,400}?%\}|\$?\{\{|\{%", re.DOTALL)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def inert(text: object, max_chars: int = 2000, hosts: tuple[str, ...] = ()) -> str:
    """``text`` made safe to show in GitHub Markdown (see module doc)."""
    policy = InertPolicy.build(hosts, max_chars)
    cleaned = make_inert(str(text), policy)
    return "".join(segment if is_code else _TEMPLATE.sub(lambda m: code_span(m.group(0)), segment)
                   for segment, is_code in split_code(cleaned))


def inline(text: object, max_chars: int = 500) -> str:
    """One line of inert text (newlines become spaces), for lists and headings."""
    return " ".join(inert(text, max_chars).split())


def cell(text: object, max_chars: int = 500) -> str:
    """Inert text for a Markdown table cell: one line, pipes escaped."""
    return inline(text, max_chars).replace("|", "\\|")


def path_code(path: str, max_chars: int = 300) -> str:
    """A file path as an inline code span (code spans never mention, link or render HTML)."""
    shown = _CONTROL.sub("?", path)
    if len(shown) > max_chars:
        shown = shown[: max_chars - 1] + "…"
    return code_span(shown)


def log_line(text: object, max_chars: int = 1000) -> str:
    """Untrusted text for stdout: no line breaks or control characters, so it cannot start a
    workflow command (``::...``) on a line of its own."""
    shown = _CONTROL.sub(" ", str(text))
    if shown.lstrip().startswith("::"):
        shown = " " + shown
    return shown[:max_chars]
