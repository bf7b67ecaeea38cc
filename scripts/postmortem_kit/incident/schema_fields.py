"""Which strings of an incident are prose, as the schema marks them.

Every free-text field references ``#/$defs/prose`` (directly or through
``#/$defs/sentence``).  Log excerpts, owners, authors and other non-prose
strings are never yielded, so the blameless check reads only what people
wrote as analysis.
"""

from __future__ import annotations

from functools import cache

from postmortem_kit.incident.schema import definition, load_schema

TYPE_CHECKING = False  # typing stays off the cold check path (annotations are never evaluated)
if TYPE_CHECKING:
    from typing import Any, Iterator

PROSE_REF = "#/$defs/prose"


class Shape:
    """What the schema says about one place in the document."""

    __slots__ = ("prose", "kind", "properties", "items", "additional")

    def __init__(self):
        self.prose = False
        self.kind: str | None = None  # the $defs name it references, e.g. "timestamp"
        self.properties: dict[str, Shape] = {}
        self.items: Shape | None = None
        self.additional: Shape | None = None


@cache
def root_shape() -> Shape:
    return _build(load_schema(), {})


def _build(node: dict[str, Any], memo: dict[str, Shape]) -> Shape:
    ref = node.get("$ref")
    if ref is not None:
        if ref in memo:
            base = memo[ref]
        else:
            base = Shape()
            memo[ref] = base
            built = _build(definition(ref), memo)
            base.prose, base.properties, base.items, base.additional = (
                built.prose or ref == PROSE_REF, built.properties, built.items, built.additional)
            base.kind = ref.rsplit("/", 1)[-1]
        if not any(key in node for key in ("properties", "items")):
            return base
        shape = Shape()
        shape.prose, shape.kind, shape.properties, shape.items, shape.additional = (
            base.prose, base.kind, dict(base.properties), base.items, base.additional)
    else:
        shape = Shape()
    for name, child in node.get("properties", {}).items():
        shape.properties[name] = _build(child, memo)
    items = node.get("items")
    if isinstance(items, dict):
        shape.items = _build(items, memo)
    additional = node.get("additionalProperties")
    if isinstance(additional, dict):
        shape.additional = _build(additional, memo)
    return shape


def prose_strings(data: Any) -> Iterator[tuple[tuple, str]]:
    """Yield (path, text) for every prose string in ``data``."""
    for path, text, shape in typed_strings(data):
        if shape.prose:
            yield path, text


def typed_strings(data: Any) -> Iterator[tuple[tuple, str, Shape]]:
    """Yield (path, text, shape) for every string the schema knows about, in document order."""
    stack: list[tuple[Any, Shape, tuple]] = [(data, root_shape(), ())]
    while stack:
        value, shape, path = stack.pop()
        if isinstance(value, str):
            yield path, value, shape
        elif isinstance(value, dict):
            for key, child in reversed(value.items()):
                child_shape = shape.properties.get(key) or shape.additional
                if child_shape is not None:
                    stack.append((child, child_shape, path + (key,)))
        elif isinstance(value, list) and shape.items is not None:
            for index in range(len(value) - 1, -1, -1):
                stack.append((value[index], shape.items, path + (index,)))


def prose_field_names() -> list[str]:
    """Dotted names of every prose field (``[]`` marks list items), for docs and tests."""
    names: list[str] = []

    def walk(shape: Shape, prefix: str, seen: frozenset) -> None:
        if shape.prose:
            names.append(prefix)
        if id(shape) in seen:
            return
        seen = seen | {id(shape)}
        for key, child in shape.properties.items():
            walk(child, f"{prefix}.{key}" if prefix else key, seen)
        if shape.items is not None:
            walk(shape.items, f"{prefix}[]", seen)

    walk(root_shape(), "", frozenset())
    return names
