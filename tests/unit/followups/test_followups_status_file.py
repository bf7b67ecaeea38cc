"""The follow-up status file read back: the writer's own output round-trips; anything else is one clear line."""

from __future__ import annotations

import dataclasses
import json

import pytest

from postmortem_kit.followups import STATUSES, StatusFileError, StatusRow, read_status_document
from postmortem_kit.followups import status_file as followup_status_file
from support.status_files import status_document, status_row, write_status_file


def _rows() -> list[StatusRow]:
    return [status_row("INC-2026-0001", 0, "done", number=11, action="Add a pool alert", owner="@devon-lee"),
            status_row("INC-2026-0001", 1, "overdue", 9, number=12, action="Cap the retries"),
            status_row("INC-2026-0001", 2, "open", number=13),
            status_row("INC-2026-0001", 3, "not-planned", number=14),
            status_row("INC-2026-0002", 0, "no-issue"),
            status_row("INC-2026-0002", 1, "external"),
            status_row("INC-2026-0002", 2, "unknown", number=99)]


def _write(tmp_path, document) -> str:
    path = tmp_path / "status.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _error(path) -> str:
    with pytest.raises(StatusFileError) as caught:
        read_status_document(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    return message


def test_the_writers_output_reads_back_as_the_same_rows(tmp_path):
    rows = [*_rows(), status_row("INC-2026-0002", 3, "unknown", number=0)]  # tracking "#0" is schema-valid
    assert {row.status for row in rows} == set(STATUSES)
    path = write_status_file(tmp_path / "build" / "followups-status.json", rows)
    assert read_status_document(path) == sorted(rows, key=lambda row: (row.incident, row.index))


def test_every_status_row_field_is_checked():
    checked = [spec[0] for spec in followup_status_file._ROW_FIELDS]
    assert checked == [field.name for field in dataclasses.fields(StatusRow)]


def test_keys_the_writer_does_not_write_are_ignored(tmp_path):
    document = status_document(_rows())
    document["comment"] = "added by a later version"
    document["follow_ups"][0]["labels"] = ["postmortem"]
    assert len(read_status_document(_write(tmp_path, document))) == 7


def test_an_empty_list_of_follow_ups_is_fine(tmp_path):
    assert read_status_document(write_status_file(tmp_path / "status.json", [])) == []


def _set(key, value):
    return lambda document: document.__setitem__(key, value)


def _drop(key):
    return lambda document: document.pop(key)


def _row_set(position, key, value):
    return lambda document: document["follow_ups"][position].__setitem__(key, value)


def _row_drop(position, key):
    return lambda document: document["follow_ups"][position].pop(key)


@pytest.mark.parametrize("change, message", [
    (_drop("format"), 'not a follow-up status file (no "format"; expected "postmortem-kit/followups-status@1")'),
    (_set("format", "something/else@1"), 'not a follow-up status file ("format" is "something/else@1"; expected'),
    (_set("format", "postmortem-kit/followups-status@2"),
     "format 'postmortem-kit/followups-status@2' is not supported (this version reads "
     "'postmortem-kit/followups-status@1')"),
    (_drop("follow_ups"), 'no list of follow-up records ("follow_ups" is missing, not a list)'),
    (_set("follow_ups", {"0": {}}), 'no list of follow-up records ("follow_ups" is an object, not a list)'),
    (_set("today", "June 1st"), '"today" is "June 1st", not a date YYYY-MM-DD'),
    (_drop("generated_at"), '"generated_at" is missing (text)'),
    (_set("repository", 7), '"repository" is 7, not text or null'),
    (_set("summary", {"total": "ten"}), '"summary" is an object, not an object of counts'),
    (lambda document: document["follow_ups"].append("junk"),
     'follow_ups[7]: a string, not a follow-up record (an object)'),
    (_row_drop(0, "incident"), 'follow_ups[0]: "incident" is missing (an incident id)'),
    (_row_set(0, "incident", " "), 'follow_ups[0]: "incident" is " ", not an incident id'),
    (_row_set(1, "index", "1"), 'follow_ups[1]: "index" is "1", not a 0-based follow-up index'),
    (_row_set(1, "index", True), 'follow_ups[1]: "index" is true, not a 0-based follow-up index'),
    (_row_set(1, "index", -1), 'follow_ups[1]: "index" is -1, not a 0-based follow-up index'),
    (_row_set(0, "due", "2026-13-01"), 'follow_ups[0]: "due" is "2026-13-01", not a date YYYY-MM-DD'),
    (_row_set(0, "issue", -1), 'follow_ups[0]: "issue" is -1, not an issue number or null'),
    (_row_set(0, "due", "2026-W21-3"), 'follow_ups[0]: "due" is "2026-W21-3", not a date YYYY-MM-DD'),
    (_row_set(0, "issue", "#11"), 'follow_ups[0]: "issue" is "#11", not an issue number or null'),
    (_row_set(0, "status", "closed"), 'follow_ups[0]: "status" is "closed", not one of open, overdue, done'),
    (_row_set(0, "state", "merged"), 'follow_ups[0]: "state" is "merged", not one of open, closed, unknown'),
    (_row_set(0, "overdue_days", 1.5), 'follow_ups[0]: "overdue_days" is 1.5, not a number of days (0 or more)'),
    (_row_set(0, "assignees", [1]), 'follow_ups[0]: "assignees" is a list, not a list of logins'),
    (_row_drop(6, "file"), 'follow_ups[6]: "file" is missing (text)'),
    (_row_set(0, "state", "open"), "follow_ups[0]: state 'open' does not go with status 'done' (expected state "
                                   "'closed')"),
    (_row_set(1, "overdue_days", 0), "follow_ups[1]: status 'overdue' with overdue_days 0 (overdue_days is above 0 "
                                     "exactly when the status is 'overdue')"),
    (_row_set(2, "overdue_days", 4), "follow_ups[2]: status 'open' with overdue_days 4"),
    (lambda document: document["follow_ups"].append(dict(document["follow_ups"][1])),
     "follow_ups[7]: INC-2026-0001 follow-up index 1 is listed twice (also follow_ups[1])"),
])
def test_anything_but_the_real_format_is_one_line_naming_the_file(tmp_path, change, message):
    document = status_document(_rows())
    change(document)
    assert message in _error(_write(tmp_path, document))


@pytest.mark.parametrize("content, message", [
    (b"{not json", "not JSON (Expecting property name"),
    (b"\xff\xfe{}", "not UTF-8 text"),
    (b"[" * 200_000 + b"]" * 200_000, "not JSON ("),
    (b'"a string"', 'not a follow-up status file (the top level is a string, not an object with "format"'),
    (b'[{"incident": "INC-1", "number": 1, "state": "closed"}]', "the top level is a list"),
    (b'{"followups": [], "items": [], "results": []}', 'not a follow-up status file (no "format"'),
])
def test_unusable_bytes(tmp_path, content, message):
    path = tmp_path / "status.json"
    path.write_bytes(content)
    assert message in _error(path)


def test_too_large_and_unreadable(tmp_path, monkeypatch):
    monkeypatch.setattr(followup_status_file, "MAX_BYTES", 2 * 1024 * 1024)
    path = write_status_file(tmp_path / "status.json", _rows())
    path.write_text(path.read_text(encoding="utf-8") + " " * (2 * 1024 * 1024), encoding="utf-8")
    assert _error(path).endswith(": over 2 MiB; too large for a follow-up status file")
    assert "cannot read: no such file" in _error(tmp_path / "absent.json")
    assert "cannot read: is a directory" in _error(tmp_path)


# ----------------------------------------------------------------------------- the published schema

def _status_validator():
    import jsonschema

    from postmortem_kit.core import schema_file

    schema = json.loads(schema_file("followups-status.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_the_published_schema_accepts_the_writers_output(tmp_path):
    path = write_status_file(tmp_path / "status.json", _rows())
    errors = list(_status_validator().iter_errors(json.loads(path.read_text(encoding="utf-8"))))
    assert errors == []


def test_the_published_schema_names_every_field_the_reader_checks():
    schema = _status_validator().schema
    assert schema["properties"]["format"]["const"] == followup_status_file.FORMAT
    row = schema["$defs"]["row"]
    assert row["required"] == [spec[0] for spec in followup_status_file._ROW_FIELDS]
    assert set(schema["required"]) == {"format", "follow_ups"} | {spec[0] for spec in followup_status_file._TOP_LEVEL}


@pytest.mark.parametrize("edit", [
    lambda d: d.update(format="postmortem-kit/followups-status@2"),
    lambda d: d["follow_ups"][0].update(state="open"),          # done goes with closed
    lambda d: d["follow_ups"][1].update(overdue_days=0),        # overdue needs days
    lambda d: d["follow_ups"][2].update(due="2026-13-01"),
    lambda d: d["follow_ups"][0].pop("owner"),
    lambda d: d.update(today=20260601),
], ids=["format", "state-status", "overdue-days", "due", "missing-key", "today-type"])
def test_the_schema_and_the_strict_reader_reject_the_same_documents(tmp_path, edit):
    document = status_document(_rows())
    edit(document)
    assert list(_status_validator().iter_errors(document)), "the schema accepted it"
    _error(_write(tmp_path, document))
