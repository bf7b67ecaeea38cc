"""Rendering drafted sections: YAML text to append, JSON, and the append itself.

YAML is emitted block-style with the keys in schema order.  A string is
quoted whenever the incident loader (YAML 1.2 core schema) would read its
plain form as something else, and every rendered block is loaded back with
that loader and compared with the data before it is shown or written.

``write_sections`` first puts each section whose ``# stub: <section>`` line
the file has (see ``incident.stubs``) on that line, replacing only the stub
lines (written to a temporary file, then renamed), and appends the rest.
``append_sections`` adds the text at the end of the file and changes no
existing byte: it checks the file is still what was read, that the combined
text parses to the old data plus the new sections, and then opens the file
in append mode.  A file whose end cannot take new top-level keys (a flow
mapping, a ``...`` document end, a final ``|+`` block scalar) is refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import yaml

from postmortem_kit.core import PostmortemError, YamlLoadError, load_yaml_text, newline_of, require_unchanged, resolve_plain, write_atomic


class DraftOutputError(PostmortemError):
    """The draft cannot be written (one-line message)."""


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str):
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    style = None
    if resolve_plain(value) != value or value != value.strip():
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _ignore_aliases(self, data) -> bool:  # never emit anchors: the loader refuses them
    return True


_Dumper.ignore_aliases = _ignore_aliases  # type: ignore[method-assign]


def block_yaml(value: Any) -> str:
    """Readable block YAML (multi-line strings as ``|`` blocks, no anchors, no line folding)."""
    return yaml.dump(value, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=10**9, indent=2)


def section_yaml(section: str, value: Any) -> str:
    """``section: value`` as block YAML that the incident loader reads back to exactly ``value``."""
    text = yaml.dump({section: value}, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=100, indent=2)
    try:
        loaded = load_yaml_text(text, f"<draft {section}>").data
    except YamlLoadError as error:  # pragma: no cover - a bug in this module, not in the input
        raise DraftOutputError(f"rendered YAML for {section} does not load: {error}") from None
    if loaded != {section: value}:  # pragma: no cover - same
        raise DraftOutputError(f"rendered YAML for {section} does not round-trip")
    return text


def comment_block(lines: list[str]) -> str:
    out = []
    for line in lines:
        for part in line.splitlines() or [""]:
            out.append(f"# {part}".rstrip())
    return "\n".join(out) + "\n"


def append_sections(path: str | Path, original: bytes, original_data: dict[str, Any],
                    block: str, sections: dict[str, Any]) -> bytes:
    """Append ``block`` (YAML text of ``sections``) to ``path``; return the bytes appended."""
    path = Path(path)
    current = require_unchanged(path, original, DraftOutputError, "drafting")
    newline = newline_of(current)
    body = block.replace("\n", newline)
    expected = {**original_data, **sections}
    text = current.decode("utf-8")
    ending = "" if not text or text.endswith(("\n", "\r")) else newline
    for separator in (newline, ""):
        addition = ending + separator + body
        try:
            combined = load_yaml_text(text + addition, str(path))
        except YamlLoadError:
            continue
        if combined.data == expected and not combined.findings:
            break
    else:
        raise DraftOutputError(
            f"{path}: cannot append top-level sections to this file (its last part is a flow mapping, a "
            "document end `...` or a block scalar that keeps trailing lines); nothing was written, "
            "paste the drafted sections by hand")
    raw = addition.encode("utf-8")
    with open(path, "ab") as handle:
        handle.write(raw)
    return raw


def write_sections(path: str | Path, original: bytes, original_data: dict[str, Any], blocks: dict[str, str],
                   sections: dict[str, Any], rest_block: Callable[[list[str]], str]) -> tuple[list[str], list[str]]:
    """Write the drafted ``sections`` (YAML text of each in ``blocks``): on their stub lines where the
    file has them, appended otherwise (``rest_block(names)`` renders those).  Returns (placed, appended)."""
    from postmortem_kit.incident import find_stubs, replace_stubs

    path = Path(path)
    text = original.decode("utf-8")
    stubs = find_stubs(text, tuple(sections))
    placed = [name for name in sections if name in stubs]
    if placed:
        newline = newline_of(text)
        new_text = replace_stubs(text, {name: blocks[name].replace("\n", newline) for name in placed})
        try:
            combined = load_yaml_text(new_text, str(path))
        except YamlLoadError:
            combined = None
        if combined is None or combined.findings or combined.data != {**original_data, **{n: sections[n] for n in placed}}:
            raise DraftOutputError(f"{path}: the drafted sections do not fit on their stub lines; nothing was written")
        require_unchanged(path, original, DraftOutputError, "drafting")
        write_atomic(path, new_text.encode("utf-8"))
        original, original_data = new_text.encode("utf-8"), combined.data
    rest = [name for name in sections if name not in placed]
    if rest:
        append_sections(path, original, original_data, rest_block(rest), {n: sections[n] for n in rest})
    return placed, rest


def render_json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
