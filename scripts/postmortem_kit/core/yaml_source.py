"""Safe, exact YAML loading with the file position of every node.

`yaml.safe_load` is not enough for files that arrive in pull requests:

* anchors and aliases are refused (a few hundred bytes of aliases expand to
  billions of nodes for a validator to walk);
* duplicate keys are findings (PyYAML silently keeps the last one);
* files over a size cap and nesting over a depth cap are refused;
* plain scalars resolve by the YAML 1.2 core schema, so ``no`` stays a
  string, ``2026-01-05`` stays a string and ``22:30`` stays a string;
  timestamps and times are validated later by the schema, not guessed here;
* only the standard tags are accepted (no ``!!python/...``, no ``!!binary``).

The document is built from the parser's event stream (libyaml's CParser when
present), recording the line and column of every key and value so that every
finding can point at the exact place.
"""

from __future__ import annotations

import re
from pathlib import Path

from postmortem_kit.core.errors import PostmortemError
from postmortem_kit.core.files import FileReadError, decode_text, read_text
from postmortem_kit.core.findings import Finding
from postmortem_kit.core.rules import declare
from postmortem_kit.core.scalar_positions import ScalarSpan, line_starts
from postmortem_kit.core.yaml_module import yaml  # PyYAML, with its costliest import-time regex primed

TYPE_CHECKING = False  # typing stays off the cold check path (annotations are never evaluated)
if TYPE_CHECKING:
    from typing import Any

SYNTAX = declare("yaml/syntax", "error", "The file is not valid YAML")
TOO_DEEP = declare("yaml/too-deep", "error", "Nesting is deeper than an incident needs (a guard against hostile files)")
ANCHOR = declare("yaml/anchor", "error", "Anchors are not used in incident files (a guard against alias bombs)")
ALIAS = declare("yaml/alias", "error", "Aliases are not used in incident files (a guard against alias bombs)")
KEY = declare("yaml/key", "error", "Mapping keys are plain strings")
DUPLICATE_KEY = declare("yaml/duplicate-key", "error", "A key appears twice in one mapping (the second would win silently)")
TAG = declare("yaml/tag", "error", "Only the YAML 1.2 core types are read (no tags)")
NUMBER = declare("yaml/number-too-large", "error", "An integer too long to read (over 1,000 characters)",
                 doc="Python refuses to convert or print integers of more than 4,300 digits; such a value is kept "
                     "as text and reported instead of aborting the run.")
MULTIPLE_DOCUMENTS = declare("yaml/multiple-documents", "error", "One incident per file (one YAML document)")

# libyaml's parser (through CSafeLoader, of which only the event stream is
# used) is an order of magnitude faster; fall back to the pure-Python one.
_Parser = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader


MAX_DEPTH = 64
MAX_NUMBER_CHARS = 1000  # far below Python's int-string limit (4,300 digits), far above any real value

Path_ = tuple  # a path into the document: keys (str) and list indexes (int)

_TAG = "tag:yaml.org,2002:"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUES = frozenset({"true", "True", "TRUE"})
_FALSES = frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")
_NUMERIC_START = frozenset("0123456789+-.")


class YamlLoadError(PostmortemError):
    """The file cannot be used at all; ``finding`` says where and why."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


class NodeInfo:
    """Where a node is (a plain slotted class: ``dataclasses`` is kept off the cold path)."""

    __slots__ = ("line", "column", "start_index", "end_index", "style")

    def __init__(self, line: int, column: int, start_index: int, end_index: int, style: str | None = None):
        self.line = line  # 1-based
        self.column = column  # 1-based
        self.start_index = start_index  # character offsets into the source text
        self.end_index = end_index
        self.style = style  # scalar style: None (plain), "'", '"', "|", ">"

    def __repr__(self) -> str:
        return f"NodeInfo({self.line}, {self.column}, {self.start_index}, {self.end_index}, {self.style!r})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None  # type: ignore[assignment]


class SourceDocument:
    """A loaded YAML file: plain data plus where each part came from."""

    def __init__(self, path: str, text: str, data: Any, nodes: dict[Path_, NodeInfo] | None = None,
                 keys: dict[Path_, NodeInfo] | None = None, findings: list[Finding] | None = None):
        self.path = path
        self.text = text
        self.data = data
        self.nodes: dict[Path_, NodeInfo] = {} if nodes is None else nodes
        self.keys: dict[Path_, NodeInfo] = {} if keys is None else keys
        self.findings: list[Finding] = [] if findings is None else findings
        self._spans: dict[Path_, ScalarSpan] = {}
        self._line_starts: list[int] | None = None

    def __repr__(self) -> str:
        return f"SourceDocument(path={self.path!r}, findings={len(self.findings)})"

    def position(self, path: Path_) -> tuple[int, int]:
        """(line, column) of the value at ``path``, or of its nearest ancestor."""
        path = tuple(path)
        while path not in self.nodes and path:
            path = path[:-1]
        info = self.nodes.get(path)
        return (info.line, info.column) if info else (1, 1)

    def key_position(self, path: Path_) -> tuple[int, int]:
        """(line, column) of the key of the mapping entry at ``path``."""
        path = tuple(path)
        info = self.keys.get(path)
        if info:
            return info.line, info.column
        return self.position(path)

    def text_position(self, path: Path_, offset: int) -> tuple[int, int]:
        """(line, column) in the file of character ``offset`` of the string at ``path``."""
        path = tuple(path)
        span = self._spans.get(path)
        if span is None:
            info = self.nodes.get(path)
            if info is None:
                return self.position(path)
            value = _get(self.data, path)
            if not isinstance(value, str):
                return info.line, info.column
            if self._line_starts is None:
                self._line_starts = line_starts(self.text)
            span = ScalarSpan(self.text, info.start_index, info.end_index, info.style, value, self._line_starts)
            self._spans[path] = span
        return span.position(offset)


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def _finding(path: str, mark, rule: str, message: str, *, fatal: bool = True) -> Finding:
    line = mark.line + 1 if mark is not None else 1
    column = mark.column + 1 if mark is not None else 1
    return Finding(path=path, line=line, column=column, rule=rule, severity="error", message=message, fatal=fatal)


def read_source(path: str | Path, *, kind: str = "incident") -> str:
    """Read a file as UTF-8 text, refusing what is too large, binary, not UTF-8 or not a regular file."""
    try:
        return read_text(path, kind)
    except FileReadError as error:
        raise YamlLoadError(error.to_finding()) from None


def decode_source(raw: bytes, shown: str, *, kind: str = "incident") -> str:
    try:
        return decode_text(raw, shown, kind)
    except FileReadError as error:
        raise YamlLoadError(error.to_finding()) from None


def load_yaml_file(path: str | Path, *, kind: str = "incident", max_depth: int = MAX_DEPTH) -> SourceDocument:
    text = read_source(path, kind=kind)
    return load_yaml_text(text, str(path), max_depth=max_depth)


def load_yaml_text(text: str, path: str = "<string>", *, max_depth: int = MAX_DEPTH) -> SourceDocument:
    """Parse ``text`` into a SourceDocument; raise YamlLoadError if it is unusable."""
    builder = _Builder(text, path, max_depth)
    try:
        builder.run()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or "invalid YAML"
        if "nesting depth" in problem:  # libyaml's own limit, reached before ours in flow collections
            raise YamlLoadError(_finding(path, mark, TOO_DEEP,
                                         f"nesting deeper than {max_depth} levels; an incident file never needs that")) from None
        context = f" ({error.context})" if error.context else ""
        raise YamlLoadError(_finding(path, mark, SYNTAX, f"invalid YAML: {problem}{context}")) from None
    except yaml.YAMLError as error:  # reader errors (control characters) and the like
        mark = getattr(error, "problem_mark", None) or getattr(error, "mark", None)
        raise YamlLoadError(_finding(path, mark, SYNTAX, f"invalid YAML: {error}")) from None
    except RecursionError:  # pragma: no cover - the builder is iterative
        raise YamlLoadError(_finding(path, None, TOO_DEEP, "nesting is too deep")) from None
    return builder.document


class _Builder:
    """Turns parser events into plain data, positions and findings."""

    def __init__(self, text: str, path: str, max_depth: int):
        self.text = text
        self.path = path
        self.max_depth = max_depth
        self.document = SourceDocument(path=path, text=text, data=None)

    def fail(self, mark, rule: str, message: str):
        raise YamlLoadError(_finding(self.path, mark, rule, message))

    def run(self) -> None:
        parser = _Parser(self.text)
        try:
            self._consume(parser)
        finally:
            dispose = getattr(parser, "dispose", None)
            if dispose:
                dispose()

    def _consume(self, parser) -> None:
        nodes = self.document.nodes
        keys = self.document.keys
        findings = self.document.findings
        # Each frame: [container, path, pending_key (mapping only), key_info, seen_keys]
        stack: list[list] = []
        documents = 0
        root: Any = None
        have_root = False

        while True:
            event = parser.get_event()
            if event is None:
                break
            kind = type(event)
            if kind is yaml.ScalarEvent or kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.anchor is not None:
                    self.fail(event.start_mark, ANCHOR,
                              f"anchors (&{event.anchor}) and aliases are not allowed in incident files; write the value out")
                start = event.start_mark
                if kind is yaml.ScalarEvent:
                    frame = stack[-1] if stack else None
                    if frame is not None and type(frame[0]) is dict and frame[2] is None:
                        # A mapping key.
                        if event.tag not in (None, "!", _TAG + "str"):
                            self.fail(start, KEY, "mapping keys must be plain strings")
                        key = event.value
                        info = NodeInfo(start.line + 1, start.column + 1, start.index, event.end_mark.index, event.style)
                        if key in frame[0] or key in frame[4]:
                            first = frame[4].get(key)
                            where = f" (first at line {first.line})" if first else ""
                            findings.append(Finding(
                                self.path, info.line, info.column, DUPLICATE_KEY, "error",
                                f"duplicate key {key!r}{where}: YAML would silently keep only one value; "
                                "merge the two entries", field=_dotted(frame[1] + (key,))))
                            frame[2] = _DUPLICATE
                        else:
                            frame[2] = key
                            frame[3] = info
                            frame[4][key] = info
                        continue
                    value = self._scalar(event)
                    if type(value) is str and not event.style and event.tag is None and _too_large_number(value):
                        findings.append(_finding(self.path, start, NUMBER, f"a number with {len(value):,} characters; "
                                                 f"numbers longer than {MAX_NUMBER_CHARS} characters are not read "
                                                 "(quote it if it is text)", fatal=False))
                    info = NodeInfo(start.line + 1, start.column + 1, start.index, event.end_mark.index, event.style)
                    self._attach(stack, value, info, nodes, keys)
                    if not stack:
                        root, have_root = value, True
                    continue
                # Collection start.
                frame = stack[-1] if stack else None
                if frame is not None and type(frame[0]) is dict and frame[2] is None:
                    # `? [a, b]` or `? {a: b}`: a list or mapping used as a key would shift every later entry
                    self.fail(start, KEY, "mapping keys must be plain strings, not a list or mapping "
                                          "(a complex key `? ...`); write the key as text")
                if len(stack) >= self.max_depth:
                    self.fail(start, TOO_DEEP,
                              f"nesting deeper than {self.max_depth} levels; an incident file never needs that")
                tag = event.tag
                expected = _TAG + ("map" if kind is yaml.MappingStartEvent else "seq")
                if tag not in (None, "!", expected):
                    self.fail(start, TAG, f"unsupported tag {tag!r}")
                container: Any = {} if kind is yaml.MappingStartEvent else []
                info = NodeInfo(start.line + 1, start.column + 1, start.index, start.index)
                path = self._attach(stack, container, info, nodes, keys)
                if not stack and not have_root:
                    root, have_root = container, True
                stack.append([container, path, None, None, {}])
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                info = nodes.get(frame[1])
                if info is not None:
                    info.end_index = event.end_mark.index
            elif kind is yaml.AliasEvent:
                self.fail(event.start_mark, ALIAS,
                          f"aliases (*{event.anchor}) are not allowed in incident files; write the value out")
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    self.fail(event.start_mark, MULTIPLE_DOCUMENTS,
                              "more than one YAML document in the file; an incident file holds exactly one")
            elif kind is yaml.StreamEndEvent:
                break
        self.document.data = root if have_root else None

    def _attach(self, stack, value, info, nodes, keys) -> Path_:
        if not stack:
            nodes[()] = info
            return ()
        frame = stack[-1]
        container = frame[0]
        if type(container) is list:
            path = frame[1] + (len(container),)
            container.append(value)
        else:
            key = frame[2]
            frame[2] = None
            if key is _DUPLICATE:
                return frame[1] + ("\x00duplicate",)
            path = frame[1] + (key,)
            container[key] = value
            keys[path] = frame[3]
        nodes[path] = info
        return path

    def _scalar(self, event) -> Any:
        value = event.value
        tag = event.tag
        if tag is None or tag == "!":
            if not event.style and tag is None:  # plain (libyaml reports its style as "")
                return resolve_plain(value)
            return value
        if not tag.startswith(_TAG):
            self.fail(event.start_mark, TAG, f"unsupported tag {tag!r}")
        name = tag[len(_TAG):]
        if name == "str":
            return value
        resolved = resolve_plain(value)
        wanted = {"int": int, "float": float, "bool": bool, "null": type(None)}.get(name)
        if wanted is None:
            self.fail(event.start_mark, TAG, f"unsupported tag !!{name}")
        if name == "float" and type(resolved) is int:
            return float(resolved)
        if type(resolved) is not wanted:
            self.fail(event.start_mark, TAG, f"{value!r} is not a valid !!{name}")
        return resolved


_DUPLICATE = object()


def resolve_plain(value: str) -> Any:
    """Resolve a plain scalar by the YAML 1.2 core schema (no 1.1 guessing)."""
    if value in _NULLS:
        return None
    if value in _TRUES:
        return True
    if value in _FALSES:
        return False
    if not value or value[0] not in _NUMERIC_START:
        return value
    if len(value) > MAX_NUMBER_CHARS and (_INT.match(value) or _OCT.match(value) or _HEX.match(value)):
        return value  # Python refuses to convert (and print) ints this long; the loader reports it
    if _INT.match(value):
        return int(value)
    if _OCT.match(value):
        return int(value[2:], 8)
    if _HEX.match(value):
        return int(value[2:], 16)
    if _FLOAT.match(value):
        return float(value)
    if _INF.match(value):
        return float("-inf") if value[0] == "-" else float("inf")
    if _NAN.match(value):
        return float("nan")
    return value


def _too_large_number(value: str) -> bool:
    return len(value) > MAX_NUMBER_CHARS and bool(_INT.match(value) or _OCT.match(value) or _HEX.match(value))


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


dotted_path = _dotted
