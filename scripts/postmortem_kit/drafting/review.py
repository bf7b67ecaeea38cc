"""The model's second opinion on the blameless check (`postmortem lint --review`, `pr check --review`).

Input: a document's prose fields and the rule findings in them (the
candidates).  The model is asked, per chunk of fields, to ``confirm`` or
``dismiss`` each candidate with a one-line reason, and to point out blame
the rules missed (field id, a quote, a rewrite).  Everything goes through
the drafting machinery, one place for each job:

* the provider (``providers.make_provider``: the openai client, the
  per-server structured-output ladder, adaptive concurrency, retries);
* the redactor (``textsafety.Redactor`` with the configuration's extra
  patterns): every field and candidate is redacted before it is sent;
* the cache (``DraftCache``/``cache_key`` under the draft cache directory):
  the key covers the redacted messages, the schema, the model and the prompt
  version, so an unchanged text costs no request;
* the prompts and the answer schema are data files in ``prompts/``.

The answer is checked item by item against ``prompts/review.schema.json``;
an item that names an unknown candidate or field, repeats one, or quotes text
that is not in its field verbatim is dropped and counted by reason.  Model
text (reasons, rewrites) is redacted and made inert before anyone sees it.
Nothing here raises for a model or network failure: the outcome carries a
one-line note instead.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from string import Template
from typing import Any

from postmortem_kit.core import package_file
from postmortem_kit.drafting.cache import DraftCache, cache_key
from postmortem_kit.drafting.providers import ModelAnswer, Provider, SectionRequest
from postmortem_kit.drafting.token_budget import TokenBudget, estimate_tokens

SECTION = "review"  # the request's name: the json_schema is called postmortem_review
PROMPT_VERSION = "1"  # bump when the meaning of the review prompt changes (the files' hash is added)
CHUNK_CHARS = 8000  # fields per request, by characters of text (one field longer than this is cut)
MAX_OUTPUT_TOKENS = 1500
REASON_CHARS = 300
REWRITE_CHARS = 500
_LENGTH_KEYWORDS = ("minLength", "maxLength", "minItems", "maxItems", "$schema", "$comment")


@dataclass(frozen=True)
class Candidate:
    id: str
    field: str
    quote: str
    explanation: str


@dataclass(frozen=True)
class CandidateVerdict:
    dismissed: bool
    reason: str


@dataclass(frozen=True)
class Missed:
    field: str
    start: int  # offset of the quote in the field's original text
    quote: str
    rewrite: str
    reason: str


@dataclass
class ReviewOutcome:
    verdicts: dict[str, CandidateVerdict] = field(default_factory=dict)
    missed: list[Missed] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)  # reason -> items of the answer not used
    notes: list[tuple[str, str]] = field(default_factory=list)  # (path, problem): why (part of) the review is missing
    skipped: int = 0  # documents not sent because an earlier request failed
    requests: int = 0  # HTTP requests made
    cached: int = 0  # chunks answered from the cache

    def merge(self, other: ReviewOutcome) -> None:
        self.verdicts.update(other.verdicts)
        self.missed.extend(other.missed)
        self.dropped.update(other.dropped)
        self.notes.extend(other.notes)
        self.requests += other.requests
        self.cached += other.cached
        self.skipped += other.skipped


@dataclass(frozen=True)
class ReviewPrompts:
    version: str
    system: str
    user: str
    schema: dict[str, Any]  # for validating the answer (with length bounds)
    wire_schema: dict[str, Any]  # sent to the server (length bounds removed)


@cache
def load_review_prompts() -> ReviewPrompts:
    root = package_file(__package__, "prompts")
    digest = hashlib.sha256(PROMPT_VERSION.encode())
    texts = {}
    for name in ("review-system.md", "review-user.md", "review.schema.json"):
        text = (root / name).read_text(encoding="utf-8")
        digest.update(name.encode() + b"\0" + text.encode())
        texts[name] = text
    schema = json.loads(texts["review.schema.json"])
    return ReviewPrompts(f"review-{PROMPT_VERSION}+{digest.hexdigest()[:12]}", texts["review-system.md"].strip() + "\n",
                         texts["review-user.md"].strip() + "\n", schema, _without_bounds(schema))


def _without_bounds(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {key: _without_bounds(value) for key, value in schema.items() if key not in _LENGTH_KEYWORDS}
    if isinstance(schema, list):
        return [_without_bounds(value) for value in schema]
    return copy.deepcopy(schema)


@cache
def _item_validators():
    from jsonschema import Draft202012Validator

    properties = load_review_prompts().schema["properties"]
    return (Draft202012Validator(properties["candidates"]["items"]), Draft202012Validator(properties["missed"]["items"]))


class Reviewer:
    """Reviews documents with ``provider``; ``redactor`` and ``cache`` as in drafting."""

    def __init__(self, provider: Provider, redactor, cache: DraftCache, *, token_budget: int | None = None,
                 jobs: int = 4):
        from postmortem_kit.textsafety import InertPolicy

        self.provider = provider
        self.redactor = redactor  # what is sent (its counts are "redacted before sending")
        self.shown = type(redactor)(redactor.rules)  # the same rules for what the model answers
        self.cache = cache
        self.prompts = load_review_prompts()
        self.budget = TokenBudget(token_budget)
        self.jobs = max(1, jobs)
        self.reason_policy = InertPolicy.build((), REASON_CHARS)
        self.rewrite_policy = InertPolicy.build((), REWRITE_CHARS)
        self.stopped = False  # a request failed (server down, 4xx/5xx, timeout, budget): ask no more

    def review(self, path: str, fields: list[tuple[str, str]], candidates: list[Candidate]) -> ReviewOutcome:
        """Review one document: ``fields`` are (id, text) pairs, ``candidates`` the rule findings in them."""
        chunks = _chunks(fields, candidates)
        outcome = ReviewOutcome()
        if not chunks:
            return outcome
        if self.stopped:
            outcome.skipped = 1
            return outcome
        with ThreadPoolExecutor(max_workers=min(self.jobs, len(chunks)), thread_name_prefix="review") as pool:
            for part in pool.map(lambda chunk: self._chunk(path, *chunk), chunks):
                outcome.merge(part)
        return outcome

    # -- one request
    def _chunk(self, path: str, fields: list[tuple[str, str]], candidates: list[Candidate]) -> ReviewOutcome:
        outcome = ReviewOutcome()
        redact = self.redactor.redact
        sent_fields = [{"id": field_id, "text": redact(text)} for field_id, text in fields]
        sent_candidates = [{"id": c.id, "field": c.field, "quote": redact(c.quote), "rule": redact(c.explanation)}
                           for c in candidates]
        user = Template(self.prompts.user).safe_substitute(
            fields=json.dumps(sent_fields, ensure_ascii=False, indent=1),
            candidates=json.dumps(sent_candidates, ensure_ascii=False, indent=1))
        messages = [{"role": "system", "content": self.prompts.system}, {"role": "user", "content": user}]
        key = cache_key(section=SECTION, messages=messages, schema=self.prompts.wire_schema,
                        provider=self.provider.name, model=self.provider.model, prompt_version=self.prompts.version)
        cached = self.cache.get(key)
        if cached is not None and isinstance(cached.get("value"), dict):
            outcome.cached += 1
            self._read(cached["value"], dict(fields), candidates, outcome)
            return outcome
        answer = self._call(messages, outcome)
        value = self._parse(answer, path, outcome)
        if value is None:
            return outcome
        self._read(value, dict(fields), candidates, outcome)
        if not outcome.notes:
            self.cache.put(key, {"section": SECTION, "value": value, "model": answer.model,
                                 "prompt_version": self.prompts.version})
        return outcome

    def _call(self, messages: list[dict[str, str]], outcome: ReviewOutcome) -> ModelAnswer:
        request = SectionRequest(SECTION, messages, self.prompts.wire_schema, f"postmortem_{SECTION}", MAX_OUTPUT_TOKENS)
        estimate = estimate_tokens(messages) + MAX_OUTPUT_TOKENS
        reservation = self.budget.reserve(estimate)
        if reservation is None:
            return ModelAnswer(error=f"token budget exhausted ({self.budget.used:,} of {self.budget.limit:,} tokens used)")
        answer = ModelAnswer(error="no answer")
        try:
            answer = self.provider.complete(request)
        except Exception as error:  # noqa: BLE001 - a review never ends lint with a traceback
            answer = ModelAnswer(error=f"the model request failed: {type(error).__name__}: {error}")
        finally:
            self.budget.settle(reservation, answer.usage.total_tokens)
        outcome.requests += answer.usage.calls
        return answer

    def _parse(self, answer: ModelAnswer, path: str, outcome: ReviewOutcome) -> dict[str, Any] | None:
        from postmortem_kit.drafting.validation import _unfence

        problem = None
        value = None
        if answer.error:
            problem = answer.error
            self.stopped = True
        elif answer.refusal:
            problem = f"the model refused: {answer.refusal}"
        elif answer.finish_reason == "length":
            problem = "the answer was cut off at the output-token limit"
        elif answer.finish_reason == "content_filter":
            problem = "the provider's content filter withheld the answer"
        else:
            try:
                value = json.loads(_unfence((answer.content or "").strip()))
            except ValueError:
                problem = "the answer is not JSON"
            else:
                if not isinstance(value, dict) or not isinstance(value.get("candidates", []), list) \
                        or not isinstance(value.get("missed", []), list):
                    problem = "the answer is not a JSON object with `candidates` and `missed` lists"
                    value = None
        if problem is not None:
            outcome.notes.append((path, self._safe(problem, self.reason_policy)))
        return value

    def _safe(self, text: str, policy) -> str:
        from postmortem_kit.textsafety import make_inert

        return " ".join(make_inert(self.shown.redact(" ".join(str(text).split())), policy).split())

    # -- checking the answer
    def _read(self, value: dict[str, Any], fields: dict[str, str], candidates: list[Candidate],
              outcome: ReviewOutcome) -> None:
        candidate_validator, missed_validator = _item_validators()
        known = {c.id: c for c in candidates}
        for item in value.get("candidates") or []:
            if not candidate_validator.is_valid(item):
                outcome.dropped["verdict does not match the schema"] += 1
            elif item["id"] not in known:
                outcome.dropped["verdict for an unknown candidate"] += 1
            elif item["id"] in outcome.verdicts:
                outcome.dropped["second verdict for one candidate"] += 1
            else:
                outcome.verdicts[item["id"]] = CandidateVerdict(item["verdict"] == "dismiss",
                                                                self._safe(item["reason"], self.reason_policy))
        flagged = {(c.field, c.quote.lower()) for c in candidates}
        seen: set[tuple[str, int]] = set()
        for item in value.get("missed") or []:
            if not missed_validator.is_valid(item):
                outcome.dropped["missed item does not match the schema"] += 1
                continue
            text = fields.get(item["field"])
            start = text.find(item["quote"]) if text is not None else -1
            if text is None:
                outcome.dropped["missed item names an unknown field"] += 1
            elif start < 0:
                outcome.dropped["quote not found verbatim in its field"] += 1
            elif not item["quote"].strip() or item["rewrite"].strip() == item["quote"].strip():
                outcome.dropped["rewrite repeats the quote"] += 1
            elif any(field_id == item["field"] and (quote in item["quote"].lower() or item["quote"].lower() in quote)
                     for field_id, quote in flagged):
                outcome.dropped["already flagged by the rules"] += 1
            elif (item["field"], start) in seen:
                outcome.dropped["repeated missed item"] += 1
            else:
                seen.add((item["field"], start))
                outcome.missed.append(Missed(item["field"], start, item["quote"],
                                             self._safe(item["rewrite"], self.rewrite_policy),
                                             self._safe(item["reason"], self.reason_policy)))
        for candidate in candidates:
            if candidate.id not in outcome.verdicts:
                outcome.dropped["candidate without a verdict"] += 1


def _chunks(fields: list[tuple[str, str]], candidates: list[Candidate]):
    """Fields grouped into requests of at most CHUNK_CHARS characters, each with its candidates."""
    by_field: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        by_field.setdefault(candidate.field, []).append(candidate)
    chunks: list[tuple[list[tuple[str, str]], list[Candidate]]] = []
    current: list[tuple[str, str]] = []
    size = 0
    for field_id, text in fields:
        if not text.strip():
            continue
        text = text[:CHUNK_CHARS]
        if current and size + len(text) > CHUNK_CHARS:
            chunks.append((current, [c for f, _ in current for c in by_field.get(f, [])]))
            current, size = [], 0
        current.append((field_id, text))
        size += len(text)
    if current:
        chunks.append((current, [c for f, _ in current for c in by_field.get(f, [])]))
    return chunks
