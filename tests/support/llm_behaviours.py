"""How the OpenAI-compatible servers teams self-host treat structured-output requests, replayed.

Each behaviour is set on the test server (``server.behaviour = LlamaServer()``)
and rejects exactly what that server is documented to reject, with the status
and the error body shape that server sends.  What it accepts is answered by the
server's script as usual (a schema-following draft by default).

Sources (paraphrased): the servers' own documentation and issue threads, as
summarised in docs/guide/drafting-servers.md.
"""

from __future__ import annotations

import json
import re
import threading
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

from support.llm_server import Context, Reply, completion


def _walk(node: Any):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _patterns(schema: Any) -> list[str]:
    return [node["pattern"] for node in _walk(schema) if isinstance(node.get("pattern"), str)]


def _has_key(schema: Any, *keys: str) -> bool:
    return any(key in node for node in _walk(schema) for key in keys)


class Behaviour:
    """Accepts everything (an ideal server)."""

    name = "ideal"

    @contextmanager
    def slot(self):
        yield

    def check(self, ctx: Context, path: str) -> Reply | None:
        return None

    @staticmethod
    def fmt(ctx: Context) -> dict[str, Any]:
        value = ctx.body.get("response_format")
        return value if isinstance(value, dict) else {}


def openai_error(status: int, message: str, kind: str = "invalid_request_error", param: str | None = None) -> Reply:
    return Reply(status=status, payload={"error": {"message": message, "type": kind, "param": param, "code": None}})


class OpenAIStrict(Behaviour):
    """OpenAI: strict needs every property required and additionalProperties false; json_object needs 'json'."""

    name = "openai"
    UNSUPPORTED = ("minLength", "maxLength", "not", "allOf", "if", "then", "else", "uniqueItems",
                   "patternProperties", "examples")

    def check(self, ctx, path):
        fmt = self.fmt(ctx)
        if fmt.get("type") == "json_schema":
            spec = fmt.get("json_schema") or {}
            schema = spec.get("schema") or {}
            for keyword in self.UNSUPPORTED:
                if _has_key(schema, keyword):
                    return openai_error(400, f"Invalid schema for response_format '{spec.get('name')}': "
                                             f"In context=(), '{keyword}' is not permitted.", param="response_format")
            if spec.get("strict"):
                for node in _walk(schema):
                    if node.get("type") == "object" and (
                            node.get("additionalProperties") is not False
                            or set(node.get("required", [])) != set(node.get("properties", {}))):
                        return openai_error(400, f"Invalid schema for response_format '{spec.get('name')}': "
                                                 "In context=(), 'required' is required to be supplied and to be "
                                                 "an array including every key in properties.",
                                            param="response_format")
        if fmt.get("type") == "json_object" and "json" not in ctx.prompt_text.lower():
            return openai_error(400, "'messages' must contain the word 'json' in some form, to use "
                                     "'response_format' of type 'json_object'.", param="messages")
        return None


class AzureOpenAI(OpenAIStrict):
    """Azure OpenAI: json_schema only from api-version 2024-08-01-preview; no pattern/format/numeric bounds."""

    name = "azure"

    def __init__(self, api_version: str | None = None):
        self.api_version = api_version

    def check(self, ctx, path):
        fmt = self.fmt(ctx)
        version = self.api_version or (parse_qs(urlsplit(path).query).get("api-version") or [None])[0]
        if fmt.get("type") == "json_schema":
            if version is not None and version < "2024-08-01-preview":
                return openai_error(400, "response_format value as json_schema is enabled only for api versions "
                                         "2024-08-01-preview and later", param="response_format")
            schema = (fmt.get("json_schema") or {}).get("schema") or {}
            for keyword in ("pattern", "format", "minimum", "maximum"):
                if _has_key(schema, keyword):
                    return openai_error(400, f"Invalid schema for response_format: '{keyword}' is not supported.",
                                        param="response_format")
        return super().check(ctx, path)


class VLLM(Behaviour):
    """vLLM guided decoding: regex patterns must be anchored; errors in vLLM's own shape."""

    name = "vllm"

    def check(self, ctx, path):
        fmt = self.fmt(ctx)
        schema = (fmt.get("json_schema") or {}).get("schema") if fmt.get("type") == "json_schema" else None
        for pattern in _patterns(schema):
            if not (pattern.startswith("^") and pattern.endswith("$")):
                return Reply(status=400, payload={"object": "error", "type": "BadRequestError", "param": None,
                                                  "code": 400, "message": f"Unsupported regex pattern {pattern!r}"})
        return None


class LlamaServer(Behaviour):
    """llama.cpp llama-server: 503 while loading; patterns must be anchored (older builds: HTTP 400)."""

    name = "llama.cpp"

    def __init__(self, loading: int = 0, reject_all_patterns: bool = False):
        self.loading = loading
        self.reject_all_patterns = reject_all_patterns
        self._lock = threading.Lock()

    def check(self, ctx, path):
        with self._lock:
            if self.loading > 0:
                self.loading -= 1
                return Reply(status=503, payload={"error": {"code": 503, "message": "Loading model",
                                                            "type": "unavailable_error"}})
        fmt = self.fmt(ctx)
        schema = (fmt.get("json_schema") or {}).get("schema") or fmt.get("schema")
        for pattern in _patterns(schema):
            if self.reject_all_patterns or not (pattern.startswith("^") and pattern.endswith("$")):
                return Reply(status=400, payload={"error": {
                    "code": 400, "type": "invalid_request_error",
                    "message": "JSON schema conversion failed:\nPattern must start with '^' and end with '$'"}})
        return None


class LlamaCppPython(Behaviour):
    """llama-cpp-python's server: only text/json_object (HTTP 500 otherwise), one request at a time.

    Its request model (0.3.16) has ``max_tokens`` and no ``max_completion_tokens``, which it ignores: a
    request without ``max_tokens`` is generated until the context is full (SmolLM2-135M wrote 7,415
    tokens, eleven minutes, for one review), answered here as a runaway cut off at the limit."""

    name = "llama-cpp-python"

    def __init__(self):
        self._slot = threading.Lock()
        self.concurrent_seen = 0
        self._active = 0
        self._count = threading.Lock()
        self.runaway = 0  # requests answered as a runaway (no max_tokens)

    @contextmanager
    def slot(self):
        with self._count:
            self._active += 1
            self.concurrent_seen = max(self.concurrent_seen, self._active)
        try:
            with self._slot:
                yield
        finally:
            with self._count:
                self._active -= 1

    def check(self, ctx, path):
        fmt = self.fmt(ctx)
        kind = fmt.get("type")
        if kind not in (None, "text", "json_object"):
            detail = [{"type": "literal_error", "loc": ["body", "response_format", "type"],
                       "msg": "Input should be 'text' or 'json_object'", "input": kind}]
            return Reply(status=500, payload={"error": {"message": json.dumps(detail), "type": "internal_server_error",
                                                        "param": None, "code": None}})
        schema = fmt.get("schema")
        crashes = any(re.search(r"\\d", p) for p in _patterns(schema)) or any(
            isinstance(node.get("maxLength"), int) and node["maxLength"] >= 5000 for node in _walk(schema))
        if crashes:
            return Reply(status=500, payload={"error": {"message": "Internal Server Error",
                                                        "type": "internal_server_error", "param": None,
                                                        "code": None}})
        if ctx.body.get("max_tokens") is None:
            self.runaway += 1
            return Reply(payload=completion(ctx, '{"candidates": [], "missed": [{"field": "' + "x " * 4000,
                                            finish_reason="length"))
        return None


class Ollama(Behaviour):
    """Ollama (0.5.0 and later): json_schema accepted, unknown keywords ignored; a pattern must match whole."""

    name = "ollama"

    def check(self, ctx, path):
        fmt = self.fmt(ctx)
        schema = (fmt.get("json_schema") or {}).get("schema") if fmt.get("type") == "json_schema" else None
        if any(not (p.startswith("^") and p.endswith("$")) for p in _patterns(schema)):
            return openai_error(400, "invalid JSON schema in format")
        return None


class LMStudio(Behaviour):
    """LM Studio: json_object is HTTP 400 with a plain string as the error; 4.19 refuses unanchored patterns."""

    name = "lmstudio"

    def check(self, ctx, path):
        fmt = self.fmt(ctx)
        if fmt.get("type") == "json_object":
            return Reply(status=400, payload={"error": "'response_format.type' must be 'json_schema' or 'text'"})
        schema = (fmt.get("json_schema") or {}).get("schema")
        if any(not (p.startswith("^") and p.endswith("$")) for p in _patterns(schema)):
            return Reply(status=400, payload={"error": {
                "code": 400, "type": "invalid_request_error",
                "message": "JSON schema conversion failed:\nPattern must start with '^' and end with '$'"}})
        return None


class NoStructuredOutputs(Behaviour):
    """A server that rejects every response_format (HTTP 400): only the prompt can ask for JSON."""

    name = "no-response-format"

    def check(self, ctx, path):
        if ctx.body.get("response_format"):
            return openai_error(400, "response_format is not supported by this server")
        return None


ALL = (OpenAIStrict, AzureOpenAI, VLLM, LlamaServer, LlamaCppPython, Ollama, LMStudio, NoStructuredOutputs)
