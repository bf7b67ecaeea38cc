"""Settings for `postmortem draft`: defaults < configuration file < command-line flags.

The configuration file is YAML with a ``draft:`` mapping; ``--config PATH``
names it, otherwise ``.postmortem-kit.yaml`` is looked up from the incident's
folder up to the root of its git work tree.  API keys are never read from the
file: the openai provider takes ``OPENAI_API_KEY`` (and ``OPENAI_BASE_URL``
when no ``base_url`` is configured) from the environment, exactly as the
openai client does.

    draft:
      provider: openai            # or offline; default: openai when OPENAI_API_KEY is set
      model: gpt-4.1-mini
      base_url: http://localhost:11434/v1   # Ollama, vLLM, Azure OpenAI (…/openai/v1/)
      server: auto                # openai, azure, vllm, llama.cpp, llama-cpp-python, ollama, lmstudio,
                                  # portable; auto: OpenAI/Azure from the URL, else portable
      timeout: 120                # seconds to the first token (and between tokens) of an answer
      max_retries: 2              # retries of 429/503/502/504, timeouts and lost connections only
      strict: true                # start the format ladder at strict structured outputs
      temperature: null           # omitted unless set
      token_budget: 150000        # per run, prompt + completion
      jobs: null                  # most requests in flight; default 12 for OpenAI/Azure, else 4
                                  # (self-hosted servers start at 2 and adapt)
      cache: true
      cache_dir: null             # default: <repo>/.cache/postmortem-kit/drafts
      max_log_chars: 12000        # pasted logs are shortened to this, keeping errors
      max_field_chars: 4000       # cap per drafted string
      owners: [team-payments]     # teams and handles a draft may name as owners (besides the incident's)
      links: {allow: [github.com]}   # link hosts that stay clickable in drafted text
      redaction:
        extra_patterns:
          - {id: customer-id, regex: 'CUST-[0-9]{6}'}
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from postmortem_kit.core import PostmortemError

CONFIG_NAME = ".postmortem-kit.yaml"
DEFAULT_MODEL = "gpt-4.1-mini"
PROVIDERS = ("openai", "offline")
# Server profiles (providers/formats.PROFILES has one per name but auto).
SERVERS = ("auto", "openai", "azure", "vllm", "llama.cpp", "llama-cpp-python", "ollama", "lmstudio", "portable")


class DraftConfigError(PostmortemError, ValueError):
    """The configuration is unusable (one-line message with the file name)."""


@dataclass(frozen=True)
class DraftConfig:
    provider: str | None = None  # None: openai when OPENAI_API_KEY is set, else offline
    model: str = DEFAULT_MODEL
    base_url: str | None = None
    server: str = "auto"
    timeout: float = 120.0  # seconds to the first token of a streamed answer
    max_retries: int = 2
    strict: bool = True
    temperature: float | None = None
    token_budget: int | None = 150_000
    jobs: int | None = None  # most requests in flight (None: 12 for hosted APIs, 4 for self-hosted servers)
    cache: bool = True
    cache_dir: str | None = None
    max_log_chars: int = 12_000
    max_field_chars: int = 4_000
    link_allowlist: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()  # teams/handles a draft may name as owners, besides those in the incident
    redaction_patterns: tuple[dict, ...] = field(default_factory=tuple)
    source: str | None = None  # the configuration file read, if any

    def resolved_provider(self) -> str:
        if self.provider:
            return self.provider
        return "openai" if os.environ.get("OPENAI_API_KEY") else "offline"

    def with_overrides(self, **values: Any) -> DraftConfig:
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in values.items() if k in known and v is not None})


_SIMPLE = {
    "provider": str, "server": str, "model": str, "base_url": str, "timeout": (int, float), "max_retries": int, "strict": bool,
    "temperature": (int, float), "token_budget": int, "jobs": int, "cache": bool, "cache_dir": str,
    "max_log_chars": int, "max_field_chars": int,
}


def find_config(start: Path) -> Path | None:
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        path = candidate / CONFIG_NAME
        if path.is_file():
            return path
        if (candidate / ".git").exists():
            return None
    return None


def load_config(path: str | Path | None = None, *, incident: str | Path | None = None) -> DraftConfig:
    """Read the configuration file (``path``, else the one found near ``incident``); defaults if none."""
    if path is None:
        found = find_config(Path(incident)) if incident is not None else None
        if found is None:
            return DraftConfig()
        path = found
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DraftConfigError(f"{path}: configuration file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise DraftConfigError(f"{path}: cannot read the configuration file: {error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise DraftConfigError(f"{path}{where}: invalid YAML in the configuration file") from None
    if raw is None:
        return DraftConfig(source=str(path))
    if not isinstance(raw, dict):
        raise DraftConfigError(f"{path}: the configuration file must be a mapping with a `draft:` key")
    section = raw.get("draft", {})
    if section is None:
        section = {}
    if not isinstance(section, dict):
        raise DraftConfigError(f"{path}: `draft` must be a mapping")
    return parse_settings(section, str(path))


def parse_settings(section: dict[str, Any], where: str) -> DraftConfig:
    values: dict[str, Any] = {"source": where}
    for key, value in section.items():
        if key in ("api_key", "openai_api_key", "key"):
            raise DraftConfigError(f"{where}: `draft.{key}`: never store API keys in the configuration file; "
                                   "set OPENAI_API_KEY in the environment")
        if key == "links":
            allow = value.get("allow") if isinstance(value, dict) else None
            if not isinstance(allow, list) or not all(isinstance(h, str) for h in allow):
                raise DraftConfigError(f"{where}: `draft.links.allow` must be a list of host names")
            values["link_allowlist"] = tuple(allow)
            continue
        if key == "owners":
            if not isinstance(value, list) or not all(isinstance(h, str) for h in value):
                raise DraftConfigError(f"{where}: `draft.owners` must be a list of team names or handles")
            values["owners"] = tuple(value)
            continue
        if key == "redaction":
            extra = value.get("extra_patterns") if isinstance(value, dict) else None
            if not isinstance(extra, list):
                raise DraftConfigError(f"{where}: `draft.redaction.extra_patterns` must be a list of patterns")
            values["redaction_patterns"] = tuple(extra)
            continue
        expected = _SIMPLE.get(key)
        if expected is None:
            known = ", ".join([*_SIMPLE, "links", "owners", "redaction"])
            raise DraftConfigError(f"{where}: unknown setting `draft.{key}` (known: {known})")
        if value is None and key in ("base_url", "temperature", "token_budget", "cache_dir", "provider", "jobs"):
            continue
        if isinstance(value, bool) and expected is not bool:
            raise DraftConfigError(f"{where}: `draft.{key}` must be a number, not {value!r}")
        if not isinstance(value, expected):
            raise DraftConfigError(f"{where}: `draft.{key}` has the wrong type ({type(value).__name__})")
        values[key] = value
    config = DraftConfig(**values)
    validate(config, where)
    return config


def validate(config: DraftConfig, where: str) -> None:
    if config.provider is not None and config.provider not in PROVIDERS:
        raise DraftConfigError(f"{where}: provider must be one of {', '.join(PROVIDERS)} (got {config.provider!r})")
    if config.server not in SERVERS:
        raise DraftConfigError(f"{where}: server must be one of {', '.join(SERVERS)} (got {config.server!r})")
    if config.timeout <= 0:
        raise DraftConfigError(f"{where}: timeout must be a positive number of seconds")
    if config.max_retries < 0:
        raise DraftConfigError(f"{where}: max_retries must be 0 or more")
    if config.jobs is not None and config.jobs < 1:
        raise DraftConfigError(f"{where}: jobs must be at least 1")
    if config.token_budget is not None and config.token_budget <= 0:
        raise DraftConfigError(f"{where}: token_budget must be a positive number of tokens")
    if config.max_log_chars < 200 or config.max_field_chars < 80:
        raise DraftConfigError(f"{where}: max_log_chars must be at least 200 and max_field_chars at least 80")
    if config.base_url is not None and not config.base_url.startswith(("http://", "https://")):
        raise DraftConfigError(f"{where}: base_url must start with http:// or https://")
