"""Response schemas (strict structured-output subset, facts pinned) and the prompt files."""

from __future__ import annotations

import shutil

import pytest

from postmortem_kit.core import load_yaml_file, package_file
from postmortem_kit.drafting import PromptContext, PromptError, build_messages, drop_nulls, load_prompts, repair_messages
from postmortem_kit.incident import analysis_sections, compute_facts, response_schema, schema_name, section_subschema, validator
from support.draft_data import DRAFT_DATA
from support.llm_server import Generator, generate

STRICT_KEYWORDS = {"type", "enum", "const", "description", "properties", "required", "additionalProperties",
                   "items", "pattern", "format", "minItems", "maxItems", "minimum", "maximum", "exclusiveMinimum",
                   "exclusiveMaximum", "multipleOf", "anyOf"}


@pytest.fixture(scope="module")
def facts():
    return compute_facts(load_yaml_file(DRAFT_DATA / "INC-2026-0101.yaml").data)


def walk(node, path="$"):
    yield path, node
    for key in ("properties",):
        for name, child in node.get(key, {}).items():
            yield from walk(child, f"{path}.{name}")
    if isinstance(node.get("items"), dict):
        yield from walk(node["items"], f"{path}[]")
    for index, branch in enumerate(node.get("anyOf", [])):
        yield from walk(branch, f"{path}|{index}")


@pytest.mark.parametrize("section", analysis_sections())
def test_response_schema_is_in_the_strict_subset(section, facts):
    schema = response_schema(section, facts)
    assert schema["type"] == "object" and schema["required"] == [section]
    for path, node in walk(schema):
        assert set(node) <= STRICT_KEYWORDS, f"{path}: {set(node) - STRICT_KEYWORDS}"
        if node.get("type") == "object":
            assert node["additionalProperties"] is False, path
            assert node["required"] == list(node["properties"]), path


@pytest.mark.parametrize("section", analysis_sections())
def test_an_answer_to_the_reduced_schema_fits_the_real_schema(section, facts):
    """What a model produces under the response schema, minus nulls, is valid for the incident schema."""
    prompt = "incident on 2026-04-07T10:05:00+02:00"
    value = drop_nulls(generate(response_schema(section, facts), Generator(prompt)))[section]
    node = {**section_subschema(section), "$defs": {}}
    errors = [e.message for e in validator().evolve(schema=node).iter_errors(value)]
    assert errors == []


def test_facts_are_pinned(facts):
    summary = response_schema("summary", facts)["properties"]["summary"]["properties"]
    assert summary["start"]["enum"] == ["2026-04-07T10:05:00+02:00"]
    assert summary["total_duration"]["enum"] == ["0:53"]
    assert summary["timezone"]["enum"] == [None]  # no IANA zone known: the start's offset is used
    assert "severity" in summary and "enum" in summary["severity"]
    timeline = response_schema("timeline", facts)["properties"]["timeline"]["items"]["properties"]
    assert timeline["time"]["enum"][0] == "10:02"
    follow_up = response_schema("follow_ups", facts)["properties"]["follow_ups"]["items"]["properties"]
    assert follow_up["tracking"]["enum"] == ["new"]


def test_dropped_constraints_are_told_in_the_description():
    lesson = response_schema("lesson")["properties"]["lesson"]["properties"]["what_happened"]
    assert "at most 600 characters" in lesson["description"]
    assert "maxLength" not in lesson


def test_optional_fields_are_nullable_and_required_ones_are_not():
    entry = response_schema("timeline")["properties"]["timeline"]["items"]["properties"]
    assert entry["action"]["type"] == ["string", "null"]
    assert entry["event"]["type"] == "string"
    impact = response_schema("impact")["properties"]["impact"]["properties"]
    assert impact["users_affected"]["pattern"] == "[0-9]"  # the sibling pattern wins over prose's \S


def test_schema_name_and_unknown_section():
    assert schema_name("root_cause") == "postmortem_root_cause"
    with pytest.raises(KeyError):
        response_schema("nope")


# --------------------------------------------------------------------------- prompts


def test_every_section_has_a_prompt_and_the_system_prompt_is_blameless():
    prompts = load_prompts()
    assert set(prompts.sections) == set(analysis_sections())
    assert "system and process failures" in prompts.system
    assert "system gap" in prompts.system and "untrusted" in prompts.system
    for section in prompts.sections.values():
        assert section.task.strip() and section.max_output_tokens > 0


def context(**overrides) -> PromptContext:
    values = dict(incident_id="INC-2026-0101", title="t", status="draft", services="a", tags="b", facts="- f",
                  zone="UTC", timeline="10:00 x", system_context="s", incident_data='{"json": "${not_a_var}"}',
                  existing="(none)")
    values.update(overrides)
    return PromptContext(**values)


def test_messages_fill_the_template_and_leave_pasted_braces_alone():
    prompts = load_prompts()
    system, user = build_messages(prompts, "lesson", context())
    assert system["content"] == prompts.system
    assert "# Incident INC-2026-0101: t" in user["content"]
    assert '{"json": "${not_a_var}"}' in user["content"]
    assert prompts.sections["lesson"].task.strip() in user["content"]
    repaired = repair_messages(prompts, "lesson", [system, user], '{"lesson": 1}', ["lesson: expected a mapping"])
    assert [m["role"] for m in repaired] == ["system", "user", "assistant", "user"]
    assert "- lesson: expected a mapping" in repaired[-1]["content"]


def test_prompt_version_changes_with_any_prompt_file(tmp_path):
    copy = tmp_path / "prompts"
    shutil.copytree(package_file("postmortem_kit.drafting", "prompts"), copy)
    before = load_prompts(str(copy)).version
    (copy / "section-lesson.md").write_text((copy / "section-lesson.md").read_text() + "\nBe brief.\n")
    load_prompts.cache_clear()
    after = load_prompts(str(copy)).version
    assert before != after and before.split("+")[0] == after.split("+")[0]


def test_a_missing_prompt_file_is_a_clear_error(tmp_path):
    copy = tmp_path / "prompts"
    shutil.copytree(package_file("postmortem_kit.drafting", "prompts"), copy)
    (copy / "section-lesson.md").unlink()
    load_prompts.cache_clear()
    with pytest.raises(PromptError, match="section-lesson.md"):
        load_prompts(str(copy))
