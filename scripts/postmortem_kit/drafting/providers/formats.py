"""Portable structured outputs: what each OpenAI-compatible server is sent, and what to do when it says no.

Servers differ in which ``response_format`` they accept and which JSON-schema
keywords their constrained decoding understands (docs/guide/drafting-servers.md
has the matrix).  Two things make one request work everywhere:

* **Schema shaping** (``shape_schema``): the generation schema keeps only the
  keywords that constrain generation safely on that server.  Unanchored
  patterns (``\\S``, ``[0-9]``) are never sent: they make llama.cpp and vLLM
  refuse the request and push a weak model to invent a digit.  The answer is
  still validated against the full incident schema afterwards.
* **The fallback ladder** (``MODES``): ``json_schema`` strict, then
  non-strict, then ``json_object`` (with the schema under ``schema``, which
  llama.cpp and llama-cpp-python use, and in the prompt), then no
  ``response_format`` at all with the schema in the prompt.  ``Capability``
  learns the rung from the first error that names the request format and
  keeps it for the run; such errors are never retried as they are.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

MODES = ("strict", "schema", "json_object", "prompt")
MODE_LABELS = {"strict": "json_schema (strict)", "schema": "json_schema (non-strict)",
               "json_object": "json_object", "prompt": "plain JSON, schema in the prompt"}
NUMERIC_BOUNDS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"})


@dataclass(frozen=True)
class Profile:
    """What one kind of server is sent first, and which schema keywords it is spared."""

    name: str
    first: str = "strict"  # the first rung of the ladder tried
    drop: frozenset[str] = frozenset()  # keywords removed from the generation schema
    patterns: str = "anchored"  # "anchored": keep ^...$ patterns only; "none": drop every pattern
    skip: frozenset[str] = frozenset()  # rungs this server is known to reject
    hosted: bool = False  # a hosted API: all sections at once (429 slows down); else start at 2
    # The request fields that cap the answer's length. OpenAI's newer models refuse the older
    # `max_tokens`; llama-cpp-python (0.3.x) and older self-hosted servers read only `max_tokens` and
    # ignore `max_completion_tokens`, so a small model there writes until the context is full.
    limit_fields: tuple[str, ...] = ("max_completion_tokens", "max_tokens")
    note: str = ""


PROFILES: dict[str, Profile] = {p.name: p for p in (
    Profile("openai", hosted=True, limit_fields=("max_completion_tokens",),
            note="strict structured outputs; anchored patterns and the standard formats kept"),
    Profile("azure", hosted=True, limit_fields=("max_completion_tokens",), drop=frozenset({"format"}) | NUMERIC_BOUNDS,
            patterns="none",
            note="json_schema needs api-version 2024-08-01-preview or later (the /openai/v1/ endpoint has it)"),
    Profile("vllm", note="guided decoding; unanchored patterns refused"),
    Profile("llama.cpp", patterns="none", drop=frozenset({"format"}),
            note="llama-server; older builds refuse unanchored patterns with HTTP 400, 503 while loading"),
    Profile("llama-cpp-python", first="json_object", patterns="none", drop=frozenset({"format"}) | NUMERIC_BOUNDS,
            note="only text/json_object (json_schema is HTTP 500); one request at a time"),
    Profile("ollama", patterns="none", drop=frozenset({"format"}), note="json_schema since 0.5.0"),
    Profile("lmstudio", patterns="none", drop=frozenset({"format"}), skip=frozenset({"json_object"}),
            note="json_object is HTTP 400"),
    Profile("portable", patterns="none", drop=frozenset({"format"}) | NUMERIC_BOUNDS,
            note="any other server: the keywords every constrained decoder understands"),
)}


def profile_for(server: str | None, base_url: str | None) -> Profile:
    """The profile named by ``server``; ``auto``/None guesses from the URL (OpenAI, Azure, else portable)."""
    if server and server != "auto":
        return PROFILES[server]
    host = (urlsplit(base_url).hostname or "") if base_url else "api.openai.com"
    if host == "api.openai.com":
        return PROFILES["openai"]
    if host.endswith((".openai.azure.com", ".cognitiveservices.azure.com")):
        return PROFILES["azure"]
    return PROFILES["portable"]


def _anchored(pattern: str) -> bool:
    return pattern.startswith("^") and pattern.endswith("$") and not pattern.endswith("\\$")


def shape_schema(schema: dict[str, Any], profile: Profile) -> dict[str, Any]:
    """A copy of ``schema`` with only the keywords ``profile``'s server constrains generation with safely."""

    def walk(node: Any, in_properties: bool = False) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if in_properties:  # property names, not keywords
                out[key] = walk(value)
                continue
            if key in profile.drop:
                continue
            if key == "pattern" and (profile.patterns == "none" or not _anchored(str(value))):
                continue
            out[key] = walk(value, in_properties=key == "properties")
        return out

    return walk(copy.deepcopy(schema))


SCHEMA_INTRO = "Answer with one JSON object (no Markdown fence, no text around it) that matches this JSON schema:"


def schema_in_prompt(messages: list[dict[str, str]], schema: dict[str, Any]) -> list[dict[str, str]]:
    """``messages`` with the schema appended to the last user message (json_object and plain modes)."""
    out = [dict(m) for m in messages]
    for message in reversed(out):
        if message.get("role") == "user":
            message["content"] = (f"{message['content'].rstrip()}\n\n{SCHEMA_INTRO}\n"
                                  f"```json\n{json.dumps(schema, ensure_ascii=False)}\n```\n")
            break
    return out


def request_options(mode: str, name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The ``response_format`` argument for ``mode`` (empty for the plain rung)."""
    if mode in ("strict", "schema"):
        return {"response_format": {"type": "json_schema", "json_schema": {
            "name": name, "schema": schema, "strict": mode == "strict"}}}
    if mode == "json_object":
        return {"response_format": {"type": "json_object", "schema": schema}}
    return {}


# --------------------------------------------------------------------------- errors


_FORMAT_WORDS = re.compile(r"response_format|json_schema|json_object|schema|grammar|pattern|structured|"
                           r"Input should be|not permitted|not supported|unsupported|strict", re.IGNORECASE)
_REQUEST_TOO_BIG = re.compile(r"context (?:length|window|size)|too many tokens|maximum context|too long|exceed",
                              re.IGNORECASE)
CAPABILITY, RETRYABLE, FATAL = "capability", "retryable", "fatal"


def classify(status: int | None, message: str, *, proven: bool) -> str:
    """What an HTTP error means for the ladder: step down, retry later, or give up.

    ``proven``: this rung already answered in this run, so it is not the format.
    """
    if status is None or status in (408, 429, 502, 503, 504):
        return RETRYABLE
    if status in (401, 403, 404):
        return FATAL
    if _REQUEST_TOO_BIG.search(message):
        return FATAL
    if status in (400, 415, 422, 500, 501) and not proven and _FORMAT_WORDS.search(message):
        return CAPABILITY
    if status >= 500:
        return RETRYABLE
    return FATAL


@dataclass
class Capability:
    """The ladder rung that works with this server, learned during the run (thread-safe)."""

    profile: Profile
    strict: bool = True
    index: int = 0
    proven: set[str] = field(default_factory=set)
    learned: list[str] = field(default_factory=list)  # "json_schema (strict) refused: HTTP 400 ..." lines
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        start = MODES.index(self.profile.first)
        if not self.strict and start == 0:
            start = 1
        self.index = start
        while MODES[self.index] in self.profile.skip and self.index < len(MODES) - 1:
            self.index += 1

    @property
    def mode(self) -> str:
        with self._lock:
            return MODES[self.index]

    def succeeded(self, mode: str) -> None:
        with self._lock:
            self.proven.add(mode)

    def is_proven(self, mode: str) -> bool:
        with self._lock:
            return mode in self.proven

    def refused(self, mode: str, why: str) -> bool:
        """Step below ``mode``; False when there is no rung left."""
        with self._lock:
            at = MODES.index(mode)
            if at < self.index:  # another thread already stepped down past it
                return True
            if at >= len(MODES) - 1:
                return False
            nxt = at + 1
            while MODES[nxt] in self.profile.skip and nxt < len(MODES) - 1:
                nxt += 1
            self.index = nxt
            self.learned.append(f"{MODE_LABELS[mode]} refused ({why}); using {MODE_LABELS[MODES[nxt]]}")
            return True
