"""Drafting for the pull-request job: `postmortem_kit.drafting.engine.draft_incident`, per file.

Only what the comment needs is kept: each drafted section's YAML text,
whether it could be appended (the file lacks the section) or replaces a
present-but-unfinished one, the dropped sections with their reasons, the
provenance (provider, model, prompt version, input hash) and token usage.
A file that cannot be drafted records why, and the job goes on.

Provider choice (``auto``): the openai provider only when ``OPENAI_API_KEY``
is set *and* the pull request comes from the base repository; a fork's pull
request is always drafted offline, whatever the environment holds.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any

PROVIDER_CHOICES = ("auto", "offline", "openai")


@dataclass
class FileDrafts:
    drafts: list[dict[str, Any]] = field(default_factory=list)  # {"section", "yaml", "replaces"}
    values: dict[str, Any] = field(default_factory=dict)  # section -> value (appendable ones, for anchoring)
    every: dict[str, Any] = field(default_factory=dict)  # section -> value (every draft, for grounding marks)
    dropped: list[dict[str, str]] = field(default_factory=list)  # {"section", "reason"}
    provenance: dict[str, str] | None = None
    usage: dict[str, int] | None = None
    error: str | None = None


@dataclass
class DraftSettings:
    provider: str = "auto"
    config_path: str | None = None
    model: str | None = None
    cache_dir: str | None = None
    fork: bool = False

    def resolved_provider(self, env: dict[str, str] | None = None) -> str:
        env = os.environ if env is None else env
        if self.fork:
            return "offline"
        if self.provider == "auto":
            return "openai" if env.get("OPENAI_API_KEY") else "offline"
        return self.provider


def load_draft_config(settings: DraftSettings, workspace: str):
    """The drafting configuration (file, then overrides); raises DraftConfigError when unusable."""
    from postmortem_kit.drafting import load_config, validate

    config = load_config(settings.config_path, incident=workspace)
    cache_dir = settings.cache_dir
    if cache_dir is None and config.cache_dir is None and not os.environ.get("POSTMORTEM_KIT_CACHE_DIR"):
        cache_dir = os.path.join(workspace, ".cache", "postmortem-kit", "drafts")
    config = config.with_overrides(provider=settings.resolved_provider(), model=settings.model, cache_dir=cache_dir)
    validate(config, "command line")
    return config


def draft_file(doc, config) -> FileDrafts:
    """Draft what ``doc`` (a loaded SourceDocument) is missing."""
    from postmortem_kit.drafting import DraftConfigError, DraftInputError, ProviderError, draft_incident

    try:
        result = draft_incident(doc, config=config)
    except (DraftInputError, DraftConfigError, ProviderError) as error:
        return FileDrafts(error=str(error).splitlines()[0][:500])
    out = FileDrafts(provenance={k: str(v) for k, v in result.provenance.to_dict().items() if k != "schema"})
    usage = result.usage.to_dict()
    out.usage = {"prompt_tokens": usage["prompt_tokens"], "completion_tokens": usage["completion_tokens"],
                 "model_calls": usage["model_calls"], "cache_hits": result.cache_hits}
    for section, draft in result.drafted.items():
        out.drafts.append({"section": section, "yaml": draft.yaml_text, "replaces": not draft.appendable})
        out.every[section] = draft.value
        if draft.appendable:
            out.values[section] = draft.value
    out.dropped = [{"section": gone.section, "reason": gone.reason} for gone in result.dropped]
    return out


def value_hash(value: Any) -> str:
    """A short stable hash of a section's value: stage 1 hashes what the file has, stage 2 what it
    offered, and a match means the section is a draft that was accepted unchanged."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
