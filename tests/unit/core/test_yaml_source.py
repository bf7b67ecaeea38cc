"""The safe YAML loader: exact types, positions, and refusal of unsafe input."""

from __future__ import annotations

import time

import pytest

from postmortem_kit.core import YamlLoadError, load_yaml_file, load_yaml_text, resolve_plain


def test_plain_scalars_follow_yaml_1_2_core_schema():
    doc = load_yaml_text("a: no\nb: 2026-01-05\nc: 22:30\nd: on\ne: 1.5\nf: 42\ng: ~\nh: true\ni: 0x1f\nj: 1_000\n")
    assert doc.data == {"a": "no", "b": "2026-01-05", "c": "22:30", "d": "on", "e": 1.5, "f": 42,
                        "g": None, "h": True, "i": 31, "j": "1_000"}


@pytest.mark.parametrize("value, expected", [
    (".inf", float("inf")), ("-.inf", float("-inf")), ("+12", 12), ("0o17", 15), ("1e3", 1000.0),
    ("Yes", "Yes"), ("NULL", None), ("", None), ("12:30:00", "12:30:00"), ("v1.2", "v1.2"),
])
def test_resolve_plain(value, expected):
    assert resolve_plain(value) == expected


def test_quoted_values_are_always_strings():
    doc = load_yaml_text("a: '42'\nb: \"true\"\nc: !!str 7\n")
    assert doc.data == {"a": "42", "b": "true", "c": "7"}


def test_positions_of_keys_and_values():
    doc = load_yaml_text("top:\n  list:\n    - first\n    - key: value\n")
    assert doc.position(("top", "list", 0)) == (3, 7)
    assert doc.key_position(("top", "list", 1, "key")) == (4, 7)
    assert doc.position(("top", "list", 1, "key")) == (4, 12)
    # An unknown path falls back to the nearest ancestor.
    assert doc.position(("top", "missing")) == doc.position(("top",))


@pytest.mark.parametrize("source, path", [
    ('a: plain words then human error here\n', ("a",)),
    ('a: "quoted \\"x\\" then human error"\n', ("a",)),
    ("a: 'single ''q'' then human error'\n", ("a",)),
    ("a: |\n  line one\n  then human error\n", ("a",)),
    ("a: >\n  folded line\n  then human error\n", ("a",)),
    ("a: plain multi\n  line then human error\n", ("a",)),
    ("x:\n  - a: é😀 mixed scripts then human error\n", ("x", 0, "a")),
])
def test_text_positions_point_at_the_phrase(source, path):
    doc = load_yaml_text(source)
    value = doc.data
    for part in path:
        value = value[part]
    offset = value.index("human error")
    line, column = doc.text_position(path, offset)
    assert source.splitlines()[line - 1][column - 1:column - 1 + len("human error")] == "human error"
    end_line, end_column = doc.text_position(path, offset + len("human error"))
    assert (end_line, end_column) == (line, column + len("human error"))


def _fails(source: str, rule: str) -> YamlLoadError:
    with pytest.raises(YamlLoadError) as caught:
        load_yaml_text(source, "bad.yaml")
    assert caught.value.finding.rule == rule, caught.value.finding
    assert caught.value.finding.fatal
    return caught.value


def test_aliases_and_anchors_are_refused():
    error = _fails("base: &b {x: 1}\nother: *b\n", "yaml/anchor")
    assert error.finding.line == 1
    _fails("a: [1]\nb: *nope\n", "yaml/alias")


def test_alias_bomb_is_refused_quickly():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 12):
        prev = chr(ord("a") + index - 1)
        name = chr(ord("a") + index)
        lines.append(f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]")
    started = time.perf_counter()
    _fails("\n".join(lines) + "\n", "yaml/anchor")
    assert time.perf_counter() - started < 5  # generous: the point is that it does not expand


def test_duplicate_keys_are_findings_with_both_lines():
    doc = load_yaml_text("a: 1\nb:\n  c: 2\n  c: 3\n")
    [finding] = doc.findings
    assert (finding.rule, finding.line, finding.column) == ("yaml/duplicate-key", 4, 3)
    assert "first at line 3" in finding.message
    assert doc.data["b"]["c"] == 2


def test_deep_nesting_is_refused_without_recursion():
    _fails("[" * 10_000 + "]" * 10_000, "yaml/too-deep")
    _fails("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 200)), "yaml/too-deep")


@pytest.mark.parametrize("source", ["a: !!python/object:os.system x\n", "a: !!binary aGVsbG8=\n",
                                    "a: !custom x\n", "a: !!set {x}\n", "a: !!timestamp 2026-01-01\n"])
def test_unsupported_tags_are_refused(source):
    _fails(source, "yaml/tag")


def test_multiple_documents_are_refused():
    _fails("a: 1\n---\nb: 2\n", "yaml/multiple-documents")


def test_syntax_error_has_line_and_column():
    error = _fails("a: 1\nb: [unclosed\nc: 3\n", "yaml/syntax")
    assert error.finding.line >= 2


def test_file_level_refusals(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * (20 * 1024 * 1024) + b"\n")
    with pytest.raises(YamlLoadError) as caught:
        load_yaml_file(big)
    assert caught.value.finding.rule == "file/too-large"

    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"a: 1\n\x00\x01\x02")
    with pytest.raises(YamlLoadError) as caught:
        load_yaml_file(binary)
    assert (caught.value.finding.rule, caught.value.finding.line) == ("file/binary", 2)

    latin = tmp_path / "latin.yaml"
    latin.write_bytes("a: ok\nb: caf\xe9\n".encode("latin-1"))
    with pytest.raises(YamlLoadError) as caught:
        load_yaml_file(latin)
    assert (caught.value.finding.rule, caught.value.finding.line, caught.value.finding.column) == ("file/encoding", 2, 7)

    bom = tmp_path / "bom.yaml"
    bom.write_bytes("\ufeffa: 1\n".encode("utf-8"))
    assert load_yaml_file(bom).data == {"a": 1}

    with pytest.raises(YamlLoadError) as caught:
        load_yaml_file(tmp_path / "missing.yaml")
    assert caught.value.finding.rule == "file/missing"
