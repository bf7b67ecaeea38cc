"""Rewrite one follow-up's ``tracking`` value in an incident file's text, and nothing else.

The loader records where each scalar starts and ends; only those characters
are replaced, so comments, quoting, indentation, key order and line endings
stay byte for byte. ``#123`` cannot be written plain (YAML would read a
comment), so a plain value becomes double-quoted; a quoted one keeps its
quotes. The result is parsed again and must differ from the original in that
one value only, or the edit is refused.
"""

from __future__ import annotations

from postmortem_kit.core import PostmortemError, SourceDocument, YamlLoadError, load_yaml_text


class TrackingEditError(PostmortemError):
    pass


def _quoted(value: str, style: str | None) -> str:
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def set_tracking(text: str, document: SourceDocument, values: dict[int, str]) -> str:
    """``text`` with each follow_ups[index].tracking set to ``values[index]``.

    ``document`` must be ``text`` as loaded by yaml_source (same characters).
    """
    spans = []
    for index, value in values.items():
        info = document.nodes.get(("follow_ups", index, "tracking"))
        if info is None:
            raise TrackingEditError(f"follow_ups[{index}] has no tracking field")
        if info.style not in (None, "", "'", '"'):
            raise TrackingEditError(f"follow_ups[{index}].tracking is a block scalar; write it on one line")
        spans.append((info.start_index, info.end_index, _quoted(value, info.style)))
    new_text = text
    for start, end, replacement in sorted(spans, reverse=True):  # from the end, so earlier offsets hold
        new_text = new_text[:start] + replacement + new_text[end:]
    try:
        reloaded = load_yaml_text(new_text, document.path)
    except YamlLoadError as error:  # pragma: no cover - a quoted scalar cannot break the file
        raise TrackingEditError(f"the edit would break the file: {error}") from None
    if reloaded.data != _with_tracking(document.data, values):
        raise TrackingEditError("the tracking fields could not be rewritten in place")
    return new_text


def _with_tracking(data: dict, values: dict[int, str]) -> dict:
    copy = dict(data)
    follow_ups = list(copy["follow_ups"])
    for index, value in values.items():
        follow_ups[index] = {**follow_ups[index], "tracking": value}
    copy["follow_ups"] = follow_ups
    return copy


def rewrite_tracking(raw: bytes, path: str, values: dict[int, str]) -> bytes:
    """The file's bytes with each follow_ups[index].tracking set to ``values[index]``.

    A UTF-8 byte-order mark, if any, is kept.
    """
    from postmortem_kit.core import decode_source

    try:
        text = decode_source(raw, path)
        document = load_yaml_text(text, path)
    except YamlLoadError as error:
        raise TrackingEditError(error.finding.message) from None
    bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    return (bom + set_tracking(text, document, values)).encode("utf-8")


def tracking_values(raw: bytes, path: str) -> dict[int, str]:
    """follow_ups[index].tracking of every follow-up in an incident file's bytes that has a text value
    (nothing for a file that does not load)."""
    from postmortem_kit.core import LIMITS, decode_source

    if len(raw) > LIMITS["incident"]:
        return {}
    try:
        data = load_yaml_text(decode_source(raw, path), path).data
    except YamlLoadError:
        return {}
    items = data.get("follow_ups") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return {}
    return {index: item["tracking"] for index, item in enumerate(items)
            if isinstance(item, dict) and isinstance(item.get("tracking"), str)}
