"""The provider protocol and the values that cross it.

A provider answers one ``SectionRequest`` with one ``ModelAnswer``.  Every
provider module registers a ``build(config)`` function in
``postmortem_kit.drafting.providers.REGISTRY``; nothing else knows the
concrete classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from postmortem_kit.core import PostmortemError


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0  # HTTP requests made, each retry and each format fallback included
    retries: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, other: Usage) -> None:
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.calls += other.calls
        self.retries += other.retries

    def to_dict(self) -> dict[str, int]:
        return {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
                "total_tokens": self.total_tokens, "model_calls": self.calls, "http_requests": self.calls,
                "retries": self.retries}


@dataclass
class SectionRequest:
    section: str
    messages: list[dict[str, str]]
    schema: dict[str, Any]
    schema_name: str
    max_output_tokens: int
    # What the offline provider builds its draft from (never sent anywhere).
    data: dict[str, Any] = field(default_factory=dict)
    facts: Any = None


@dataclass
class ModelAnswer:
    content: str | None = None
    refusal: str | None = None
    finish_reason: str | None = None
    usage: Usage = field(default_factory=Usage)
    model: str | None = None
    error: str | None = None  # not repairable: the request itself failed
    mode: str | None = None  # the response format that was answered (formats.MODE_LABELS)


class Provider(Protocol):
    name: str
    model: str
    makes_calls: bool  # False: nothing leaves the machine, nothing to cache

    def complete(self, request: SectionRequest) -> ModelAnswer: ...


class ProviderError(PostmortemError, ValueError):
    """The provider cannot be set up (missing key, bad settings): exit 2."""
