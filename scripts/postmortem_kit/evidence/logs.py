"""Log files, JSON lines or logfmt, filtered to the window (and ``--grep``) and kept as one excerpt per file.

A JSON line's time is its ``time``, ``timestamp``, ``ts``, ``@timestamp`` or
``t`` field (RFC 3339, or seconds since 1970); its level ``level``,
``severity`` or ``lvl``; its message ``msg`` or ``message``.  In the excerpt
it is written as one readable line: ``<time> <LEVEL> <message> key=value ...``.
A logfmt line (``time=... level=error msg="..."``) is kept as it is.
Timestamps without a UTC offset need ``--zone``; a line that does not parse is
an error naming its line and column, never skipped silently.  At most
``MAX_LINES`` lines are kept per file; the excerpt says how many were left out.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

from postmortem_kit.evidence.model import Evidence, EvidenceError, Options, parse_epoch, parse_instant
from postmortem_kit.evidence.probe import Probe, Progress
from postmortem_kit.incident import SourceLabel

MAX_LINES = 200
MAX_LINE = 2000  # characters of a line that are parsed and kept
TIME_KEYS = ("time", "timestamp", "ts", "@timestamp", "t", "datetime")
LEVEL_KEYS = ("level", "severity", "lvl", "log.level")
MESSAGE_KEYS = ("msg", "message")
_PAIR = re.compile(r'([A-Za-z_@][A-Za-z0-9_.@/-]{0,100})=("(?:[^"\\]|\\.){0,2000}"|[^\s"]{0,2000})')


def _first_line(probe: Probe) -> str | None:
    for line in probe.head().splitlines():
        if line.strip():
            return line.strip()
    return None


class JsonLinesReader:
    name = "jsonl"
    title = "JSON-lines log file (one object per line with a time field)"

    def sniff(self, probe: Probe) -> bool:
        if probe.is_container:
            return False
        line = _first_line(probe)
        if not line or not line.startswith("{"):
            return False
        try:
            first = json.loads(line[:MAX_LINE * 4])
        except (ValueError, RecursionError):
            return False
        if isinstance(probe.json(), dict):  # the whole file is one JSON object, not lines
            return False
        return isinstance(first, dict) and any(key in first for key in TIME_KEYS)

    def read(self, probe: Probe, options: Options, progress: Progress) -> Iterator[Evidence]:
        yield from _excerpt(probe, options, progress, _json_line)


class LogfmtReader:
    name = "logfmt"
    title = "logfmt log file (key=value pairs with time= or ts=)"

    def sniff(self, probe: Probe) -> bool:
        if probe.is_container:
            return False
        line = _first_line(probe)
        return bool(line) and any(key in dict(_PAIR.findall(line[:MAX_LINE])) for key in TIME_KEYS)

    def read(self, probe: Probe, options: Options, progress: Progress) -> Iterator[Evidence]:
        yield from _excerpt(probe, options, progress, _logfmt_line)


def _excerpt(probe: Probe, options: Options, progress: Progress, parse) -> Iterator[Evidence]:
    source = probe.source
    kept: list[str] = []
    first_at = None
    matched = 0
    for number, raw in enumerate(_lines(probe.text()), 1):
        if not raw.strip():
            continue
        if number % 5000 == 0:
            progress.update(f"log {source.shown}", number)
        line = raw[:MAX_LINE]
        at, shown = parse(line, f"{source.shown}:{number}", options)
        if not options.window.holds(at):
            continue
        if options.grep is not None and not options.grep.search(line):
            continue
        matched += 1
        if first_at is None:
            first_at = at
        if len(kept) < MAX_LINES:
            kept.append(shown if len(shown) <= MAX_LINE else shown[:MAX_LINE - 1] + "…")
    if not kept:
        return
    if matched > len(kept):
        kept.append(f"[{matched - len(kept)} more matching lines not kept; narrow with --grep or --from/--to]")
    yield Evidence(first_at, "logs", "\n".join(kept) + "\n",
                   SourceLabel("logs", "log", source.label_file(), f"{len(kept)}lines@{int(first_at.timestamp())}"))


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` one at a time (``splitlines`` would hold a second copy of a large log)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        yield text[start:end].rstrip("\r")
        start = end + 1


def _time_of(value: Any, where: str, column: int, options: Options):
    place = f"{where}:{column}"
    if isinstance(value, str) and re.fullmatch(r"\d{9,13}(?:\.\d{1,9})?", value):
        value = float(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value  # milliseconds, as some loggers write
        return parse_epoch(f"{seconds:.6f}", place, what="time")
    return parse_instant(value, place, zone=options.zone, what="time")


def _json_line(line: str, where: str, options: Options):
    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as error:
        column = getattr(error, "colno", 1)
        raise EvidenceError(f"{where}:{column}: not a JSON object ({getattr(error, 'msg', error)}); "
                            "every line of a JSON-lines log is one object") from None
    if not isinstance(record, dict):
        raise EvidenceError(f"{where}:1: not a JSON object")
    key = next((k for k in TIME_KEYS if k in record), None)
    if key is None:
        raise EvidenceError(f"{where}:1: no time field (one of {', '.join(TIME_KEYS)})")
    column = line.find(f'"{key}"') + 1 or 1
    at = _time_of(record[key], where, column, options)
    level = next((str(record[k]) for k in LEVEL_KEYS if k in record), "")
    message = next((str(record[k]) for k in MESSAGE_KEYS if k in record), "")
    rest = " ".join(f"{k}={_flat(v)}" for k, v in record.items()
                    if k != key and k not in LEVEL_KEYS and k not in MESSAGE_KEYS)
    text = " ".join(part for part in (str(record[key]), level.upper(), message, rest) if part)
    return at, text


def _flat(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return json.dumps(text, ensure_ascii=False) if (not text or any(c.isspace() or c == '"' for c in text)) else text


def _logfmt_line(line: str, where: str, options: Options):
    for match in _PAIR.finditer(line):
        if match.group(1) in TIME_KEYS:
            value = match.group(2).strip('"')
            return _time_of(value, where, match.start(2) + 1, options), line.rstrip()
    raise EvidenceError(f"{where}:1: no time= (or ts=) pair; every logfmt line needs its time")
