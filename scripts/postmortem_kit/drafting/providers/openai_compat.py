"""The ``openai`` provider: the chat-completions API of OpenAI and of the servers teams self-host.

Works with OpenAI, Azure OpenAI (its ``/openai/v1/`` endpoint), vLLM,
llama.cpp's ``llama-server``, llama-cpp-python, Ollama and LM Studio through
``base_url``.  Per request:

* the response format comes from the server's rung on the fallback ladder
  and the schema is shaped for that server (``formats``); an error that names
  the format moves the whole run one rung down and the request is sent again
  there, never as it was;
* answers are streamed, so ``timeout`` bounds the time to the first token (and
  any silence between tokens), not the whole generation: a slow CPU server
  that is producing tokens is never cut off;
* ``Pacer`` keeps the number of requests in flight at what the server copes
  with; 429, 503 (a model still loading), 502/504, timeouts and dropped
  connections are retried up to ``max_retries`` times, after ``Retry-After``;
  nothing else is retried.  The openai client's own retries are off, so every
  HTTP request is counted (``RunStats``).
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any

from postmortem_kit.drafting.config import DraftConfig
from postmortem_kit.drafting.providers.base import ModelAnswer, ProviderError, SectionRequest, Usage
from postmortem_kit.drafting.providers.formats import (
    CAPABILITY,
    FATAL,
    MODE_LABELS,
    RETRYABLE,
    Capability,
    classify,
    profile_for,
    request_options,
    schema_in_prompt,
    shape_schema,
)
from postmortem_kit.drafting.providers.pacing import Pacer, RunStats, retry_after_seconds


class _Failure(Exception):
    def __init__(self, status: int | None, message: str, headers=None, timeout: bool = False):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers
        self.timeout = timeout


class OpenAIProvider:
    name = "openai"
    makes_calls = True

    def __init__(self, *, model: str, base_url: str | None = None, api_key: str | None = None,
                 timeout: float = 120.0, max_retries: int = 2, strict: bool = True,
                 temperature: float | None = None, server: str | None = "auto", jobs: int | None = None,
                 stream: bool = True):
        import os

        import openai

        self.model = model
        self.timeout = timeout
        self.max_retries = max_retries
        self.strict = strict
        self.temperature = temperature
        self.stream = stream
        base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        api_key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        try:
            self.client = _client(base_url, api_key, float(timeout))
        except openai.OpenAIError as error:
            raise ProviderError(f"openai provider: {error}") from None
        self.base_url = str(self.client.base_url)
        self.profile = profile_for(server, base_url)
        self.capability = Capability(self.profile, strict=strict)
        if self.profile.hosted:  # every section at once; a 429 halves it
            self.pacer = Pacer(start=jobs or 12, maximum=jobs or 12)
        else:  # a self-hosted server: start at 2, grow to jobs (default 4) while answers come back cleanly
            self.pacer = Pacer(start=2, maximum=jobs or 4)
        self.stats = RunStats()
        self._broken: str | None = None  # 401/403/404: every further request would fail the same way

    # -- one section
    def complete(self, request: SectionRequest) -> ModelAnswer:
        usage = Usage()
        retry = False
        retries_left = self.max_retries
        while True:
            if self._broken:
                return ModelAnswer(usage=usage, error=self._broken)
            mode = self.capability.mode
            try:
                with self.pacer.slot(retry=retry):
                    mode = self.capability.mode  # read in the slot: an earlier request may have stepped down
                    answer = self._send(request, mode, usage)
            except _Failure as failure:
                kind = RETRYABLE if failure.timeout else classify(
                    failure.status, failure.message, proven=self.capability.is_proven(mode))
                what = self._describe(failure)
                if kind == CAPABILITY and self.capability.refused(mode, what):
                    self.stats.add(fallbacks=1)
                    retry = True
                    continue
                if kind == RETRYABLE and retries_left > 0:
                    if failure.timeout or failure.status in (429, 503):
                        self.pacer.overloaded(retry_after_seconds(failure.headers))
                    retries_left -= 1
                    usage.retries += 1
                    self.stats.add(retries=1)
                    retry = True
                    continue
                if kind == FATAL and failure.status in (401, 403, 404):
                    self._broken = what
                if kind == RETRYABLE and self.max_retries:
                    what += f" ({self.max_retries} retr{'y' if self.max_retries == 1 else 'ies'})"
                return ModelAnswer(usage=usage, error=what)
            self.capability.succeeded(mode)
            self.pacer.ok()
            return answer

    def _describe(self, failure: _Failure) -> str:
        if failure.timeout:
            return f"no first token within the {self.timeout:g} s timeout"
        if failure.status is None:
            return failure.message
        if failure.status == 429:
            return f"rate limited (HTTP 429): {failure.message}"
        return f"HTTP {failure.status} from the model API: {failure.message}"

    def _send(self, request: SectionRequest, mode: str, usage: Usage) -> ModelAnswer:
        import openai

        timeout_errors, transport_errors = _transport_errors()

        schema = shape_schema(request.schema, self.profile)
        messages = request.messages
        if mode in ("json_object", "prompt"):
            messages = schema_in_prompt(messages, schema)
        options: dict[str, Any] = request_options(mode, request.schema_name, schema)
        options.update({key: request.max_output_tokens for key in self.profile.limit_fields})
        if self.temperature is not None:
            options["temperature"] = self.temperature
        if self.stream:
            options["stream"] = True
            options["stream_options"] = {"include_usage": True}
        usage.calls += 1
        self.stats.add(http_requests=1)
        started = time.monotonic()
        try:
            response = self.client.chat.completions.create(
                model=self.model, messages=messages, **options)  # type: ignore[arg-type]
            answer = _read_stream(response) if self.stream else _read_whole(response)
        except (openai.APITimeoutError, *timeout_errors):
            self.stats.add(timeouts=1)
            raise _Failure(None, "timeout", timeout=True) from None
        except openai.APIStatusError as error:
            if error.status_code in (429, 503):
                self.stats.add(overloaded=1)
            raise _Failure(error.status_code, _api_message(error), error.response.headers) from None
        except (openai.APIConnectionError, *transport_errors):
            raise _Failure(None, f"cannot connect to the model API at {self.base_url}") from None
        except openai.OpenAIError as error:
            raise _Failure(500, f"model API error: {error}") from None
        finally:
            self.stats.add(seconds_in_requests=time.monotonic() - started)
        if answer.usage.total_tokens == 0 and (answer.content or answer.refusal):
            from postmortem_kit.drafting.token_budget import estimate_tokens

            answer.usage.prompt_tokens = estimate_tokens(messages)
            answer.usage.completion_tokens = max(1, len(answer.content or answer.refusal or "") // 4)
            self.stats.add(estimated_tokens=answer.usage.total_tokens)
        self.stats.add(prompt_tokens=answer.usage.prompt_tokens, completion_tokens=answer.usage.completion_tokens)
        usage.prompt_tokens += answer.usage.prompt_tokens
        usage.completion_tokens += answer.usage.completion_tokens
        answer.usage = usage
        answer.mode = MODE_LABELS[mode]
        return answer


def _read_whole(response) -> ModelAnswer:
    usage = Usage()
    if response.usage is not None:
        usage.prompt_tokens = response.usage.prompt_tokens or 0
        usage.completion_tokens = response.usage.completion_tokens or 0
    if not response.choices:
        return ModelAnswer(usage=usage, model=response.model, error="the model API returned no choices")
    choice = response.choices[0]
    return ModelAnswer(content=choice.message.content, refusal=getattr(choice.message, "refusal", None),
                       finish_reason=choice.finish_reason, usage=usage, model=response.model)


def _read_stream(stream) -> ModelAnswer:
    content: list[str] = []
    refusal: list[str] = []
    finish = None
    model = None
    usage = Usage()
    seen_choice = False
    for chunk in stream:
        model = chunk.model or model
        if getattr(chunk, "usage", None) is not None:
            usage.prompt_tokens = chunk.usage.prompt_tokens or 0
            usage.completion_tokens = chunk.usage.completion_tokens or 0
        for choice in chunk.choices or []:
            seen_choice = True
            delta = choice.delta
            if delta is not None and delta.content:
                content.append(delta.content)
            if delta is not None and getattr(delta, "refusal", None):
                refusal.append(delta.refusal)
            finish = choice.finish_reason or finish
    if not seen_choice:
        return ModelAnswer(usage=usage, model=model, error="the model API returned no choices")
    return ModelAnswer(content="".join(content) if content else None, refusal="".join(refusal) or None,
                       finish_reason=finish, usage=usage, model=model)


@lru_cache(maxsize=8)
def _client(base_url: str | None, api_key: str | None, timeout: float):
    """One client per endpoint and settings in a process (building one loads the CA bundle, ~0.1 s).

    The read timeout is the time to the first token, and between tokens, of a streamed answer.
    Retries are ours (``OpenAIProvider.complete``), so the client makes none.
    """
    import openai

    limits = openai.Timeout(connect=min(timeout, 30.0), read=timeout, write=min(timeout, 60.0), pool=None)
    client = openai.OpenAI(base_url=base_url, api_key=api_key, timeout=limits, max_retries=0)
    client.chat.completions  # noqa: B018 - lazy import of the resource
    from openai.types.chat import ChatCompletion, ChatCompletionChunk  # noqa: F401
    return client


def _transport_errors() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
    """The HTTP library's timeout and transport errors, which a stream raises unwrapped while it is read."""
    import importlib

    for name in ("httpx2", "httpx"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        return (module.TimeoutException,), (module.TransportError,)
    return (), ()


def _api_message(error: Any) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return " ".join(inner["message"].split())[:300]
        if isinstance(inner, str):  # LM Studio: {"error": "..."}
            return " ".join(inner.split())[:300]
        if isinstance(body.get("message"), str):  # vLLM: {"object": "error", "message": ...}
            return " ".join(body["message"].split())[:300]
    return " ".join(str(getattr(error, "message", error)).split())[:300]


def build(config: DraftConfig) -> OpenAIProvider:
    """The openai provider for ``config`` (registered in ``providers.REGISTRY``)."""
    import os

    if not os.environ.get("OPENAI_API_KEY"):
        raise ProviderError("the openai provider needs OPENAI_API_KEY in the environment "
                            "(any value for local servers such as Ollama); or use --provider offline")
    return OpenAIProvider(model=config.model, base_url=config.base_url, timeout=config.timeout,
                          max_retries=config.max_retries, strict=config.strict,
                          temperature=config.temperature, server=config.server, jobs=config.jobs)
