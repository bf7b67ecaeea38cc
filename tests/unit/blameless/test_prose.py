"""The prose of a document as named fields (the input of the model review): ids, positions, findings."""

from __future__ import annotations

from postmortem_kit.blameless import incident_prose, lint_text, text_prose
from postmortem_kit.core import load_yaml_text

TEXT = "# Title\n\nFirst paragraph,\nwrapped.\n\n\n   Indented second one with the engineer who failed to notice it.\n"


def test_paragraphs_are_fields_with_exact_positions():
    prose = text_prose(TEXT, "doc.md")
    assert [f.id for f in prose.fields] == ["paragraph-1", "paragraph-2", "paragraph-3"]
    assert prose.fields[1].text == "First paragraph,\nwrapped."
    lines = TEXT.splitlines()
    for index, item in enumerate(prose.fields):
        for offset in (0, len(item.text) - 1):
            line, column = prose.position(index, offset)
            assert lines[line - 1][column - 1] == item.text[offset]
    (finding,) = [f for f in lint_text(TEXT, "doc.md") if "failed to notice" in f.message]
    assert prose.field_of(finding) == 2


def test_incident_fields_are_the_prose_the_rules_read(examples_dir):
    text = (examples_dir / "INC-2026-0001.yaml").read_text(encoding="utf-8")
    prose = incident_prose(load_yaml_text(text, "INC-2026-0001.yaml"))
    ids = [f.id for f in prose.fields]
    assert "root_cause.primary" in ids and "id" not in ids and not any(i.startswith(("inputs", "owner")) for i in ids)
    index = prose.index("root_cause.technical_details")
    quote = "copied from the staging profile"
    start = prose.fields[index].text.index(quote)
    line, column = prose.position(index, start)
    assert text.splitlines()[line - 1][column - 1:].startswith(quote)
    assert prose.index("no.such.field") is None
