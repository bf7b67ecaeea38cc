"""A fast load for plain YAML files: the data only, when the full loader would find nothing to say.

``yaml_source.load_yaml_text`` records the position of every key and value so that each finding
can point at its place; that bookkeeping costs about three quarters of its time.  The lessons
site reads thousands of files that are valid and needs only their data.  ``load_plain`` reads
libyaml's event stream (CParser) into plain data with the same rules (YAML 1.2 core scalars,
``resolve_plain``), and gives up (returns ``NOT_PLAIN``) on everything the full loader reports or
refuses: anchors, aliases, tags, duplicate keys, non-scalar keys, nesting past ``MAX_DEPTH``, a
second document, an overlong number, any YAML error.  The caller then runs the full loader,
which produces the finding; so for every text, ``load_plain`` either gives up or returns exactly
the full loader's ``data`` for a document without findings (tests/unit/core/test_yaml_plain.py).
"""

from __future__ import annotations

from typing import Any

from postmortem_kit.core.yaml_module import yaml
from postmortem_kit.core.yaml_source import MAX_DEPTH, MAX_NUMBER_CHARS, resolve_plain
from postmortem_kit.core.yaml_source import _too_large_number as too_large_number

NOT_PLAIN = object()
_Parser = getattr(yaml, "CSafeLoader", None)
_SCALAR, _MAP_START, _SEQ_START = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_MAP_END, _SEQ_END, _DOC_START, _STREAM_END = (yaml.MappingEndEvent, yaml.SequenceEndEvent, yaml.DocumentStartEvent,
                                               yaml.StreamEndEvent)
_NO_KEY = object()


def load_plain(text: str) -> Any:
    """The document's data, or ``NOT_PLAIN`` (then use ``yaml_source.load_yaml_text``)."""
    if _Parser is None:  # without libyaml this is no faster than the full loader
        return NOT_PLAIN
    parser = _Parser(text)
    try:
        return _consume(parser)
    except yaml.YAMLError:
        return NOT_PLAIN
    finally:
        parser.dispose()


def _consume(parser) -> Any:
    # stack entries: [container, pending key or _NO_KEY]
    stack: list[list] = []
    root: list = [None]  # the document's top value (a list: _attach sets it)
    documents = 0
    get_event = parser.get_event
    while True:
        event = get_event()
        if event is None:
            break
        kind = type(event)
        if kind is _SCALAR:
            tag = event.tag
            if event.anchor is not None or (tag is not None and tag != "!"):
                return NOT_PLAIN
            value = event.value
            if stack and stack[-1][1] is _NO_KEY and type(stack[-1][0]) is dict:  # a key
                if value in stack[-1][0]:
                    return NOT_PLAIN  # a duplicate key: the full loader reports it
                stack[-1][1] = value
                continue
            if not event.style and tag is None:
                if len(value) > MAX_NUMBER_CHARS and too_large_number(value):
                    return NOT_PLAIN
                value = resolve_plain(value)
            _attach(stack, root, value)
        elif kind is _MAP_START or kind is _SEQ_START:
            if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                return NOT_PLAIN
            if len(stack) >= MAX_DEPTH:
                return NOT_PLAIN
            if stack and stack[-1][1] is _NO_KEY and type(stack[-1][0]) is dict:
                return NOT_PLAIN  # a list or mapping as a key
            container: Any = {} if kind is _MAP_START else []
            _attach(stack, root, container)
            stack.append([container, _NO_KEY])
        elif kind is _MAP_END or kind is _SEQ_END:
            stack.pop()
        elif kind is _DOC_START:
            documents += 1
            if documents > 1:
                return NOT_PLAIN
        elif kind is _STREAM_END:
            break
        elif kind is yaml.AliasEvent:
            return NOT_PLAIN
    return root[0]


def _attach(stack: list[list], root: list, value: Any) -> None:
    if not stack:
        root[0] = value
        return
    frame = stack[-1]
    if type(frame[0]) is dict:
        frame[0][frame[1]] = value
        frame[1] = _NO_KEY
    else:
        frame[0].append(value)
