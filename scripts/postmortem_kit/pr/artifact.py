"""The file stage 1 writes and stage 2 reads: ``result.json``, validated strictly.

Stage 1 (`postmortem pr check`) runs with the pull request's code and a
read-only token, so whatever it uploads may have been written by an
attacker.  Stage 2 (`postmortem pr post`) therefore reads the artifact as
untrusted data, in this order, before anything reaches GitHub:

1. size cap (``MAX_RESULT_BYTES``) before reading, UTF-8, strict JSON (no
   duplicate keys, no NaN/Infinity), nesting depth cap;
2. the JSON Schema ``schema/pr-result.schema.json`` (closed objects, every
   string and list length-capped, shas, names, enums);
3. meaning: known section names, no repeated paths or sections, and the
   artifact must describe the run the ``workflow_run`` event names (same
   repository, head commit and head repository; the pull request number is
   one the event lists, and `postmortem pr post` checks it through the API);
4. every drafted section is loaded again with the strict incident loader,
   must be exactly ``{section: value}``, has every string passed through
   ``untrusted_text.make_inert`` again (re-rendered when that changed
   anything) and must match the section's schema (template placeholders
   allowed, as in a draft).  A draft that fails is dropped with the reason.

Text is neutralised once more when it is rendered (``pr_inert``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from postmortem_kit.core import LIMITS, FileReadError, PostmortemError, read_bytes, write_atomic
from postmortem_kit.pr.event import PrEvent

RESULT_FORMAT = "postmortem-kit/pr-result"
RESULT_VERSION = 2
SCHEMA_FILE = "pr-result.schema.json"
MAX_RESULT_BYTES = LIMITS["artifact"]
MAX_DEPTH = 12


class ArtifactError(PostmortemError, ValueError):
    """The artifact is unusable (one-line message, exit 2)."""


@cache
def _validator():
    from jsonschema import Draft202012Validator

    from postmortem_kit.core import schema_file

    with open(schema_file(SCHEMA_FILE), encoding="utf-8") as handle:
        schema = json.load(handle)
    return Draft202012Validator(schema)


def schema_problems(result: Any) -> list[str]:
    errors = sorted(_validator().iter_errors(result), key=lambda e: list(e.absolute_path))
    out = []
    for error in errors[:5]:
        where = "/".join(str(part) for part in error.absolute_path) or "(top)"
        out.append(f"at {where}: {error.message[:200]}")
    return out


def write_result(result: dict[str, Any], path: str | Path) -> None:
    """Write ``result`` atomically, after checking it against the schema stage 2 will use."""
    problems = schema_problems(result)
    if problems:  # a bug in stage 1, never user input
        raise ArtifactError(f"internal error: the result does not match {SCHEMA_FILE}: {problems[0]}")
    path = Path(path)
    write_atomic(path, json.dumps(result, indent=1, ensure_ascii=False, sort_keys=False) + "\n")


# --------------------------------------------------------------------------- reading (stage 2)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ArtifactError(f"duplicate key {key[:60]!r}")
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise ArtifactError(f"{name} is not JSON")


def _depth_ok(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return True


def parse_result(raw: bytes, where: str) -> dict[str, Any]:
    if len(raw) > MAX_RESULT_BYTES:
        raise ArtifactError(f"{where}: {len(raw):,} bytes, more than the {MAX_RESULT_BYTES:,} accepted")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ArtifactError(f"{where}: not UTF-8 (byte {error.start})") from None
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except ArtifactError as error:
        raise ArtifactError(f"{where}: {error}") from None
    except (ValueError, RecursionError) as error:
        raise ArtifactError(f"{where}: not JSON ({str(error).splitlines()[0][:120]})") from None
    if not _depth_ok(data, MAX_DEPTH):
        raise ArtifactError(f"{where}: nested deeper than {MAX_DEPTH} levels")
    if not isinstance(data, dict) or data.get("format") != RESULT_FORMAT:
        raise ArtifactError(f"{where}: not a postmortem pr result (format {RESULT_FORMAT!r} expected)")
    if data.get("version") != RESULT_VERSION:
        raise ArtifactError(f"{where}: result version {str(data.get('version'))[:20]!r} is not supported "
                            f"(expected {RESULT_VERSION}; use the same postmortem-kit version in both stages)")
    problems = schema_problems(data)
    if problems:
        raise ArtifactError(f"{where}: does not match {SCHEMA_FILE}: {problems[0]}")
    return data


def read_result(path: str | Path) -> dict[str, Any]:
    try:
        raw = read_bytes(path, "artifact")
    except FileReadError as error:
        raise ArtifactError(f"cannot read the result: {error}") from None
    return parse_result(raw, str(path))


def check_meaning(result: dict[str, Any], where: str) -> None:
    from postmortem_kit.incident import analysis_sections

    known = set(analysis_sections())
    paths: set[str] = set()
    for entry in result["files"]:
        if entry["path"] in paths:
            raise ArtifactError(f"{where}: file {entry['path'][:200]!r} is listed twice")
        paths.add(entry["path"])
        seen: set[str] = set()
        for item in [*entry["drafts"], *entry["dropped"]]:
            if item["section"] not in known:
                raise ArtifactError(f"{where}: unknown section {item['section']!r}")
            if item["section"] in seen:
                raise ArtifactError(f"{where}: section {item['section']!r} appears twice for one file")
            seen.add(item["section"])
    if result["listing"]["incident_files"] != len(result["files"]):
        raise ArtifactError(f"{where}: listing.incident_files does not match the files listed")


def check_event(result: dict[str, Any], event: PrEvent, where: str) -> None:
    """The artifact must describe the run the event is about."""
    if result["repository"].lower() != event.repository.lower():
        raise ArtifactError(f"{where}: written for {result['repository']}, but this run is for {event.repository}")
    if event.run is not None:
        run = event.run
        if result["head_sha"] != run.head_sha:
            raise ArtifactError(f"{where}: written for commit {result['head_sha'][:12]}, but the completed run "
                                f"checked {run.head_sha[:12]}")
        if run.head_repository and result["head_repository"] and \
                result["head_repository"].lower() != run.head_repository.lower():
            raise ArtifactError(f"{where}: written for head repository {result['head_repository']}, but the run "
                                f"came from {run.head_repository}")
        if run.pull_numbers and result["pull_number"] not in run.pull_numbers:
            raise ArtifactError(f"{where}: names pull request #{result['pull_number']}, which the completed run "
                                f"does not belong to ({', '.join(f'#{n}' for n in run.pull_numbers)})")
    elif event.pull is not None:
        if result["pull_number"] != event.pull.number or result["head_sha"] != event.pull.head_sha:
            raise ArtifactError(f"{where}: written for #{result['pull_number']} at {result['head_sha'][:12]}, "
                                f"not for #{event.pull.number} at {event.pull.head_sha[:12]}")


def load_result(path: str | Path, event: PrEvent, *, hosts: tuple[str, ...] = ()) -> dict[str, Any]:
    """Read, validate and clean one artifact for ``event`` (see module doc); raises ArtifactError."""
    result = read_result(path)
    where = str(path)
    check_meaning(result, where)
    check_event(result, event, where)
    for entry in result["files"]:
        kept = []
        for draft in entry["drafts"]:
            text, problem = clean_draft(draft["section"], draft["yaml"], hosts)
            if problem:
                entry["dropped"].append({"section": draft["section"], "reason": f"rejected by the posting job: {problem}"})
            else:
                kept.append({**draft, "yaml": text, "value_hash": _value_hash(draft["section"], text)})
        entry["drafts"] = kept
        if entry["change"] == "removed" or entry["anchor"] is None:
            entry["anchor"] = None
    return result


def _value_hash(section: str, text: str) -> str:
    """Hash of the value stage 2 offers (what a reviewer commits), for recognising it once accepted."""
    from postmortem_kit.core import load_yaml_text
    from postmortem_kit.pr.drafts import value_hash

    return value_hash(load_yaml_text(text, f"<draft {section}>").data[section])


def clean_draft(section: str, text: str, hosts: tuple[str, ...] = ()) -> tuple[str, str | None]:
    """Stage 2's own check of one drafted section: (YAML text to show, problem or None)."""
    from postmortem_kit.core import YamlLoadError, load_yaml_text
    from postmortem_kit.drafting import DraftOutputError, section_yaml
    from postmortem_kit.textsafety import InertPolicy, make_inert

    try:
        doc = load_yaml_text(text, f"<draft {section}>")
    except YamlLoadError as error:
        return text, f"the drafted YAML does not load ({error.finding.message[:150]})"
    if doc.findings or not isinstance(doc.data, dict) or list(doc.data) != [section]:
        return text, f"the drafted YAML is not exactly one `{section}` section"
    policy = InertPolicy.build(hosts, 4000)
    changed = False

    def walk(node: Any) -> Any:
        nonlocal changed
        if isinstance(node, str):
            inert = make_inert(node, policy)
            changed = changed or inert != node
            return inert
        if isinstance(node, dict):
            return {key: walk(child) for key, child in node.items()}
        if isinstance(node, list):
            return [walk(child) for child in node]
        return node

    value = walk(doc.data[section])
    problem = _section_schema_problem(section, value)
    if problem:
        return text, problem
    if changed:
        try:
            text = section_yaml(section, value)
        except DraftOutputError as error:
            return text, str(error)
    return text, None


def _section_schema_problem(section: str, value: Any) -> str | None:
    from postmortem_kit.incident import find_placeholder

    for error in _section_validator(section).iter_errors(value):
        instance = error.instance
        if isinstance(instance, str) and find_placeholder(instance):
            continue  # a draft may hold template placeholders (the offline provider's TODO(draft))
        where = ".".join(str(part) for part in error.absolute_path) or section
        return f"{section}.{where}: {error.message[:150]}" if error.absolute_path else f"{section}: {error.message[:150]}"
    return None


@cache
def _section_validator(section: str):
    from jsonschema import Draft202012Validator

    from postmortem_kit.incident import section_subschema

    return Draft202012Validator(section_subschema(section), format_checker=Draft202012Validator.FORMAT_CHECKER)
