"""Draft the missing analysis sections of one incident: the library behind `postmortem draft`.

    from postmortem_kit.drafting.engine import draft_incident
    result = draft_incident("postmortems/INC-2026-0003.yaml")          # provider from the environment
    result.yaml_text()             # the drafted sections, ready to append
    result.drafted["root_cause"].yaml_text
    result.dropped                 # [DroppedSection(section, reason, problems)]
    result.provenance, result.usage

For every section that needs a draft (draft_sections), concurrently:
build the prompt from the redacted, truncated inputs and the computed facts
(draft_prompts, incident_facts, redaction, log_truncation); look the exact
request up in the cache; otherwise reserve tokens and call the provider;
read, clean and validate the answer (draft_validation); on a problem send
one repair request with the problems listed; keep the draft or drop it with
the reason.  Nothing is written here: draft_output and the `draft` command do
that.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from postmortem_kit.checks import check_document
from postmortem_kit.core import (
    Finding,
    PostmortemError,
    SourceDocument,
    YamlLoadError,
    brief,
    dotted_path,
    load_yaml_file,
)
from postmortem_kit.drafting.cache import DraftCache, cache_key, default_cache_dir
from postmortem_kit.drafting.config import DraftConfig
from postmortem_kit.drafting.consistency import whole_incident_pass
from postmortem_kit.drafting.context import attributed_moments, evidence_for, known_owners, own_text, prompt_context
from postmortem_kit.drafting.grounding import rule_for, section_grounding
from postmortem_kit.drafting.output import section_yaml
from postmortem_kit.drafting.prompt_files import PromptSet, build_messages, load_prompts, repair_messages
from postmortem_kit.drafting.providers import ModelAnswer, Provider, SectionRequest, Usage, make_provider
from postmortem_kit.drafting.result import DraftResult, DroppedSection, Provenance, SectionDraft
from postmortem_kit.drafting.sections import COMPLETE, SectionState, section_states
from postmortem_kit.drafting.token_budget import TokenBudget, estimate_tokens
from postmortem_kit.drafting.validation import (
    Verdict,
    clean_section,
    conform,
    problems_from,
    read_answer,
    validate_section,
)
from postmortem_kit.incident import analysis_sections, compute_facts, response_schema, schema_id, schema_name
from postmortem_kit.textsafety import InertPolicy, Redactor, hosts_in, make_inert

Progress = Callable[[int, int, int], None]  # (sections done, sections to do, tokens so far)


class DraftInputError(PostmortemError, ValueError):
    """The incident cannot be drafted (unusable file or nothing to draft from): exit 2."""


# --------------------------------------------------------------------------- entry point


def draft_incident(source: str | Path | SourceDocument, provider: Provider | str | None = None, *,
                   config: DraftConfig | None = None, sections: list[str] | None = None,
                   cache: DraftCache | None = None, prompts: PromptSet | None = None,
                   progress: Progress | None = None) -> DraftResult:
    """Draft the sections of ``source`` that need it; see the module doc.

    ``provider`` is a Provider, a name (``"openai"``/``"offline"``) or None
    (``config.provider``, else openai when OPENAI_API_KEY is set, else
    offline).  ``sections`` limits the work to those names.  ``cache`` None
    means the default cache directory (unless ``config.cache`` is False).
    ``progress`` is called after each section with (done, total, tokens).
    Raises DraftInputError for an unusable incident, ProviderError or
    DraftConfigError/RedactionConfigError for unusable settings.
    """
    started = time.monotonic()
    config = config or DraftConfig()
    doc = _load(source)
    data = doc.data
    if isinstance(provider, str):
        config = config.with_overrides(provider=provider)
        provider = None
    provider = provider or make_provider(config)
    prompts = prompts or load_prompts()
    if cache is None:
        directory = None
        if config.cache and provider.makes_calls:
            directory = Path(config.cache_dir) if config.cache_dir else default_cache_dir(
                Path(doc.path) if doc.path not in ("<string>", "-") else None)
        cache = DraftCache(directory)

    states = section_states(doc)
    wanted = set(analysis_sections()) if sections is None else set(sections)
    unknown = wanted - set(analysis_sections())
    if unknown:
        raise DraftInputError(f"unknown section(s): {', '.join(sorted(unknown))} "
                              f"(sections: {', '.join(analysis_sections())})")
    todo = [s for s in states if s.needs_draft_by(provider.makes_calls) and s.name in wanted]

    redactor = Redactor.default(config.redaction_patterns)
    facts = compute_facts(data)
    context = prompt_context(data, states, facts, redactor, config)
    allowed_hosts = set(config.link_allowlist) | hosts_in(redactor.redact(json.dumps(data.get("inputs") or {})))
    policy = InertPolicy.build(allowed_hosts, config.max_field_chars)
    input_hash = hashlib.sha256(json.dumps(context.__dict__, sort_keys=True).encode()).hexdigest()
    provenance = Provenance(provider.name, provider.model, prompts.version, input_hash, schema_id())
    if todo and provider.makes_calls and not _has_evidence(data, states):
        raise DraftInputError(f"{doc.path}: nothing to draft from: fill inputs.incident_data first")

    run = _Run(doc, data, facts, provider, prompts, context, redactor, policy, cache,
               TokenBudget(config.token_budget if provider.makes_calls else None))
    run.evidence = evidence_for(context, facts, known_owners(data, config), attributed_moments(data))
    run.own = own_text(prompts)
    run.progress = progress
    run.total = len(todo)
    stats = getattr(provider, "stats", None)
    before = stats.snapshot() if stats is not None else None
    drafted: dict[str, SectionDraft] = {}
    dropped: list[DroppedSection] = []
    if todo:
        _warm_up(doc)
        # A provider with a pacer limits the requests in flight itself; the threads only wait for it.
        workers = len(todo) if getattr(provider, "pacer", None) is not None else min(config.jobs or 12, len(todo))
        with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="draft") as pool:
            outcomes = list(pool.map(run.draft_section, todo))
        for outcome in outcomes:
            if isinstance(outcome, SectionDraft):
                drafted[outcome.section] = outcome
            else:
                dropped.append(outcome)
        verdicts = whole_incident_pass(data, {name: d.value for name, d in drafted.items()}, path=doc.path,
                                       status="in-review" if provider.makes_calls else "draft")
        # Offline drafts are placeholders by design (TODO(draft)): checked as a draft, where they may stand.
        for name, reason in verdicts.items():
            gone = drafted.pop(name)
            dropped.append(run._dropped(name, reason, [reason], gone.usage))
    order = {name: index for index, name in enumerate(analysis_sections())}
    drafted = dict(sorted(drafted.items(), key=lambda item: order[item[0]]))
    dropped.sort(key=lambda d: order[d.section])
    usage = Usage()
    for outcome in [*drafted.values(), *dropped]:
        usage.add(outcome.usage)
    facts_view = redactor.redact_data(facts.to_dict())
    run_stats = _run_stats(provider, before, started)
    return DraftResult(doc.path, states, drafted, dropped, provenance, usage, facts, dict(redactor.counts),
                       cache_hits=cache.hits, budget=run.budget.limit, facts_view=facts_view, stats=run_stats,
                       redacted_output=dict(run.outbound.counts))


def _run_stats(provider: Provider, before: dict | None, started: float) -> dict[str, Any]:
    """Counters for this run: HTTP requests, retries, fallbacks, tokens, seconds, the format used."""
    out: dict[str, Any] = {"seconds": round(time.monotonic() - started, 2)}
    stats = getattr(provider, "stats", None)
    if stats is not None and before is not None:
        out.update(stats.delta(stats.snapshot(), before))
    capability = getattr(provider, "capability", None)
    if capability is not None:
        from postmortem_kit.drafting.providers.formats import MODE_LABELS

        out["server"] = capability.profile.name
        out["format"] = MODE_LABELS[capability.mode]
        out["learned"] = list(capability.learned)
    pacer = getattr(provider, "pacer", None)
    if pacer is not None:
        out["concurrency"] = {"final": pacer.limit, "peak": pacer.peak, "backoffs": pacer.backoffs}
    return out


def _warm_up(doc: SourceDocument) -> None:
    """Build the once-per-process caches (schema validator, blameless rules, nh3) before the threads start.

    Otherwise every thread builds them at the same time on a cold start, and the
    GIL turns one 0.4 s rule compilation into twelve.
    """
    from postmortem_kit.textsafety import strip_html

    probe = {"id": "INC-0000-0000", "title": "warm-up", "status": "in-review",
             "lesson": {"what_happened": "The pool was exhausted.", "why_it_matters": "x", "what_changed": "y"}}
    check_document(SourceDocument(path=doc.path, text="", data=probe), blameless=True)
    strip_html("<b>warm-up</b>")


def _load(source: str | Path | SourceDocument) -> SourceDocument:
    if isinstance(source, SourceDocument):
        doc = source
    else:
        try:
            doc = load_yaml_file(source)
        except YamlLoadError as error:
            f = error.finding
            raise DraftInputError(brief(f)) from None
    fatal = [f for f in doc.findings if f.severity == "error"]
    if fatal:
        f = fatal[0]
        raise DraftInputError(f"{brief(f)}; fix the file before drafting")
    if not isinstance(doc.data, dict):
        raise DraftInputError(f"{doc.path}:1:1: not an incident (the file must be a mapping with id, title and status)")
    return doc


def _has_evidence(data: dict[str, Any], states: list[SectionState]) -> bool:
    inputs = data.get("inputs")
    if isinstance(inputs, dict) and any(inputs.get(key) for key in ("incident_data", "system_context")):
        return True
    return any(state.state == COMPLETE for state in states)


# --------------------------------------------------------------------------- one section


class _Run:
    def __init__(self, doc, data, facts, provider, prompts, context, redactor, policy, cache, budget):
        self.doc = doc
        self.data = data
        self.facts = facts
        self.provider = provider
        self.prompts = prompts
        self.context = context
        self.redactor = redactor  # everything sent to the model
        self.outbound = Redactor(redactor.rules)  # everything the model sends back: same rules, own counts
        self.policy = policy
        self.cache = cache
        self.budget = budget
        self._lock = threading.Lock()
        self.evidence = None
        self.own = None
        self.progress: Progress | None = None
        self.total = 0
        self.done = 0
        self.tokens = 0
        self.marks: dict[str, list[str]] = {}

    def draft_section(self, state: SectionState) -> SectionDraft | DroppedSection:
        outcome = self._draft_section(state)
        with self._lock:
            self.done += 1
            self.tokens += outcome.usage.total_tokens
            done, tokens = self.done, self.tokens
        if self.progress is not None:
            self.progress(done, self.total, tokens)
        return outcome

    @property
    def strict(self) -> bool:
        return self.provider.makes_calls  # offline placeholders are checked as a draft

    def _draft_section(self, state: SectionState) -> SectionDraft | DroppedSection:
        section = state.name
        schema = response_schema(section, self.facts)
        # The context is redacted field by field and then as a whole (_prompt_context); the rest of the
        # messages is our own prompt files.  Repair messages, which quote model output, are redacted again.
        messages = build_messages(self.prompts, section, self.context)
        key = cache_key(section=section, messages=messages, schema=schema, provider=self.provider.name,
                        model=self.provider.model, prompt_version=self.prompts.version)
        cached = self.cache.get(key)
        if cached is not None:
            verdict = self._accept(section, cached.get("value"), raw=None)
            if verdict.ok:
                with self._lock:
                    self.cache.hits += 1
                return self._draft(state, verdict.value, cached=True, model=cached.get("model"), usage=Usage())

        usage = Usage()
        request = SectionRequest(section, messages, schema, schema_name(section),
                                 self.prompts.sections[section].max_output_tokens, self.data, self.facts)
        answer = self._call(request, usage)
        verdict = self._evaluate(section, answer, schema)
        repaired = False
        if not verdict.ok and verdict.repairable:
            first_problems = verdict.problems
            request.messages = [{"role": m["role"], "content": self.redactor.redact(m["content"])}
                                for m in repair_messages(self.prompts, section, messages,
                                                         answer.content if answer.finish_reason != "length" else None,
                                                         verdict.problems)]
            answer = self._call(request, usage)
            verdict = self._evaluate(section, answer, schema)
            repaired = True
            if not verdict.ok:
                return self._dropped(section, f"still unusable after one repair round: {verdict.problems[0]}"
                                     + (f" (+{len(verdict.problems) - 1} more)" if len(verdict.problems) > 1 else ""),
                                     [*first_problems, *verdict.problems], usage)
        if not verdict.ok:
            return self._dropped(section, verdict.problems[0], verdict.problems, usage)
        if self.provider.makes_calls:
            self.cache.put(key, {"section": section, "value": verdict.value, "model": answer.model,
                                 "prompt_version": self.prompts.version, "usage": usage.to_dict()})
        return self._draft(state, verdict.value, repaired=repaired, model=answer.model, usage=usage)

    def _dropped(self, section: str, reason: str, problems: list[str], usage: Usage) -> DroppedSection:
        """Reasons quote model output (a refusal, a flagged phrase): redacted and inert like a draft."""
        policy = InertPolicy(self.policy.allowed_hosts, 500)

        def safe(text: str) -> str:
            return " ".join(make_inert(self.outbound.redact(text), policy).split())

        return DroppedSection(section, safe(reason), [safe(problem) for problem in problems], usage)

    def _call(self, request: SectionRequest, usage: Usage) -> ModelAnswer:
        if not self.provider.makes_calls:
            return self.provider.complete(request)
        estimate = estimate_tokens(request.messages) + request.max_output_tokens
        reservation = self.budget.reserve(estimate)
        if reservation is None:
            return ModelAnswer(error=f"token budget exhausted ({self.budget.used:,} of {self.budget.limit:,} "
                                     f"tokens used; this request needs up to {estimate:,}); raise --token-budget")
        answer = ModelAnswer(error="no answer")
        try:
            answer = self.provider.complete(request)
        finally:
            self.budget.settle(reservation, answer.usage.total_tokens)
        usage.add(answer.usage)
        return answer

    def _evaluate(self, section: str, answer: ModelAnswer, schema: dict[str, Any]) -> Verdict:
        verdict = read_answer(section, answer)
        if not verdict.ok:
            return verdict
        value = conform(verdict.value, schema["properties"][section])
        return self._accept(section, value, raw=value)

    def _accept(self, section: str, value: Any, raw: Any) -> Verdict:
        if value is None:
            return Verdict(problems=["empty section"])
        cleaned = clean_section(section, value, self.outbound, self.policy)
        # The raw value (for checks that need it unescaped) is the same answer: redacted without counting twice.
        raw_redacted = Redactor(self.redactor.rules).redact_data(raw) if raw is not None else None
        findings: list[Finding] = validate_section(section, cleaned, data=self.data, facts=self.facts,
                                                   path=self.doc.path, strict=self.strict, raw_value=raw_redacted)
        if self.strict and self.evidence is not None:
            problems, marks = section_grounding(section, cleaned, self.evidence, self.own)
            for where, message in problems:
                findings.append(Finding(self.doc.path, 1, 1, rule_for(message), "error", message,
                                        field=dotted_path((section, *where))))
            with self._lock:
                self.marks[section] = [f"{dotted_path((section, *where))}: {message}" for where, message in marks]
        if findings:
            return Verdict(value=cleaned, problems=problems_from(findings), findings=findings)
        return Verdict(value=cleaned)

    def _draft(self, state: SectionState, value: Any, *, cached: bool = False, repaired: bool = False,
               model: str | None = None, usage: Usage | None = None) -> SectionDraft:
        return SectionDraft(state.name, value, section_yaml(state.name, value), state.state, cached=cached,
                            repaired=repaired, model=model, usage=usage or Usage(),
                            unverified=list(self.marks.get(state.name, [])))
