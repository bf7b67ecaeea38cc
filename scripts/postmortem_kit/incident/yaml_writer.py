"""Write an incident as YAML in the layout of the example files.

* a ``# yaml-language-server: $schema=...`` first line;
* keys in the schema's order (extension keys ``x-...`` last), a blank line
  before each top-level section;
* timestamps, dates, clock times and durations in double quotes; pasted
  material (log excerpts, notes) as literal ``|`` blocks, one-line pasted
  values in double quotes; long prose as folded ``>-`` blocks wrapped at 100
  columns; short prose, labels and names plain when YAML reads them back as
  the same string (in YAML 1.1 as well, so no ``no`` or ``1:35`` is plain);
* lists of names in flow style (``[a, b]``) and number maps such as
  ``latency_ms: {p50: 120, p99: 800}``.

The output is deterministic and is read back (with the project's loader)
before it is returned; should it ever differ, every string is written in
double quotes instead.
"""

from __future__ import annotations

import math
import re
from typing import Any

from postmortem_kit.core import load_yaml_text, resolve_plain
from postmortem_kit.incident.schema_fields import Shape, root_shape

WIDTH = 100
PLAIN_MAX = 120
_EMPTY = Shape()
_QUOTED_KINDS = frozenset({"timestamp", "date", "clock_time"})
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_YAML11_WORDS = re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|"
                           r"null|Null|NULL|~|=|<<)$")
_NUMBERISH = re.compile(r"^[-+.]?[0-9][0-9_:.,eExXoObB+-]*$|^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$")
_DATEISH = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_NON_PRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0", "\x07": "\\a",
            "\x08": "\\b", "\x0b": "\\v", "\x0c": "\\f", "\x1b": "\\e", "\x85": "\\N", "\xa0": "\\_",
            "\u2028": "\\L", "\u2029": "\\P"}


def dump_incident(data: dict[str, Any], *, schema_ref: str | None = None, draft_stubs: bool = False) -> str:
    """``data`` as incident YAML; with ``draft_stubs``, one stub line per missing analysis section
    at the end (see ``incident.stubs``), where the pull-request job anchors each drafted section."""
    text = _render(data, schema_ref, quote_all=False)
    if not _reads_back(text, data):
        text = _render(data, schema_ref, quote_all=True)
    if draft_stubs:
        from postmortem_kit.incident.schema import analysis_sections
        from postmortem_kit.incident.stubs import missing_sections, stub_block

        block = stub_block(missing_sections(data, analysis_sections()))
        if block:
            text = text + ("" if text.endswith("\n\n") else "\n") + block
    return text


def _reads_back(text: str, data: dict[str, Any]) -> bool:
    try:
        loaded = load_yaml_text(text, "<written>")
    except Exception:  # noqa: BLE001 - any failure means: use the fallback style
        return False
    return not loaded.findings and _same(loaded.data, data)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


class _Writer:
    def __init__(self, quote_all: bool):
        self.quote_all = quote_all
        self.lines: list[str] = []

    # Collections -------------------------------------------------------------------------------------

    def mapping(self, mapping: dict[str, Any], shape: Shape, indent: int, *, top: bool = False) -> None:
        for key in ordered_keys(mapping, shape):
            value = mapping[key]
            child = shape.properties.get(key) or shape.additional or _EMPTY
            if top and self.lines and self.lines[-1] != "" and self._is_block(value):
                self.lines.append("")
            self.value(" " * indent + self.key(key) + ":", value, child, indent)

    def value(self, prefix: str, value: Any, shape: Shape, indent: int) -> None:
        if isinstance(value, dict):
            flow = self._flow_mapping(value)
            if flow is not None and len(prefix) + 1 + len(flow) <= WIDTH:
                self.lines.append(f"{prefix} {flow}")
            else:
                self.lines.append(prefix)
                self.mapping(value, shape, indent + 2)
        elif isinstance(value, list):
            flow = self._flow_sequence(value, shape.items or _EMPTY)
            if flow is not None and len(prefix) + 1 + len(flow) <= WIDTH:
                self.lines.append(f"{prefix} {flow}")
            else:
                self.lines.append(prefix)
                for item in value:
                    self.item(item, shape.items or _EMPTY, indent + 2)
        else:
            self.scalar(prefix, value, shape, indent + 2)

    def item(self, item: Any, shape: Shape, indent: int) -> None:
        if isinstance(item, dict) and item:
            start = len(self.lines)
            self.mapping(item, shape, indent + 2)
            first = self.lines[start]
            self.lines[start] = " " * indent + "- " + first[indent + 2:]
        elif isinstance(item, (dict, list)):
            self.value(" " * indent + "-", item, shape, indent)
        else:
            self.scalar(" " * indent + "-", item, shape, indent + 2)

    def _is_block(self, value: Any) -> bool:
        if isinstance(value, dict):
            return bool(value) and self._flow_mapping(value) is None
        if isinstance(value, list):
            return bool(value) and self._flow_sequence(value, _EMPTY) is None
        return False

    def _flow_mapping(self, value: dict[str, Any]) -> str | None:
        if not value:
            return "{}"
        if len(value) > 6 or not all(_is_number(item) or isinstance(item, bool) for item in value.values()):
            return None
        if not all(isinstance(key, str) and self._plain_ok(key, flow=True) for key in value):
            return None
        return "{" + ", ".join(f"{key}: {self.atom(item)}" for key, item in value.items()) + "}"

    def _flow_sequence(self, value: list[Any], shape: Shape) -> str | None:
        if not value:
            return "[]"
        parts = []
        for item in value:
            if isinstance(item, (dict, list)):
                return None
            if isinstance(item, str):
                if "\n" in item or len(item) > 60:
                    return None
                parts.append(item if (not self.quote_all and self._plain_ok(item, flow=True)) else double_quoted(item))
            else:
                parts.append(self.atom(item))
        return "[" + ", ".join(parts) + "]"

    # Scalars -----------------------------------------------------------------------------------------

    def key(self, key: Any) -> str:
        if isinstance(key, str) and self._plain_ok(key, flow=False) and " " not in key:
            return key
        return double_quoted(str(key))

    def atom(self, value: Any) -> str:
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            if math.isnan(value):
                return ".nan"
            if math.isinf(value):
                return ".inf" if value > 0 else "-.inf"
            text = repr(value)
            return text if re.search(r"[.eE]", text) else text + ".0"
        return double_quoted(str(value))

    def scalar(self, prefix: str, value: Any, shape: Shape, content_indent: int) -> None:
        if not isinstance(value, str):
            self.lines.append(f"{prefix} {self.atom(value)}")
            return
        kind = shape.kind
        if self.quote_all or kind in _QUOTED_KINDS:
            self.lines.append(f"{prefix} {double_quoted(value)}")
            return
        if "\n" in value:
            block = _literal(value, content_indent)
            self.lines.extend([f"{prefix} {block[0]}", *block[1:]] if block else [f"{prefix} {double_quoted(value)}"])
            return
        if kind == "verbatim":
            self.lines.append(f"{prefix} {double_quoted(value)}")
            return
        if len(prefix) + 1 + len(value) <= PLAIN_MAX:
            self.lines.append(f"{prefix} {value if self._plain_ok(value, flow=False) else double_quoted(value)}")
            return
        folded = _folded(value, content_indent)
        if folded is not None:
            self.lines.append(f"{prefix} >-")
            self.lines.extend(folded)
            return
        self.lines.append(f"{prefix} {double_quoted(value)}")

    def _plain_ok(self, value: str, *, flow: bool) -> bool:
        if not value or value != value.strip() or _NON_PRINTABLE.search(value) or "\n" in value or "\t" in value:
            return False
        if value[0] in _INDICATORS or ": " in value or " #" in value or value.endswith(":"):
            return False
        if flow and any(char in value for char in ",[]{}"):
            return False
        if _YAML11_WORDS.match(value) or _NUMBERISH.match(value) or _DATEISH.match(value):
            return False
        return resolve_plain(value) == value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def ordered_keys(mapping: dict[str, Any], shape: Shape) -> list[str]:
    known = [key for key in shape.properties if key in mapping]
    rest = [key for key in mapping if key not in shape.properties]
    return known + [key for key in rest if not str(key).startswith("x-")] + [key for key in rest if str(key).startswith("x-")]


def double_quoted(value: str) -> str:
    out = []
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif _NON_PRINTABLE.match(char):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _literal(value: str, indent: int) -> list[str] | None:
    """``|`` block lines for text with line breaks, or None when a literal block cannot hold it exactly."""
    if _NON_PRINTABLE.search(value) or "\r" in value:
        return None
    if value.endswith("\n\n") or value.startswith((" ", "\n")):
        return None
    body = value[:-1] if value.endswith("\n") else value
    lines = body.split("\n")
    if any(line != line.rstrip(" ") or (line and not line.strip()) for line in lines):
        return None
    header = "|" if value.endswith("\n") else "|-"
    pad = " " * indent
    return [header] + [pad + line if line else "" for line in lines]


def _folded(value: str, indent: int) -> list[str] | None:
    """``>-`` block lines wrapped at WIDTH, or None when folding would change the text."""
    if _NON_PRINTABLE.search(value) or "\t" in value or value != value.strip() or "  " in value:
        return None
    words = value.split(" ")
    width = max(40, WIDTH - indent)
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    pad = " " * indent
    return [pad + line for line in lines]


def _render(data: dict[str, Any], schema_ref: str | None, *, quote_all: bool) -> str:
    writer = _Writer(quote_all)
    if schema_ref:
        writer.lines.append(f"# yaml-language-server: $schema={schema_ref}")
    writer.mapping(data, root_shape(), 0, top=True)
    return "\n".join(writer.lines) + "\n"
