"""Reading the follow-up status file back: the one reader of ``postmortem-kit/followups-status@1``.

``postmortem followups --status`` writes the file (followup_status: status_document, write_status;
default ``build/followups-status.json``). The lessons site (site_followups) and ``postmortem stats``
(stats_followups) read it only through ``read_status_document``, which returns every follow-up as
the writer's own ``StatusRow`` or raises ``StatusFileError``, whose message is one line starting
with the path.

Nothing is guessed. The file must be at most ``MAX_BYTES``, UTF-8 JSON, an object with
``"format": "postmortem-kit/followups-status@1"``, a ``follow_ups`` list, ``repository`` (text or
null), ``generated_at`` (text), ``today`` (YYYY-MM-DD) and ``summary`` (counts); every row must
carry every StatusRow field with the writer's type, a known ``status`` with the issue ``state``
that goes with it, ``overdue_days`` above 0 exactly when the status is ``overdue``, and no two
rows may name the same follow-up. Keys the writer does not write are ignored, so a later writer
may add fields without changing the format tag.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any, Callable

from postmortem_kit.core import LIMITS, FileReadError, PostmortemError, read_bytes
from postmortem_kit.followups.status import FORMAT, STATE_OF_STATUS, STATUSES, StatusRow

MAX_BYTES = LIMITS["status"]
_FORMAT_NAME = FORMAT.partition("@")[0]


class StatusFileError(PostmortemError, ValueError):
    """The status file exists but cannot be used; the message (one line, path first) says why."""


def read_status_document(path: Path) -> list[StatusRow]:
    """The rows of the status file at ``path``, in file order; StatusFileError when it is not one."""
    raw = _json(path)
    document = _top_level(path, raw)
    rows: list[StatusRow] = []
    seen: dict[tuple[str, int], int] = {}
    for position, record in enumerate(document["follow_ups"]):
        row = _row(path, position, record)
        key = (row.incident, row.index)
        if key in seen:
            raise StatusFileError(f"{path}: follow_ups[{position}]: {row.incident} follow-up index {row.index} "
                                  f"is listed twice (also follow_ups[{seen[key]}])")
        seen[key] = position
        rows.append(row)
    return rows


def _json(path: Path) -> Any:
    try:
        raw = read_bytes(path, "status", limit=MAX_BYTES)
    except FileReadError as error:
        if error.rule == "file/too-large":
            raise StatusFileError(f"{path}: over {MAX_BYTES // (1024 * 1024)} MiB; too large for a follow-up status file") from None
        raise StatusFileError(f"{path}: cannot read: {error.reason}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise StatusFileError(f"{path}: not UTF-8 text") from None
    try:
        return json.loads(text)
    except ValueError as error:
        raise StatusFileError(f"{path}: not JSON ({_first_line(error)})") from None
    except RecursionError:
        raise StatusFileError(f"{path}: not JSON (nested too deeply)") from None


def _top_level(path: Path, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise StatusFileError(f"{path}: not a follow-up status file (the top level is {_kind(raw)}, "
                              f"not an object with \"format\": \"{FORMAT}\")")
    tag = raw.get("format")
    if tag != FORMAT:
        if isinstance(tag, str) and tag.startswith(_FORMAT_NAME + "@"):
            raise StatusFileError(f"{path}: format {tag!r} is not supported (this version reads {FORMAT!r})")
        found = "no \"format\"" if tag is None else f"\"format\" is {_shown(tag)}"
        raise StatusFileError(f"{path}: not a follow-up status file ({found}; expected \"{FORMAT}\")")
    if not isinstance(raw.get("follow_ups"), list):
        raise StatusFileError(f"{path}: no list of follow-up records (\"follow_ups\" is "
                              f"{'missing' if 'follow_ups' not in raw else _kind(raw['follow_ups'])}, not a list)")
    _check_fields(str(path), raw, _TOP_LEVEL)
    return raw


def _row(path: Path, position: int, record: Any) -> StatusRow:
    where = f"{path}: follow_ups[{position}]"
    if not isinstance(record, dict):
        raise StatusFileError(f"{where}: {_kind(record)}, not a follow-up record (an object)")
    row = StatusRow(*_check_fields(where, record, _ROW_FIELDS))
    if row.state != STATE_OF_STATUS[row.status]:
        raise StatusFileError(f"{where}: state {row.state!r} does not go with status {row.status!r} "
                              f"(expected state {STATE_OF_STATUS[row.status]!r})")
    if (row.status == "overdue") != (row.overdue_days > 0):
        raise StatusFileError(f"{where}: status {row.status!r} with overdue_days {row.overdue_days} "
                              "(overdue_days is above 0 exactly when the status is 'overdue')")
    return row


# ----------------------------------------------------------------------------- the fields and their checks

_MISSING = object()
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NULL = type(None)
# (key, the JSON types it may have, a further check or None, what it must be)
Field = tuple[str, tuple[type, ...], Callable[[Any], bool] | None, str]


def _check_fields(where: str, record: dict[str, Any], fields: tuple[Field, ...]) -> list[Any]:
    """The values of ``fields`` in ``record``, in order; StatusFileError at the first that is wrong.
    JSON gives exact types (``bool`` is never taken for ``int``), so ``type(value) in types`` is the check."""
    values = []
    for key, types, check, wanted in fields:
        value = record.get(key, _MISSING)
        if type(value) not in types or (check is not None and not check(value)):
            if value is _MISSING:
                raise StatusFileError(f"{where}: \"{key}\" is missing ({wanted})")
            raise StatusFileError(f"{where}: \"{key}\" is {_shown(value)}, not {wanted}")
        values.append(value)
    return values


def _iso_date(value: str) -> bool:
    if not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


_TOP_LEVEL: tuple[Field, ...] = (
    ("repository", (str, _NULL), None, "text or null"),
    ("generated_at", (str,), None, "text"),
    ("today", (str,), _iso_date, "a date YYYY-MM-DD"),
    ("summary", (dict,), lambda counts: all(type(n) is int and n >= 0 for n in counts.values()),
     "an object of counts"),
)

_STATES = frozenset(("open", "closed", "unknown"))
_STATUSES = frozenset(STATUSES)

# Every StatusRow field, in the dataclass' order, with the type the writer gives it.
_ROW_FIELDS: tuple[Field, ...] = (
    ("incident", (str,), lambda text: text.strip() != "", "an incident id"),
    ("index", (int,), lambda number: number >= 0, "a 0-based follow-up index"),
    ("action", (str,), None, "text"),
    ("owner", (str,), None, "text"),
    ("due", (str,), _iso_date, "a date YYYY-MM-DD"),
    ("tracking", (str,), None, "text"),
    ("issue", (int, _NULL), lambda number: number is None or number >= 0, "an issue number or null"),
    ("url", (str, _NULL), None, "text or null"),
    ("state", (str,), _STATES.__contains__, "one of open, closed, unknown"),
    ("state_reason", (str, _NULL), None, "text or null"),
    ("status", (str,), _STATUSES.__contains__, "one of " + ", ".join(STATUSES)),
    ("overdue_days", (int,), lambda days: days >= 0, "a number of days (0 or more)"),
    ("assignees", (list,), lambda logins: all(type(login) is str for login in logins), "a list of logins"),
    ("incident_title", (str,), None, "text"),
    ("severity", (str, _NULL), None, "text or null"),
    ("file", (str,), None, "text"),
)


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false", _NULL: "null",
             int: "a number", float: "a number"}
    return names.get(type(value), type(value).__name__)


def _shown(value: Any) -> str:
    """A scalar as JSON (cut to 60 characters), anything else by its kind."""
    shown = json.dumps(value, ensure_ascii=True) if type(value) in (str, int, float, bool, _NULL) else _kind(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0][:160] if str(error) else type(error).__name__
