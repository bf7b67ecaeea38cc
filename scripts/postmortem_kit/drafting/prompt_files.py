"""The drafting prompts: data files in ``postmortem_kit/prompts/``, assembled per section.

``manifest.yaml`` names the system prompt, the user-message template, the
repair template and one prompt per section (with its output-token cap).  The
prompt version is the manifest's ``version`` plus a hash of every prompt file,
so editing any prompt changes the version and with it every cache key.
Templates use ``${name}`` placeholders (``string.Template``), which leaves the
braces of pasted JSON logs alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template
from typing import Any

import yaml

from postmortem_kit.core import PostmortemError, package_file


class PromptError(PostmortemError, ValueError):
    """The prompt files are incomplete or malformed."""


@dataclass(frozen=True)
class SectionPrompt:
    section: str
    task: str
    max_output_tokens: int


@dataclass(frozen=True)
class PromptSet:
    version: str
    system: str
    user_template: str
    repair_template: str
    sections: dict[str, SectionPrompt]


@dataclass(frozen=True)
class PromptContext:
    """Everything a section prompt is filled with (already redacted and truncated)."""

    incident_id: str
    title: str
    status: str
    services: str
    tags: str
    facts: str
    zone: str
    timeline: str
    system_context: str
    incident_data: str
    existing: str
    owners: str = "(none named)"


@cache
def load_prompts(directory: str | None = None) -> PromptSet:
    root = Path(directory) if directory else package_file(__package__, "prompts")
    manifest_path = root / "manifest.yaml"
    try:
        manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise PromptError(f"{manifest_path}: cannot read the prompt manifest: {error}") from None
    digest = hashlib.sha256(manifest_path.read_bytes())

    def read(name: Any, what: str) -> str:
        if not isinstance(name, str):
            raise PromptError(f"{manifest_path}: `{what}` must name a prompt file")
        path = root / name
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise PromptError(f"{path}: cannot read the {what} prompt: {error.strerror or error}") from None
        digest.update(name.encode() + b"\0" + text.encode())
        return text.strip() + "\n"

    system = read(manifest.get("system"), "system")
    user = read(manifest.get("user"), "user")
    repair = read(manifest.get("repair"), "repair")
    sections: dict[str, SectionPrompt] = {}
    for section, entry in (manifest.get("sections") or {}).items():
        if not isinstance(entry, dict):
            raise PromptError(f"{manifest_path}: section {section!r} needs `prompt` and `max_output_tokens`")
        tokens = entry.get("max_output_tokens", 2000)
        if not isinstance(tokens, int) or tokens <= 0:
            raise PromptError(f"{manifest_path}: section {section!r}: max_output_tokens must be a positive integer")
        sections[section] = SectionPrompt(section, read(entry.get("prompt"), f"{section} section"), tokens)
    version = f"{manifest.get('version', '0')}+{digest.hexdigest()[:12]}"
    return PromptSet(version, system, user, repair, sections)


def build_messages(prompts: PromptSet, section: str, context: PromptContext) -> list[dict[str, str]]:
    try:
        task = prompts.sections[section].task
    except KeyError:
        raise PromptError(f"no prompt for section {section!r} in the prompt manifest") from None
    user = Template(prompts.user_template).safe_substitute(
        id=context.incident_id, title=context.title, status=context.status, services=context.services,
        tags=context.tags, facts=context.facts, zone=context.zone, timeline=context.timeline,
        system_context=context.system_context, incident_data=context.incident_data,
        existing=context.existing, owners=context.owners, section=section, task=task.strip())
    return [{"role": "system", "content": prompts.system}, {"role": "user", "content": user}]


def repair_messages(prompts: PromptSet, section: str, messages: list[dict[str, str]], answer: str | None,
                    problems: list[str]) -> list[dict[str, str]]:
    """The conversation continued with the rejected answer and what was wrong with it."""
    listed = "\n".join(f"- {problem}" for problem in problems)
    text = Template(prompts.repair_template).safe_substitute(section=section, problems=listed)
    continued = list(messages)
    if answer:
        continued.append({"role": "assistant", "content": answer})
    continued.append({"role": "user", "content": text})
    return continued
