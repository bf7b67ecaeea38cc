"""The one character set of text that hides or reorders, and the one guard against workflow commands.

Every module that shows untrusted text (GitHub Markdown, site HTML, terminal
and Actions logs) takes its invisible and control characters from here, so
there is exactly one list to keep complete:

* ``INVISIBLE``: zero-width characters, bidirectional embeddings, overrides
  and isolates, the soft hyphen, invisible operators, Hangul fillers, the
  byte-order mark, interlinear annotation characters and the tag block
  (U+E0000..U+E007F); they hide text from a reviewer or reorder it;
* ``CONTROL``: C0 and C1 controls except tab and newline.

``guard_commands`` makes a text unable to issue a GitHub Actions workflow
command when it is printed: the runner honours ``::name ...::`` at the start
of a line (after trimming leading whitespace, so a leading space does not
help) and ``##[name]`` anywhere in a line.  Every print or log path that can
carry text from a pull request, an incident file or a model calls it (through
``textsafety.log_line`` or ``core.report_formats``).
"""

from __future__ import annotations

import re

from postmortem_kit.core.lazy_regex import LazyRegex

INVISIBLE_CLASS = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e007f"
)
CONTROL_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# Compiled on first use: classes beyond Latin-1 cost a 64K-entry table each, and a clean
# `postmortem check` prints no untrusted text.
INVISIBLE = LazyRegex(f"[{INVISIBLE_CLASS}]")
CONTROL = LazyRegex(f"[{CONTROL_CLASS}]")
HIDDEN = LazyRegex(f"[{INVISIBLE_CLASS}{CONTROL_CLASS}]")
LINE_BREAKS = LazyRegex("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")

GUARD = "\u00b7"  # a visible middle dot: the runner sees a line that does not start with `::`
_COMMAND_START = re.compile(r"^([ \t]*)(?=::)", re.MULTILINE)
_HASH_COMMAND = re.compile(r"##(?=\[)")


def strip_hidden(text: str) -> str:
    """``text`` without invisible and control characters (tab and newline kept)."""
    if text.isascii() and text.isprintable():  # printable ASCII has none (and is most text): no regex
        return text
    return HIDDEN.sub("", text) if HIDDEN.search(text) else text


def mask_hidden(text: str, mark: str = "?") -> str:
    """``text`` with every line break, control and invisible character shown as ``mark``."""
    return HIDDEN.sub(mark, LINE_BREAKS.sub(mark, text.replace("\t", mark)))


def guard_commands(text: str) -> str:
    """``text`` (one line or many) that cannot start a workflow command when printed."""
    if "::" not in text and "##" not in text:
        return text
    text = _HASH_COMMAND.sub("#" + GUARD + "#", text)
    return _COMMAND_START.sub(lambda m: m.group(1) + GUARD, text)


def one_line(text: object, max_chars: int = 1000) -> str:
    """Untrusted text for one log line: no line breaks, controls or invisibles; no workflow command."""
    shown = CONTROL.sub(" ", LINE_BREAKS.sub(" ", str(text))).replace("\t", " ")
    shown = INVISIBLE.sub("", shown)
    return guard_commands(shown[:max_chars])


class GuardedStream:
    """A text stream whose every write goes through ``guard_commands``; ``write_command`` writes one of
    our own workflow commands (an annotation) as it is.  The CLI wraps stdout and stderr in it, so no
    print path can forget the guard."""

    def __init__(self, stream):
        self._stream = stream
        self._line_blank = True  # the current line holds only spaces and tabs so far

    def write(self, text: str) -> int:
        shown = text
        if self._line_blank and text.lstrip(" \t").startswith("::"):
            stripped = text.lstrip(" \t")
            shown = text[: len(text) - len(stripped)] + GUARD + stripped
        shown = guard_commands(shown)
        self._track(text)
        self._stream.write(shown)
        return len(text)

    def write_command(self, line: str) -> None:
        self._stream.write(line)
        self._track(line)

    def _track(self, text: str) -> None:
        tail = text.rsplit("\n", 1)[-1]
        if "\n" in text:
            self._line_blank = not tail.strip(" \t")
        elif tail.strip(" \t"):
            self._line_blank = False

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def write_command(out, line: str) -> None:
    """Write one workflow command of our own (``::error file=...::...``) past a ``GuardedStream``."""
    getattr(out, "write_command", out.write)(line)
