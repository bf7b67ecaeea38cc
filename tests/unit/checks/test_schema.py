"""The schema itself: valid 2020-12, documented for editors, prose marked."""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator

from postmortem_kit.core import load_yaml_file
from postmortem_kit.incident import analysis_sections, load_schema, prose_field_names, prose_strings


def test_schema_is_valid_2020_12_with_id(repo_root):
    schema = json.loads((repo_root / "schema" / "postmortem.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("postmortem.schema.json")


def _walk_properties(node, where="#"):
    if isinstance(node, dict):
        for name, child in node.get("properties", {}).items():
            yield f"{where}/properties/{name}", child
        for key, child in node.items():
            if key != "properties":
                yield from _walk_properties(child, f"{where}/{key}")
        for name, child in node.get("properties", {}).items():
            yield from _walk_properties(child, f"{where}/properties/{name}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _walk_properties(child, f"{where}/{index}")


def _documented(node, schema) -> bool:
    while True:
        if "title" in node or "description" in node:
            return True
        ref = node.get("$ref")
        if not ref:
            return False
        node = schema
        for part in ref[2:].split("/"):
            node = node[part]


def test_every_property_has_a_title_or_description():
    schema = load_schema()
    undocumented = sorted({where for where, child in _walk_properties(schema)
                           if "/if/" not in where and not _documented(child, schema)})
    assert undocumented == []


def test_analysis_sections_are_the_complete_status_requirements():
    schema = load_schema()
    then = schema["allOf"][0]["then"]["required"]
    assert set(analysis_sections()) - {"blameless"} <= set(then)
    assert set(then) - set(analysis_sections()) == {"authors", "services"}
    # blameless: required once a human action is part of the cause (root_cause.human_action: true)
    human = schema["allOf"][1]
    assert human["if"]["properties"]["root_cause"]["properties"]["human_action"] == {"const": True}
    assert human["then"]["required"] == ["blameless"]


def test_prose_fields_exclude_people_and_logs():
    names = prose_field_names()
    assert "root_cause.primary" in names and "lesson.what_happened" in names and "timeline[].event" in names
    for not_prose in ("authors[]", "follow_ups[].owner", "timeline[].responder", "prevention.immediate[].owner",
                      "inputs.incident_data.logs[].excerpt", "follow_ups[].due", "suppressions[].reason"):
        assert not_prose not in names


def test_prose_strings_of_an_example(examples_dir):
    doc = load_yaml_file(examples_dir / "INC-2026-0001.yaml")
    paths = {path for path, _ in prose_strings(doc.data)}
    assert ("root_cause", "primary") in paths
    assert ("timeline", 0, "event") in paths
    assert not any(path[0] in ("inputs", "authors") for path in paths)
    assert ("follow_ups", 0, "owner") not in paths


def test_every_subpackage_is_listed_for_the_wheel(repo_root):
    import tomllib

    pyproject = tomllib.loads((repo_root / "pyproject.toml").read_text())
    listed = set(pyproject["tool"]["setuptools"]["packages"])
    package_root = repo_root / "scripts" / "postmortem_kit"
    found = {"postmortem_kit" + "".join("." + part for part in init.parent.relative_to(package_root).parts)
             for init in package_root.rglob("__init__.py")}
    data_dirs = {"postmortem_kit" + "".join("." + part for part in folder.relative_to(package_root).parts)
                 for folder in package_root.rglob("*") if folder.is_dir() and folder.name != "__pycache__"
                 and not (folder / "__init__.py").exists()}
    found |= data_dirs
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
