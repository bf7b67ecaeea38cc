"""What the readers see of a source (``Probe``), the protocol every reader implements, and the
progress line shown on a terminal."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any, Iterator, Protocol

from postmortem_kit.evidence.inputs import Source, load_json
from postmortem_kit.evidence.model import Evidence, EvidenceError, Options

_MISSING = object()
HEAD_CHARS = 8192


@dataclass
class Probe:
    """What the sniffer shows the readers: the members of a directory or archive, or a file's text."""

    source: Source
    members: list[str]
    _text: str | None = None
    _json: Any = field(default=_MISSING, repr=False)
    json_error: EvidenceError | None = None

    @property
    def is_container(self) -> bool:
        return self.source.remote is None and (self.source.is_dir or self.source.is_archive)

    def text(self) -> str:
        if self._text is None:
            self._text = "" if self.is_container else self.source.text()
        return self._text

    def head(self) -> str:
        return self.text()[:HEAD_CHARS]

    def json(self) -> Any:
        """The file as one JSON document, or None (the error is kept for the message)."""
        if self._json is _MISSING:
            self._json = None
            if not self.is_container and self.head().lstrip()[:1] in ("{", "["):
                try:
                    self._json = load_json(self.text(), self.source.shown)
                except EvidenceError as error:
                    self.json_error = error
        return self._json


class Progress:
    """A one-line progress report on a terminal; silent when stderr is not one (CI, pipes, tests)."""

    def __init__(self, enabled: bool | None = None, stream=None, interval: float = 0.25):
        self.stream = stream or sys.stderr
        self.enabled = bool(self.stream.isatty()) if enabled is None else enabled
        self.interval = interval
        self._last = 0.0
        self._shown = False

    def update(self, what: str, done: int, total: int | None = None) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < self.interval and (total is None or done < total):
            return
        self._last = now
        share = f" {done:,}/{total:,}" if total else f" {done:,}"
        self.stream.write(f"\r\x1b[Kreading {what}:{share}")
        self.stream.flush()
        self._shown = True

    def done(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False


class Reader(Protocol):
    name: str
    title: str  # the format, as named in messages and --help

    def sniff(self, probe: Probe) -> bool: ...

    def read(self, probe: Probe, options: Options, progress: Progress) -> Iterator[Evidence]: ...
