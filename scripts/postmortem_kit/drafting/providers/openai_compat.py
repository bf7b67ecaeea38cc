"""Model providers for `postmortem draft`: the OpenAI chat-completions API and `offline`.

A provider answers one ``SectionRequest`` with one ``ModelAnswer``.  The
``openai`` provider works with OpenAI, Azure OpenAI (its ``/openai/v1/``
endpoint) and OpenAI-compatible servers such as Ollama or vLLM through
``base_url``.  It asks for structured output constrained by the section's
schema (``response_format`` of type ``json_schema``).  Transport problems
(429 with ``retry-after``, 5xx, timeouts) are retried by the openai client
itself (``max_retries``); what is still failing afterwards comes back as
``ModelAnswer.error`` and the section is dropped with that reason.

The ``offline`` provider (``offline_provider.py``) needs no key and makes no
call: it fills the computable facts and marks prose with ``TODO(draft)``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from postmortem_kit.drafting.config import DraftConfig
from postmortem_kit.drafting.providers.base import ModelAnswer, ProviderError, SectionRequest, Usage


class OpenAIProvider:
    name = "openai"
    makes_calls = True

    def __init__(self, *, model: str, base_url: str | None = None, api_key: str | None = None,
                 timeout: float = 60.0, max_retries: int = 2, strict: bool = True,
                 temperature: float | None = None):
        import os

        import openai

        self.model = model
        self.timeout = timeout
        self.max_retries = max_retries
        self.strict = strict
        self.temperature = temperature
        # As the client itself does: arguments first, then OPENAI_BASE_URL / OPENAI_API_KEY.
        base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        api_key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        try:
            self.client = _client(base_url, api_key, float(timeout), int(max_retries))
        except openai.OpenAIError as error:
            raise ProviderError(f"openai provider: {error}") from None
        self.base_url = str(self.client.base_url)
        self._completions = self.client.chat.completions

    def complete(self, request: SectionRequest) -> ModelAnswer:
        import openai

        options: dict[str, Any] = {}
        if self.temperature is not None:
            options["temperature"] = self.temperature
        try:
            response = self._completions.create(
                model=self.model,
                messages=request.messages,  # type: ignore[arg-type]
                response_format={"type": "json_schema", "json_schema": {
                    "name": request.schema_name, "schema": request.schema, "strict": self.strict}},
                max_completion_tokens=request.max_output_tokens,
                **options,
            )
        except openai.APITimeoutError:
            return ModelAnswer(error=f"no answer within the {self.timeout:g} s timeout "
                                     f"({self.max_retries} retr{'y' if self.max_retries == 1 else 'ies'})")
        except openai.RateLimitError as error:
            return ModelAnswer(error=f"rate limited (HTTP 429) after {self.max_retries} retries: "
                                     f"{_api_message(error)}")
        except openai.APIStatusError as error:
            return ModelAnswer(error=f"HTTP {error.status_code} from the model API: {_api_message(error)}")
        except openai.APIConnectionError:
            return ModelAnswer(error=f"cannot connect to the model API at {self.base_url}")
        except openai.OpenAIError as error:
            return ModelAnswer(error=f"model API error: {error}")
        usage = Usage(calls=1)
        if response.usage is not None:
            usage.prompt_tokens = response.usage.prompt_tokens or 0
            usage.completion_tokens = response.usage.completion_tokens or 0
        if not response.choices:
            return ModelAnswer(usage=usage, model=response.model, error="the model API returned no choices")
        choice = response.choices[0]
        message = choice.message
        return ModelAnswer(content=message.content, refusal=getattr(message, "refusal", None),
                           finish_reason=choice.finish_reason, usage=usage, model=response.model)


@lru_cache(maxsize=8)
def _client(base_url: str | None, api_key: str | None, timeout: float, max_retries: int):
    """One client per endpoint and settings in a process (building one loads the CA bundle, ~0.1 s).

    The client is thread-safe; the drafting threads, and every incident a pull-request job drafts,
    share its connection pool.  Its resources and response types are imported here, once, rather
    than by every drafting thread at the same moment.
    """
    import openai

    client = openai.OpenAI(base_url=base_url, api_key=api_key, timeout=timeout, max_retries=max_retries)
    client.chat.completions  # noqa: B018 - lazy import of the resource
    from openai.types.chat import ChatCompletion  # noqa: F401
    return client


def _api_message(error: Any) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return inner["message"][:300]
    return str(getattr(error, "message", error))[:300]


def build(config: DraftConfig) -> OpenAIProvider:
    """The openai provider for ``config`` (registered in ``providers.REGISTRY``)."""
    import os

    if not os.environ.get("OPENAI_API_KEY"):
        raise ProviderError("the openai provider needs OPENAI_API_KEY in the environment "
                            "(any value for local servers such as Ollama); or use --provider offline")
    return OpenAIProvider(model=config.model, base_url=config.base_url, timeout=config.timeout,
                          max_retries=config.max_retries, strict=config.strict,
                          temperature=config.temperature)
